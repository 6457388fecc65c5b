"""/api/sei-rules/: the strategic emerging industries table (registry.SeiRule) — staff read it, city
officers correct it (an update carries its `version`; saving reclassifies the patents it touches)."""
import django_filters
from rest_framework import serializers

from ipdesk.core.api import ScopedViewSet
from ipdesk.core.scoping import STAFF_ROLES

from .models import SeiRule


class SeiRuleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键字")

    class Meta:
        model = SeiRule
        fields = ["branch_no", "top_category", "ipc_only", "active"]

    def search(self, qs, name, value):
        from django.db.models import Q
        return qs.filter(Q(branch_name__icontains=value) | Q(ipc_patterns__icontains=value)
                         | Q(keywords__icontains=value))


class SeiRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeiRule
        fields = ["id", "branch_no", "branch_name", "top_category", "rule_no", "ipc_patterns", "ipc_exclusions",
                  "keywords", "ipc_only", "source_page", "active", "version"]
        read_only_fields = ["ipc_only", "version"]


class SeiRuleViewSet(ScopedViewSet):
    queryset = SeiRule.objects.all()
    serializer_class = SeiRuleSerializer
    filterset_class = SeiRuleFilter
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        if not self.request.user.has_role(*STAFF_ROLES):
            return SeiRule.objects.none()
        return super().get_queryset()
