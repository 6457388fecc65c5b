"""API of the commissioner one-stop: requests (read, plus the lifecycle steps as actions), their
timelines, service types, assignments and the problem log; all scoped by restrict()."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ipdesk.core.api import ScopedRelatedField, ScopedViewSet, ScopedWritesMixin
from ipdesk.core.scoping import CHANGE, VIEW
from ipdesk.core.workflow import error_code, error_message, workflow_action, workflow_for
from ipdesk.registry.models import Enterprise

from . import actions
from .filters import CommissionerAssignmentFilter, ProblemLogFilter, ServiceRequestFilter, ServiceTypeFilter
from .models import CommissionerAssignment, ProblemLog, RequestEvent, ServiceRequest, ServiceType


class ServiceTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceType
        fields = ["id", "code", "name", "promised_days", "former_days", "day_unit", "description", "sort_order",
                  "is_active", "version"]
        read_only_fields = ["version"]

    def validate(self, attrs):
        promised = attrs.get("promised_days", getattr(self.instance, "promised_days", None))
        former = attrs.get("former_days", getattr(self.instance, "former_days", None))
        if promised is not None and former is not None and promised > former:
            raise ValidationError({"promised_days": [f"承诺时限不应长于原时限（原时限 {former} 天）。"]})
        return attrs


class RequestEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "actor", "at", "from_status", "to_status", "note"]


class ServiceRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False)
    service_type = serializers.PrimaryKeyRelatedField(queryset=ServiceType.objects.filter(is_active=True))
    events = RequestEventSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "number", "enterprise", "service_type", "title", "description", "status", "submitted_at",
                  "accepted_at", "processing_at", "completed_at", "rated_at", "promised_days", "former_days",
                  "day_unit", "due_date", "handling_days", "result", "rating", "rating_comment", "events", "version"]
        read_only_fields = [f for f in fields if f not in ("enterprise", "service_type", "title", "description")]


def _run(func, *args):
    """Call an action; a refusal answers as DRF does, with the error's code and message beside it."""
    try:
        return func(*args)
    except DjangoValidationError as exc:
        body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise ValidationError({**body, "code": error_code(exc), "message": error_message(exc)})
    except DjangoPermissionDenied as exc:
        raise PermissionDenied({"detail": str(exc), "code": error_code(exc), "message": str(exc)})


class ServiceRequestViewSet(ScopedWritesMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Service requests in the caller's scope. POST creates (提出); POST …/accept|process|complete|
    reject|rate|comment/ takes a step."""
    queryset = ServiceRequest.objects.select_related("enterprise", "service_type").prefetch_related("events")
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, VIEW).order_by("-submitted_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, user = serializer.validated_data, request.user
        enterprise = data.get("enterprise") or user.enterprise
        if enterprise is None:
            raise ValidationError({"enterprise": ["请指定企业。"]})
        req = _run(actions.submit_request, user, enterprise, data["service_type"], data["title"],
                   data.get("description", ""))
        return Response(self.get_serializer(req).data, status=201)

    # 受理/办理/办结/不予受理/评价: the one workflow action (core.workflow), at the URLs the steps always had
    step = workflow_action(lambda: workflow_for(ServiceRequest), "accept", "process", "complete", "reject", "rate")

    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """留言 (no state change)."""
        req = ServiceRequest.objects.restrict(request.user, CHANGE).filter(pk=pk).first()
        if req is None:
            raise NotFound()
        _run(actions.add_comment, req, request.user, request.data.get("body", ""))
        return Response(self.get_serializer(ServiceRequest.objects.get(pk=pk)).data)


class ServiceTypeViewSet(ScopedViewSet):
    queryset = ServiceType.objects.all()
    serializer_class = ServiceTypeSerializer
    filterset_class = ServiceTypeFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class CommissionerAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommissionerAssignment
        fields = ["id", "enterprise", "commissioner", "previous", "started_at", "ended_at", "assigned_by", "reason"]


class CommissionerAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = CommissionerAssignment.objects.all()
    serializer_class = CommissionerAssignmentSerializer
    filterset_class = CommissionerAssignmentFilter

    def get_queryset(self):
        return CommissionerAssignment.objects.restrict(self.request.user).order_by("-started_at", "-id")


class ProblemLogSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = ProblemLog
        fields = ["id", "enterprise", "category", "description", "raised_on", "status", "resolution", "solved_on",
                  "request", "version"]
        read_only_fields = ["version"]

    def validate(self, attrs):
        instance = ProblemLog(**{**({f: getattr(self.instance, f) for f in ("raised_on", "status", "resolution",
                                                                             "solved_on")} if self.instance else {}),
                                 **{k: v for k, v in attrs.items() if k in ("raised_on", "status", "resolution",
                                                                             "solved_on")}})
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict)
        return attrs


class ProblemLogViewSet(ScopedViewSet):
    queryset = ProblemLog.objects.select_related("enterprise")
    serializer_class = ProblemLogSerializer
    filterset_class = ProblemLogFilter


router = DefaultRouter()
router.register("service-requests", ServiceRequestViewSet, basename="servicerequest")
router.register("service-types", ServiceTypeViewSet, basename="servicetype")
router.register("commissioner-assignments", CommissionerAssignmentViewSet, basename="commissionerassignment")
router.register("service-problems", ProblemLogViewSet, basename="problemlog")
