import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ipdesk.core import bulk
from ipdesk.core.columns import BaseTable

from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, MatchmakingEvent,
                     PatentAward, Pledge, Standard, SubsidyRule, TrainingClass)


class PledgeTable(BaseTable):
    registration_no = tables.Column(linkify=True)
    patent_count = tables.Column(_("专利数"), accessor="patent_count")  # annotated by the list view

    class Meta:
        model = Pledge
        fields = ("registration_no", "pledgor", "pledgee", "amount_10k_yuan", "registration_date", "end_date", "status")
        sequence = ("registration_no", "pledgor", "pledgee", "patent_count", "...")


class MatchmakingEventTable(BaseTable):
    title = tables.Column(linkify=True)

    class Meta:
        model = MatchmakingEvent
        fields = ("title", "date", "region", "location", "attendee_count", "intended_amount_10k_yuan")


class SubsidyRuleTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = SubsidyRule
        fields = ("year", "name", "interest_share", "cap_per_enterprise_yuan", "requires_pledge", "requires_insurance",
                  "min_loan_10k_yuan")


class InsuranceSubsidyRuleTable(BaseTable):
    insurance_type = tables.Column(linkify=True)

    class Meta:
        model = InsuranceSubsidyRule
        fields = ("year", "insurance_type", "premium_share", "cap_per_enterprise_yuan", "basis")


class InterestSubsidyApplicationTable(BaseTable):
    enterprise = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = InterestSubsidyApplication
        fields = ("enterprise", "year", "bank", "loan_amount_10k_yuan", "interest_paid_yuan", "subsidy_yuan", "status")


class InsurancePolicyTable(BaseTable):
    policy_no = tables.Column(linkify=True)

    class Meta:
        model = InsurancePolicy
        fields = ("policy_no", "insurer", "enterprise", "insurance_type", "premium_yuan", "cover_yuan", "start_date",
                  "end_date", "subsidy_yuan")


class FundedProjectTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = FundedProject
        fields = ("name", "kind", "level", "recipient_name", "region", "year", "amount_10k_yuan", "status")


class StandardTable(BaseTable):
    code = tables.Column(linkify=True)

    class Meta:
        model = Standard
        fields = ("code", "name", "kind", "region", "gi_product", "pilot", "issued_on")


class PatentAwardTable(BaseTable):
    # named explicitly: a table whose data is not a queryset (no model to read) would head it "Enterprise name"
    enterprise_name = tables.Column(verbose_name=_("获奖单位"), linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = PatentAward
        fields = ("year", "kind", "grade", "enterprise_name", "patent_title", "region")


class TrainingClassTable(BaseTable):
    title = tables.Column(linkify=True)

    class Meta:
        model = TrainingClass
        fields = ("title", "start_date", "end_date", "region", "organiser", "attendee_count")


# Batch action of the subsidy list (core.bulk): 审核通过 for the ticked applications, each through the
# workflow's step (officer, state, an amount above 0.00 元).
bulk.register_transitions(InterestSubsidyApplication, "approve")
