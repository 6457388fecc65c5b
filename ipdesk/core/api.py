"""REST API base: scoped viewsets, role permission, and error messages that say what is wrong."""
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.relations import ManyRelatedField, RelatedField

from . import jobs
from .drf import RolePermission  # noqa: F401  (re-exported for modules)
from .scoping import CHANGE, VIEW, can, choosable  # noqa: F401  (can: re-exported)

# A link to a row the caller may not reach reads like a row that does not exist: the answer names
# the field and says so, without telling whether the row is there.
OUT_OF_SCOPE_MESSAGES = {
    "does_not_exist": gettext_lazy("所选记录（编号 {pk_value}）不存在或不在您的数据权限范围内。"),
}
OUT_OF_SCOPE_SLUG_MESSAGES = {
    "does_not_exist": gettext_lazy("“{value}”（{slug_name}）对应的记录不存在或不在您的数据权限范围内。"),
}


class VersionRequired(APIException):
    """428 Precondition Required (RFC 6585 §3): an update must say which version it was made from."""
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"

    def __init__(self):
        super().__init__({"version": [_("请提交读取该记录时得到的版本号 version：缺少版本号的修改可能覆盖他人在此期间的"
                                        "修改，已拒绝。请先读取记录，再连同其 version 一起提交。")]})


class VersionConflict(APIException):
    """409 Conflict (RFC 9110 §15.5.10): the version sent is not the record's current one."""
    status_code = status.HTTP_409_CONFLICT
    default_code = "version_conflict"

    def __init__(self, current):
        super().__init__({"version": [_("该记录已被他人修改（当前版本 %(v)s），请重新读取后再提交。") % {"v": current}]})


def sent_version(request):
    """The `version` an update carries: None when it is missing, null or empty; 400 when it is not a number."""
    value = request.data.get("version") if hasattr(request.data, "get") else None
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValidationError({"version": [_("版本号 version 应为正整数（读取记录时得到的值），实为“%(v)s”。")
                                           % {"v": str(value)[:50]}]})
    return int(str(value).strip())


def limit_links_to_scope(serializer, user):
    """Every writable foreign key and many-to-many of `serializer` chooses only from `choosable(…, user)`
    (the rows the caller may see; its own districts for district-owned reference data), whatever
    queryset the serializer declared, so no endpoint can link a record to rows out of the caller's scope."""
    for field in serializer.fields.values():
        if field.read_only:
            continue
        relation = field.child_relation if isinstance(field, ManyRelatedField) else field
        if not isinstance(relation, RelatedField) or relation.queryset is None:
            continue
        relation.queryset = choosable(relation.queryset, user)
        messages = OUT_OF_SCOPE_SLUG_MESSAGES if isinstance(relation, serializers.SlugRelatedField) \
            else OUT_OF_SCOPE_MESSAGES
        relation.error_messages.update(messages)


