import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.registry.filters import EnterpriseChoiceFilter

from .choices import OPEN_STATUSES, ProblemCategory, ProblemStatus, RequestStatus
from .models import CommissionerAssignment, ProblemLog, ServiceRequest, ServiceType


class ServiceRequestFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("企业或标题"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("状态"))
    service_type = django_filters.ModelChoiceFilter(queryset=ServiceType.objects.all(), label=_("服务事项"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超期"))
    submitted_from = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte", label=_("提出日期起"))
    submitted_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte", label=_("提出日期止"))
    enterprise = EnterpriseChoiceFilter()

    class Meta:
        model = ServiceRequest
        fields = ["q", "status", "service_type", "overdue", "submitted_from", "submitted_to", "enterprise"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(enterprise__name__contains=value) | Q(title__contains=value))

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class ServiceTypeFilter(FilterSet):
    class Meta:
        model = ServiceType
        fields = ["day_unit", "is_active"]


class CommissionerAssignmentFilter(FilterSet):
    enterprise = EnterpriseChoiceFilter()
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="contains", label=_("企业名称"))
    current = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label=_("当前有效"))

    class Meta:
        model = CommissionerAssignment
        fields = ["enterprise", "q", "current"]


class ProblemLogFilter(FilterSet):
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="contains", label=_("企业名称"))
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices, label=_("问题类别"))
    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices, label=_("状态"))
    raised_from = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=_("提出日期起"))
    raised_to = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=_("提出日期止"))
    enterprise = EnterpriseChoiceFilter()

    class Meta:
        model = ProblemLog
        fields = ["q", "category", "status", "raised_from", "raised_to", "enterprise"]
