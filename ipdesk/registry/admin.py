"""The registry's reference data in the Django admin (/sysadmin/): the strategic emerging industries table."""
from django.contrib import admin

from .models import SeiRule


@admin.register(SeiRule)
class SeiRuleAdmin(admin.ModelAdmin):
    list_display = ("branch_no", "branch_name", "rule_no", "ipc_only", "active", "source_page")
    list_filter = ("top_category", "ipc_only", "active")
    search_fields = ("branch_no", "branch_name", "ipc_patterns", "keywords")
    readonly_fields = ("ipc_only",)
