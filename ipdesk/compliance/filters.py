import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.regions.filters import RegionChoiceFilter

from .choices import (ApplicationStatus, Behaviour, CandidateKind, CandidateStatus, ComplaintStatus, InspectionResult,
                      PenaltyKind)
from .models import (AbnormalApplication, AbnormalBatch, Agency, Agent, Candidate, Complaint, CreditGradeRule,
                     Inspection, Penalty)


class AgencyFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    region = RegionChoiceFilter(subtree=False)

    class Meta:
        model = Agency
        fields = ["q", "region", "credit_grade", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(uscc__startswith=value.upper()))


class AgentFilter(FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains", label=_("姓名"))

    class Meta:
        model = Agent
        fields = ["agency", "name", "is_active"]


class InspectionFilter(FilterSet):
    result = django_filters.ChoiceFilter(choices=InspectionResult.choices, label=_("检查结论"))

    class Meta:
        model = Inspection
        fields = ["agency", "result"]


class ComplaintFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("处理结果"))

    class Meta:
        model = Complaint
        fields = ["agency", "status"]


class PenaltyFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=PenaltyKind.choices, label=_("处罚种类"))

    class Meta:
        model = Penalty
        fields = ["agency", "kind"]


class CreditGradeRuleFilter(FilterSet):
    class Meta:
        model = CreditGradeRule
        fields = ["kind", "is_active"]


class AbnormalBatchFilter(FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains", label=_("批次名称"))

    class Meta:
        model = AbnormalBatch
        fields = ["name", "source"]


class AbnormalApplicationFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("申请号或申请人"))
    region = RegionChoiceFilter(subtree=False)
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("状态"))
    behaviour = django_filters.ChoiceFilter(choices=Behaviour.choices, label=_("行为类型"))

    class Meta:
        model = AbnormalApplication
        fields = ["q", "batch", "region", "agency", "status", "behaviour"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(application_no__contains=value) | Q(applicant__contains=value))


class CandidateFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=CandidateKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=CandidateStatus.choices, label=_("状态"))

    class Meta:
        model = Candidate
        fields = ["run", "kind", "status"]
