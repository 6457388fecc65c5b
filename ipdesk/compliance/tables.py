import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ipdesk.core.columns import BaseTable
from ipdesk.core.exports import mask_phone

from .models import (AbnormalApplication, AbnormalBatch, Agency, Agent, Complaint, CreditGradeRule, Inspection,
                     Penalty)


class AgencyTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = Agency
        fields = ("name", "uscc", "licence_no", "region", "credit_score", "credit_grade", "is_active")


class AgentTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = Agent
        fields = ("name", "agency", "certificate_no", "phone", "is_active")

    def render_phone(self, value):
        """Officers supervise the agencies and call their attorneys; every other role sees the number masked
        (as a contact's phone: registry.views.reveals_personal_data)."""
        from ipdesk.registry.views import reveals_personal_data
        request = getattr(self, "request", None)
        return value if reveals_personal_data(getattr(request, "user", None)) else mask_phone(value)


class InspectionTable(BaseTable):
    date = tables.Column(linkify=True)

    class Meta:
        model = Inspection
        fields = ("date", "agency", "standard", "result", "rectification_due")


class ComplaintTable(BaseTable):
    received = tables.Column(linkify=True)

    class Meta:
        model = Complaint
        fields = ("received", "agency", "complainant", "status")


class PenaltyTable(BaseTable):
    date = tables.Column(linkify=True)

    class Meta:
        model = Penalty
        fields = ("date", "agency", "kind", "decision_no", "amount")


class CreditGradeRuleTable(BaseTable):
    kind = tables.Column(linkify=True)

    class Meta:
        model = CreditGradeRule
        fields = ("kind", "event", "points", "grade", "min_score", "window_years", "is_active")


class AbnormalBatchTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = AbnormalBatch
        fields = ("name", "source", "received", "default_region")


class AbnormalApplicationTable(BaseTable):
    application_no = tables.Column(linkify=True)

    class Meta:
        model = AbnormalApplication
        fields = ("application_no", "applicant", "region", "agency", "behaviour", "notice_date", "deadline", "status",
                  "batch")
