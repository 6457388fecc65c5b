"""REST API base: scoped viewsets, role permission, and error messages that say what is wrong."""
from django.db import transaction
from rest_framework import permissions, serializers, viewsets

from .drf import RolePermission  # noqa: F401  (re-exported for modules)
from rest_framework.exceptions import ValidationError

from .scoping import CHANGE, VIEW, can


class ScopedViewSet(viewsets.ModelViewSet):
    """A model's API: the queryset is always `restrict(user, action)`, so out of scope is 404, and a
    write that would move a record out of the caller's scope is refused."""

    def get_queryset(self):
        model = self.queryset.model
        action = VIEW if self.request.method in permissions.SAFE_METHODS else CHANGE
        qs = self.queryset.restrict(self.request.user, action) if hasattr(self.queryset, "restrict") \
            else model.objects.restrict(self.request.user, action)
        return qs if qs.ordered else qs.order_by("pk")  # stable pages

    def _save_in_scope(self, serializer, **kwargs):
        model = self.queryset.model
        with transaction.atomic():
            instance = serializer.save(**kwargs)
            if not model.objects.restrict(self.request.user, CHANGE).filter(pk=instance.pk).exists():
                raise _OutOfScope()
        return instance

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        version = self.request.data.get("version") if hasattr(self.request.data, "get") else None
        with transaction.atomic():
            # lock the row, then compare: two concurrent updates carrying the same version cannot both pass
            current = type(serializer.instance)._base_manager.select_for_update().filter(
                pk=serializer.instance.pk).values_list("version", flat=True).first()
            if version not in (None, "") and str(version) != str(current):
                raise ValidationError({"version": ["该记录已被他人修改（当前版本 %s），请重新读取后再提交。" % current]})
            serializer.instance.version = current
            self._save_in_scope(serializer)


class _OutOfScope(ValidationError):
    def __init__(self):
        super().__init__({"non_field_errors": ["该记录将超出您的数据权限范围。"]})


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A writable foreign key whose choices are limited to the caller's scope."""

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(qs, "restrict"):
            return qs.restrict(request.user, VIEW)
        return qs


# ---- Platform endpoints -----------------------------------------------------------------------
from rest_framework.routers import DefaultRouter  # noqa: E402

from .models import AuditEntry, Job  # noqa: E402


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "progress", "total", "percent", "message", "result",
                  "created_at", "started_at", "finished_at"]


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs the caller may see, with progress."""
    queryset = Job.objects.all()
    serializer_class = JobSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return Job.objects.restrict(self.request.user)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "timestamp", "username", "request_id", "action", "object_type", "object_id",
                  "object_repr", "before", "after", "hash", "prev_hash"]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The operation log, read-only, for city officers."""
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_fields = ["action", "object_type", "object_id", "username"]

    def get_queryset(self):
        if not self.request.user.has_role("city_officer"):
            return AuditEntry.objects.none()
        return AuditEntry.objects.restrict(self.request.user)


router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("audit", AuditEntryViewSet, basename="auditentry")
