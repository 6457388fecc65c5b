"""The filter forms of the list pages (and the API's query parameters): one base FilterSet every app's
filters derive from, so each list gets the same widgets and the same scope without repeating them.

- every date filter is a date picker (core.forms.DateInput, `type="date"` with an ISO value);
- every filter that chooses a record (a ModelChoiceFilter) offers only the records the user may see
  (scoping.choosable), by name: nobody types a region code or an enterprise's internal id, and nobody
  learns another district's names from a filter's list;
- enterprises and people, of which there are hundreds, are searchable selects that load their options
  from core.autocomplete as the user types (core.forms.AutocompleteSelect); other record choices are
  searchable when they are many (core.forms.make_searchable).
"""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from .models import AuditAction, AuditEntry, Job, JobStatus


ALL = _("全部")
EMPTY_CHOICE_LABEL = filter_settings.EMPTY_CHOICE_LABEL


class FilterSet(django_filters.FilterSet):
    """The base of every list page's FilterSet (see the module docstring)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        from .forms import DateInput
        from .scoping import choosable
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            rebuilt = False
            if issubclass(filter_.field_class, forms.DateField) and "widget" not in filter_.extra:
                filter_.extra["widget"] = DateInput()
                rebuilt = True
            if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)) \
                    and filter_.extra.get("empty_label", EMPTY_CHOICE_LABEL) == EMPTY_CHOICE_LABEL:
                filter_.extra["empty_label"] = ALL   # not django-filter's "---------"
                rebuilt = True
            if isinstance(filter_, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)) \
                    and user is not None:
                queryset_ = filter_.get_queryset(request)
                # a queryset computed from the request is the filter's own scope (e.g. assignable people)
                if queryset_ is not None and not callable(filter_.queryset):
                    filter_.queryset = choosable(queryset_, user)
                    rebuilt = True
            if rebuilt:
                filter_.__dict__.pop("_field", None)   # a field built before (the class's) is built again

    @property
    def form(self):
        if not hasattr(self, "_form"):
            from .forms import make_searchable
            form = super().form
            for field in form.fields.values():
                make_searchable(field)
        return self._form


def object_type_choices():
    """The audit log's object types by the model's name (企业, 专利…), not by "registry.enterprise"."""
    from django.apps import apps

    from .audit import object_type
    return sorted(((object_type(m), str(m._meta.verbose_name)) for m in apps.get_models()
                   if m.__module__.startswith("ipdesk.")), key=lambda c: c[1])


def job_kind_choices():
    """The kinds of background job by name (数据导入), not by code (import)."""
    from .jobs import _HANDLERS
    from .templatetags.labels import job_kind
    return sorted(((kind, job_kind(kind)) for kind in _HANDLERS), key=lambda c: (str(c[1]), c[0]))


class JobFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=lambda: job_kind_choices(), label=_("任务类型"))

    class Meta:
        model = Job
        fields = ["status", "kind"]


class AuditFilter(FilterSet):
    username = django_filters.CharFilter(lookup_expr="icontains", label=_("用户"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("操作"))
    object_type = django_filters.ChoiceFilter(choices=lambda: object_type_choices(), label=_("对象类型"))
    object_id = django_filters.CharFilter(label=_("对象ID"))
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("起始日期"))

    class Meta:
        model = AuditEntry
        fields = ["username", "action", "object_type", "object_id", "since"]


def keep_filter_labels():
    """A list page's filter form always shows its labels (issue 19 item 5).

    django-filter builds a filter's form field once and caches it on the filter (`Filter.field`), with the
    label it computes from the model field's verbose name — which it can only do once the filter knows its
    model, i.e. on the copy a FilterSet instance makes of `base_filters`. drf-spectacular's schema reads
    `base_filters[...].field` on the class, before that: the field is built with label None and cached, every
    later FilterSet copies it, and Django shows a label-less field by its name ("day_unit" → "Day unit") in
    every language. After each FilterSet is set up, a field built that way is dropped and rebuilt with its
    label. Called once by CoreConfig.ready()."""
    import django_filters
    init = django_filters.FilterSet.__init__
    if getattr(init, "keeps_labels", False):
        return

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        for filter_ in self.filters.values():
            field = filter_.__dict__.get("_field")
            if field is not None and field.label is None and filter_.label is not None:
                del filter_.__dict__["_field"]

    __init__.keeps_labels = True
    django_filters.FilterSet.__init__ = __init__
