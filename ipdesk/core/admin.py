"""The Django admin (/sysadmin/) for superusers, behind the second factor; the audit log is read-only there."""
from django.contrib import admin
from django_otp.admin import OTPAdminSite

from .models import AuditEntry, Job

admin.site.__class__ = OTPAdminSite
admin.site.site_header = "ipdesk 系统管理"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "timestamp", "username", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "title", "status", "progress", "total", "created_at")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
