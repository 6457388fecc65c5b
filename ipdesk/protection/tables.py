import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, DocumentTemplate, ServiceStation,
                     StationService, TimeLimitRule)


class AssistanceCaseTable(tables.Table):
    number = tables.Column(linkify=True)

    class Meta:
        model = AssistanceCase
        fields = ("number", "title", "source", "right_type", "is_overseas", "enterprise", "region", "handler",
                  "status", "received_on", "closed_on")


class AdjudicationCaseTable(tables.Table):
    number = tables.Column(linkify=True)

    class Meta:
        model = AdjudicationCase
        fields = ("number", "title", "requester_name", "respondent_name", "patent_no", "region", "status",
                  "received_on", "filed_on", "concluded_on")


class CooperationCaseTable(tables.Table):
    number = tables.Column(linkify=True)

    class Meta:
        model = CooperationCase
        fields = ("number", "kind", "title", "receiving_body", "region", "status", "received_on", "replied_on", "result")


class ServiceStationTable(tables.Table):
    name = tables.Column(linkify=True)
    contact_phone = tables.Column(verbose_name=_("联系电话"))

    class Meta:
        model = ServiceStation
        fields = ("kind", "name", "host", "region", "address", "contact_name", "contact_phone", "is_active")

    def render_contact_phone(self, value):
        from ipdesk.core.exports import mask_phone
        return mask_phone(value)


class StationServiceTable(tables.Table):
    date = tables.Column(linkify=True)

    class Meta:
        model = StationService
        fields = ("date", "station", "kind", "enterprise", "people", "description")


class CalendarDayTable(tables.Table):
    date = tables.Column(linkify=True)

    class Meta:
        model = CalendarDay
        fields = ("date", "kind", "name")


class TimeLimitRuleTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = TimeLimitRule
        fields = ("code", "name", "start_event", "amount", "unit", "max_extension", "excludes_suspensions",
                  "warn_days", "is_active", "legal_basis")


class DocumentTemplateTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = DocumentTemplate
        fields = ("kind", "name", "is_active", "note", "updated_at")
