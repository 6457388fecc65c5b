"""FilterSets: each serves both the list page and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet
from ipdesk.regions.filters import RegionChoiceFilter

from .choices import InsuranceType, PledgeStatus, ProjectKind, SubsidyStatus
from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, MatchmakingEvent,
                     PatentAward, Pledge, Standard, SubsidyRule, TrainingClass)


class _RegionMixin(FilterSet):
    """`region`: the rows whose region (at `region_path`) is the one chosen or under it."""
    region = RegionChoiceFilter(method="in_region")
    region_path = None  # lookup path to the region

    def in_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.region_path}__path__startswith": value.path})


class PledgeFilter(_RegionMixin):
    region_path = "pledgor__region"
    q = django_filters.CharFilter(method="search", label=_("登记号/出质人/申请号"))
    year = django_filters.NumberFilter(field_name="registration_date__year", label=_("登记年度"))
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices, label=_("状态"))

    class Meta:
        model = Pledge
        fields = ["q", "year", "status", "region", "pledgee"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(registration_no__icontains=value) | Q(pledgor__name__contains=value)
                               | Q(patents__application_no__startswith=value)).distinct()


class MatchmakingEventFilter(_RegionMixin):
    region_path = "region"
    year = django_filters.NumberFilter(field_name="date__year", label=_("年度"))

    class Meta:
        model = MatchmakingEvent
        fields = ["year", "region"]


class SubsidyRuleFilter(FilterSet):
    class Meta:
        model = SubsidyRule
        fields = ["year"]


class InsuranceSubsidyRuleFilter(FilterSet):
    class Meta:
        model = InsuranceSubsidyRule
        fields = ["year", "insurance_type"]


class InterestSubsidyApplicationFilter(_RegionMixin):
    region_path = "enterprise__region"
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="contains", label=_("企业"))
    status = django_filters.ChoiceFilter(choices=SubsidyStatus.choices, label=_("状态"))

    class Meta:
        model = InterestSubsidyApplication
        fields = ["q", "year", "status", "region"]


class InsurancePolicyFilter(_RegionMixin):
    region_path = "enterprise__region"
    q = django_filters.CharFilter(method="search", label=_("保单号/企业"))
    year = django_filters.NumberFilter(field_name="start_date__year", label=_("起保年度"))
    insurance_type = django_filters.ChoiceFilter(choices=InsuranceType.choices, label=_("险种"))

    class Meta:
        model = InsurancePolicy
        fields = ["q", "year", "insurance_type", "insurer", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(policy_no__icontains=value) | Q(enterprise__name__contains=value))


class FundedProjectFilter(_RegionMixin):
    region_path = "region"
    q = django_filters.CharFilter(method="search", label=_("项目/承担单位"))
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label=_("项目类别"))

    class Meta:
        model = FundedProject
        fields = ["q", "kind", "level", "year", "status", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(recipient_name__contains=value))


class StandardFilter(_RegionMixin):
    region_path = "region"

    class Meta:
        model = Standard
        fields = ["kind", "gi_product", "region"]


class PatentAwardFilter(_RegionMixin):
    region_path = "region"

    class Meta:
        model = PatentAward
        fields = ["kind", "grade", "year", "region"]


class TrainingClassFilter(_RegionMixin):
    region_path = "region"
    year = django_filters.NumberFilter(field_name="start_date__year", label=_("年度"))

    class Meta:
        model = TrainingClass
        fields = ["year", "region"]
