import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ipdesk.core import bulk
from ipdesk.core.columns import BaseTable

from .models import CommissionerAssignment, ProblemLog, ServiceRequest, ServiceType


class ServiceRequestTable(BaseTable):
    number = tables.Column(verbose_name=_("编号"), linkify=lambda record: record.get_absolute_url(),
                           order_by=("submitted_at", "id"), accessor="pk")
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    due_date = tables.Column()
    overdue = tables.Column(verbose_name=_("时限"), empty_values=(), orderable=False)

    class Meta:
        model = ServiceRequest
        fields = ("number", "enterprise", "service_type", "title", "status", "submitted_at", "due_date",
                  "overdue", "handling_days", "rating")
        attrs = {"class": "table table-sm table-hover", "data-testid": "request-table"}

    def render_number(self, record):
        return record.number

    def render_overdue(self, record):
        if record.is_overdue():
            return format_html('<span class="badge text-bg-danger">{}</span>', _("已超期"))
        if record.is_open:
            return format_html('<span class="badge text-bg-success">{}</span>', _("时限内"))
        return "—"


class ServiceTypeTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = ServiceType
        fields = ("code", "name", "promised_days", "former_days", "day_unit", "is_active")
        attrs = {"class": "table table-sm table-hover"}


class CommissionerAssignmentTable(BaseTable):
    class Meta:
        model = CommissionerAssignment
        fields = ("enterprise", "commissioner", "previous", "started_at", "ended_at", "assigned_by", "reason")
        attrs = {"class": "table table-sm table-hover"}


class ProblemLogTable(BaseTable):
    enterprise = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = ProblemLog
        fields = ("enterprise", "category", "description", "raised_on", "status", "solved_on", "resolution")
        attrs = {"class": "table table-sm table-hover"}


# Batch actions of the request list (core.bulk): 受理 / 办理 for the ticked requests, each through its workflow step.
bulk.register_transitions(ServiceRequest, "accept", "process")
