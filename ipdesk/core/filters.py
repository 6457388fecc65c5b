import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEntry, Job, JobStatus


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("状态"))
    kind = django_filters.CharFilter(label=_("任务类型"))

    class Meta:
        model = Job
        fields = ["status", "kind"]


class AuditFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(lookup_expr="icontains", label=_("用户"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("操作"))
    object_type = django_filters.CharFilter(label=_("对象类型"))
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
