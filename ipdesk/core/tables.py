import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .columns import BaseTable
from .models import AuditEntry, Job


class JobTable(BaseTable):
    title = tables.Column(linkify=lambda record: record.get_absolute_url() if hasattr(record, "get_absolute_url") else None)
    percent = tables.TemplateColumn("{% include 'core/_progress.html' with job=record %}", verbose_name=_("进度"),
                                    orderable=False)

    class Meta:
        model = Job
        fields = ("id", "kind", "title", "status", "percent", "message", "created_by", "created_at", "finished_at")

    def render_kind(self, value):
        """The job's kind by its name (数据导入), not its code (import)."""
        from .templatetags.labels import job_kind
        return job_kind(value)


class AuditTable(BaseTable):
    class Meta:
        model = AuditEntry
        fields = ("id", "timestamp", "username", "action", "object_type", "object_id", "object_repr", "ip", "request_id")

    def render_object_type(self, value):
        """The record type by its name (专利), not its code (registry.patent)."""
        from .templatetags.history import object_type_label
        return object_type_label(value)
