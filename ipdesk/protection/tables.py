import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ipdesk.core.columns import BaseTable

from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, DocumentTemplate, ServiceStation,
                     StationService, TimeLimitRule)


class AssistanceCaseTable(BaseTable):
    number = tables.Column(linkify=True)

    class Meta:
        model = AssistanceCase
        fields = ("number", "title", "source", "right_type", "is_overseas", "enterprise", "region", "handler",
                  "status", "received_on", "closed_on")


class AdjudicationCaseTable(BaseTable):
    number = tables.Column(linkify=True)
    closure = tables.Column(verbose_name=_("结案期限"), empty_values=(), orderable=False)

    class Meta:
        model = AdjudicationCase
        fields = ("number", "title", "requester_name", "respondent_name", "patent_no", "region", "status",
                  "received_on", "filed_on", "closure", "concluded_on")

    def render_closure(self, record):
        """The closure limit's due date and state (按期 / 即将到期 / 超期), from the office's rules."""
        from django.utils.html import format_html

        from .limits import case_limits
        from .models import CalendarDay, TimeLimitRule
        if not hasattr(self, "_limit_inputs"):
            self._limit_inputs = (CalendarDay.work_calendar(),
                                  list(TimeLimitRule.objects.filter(code="closure", is_active=True)))
        calendar, rule_rows = self._limit_inputs
        found = case_limits(record, calendar=calendar, rule_rows=rule_rows)
        if not found:
            return "—"
        limit = found[0]
        due = f"{limit.due:%Y-%m-%d}" if limit.due else _("中止计算")
        return format_html('{} <span class="badge text-bg-{}">{}</span>', due, limit.css, limit.label)


class CooperationCaseTable(BaseTable):
    number = tables.Column(linkify=True)

    class Meta:
        model = CooperationCase
        fields = ("number", "kind", "title", "receiving_body", "region", "status", "received_on", "replied_on", "result")


class ServiceStationTable(BaseTable):
    name = tables.Column(linkify=True)
    contact_phone = tables.Column(verbose_name=_("联系电话"))

    class Meta:
        model = ServiceStation
        fields = ("kind", "name", "host", "region", "address", "contact_name", "contact_phone", "is_active")

    def render_contact_phone(self, value):
        from ipdesk.core.exports import mask_phone
        return mask_phone(value)


class StationServiceTable(BaseTable):
    date = tables.Column(linkify=True)

    class Meta:
        model = StationService
        fields = ("date", "station", "kind", "enterprise", "people", "description")


class CalendarDayTable(BaseTable):
    date = tables.Column(linkify=True)

    class Meta:
        model = CalendarDay
        fields = ("date", "kind", "name")


class TimeLimitRuleTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = TimeLimitRule
        fields = ("code", "name", "start_event", "amount", "unit", "max_extension", "excludes_suspensions",
                  "warn_days", "is_active", "legal_basis", "basis_verified")

    def render_start_event(self, value):
        """The timeline event by its name (已立案), not its code (filed)."""
        from .choices import AdjudicationStatus, EventKind
        return dict(EventKind.choices).get(value) or dict(AdjudicationStatus.choices).get(value, value)


class DocumentTemplateTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = DocumentTemplate
        fields = ("kind", "name", "is_active", "note", "updated_at")
