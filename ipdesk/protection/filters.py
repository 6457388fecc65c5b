"""FilterSets: one serves the list page and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.core.forms import AutocompleteSelect
from ipdesk.regions.filters import RegionChoiceFilter

from .choices import (AdjudicationStatus, AssistanceSource, AssistanceStatus, CooperationKind, CooperationStatus,
                      RightType, StationKind, StationServiceKind)
from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, DocumentTemplate, ServiceStation,
                     StationService, TimeLimitRule)


class _CaseFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("编号或案由"))
    region = RegionChoiceFilter()
    since = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("截止日期"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


def assignable_people(request):
    """承办人 to filter by: the people the officer may name as a handler (actions.nameable_people, the same
    as the people autocomplete answers); nobody for a role that assigns no one."""
    from ipdesk.accounts.models import User
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_officer", False):
        return User.objects.none()
    from .actions import nameable_people
    return nameable_people(user, "user").order_by("display_name", "username", "pk")


class AssistanceCaseFilter(_CaseFilter):
    status = django_filters.ChoiceFilter(choices=AssistanceStatus.choices, label=_("状态"))
    source = django_filters.ChoiceFilter(choices=AssistanceSource.choices, label=_("来源"))
    right_type = django_filters.ChoiceFilter(choices=RightType.choices, label=_("权利类型"))
    handler = django_filters.ModelChoiceFilter(queryset=assignable_people, widget=AutocompleteSelect("people"),
                                               label=_("承办人"))

    class Meta:
        model = AssistanceCase
        fields = ["q", "status", "source", "right_type", "is_overseas", "region", "handler", "since", "until"]


class AdjudicationCaseFilter(_CaseFilter):
    status = django_filters.ChoiceFilter(choices=AdjudicationStatus.choices, label=_("状态"))
    q = django_filters.CharFilter(method="search_adj", label=_("案号、案由或当事人"))

    class Meta:
        model = AdjudicationCase
        fields = ["q", "status", "region", "since", "until"]

    def search_adj(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) |
                               Q(requester_name__icontains=value) | Q(respondent_name__icontains=value) |
                               Q(patent_no__icontains=value))


class CooperationCaseFilter(_CaseFilter):
    kind = django_filters.ChoiceFilter(choices=CooperationKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=CooperationStatus.choices, label=_("状态"))

    class Meta:
        model = CooperationCase
        fields = ["q", "kind", "status", "region", "since", "until"]


class ServiceStationFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或依托单位"))
    kind = django_filters.ChoiceFilter(choices=StationKind.choices, label=_("类型"))
    region = RegionChoiceFilter()

    class Meta:
        model = ServiceStation
        fields = ["q", "kind", "region", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(host__icontains=value))


class StationServiceFilter(FilterSet):
    station = django_filters.ModelChoiceFilter(queryset=ServiceStation.objects.order_by("name"), label=_("服务网点"))
    kind = django_filters.ChoiceFilter(choices=StationServiceKind.choices, label=_("服务类型"))
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))

    class Meta:
        model = StationService
        fields = ["station", "kind", "since"]


class CalendarDayFilter(FilterSet):
    year = django_filters.NumberFilter(field_name="date__year", label=_("年份"))

    class Meta:
        model = CalendarDay
        fields = ["year", "kind"]


class TimeLimitRuleFilter(FilterSet):
    class Meta:
        model = TimeLimitRule
        fields = ["unit", "is_active"]


class DocumentTemplateFilter(FilterSet):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "is_active"]
