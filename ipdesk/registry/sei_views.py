"""Pages of the strategic emerging industries table (registry.SeiRule): list, detail and — for city
officers — add and edit, through the project's generic CRUD (core.crud). No delete: the rows are the
official table's; a wrong row is corrected or switched off (active)."""
import django_tables2 as tables
from django import forms

from ipdesk.core.columns import BaseTable

from .models import SeiRule


class SeiRuleTable(BaseTable):
    branch_no = tables.Column(linkify=True)

    class Meta:
        model = SeiRule
        fields = ("branch_no", "branch_name", "top_category", "rule_no", "ipc_patterns", "ipc_exclusions", "keywords",
                  "ipc_only", "active")


class SeiRuleForm(forms.ModelForm):
    class Meta:
        model = SeiRule
        fields = ["branch_no", "branch_name", "top_category", "rule_no", "ipc_patterns", "ipc_exclusions", "keywords",
                  "source_page", "active"]