class ScopedWritesMixin:
    """Serializers of a view choose their links within the caller's scope (see limit_links_to_scope)."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        user = getattr(getattr(self, "request", None), "user", None)
        if isinstance(serializer, serializers.Serializer) and user is not None and user.is_authenticated:
            limit_links_to_scope(serializer, user)
        return serializer


_VERSION_ERROR = inline_serializer("VersionError", {"version": serializers.ListField(child=serializers.CharField())})


class ScopedAutoSchema(AutoSchema):
    """The OpenAPI schema says what the version rule answers, so clients (and the API fuzz) expect it."""

    def get_response_serializers(self):
        found = super().get_response_serializers()
        if self.method in ("PUT", "PATCH") and getattr(self.view, "action", None) in ("update", "partial_update") \
                and is_serializer(found):
            return {
                200: found,
                409: OpenApiResponse(_VERSION_ERROR, description="version 不是记录的当前版本：记录已被他人修改，请重新读取"),
                428: OpenApiResponse(_VERSION_ERROR, description="缺少 version（或为 null、空串）：修改须带读取时的版本号"),
            }
        return found


class ScopedViewSet(ScopedWritesMixin, viewsets.ModelViewSet):
    """A model's API: the queryset is always `restrict(user, action)`, so out of scope is 404; a
    write that would move a record out of the caller's scope is refused; links choose only rows in
    the caller's scope; and an update must carry the `version` it was read at (optimistic lock:
    missing 428, stale 409), so nobody silently overwrites a change made in between."""
    schema = ScopedAutoSchema()

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

    def perform_destroy(self, instance):
        """DELETE of a record officers enter by hand voids it (core.voiding: soft, audited, with the reason
        sent as `reason` in the body or the query string); nothing such is deleted (issue 19 item 4)."""
        from . import voiding
        if not voiding.is_voidable(type(instance)):
            return super().perform_destroy(instance)
        if not voiding.may_void(self.request.user, type(instance)):
            raise PermissionDenied(_("您的角色不能作废该类记录。"))
        reason = self.request.data.get("reason") if hasattr(self.request.data, "get") else None
        try:
            voiding.void(instance, self.request.user, reason or self.request.query_params.get("reason", ""))
        except voiding.VoidRefused as exc:
            raise ValidationError({"reason": [str(exc)]})

    def update(self, request, *args, **kwargs):
        instance = self.get_object()  # out of scope: 404 before anything is said about versions
        version = sent_version(request)
        if version is None:
            raise VersionRequired()
        if version != instance.version:  # early answer; perform_update checks again under the row lock
            raise VersionConflict(instance.version)
        self._sent_version = version
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        version = getattr(self, "_sent_version", None)
        if version is None:  # an update path that skipped update(): the same rule
            version = sent_version(self.request)
            if version is None:
                raise VersionRequired()
        with transaction.atomic():
            # lock the row, then compare: two concurrent updates carrying the same version cannot both pass
            current = type(serializer.instance)._base_manager.select_for_update().filter(
                pk=serializer.instance.pk).values_list("version", flat=True).first()
            if version != current:
                raise VersionConflict(current)
            serializer.instance.version = current
            self._save_in_scope(serializer)


class _OutOfScope(ValidationError):
    def __init__(self):
        super().__init__({"non_field_errors": ["该记录将超出您的数据权限范围。"]})


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A writable foreign key whose choices are limited to the caller's scope (also outside a ScopedViewSet)."""
    default_error_messages = OUT_OF_SCOPE_MESSAGES

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        if request is not None:
            return choosable(qs, request.user)
        return qs


# ---- Platform endpoints -----------------------------------------------------------------------
from rest_framework.routers import DefaultRouter  # noqa: E402

from .models import AuditEntry, Job, LegalBasis  # noqa: E402


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    result = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_result(self, job):
        """What users may see of the result (core.jobs.public_result): never a traceback."""
        return jobs.public_result(job)

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


class LegalBasisSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = LegalBasis
        fields = ["key", "module", "title", "kind", "source", "document", "article", "edition", "excerpt", "verified",
                  "verified_by", "verified_on", "note", "edited_by_office", "version", "url"]


class LegalBasisViewSet(viewsets.ReadOnlyModelViewSet):
    """The legal basis (依据) of every rule the system applies, by key (core.basis); read by every signed-in user.
    The adjudication time limits carry their own basis: /api/protection/… time-limit rules."""
    queryset = LegalBasis.objects.all()
    serializer_class = LegalBasisSerializer
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9_.]+"
    filterset_fields = ["module", "kind", "verified"]

    def get_queryset(self):
        from . import basis
        basis.ensure_synced()
        return LegalBasis.objects.restrict(self.request.user).order_by("module", "key")

    def get_object(self):
        """By key (stats.valid_invention), or by id like every other endpoint (a key always has a dot)."""
        value = self.kwargs["key"]
        lookup = {"pk": int(value)} if value.isdigit() else {"key": value}
        from django.shortcuts import get_object_or_404
        obj = get_object_or_404(self.filter_queryset(self.get_queryset()), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


router = DefaultRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("audit", AuditEntryViewSet, basename="auditentry")
router.register("basis", LegalBasisViewSet, basename="legalbasis")
