"""API: agencies, batches, abnormal applications (with a transition endpoint) and candidates
(with review and create-batch endpoints). All querysets start from restrict(user, action)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ipdesk.core.api import ScopedRelatedField, ScopedViewSet
from ipdesk.core.scoping import CHANGE
from ipdesk.core.workflow import workflow_action, workflow_for
from ipdesk.registry.fields import IdentifierModelSerializer

from . import actions, rules
from .filters import AbnormalApplicationFilter, AbnormalBatchFilter, AgencyFilter, CandidateFilter
from .models import AbnormalApplication, AbnormalBatch, Agency, Candidate


def _drf_error(exc):
    """DRF's usual error shape with the refusal's code and message beside it (core.workflow.error_code)."""
    from ipdesk.core.workflow import error_code, error_message
    body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return ValidationError({**body, "code": error_code(exc), "message": error_message(exc)})


class AgencySerializer(IdentifierModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "uscc", "licence_no", "region", "address", "contact", "phone", "is_active",
                  "credit_score", "credit_grade", "version"]
        read_only_fields = ["credit_score", "credit_grade", "version"]


class AgencyViewSet(ScopedViewSet):
    queryset = Agency.objects.select_related("region")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter


class BatchSerializer(serializers.ModelSerializer):
    withdrawal_rate = serializers.SerializerMethodField()

    def get_withdrawal_rate(self, batch):
        user = self.context["request"].user
        r = rules.withdrawal_rate(AbnormalApplication.objects.restrict(user).filter(batch=batch)
                                  .values_list("status", flat=True))
        return {"notified": r.total, "withdrawn": r.withdrawn, "withdrawn_active": r.active_withdrawn,
                "withdrawn_deemed": r.deemed_withdrawn, "cleared": r.cleared, "open": r.open,
                "rate": None if r.rate is None else round(r.rate, 4)}

    class Meta:
        model = AbnormalBatch
        fields = ["id", "name", "source", "received", "default_region", "note", "withdrawal_rate", "version"]
        read_only_fields = ["version"]


class BatchViewSet(ScopedViewSet):
    queryset = AbnormalBatch.objects.all()
    serializer_class = BatchSerializer
    filterset_class = AbnormalBatchFilter


class ApplicationSerializer(IdentifierModelSerializer):
    batch = ScopedRelatedField(queryset=AbnormalBatch.objects.all())
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = AbnormalApplication
        fields = ["id", "batch", "application_no", "title", "applicant", "address", "agency_name", "agency", "enterprise",
                  "region", "region_code", "region_basis", "behaviour", "notice_date", "deadline", "status", "closed_on",
                  "version"]
        read_only_fields = ["agency", "enterprise", "region", "region_basis", "status", "closed_on", "version"]


class ApplicationViewSet(ScopedViewSet):
    """Abnormal applications. Create assigns region and agency (compliance.actions); status changes
    only through POST …/{id}/transition/ {"status": …, "date": …}."""
    queryset = AbnormalApplication.objects.select_related("region", "batch")
    serializer_class = ApplicationSerializer
    filterset_class = AbnormalApplicationFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        batch = data.pop("batch")
        try:
            app = actions.register_application(batch, self.request.user, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        if not AbnormalApplication.objects.restrict(self.request.user, CHANGE).filter(pk=app.pk).exists():
            app.delete()
            raise ValidationError({"region": ["该申请归属的区划（%s）不在您的辖区内。" % app.region]})
        serializer.instance = app

    # POST …/{id}/transition/ {"status": target, "date", "deadline", "note"}: the one workflow action (core.workflow)
    transition = workflow_action(lambda: workflow_for(AbnormalApplication), url_path="transition")


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "run", "kind", "subject", "score", "region", "application_nos", "evidence", "status",
                  "review_note", "reviewed_by", "reviewed_at", "batch"]
        read_only_fields = fields


class CreateBatchSerializer(serializers.Serializer):
    candidates = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    name = serializers.CharField(max_length=200)
    default_region = serializers.IntegerField(required=False, allow_null=True)


class CandidateViewSet(ScopedViewSet):
    """Detection candidates with their evidence (read-only), reviewed through actions."""
    queryset = Candidate.objects.select_related("region")
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        return Response({"detail": "线索由筛查生成（ipdesk detect 或线索审核页的“运行筛查”），不能直接新增。"},
                        status=status.HTTP_405_METHOD_NOT_ALLOWED)

    # POST …/{id}/review/ {"status": reviewed|dismissed|new, "note"}: the one workflow action (core.workflow)
    review = workflow_action(lambda: workflow_for(Candidate), url_path="review")

    @action(detail=False, methods=["post"], url_path="create-batch")
    def create_batch(self, request):
        ser = CreateBatchSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        ids = set(d["candidates"])
        candidates = list(Candidate.objects.restrict(request.user, CHANGE).filter(pk__in=ids))
        if len(candidates) != len(ids):
            raise NotFound("部分线索不存在或不在您的数据权限范围内。")
        region = None
        if d.get("default_region"):
            from ipdesk.core.scoping import choosable
            from ipdesk.regions.models import Region
            region = choosable(Region.objects.all(), request.user).filter(pk=d["default_region"]).first()
            if region is None:
                raise ValidationError({"default_region": [_("区划不存在或不在您的辖区内。")]})
        try:
            batch = actions.create_batch_from_candidates(candidates, request.user, d["name"], region)
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        return Response(BatchSerializer(batch, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.register("agencies", AgencyViewSet)
router.register("abnormal-batches", BatchViewSet)
router.register("abnormal-applications", ApplicationViewSet)
router.register("candidates", CandidateViewSet)
