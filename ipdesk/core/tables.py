import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Job


class JobTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url() if hasattr(record, "get_absolute_url") else None)
    percent = tables.TemplateColumn("{% include 'core/_progress.html' with job=record %}", verbose_name=_("进度"),
                                    orderable=False)

    class Meta:
        model = Job
        fields = ("id", "kind", "title", "status", "percent", "message", "created_by", "created_at", "finished_at")


class AuditTable(tables.Table):
    class Meta:
        model = AuditEntry
        fields = ("id", "timestamp", "username", "action", "object_type", "object_id", "object_repr", "ip", "request_id")
