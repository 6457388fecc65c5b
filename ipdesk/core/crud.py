"""Wire the standard pages of a model in one call: list, add, detail, edit, delete (+ export).

    urlpatterns += crud_urls(Population, table=PopulationTable, filterset=PopulationFilter,
                             form=PopulationForm, export_columns=[...])

gives URL names `<app>:<model>_list|_add|_detail|_edit|_delete`, all scoped by core.views.
Modules with richer pages subclass the views instead and register their own URLs.
"""
from django.urls import path

from .views import ObjectCreateView, ObjectDeleteView, ObjectDetailView, ObjectListView, ObjectUpdateView


def crud_urls(model, *, table, filterset, form=None, export_columns=None, detail_fields=None, roles=None,
              list_view=None, detail_view=None, deletable=True, prefix=None):
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
        if deletable:
            patterns.append(path(f"{prefix}<int:pk>/delete/", type(f"{model.__name__}DeleteView", (ObjectDeleteView,),
                                                                   attrs).as_view(), name=f"{name}_delete"))
    return patterns
