"""Wire the standard pages of a model in one call: list, add, detail, edit, void/restore (+ export).

    urlpatterns += crud_urls(Population, table=PopulationTable, filterset=PopulationFilter,
                             form=PopulationForm, export_columns=[...])

gives URL names `<app>:<model>_list|_add|_detail|_edit`, and for a model that can be voided
(core.models.VoidableModel) `_void|_restore`, all scoped by core.views. Nothing is deleted: the hard
delete these views once wired (and no page linked to) is gone; a record entered by hand is voided with a
reason (core.voiding). `deletable` is still accepted from the callers of that time and means nothing now:
a voidable model gets its void pages (soft and reversible) whatever it says; `voidable=False` turns them off.
Modules with richer pages subclass the views instead and register their own URLs, and add the void pages
of such a model with `void_urls(Model, prefix)`.
"""
from django.urls import path

from .views import (ObjectCreateView, ObjectDetailView, ObjectListView, ObjectRestoreView, ObjectUpdateView,
                    ObjectVoidView)
from .voiding import is_voidable


def void_urls(model, prefix=None, roles=None):
    """`<prefix><pk>/void/` (作废, with a reason) and `<prefix><pk>/restore/` (撤销作废) of a voidable model."""
    if not is_voidable(model):
        return []
    name = model._meta.model_name
    prefix = prefix if prefix is not None else f"{name}s/"
    attrs = {"model": model, "roles": roles}
    return [
        path(f"{prefix}<int:pk>/void/", type(f"{model.__name__}VoidView", (ObjectVoidView,), attrs).as_view(),
             name=f"{name}_void"),
        path(f"{prefix}<int:pk>/restore/", type(f"{model.__name__}RestoreView", (ObjectRestoreView,), attrs).as_view(),
             name=f"{name}_restore"),
    ]


def crud_urls(model, *, table, filterset, form=None, export_columns=None, detail_fields=None, roles=None,
              list_view=None, detail_view=None, deletable=True, prefix=None, voidable=True):
    name = model._meta.model_name
    prefix = prefix if prefix is not None else f"{name}s/"
    attrs = {"model": model, "roles": roles}
    list_cls = list_view or type(f"{model.__name__}ListView", (ObjectListView,), {
        **attrs, "table_class": table, "filterset_class": filterset, "export_columns": export_columns,
        "create_url": f"{model._meta.app_label}:{name}_add" if form else None})
    detail_cls = detail_view or type(f"{model.__name__}DetailView", (ObjectDetailView,),
                                     {**attrs, "detail_fields": detail_fields})
    patterns = [
        path(prefix, list_cls.as_view(), name=f"{name}_list"),
        path(f"{prefix}<int:pk>/", detail_cls.as_view(), name=f"{name}_detail"),
    ]
    if form is not None:
        patterns += [
            path(f"{prefix}add/", type(f"{model.__name__}CreateView", (ObjectCreateView,),
                                      {**attrs, "form_class": form}).as_view(), name=f"{name}_add"),
            path(f"{prefix}<int:pk>/edit/", type(f"{model.__name__}UpdateView", (ObjectUpdateView,),
                                                {**attrs, "form_class": form}).as_view(), name=f"{name}_edit"),
        ]
    if voidable:
        patterns += void_urls(model, prefix, roles)
    return patterns
