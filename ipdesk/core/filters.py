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
