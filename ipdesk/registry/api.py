"""REST API of the registry, plus the import and search endpoints.

/api/enterprises/, /api/patents/, /api/pct-applications/, /api/patent-events/, /api/trademarks/, /api/gi-products/,
/api/cultivation/, /api/contacts/ — scoped, filtered by the same FilterSets as the pages. An
enterprise's commissioner is read-only here: POST /api/enterprises/<id>/assign-commissioner/
({"commissioner": <user id or null>, "reason": "…"}) is the assignment workflow.
POST /api/imports/<kind>/ (multipart: file, keep_good, dry_run) runs a file through the pipeline
and answers its counts and rejected rows (or, with background=true, starts a job and answers 202
with its id: GET /api/jobs/<id>/ gives progress and the same result); GET /api/search/?q= searches
enterprises and patents.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from ipdesk.accounts.models import User
from ipdesk.core.api import ScopedRelatedField, ScopedViewSet
from ipdesk.core.exports import mask_id_number, mask_phone
from ipdesk.core.import_uploads import save_upload, start_import
from ipdesk.core.imports import ImportFileError, get_spec, run_import
from ipdesk.core.scoping import Role
from ipdesk.regions.models import Region

from . import rules
from .fields import IdentifierModelSerializer
from .sei_api import SeiRuleViewSet
from .filters import (ContactFilter, CultivationFilter, EnterpriseFilter, GIProductFilter, PatentEventFilter,
                      PatentFilter, PctApplicationFilter, TrademarkFilter, first_matches, search_enterprises,
                      search_patents)
from .models import Contact, CultivationMembership, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, Trademark


class EnterpriseSerializer(IdentifierModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())
    region_code = serializers.CharField(source="region.code", read_only=True)
    tag_labels = serializers.ListField(read_only=True)
    commissioner = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="服务专员：只读；通过 POST /api/enterprises/{id}/assign-commissioner/ 分配")

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "region", "region_code", "address", "industry_chain", "tags", "tag_labels",
                  "is_key_enterprise", "commissioner", "legal_representative", "established", "employees",
                  "rd_staff", "version"]
        read_only_fields = ["version"]

    def to_internal_value(self, data):
        """A changed `commissioner` is refused by name, not silently dropped: the commissioner is set only
        through the assignment action, which checks the role, records the period and notifies (一企一专员).
        The unchanged value (a record read and sent back whole) passes."""
        errors = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors, value = dict(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}, None
        if hasattr(data, "get") and "commissioner" in data:
            current = self.instance.commissioner_id if self.instance is not None else None
            if str(data.get("commissioner") or "") != str(current or ""):
                errors["commissioner"] = [_("服务专员不能在此修改，请使用“分配服务专员”"
                                            "（POST /api/enterprises/{id}/assign-commissioner/）。")]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class PatentSerializer(IdentifierModelSerializer):
    holder = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    region_code = serializers.CharField(source="region.code", read_only=True, default=None)

    class Meta:
        model = Patent
        fields = ["id", "application_no", "patent_type", "is_pct", "title", "applicants", "current_owner", "holder",
                  "holder_name", "address", "region", "region_code", "country_code", "is_domestic", "ipc_main",
                  "filing_date", "publication_date", "grant_date", "lapse_date", "legal_status",
                  "pct_application_no", "overseas_family", "strategic_class", "agency", "abstract", "claim1",
                  "fee_paid_until", "term_compensation_days", "sei_branch", "sei_branch_name", "sei_evidence",
                  "version"]
        read_only_fields = ["patent_type", "is_pct", "holder_name", "is_domestic", "sei_branch", "sei_branch_name",
                            "sei_evidence", "version"]

    def validate(self, data):
        filing = data.get("filing_date", getattr(self.instance, "filing_date", None))
        for name, label in (("grant_date", "授权公告日"), ("lapse_date", "失效日")):
            if filing and data.get(name) and data[name] < filing:
                raise serializers.ValidationError({name: [f"{label}不能早于申请日"]})
        owners = data.get("current_owner", getattr(self.instance, "current_owner", "")) or \
            data.get("applicants", getattr(self.instance, "applicants", ""))
        if not owners:
            raise serializers.ValidationError({"applicants": ["申请人与当前权利人不能都为空"]})
        number = data.get("application_no", getattr(self.instance, "application_no", None))
        data["patent_type"], is_pct = rules.application_type(number)
        data["is_pct"] = is_pct or bool(data.get("pct_application_no"))
        data["holder_name"] = rules.first_name(owners)[:200]
        holder = data.get("holder", getattr(self.instance, "holder", None))
        if holder is not None and not data.get("region", getattr(self.instance, "region", None)):
            data["region"] = holder.region
        data["is_domestic"] = rules.is_domestic(data.get("country_code", ""), data.get("address", ""),
                                                "x" if holder else "")
        return data


class PctApplicationSerializer(IdentifierModelSerializer):
    """A PCT international application; numbers are normalised (registry.pct), the first applicant, the
    domestic flag and the placement signal are derived."""
    applicant = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    region_code = serializers.CharField(source="region.code", read_only=True, default=None)

    class Meta:
        model = PctApplication
        fields = ["id", "international_application_no", "international_filing_date", "title", "applicants",
                  "first_applicant", "applicant", "address", "region", "region_code", "region_signal", "country_code",
                  "is_domestic", "priority_data", "publication_no", "national_application_no", "version"]
        read_only_fields = ["first_applicant", "region_signal", "is_domestic", "version"]

    def _normal(self, normalize, value):
        if not value:
            return ""
        try:
            return normalize(value)
        except rules.InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc))

    def validate_international_application_no(self, value):
        from . import pct
        try:
            return pct.normalize_pct_no(value)
        except rules.InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc))

    def validate_publication_no(self, value):
        from . import pct
        return self._normal(pct.normalize_wo_no, value)

    def validate(self, data):
        applicants = data.get("applicants", getattr(self.instance, "applicants", ""))
        first = rules.first_name(applicants)
        if not first:
            raise serializers.ValidationError({"applicants": ["申请人不能为空"]})
        data["first_applicant"] = first[:200]
        applicant = data.get("applicant", getattr(self.instance, "applicant", None))
        if applicant is not None and not data.get("region", getattr(self.instance, "region", None)):
            data["region"] = applicant.region
        if "region" in data:
            data["region_signal"] = ""  # set by hand
        data["is_domestic"] = rules.is_domestic(data.get("country_code", getattr(self.instance, "country_code", "")),
                                                data.get("address", getattr(self.instance, "address", "")),
                                                "x" if applicant else "")
        return data


class PatentEventSerializer(serializers.ModelSerializer):
    application_no = serializers.CharField(source="patent.application_no", read_only=True)

    class Meta:
        model = PatentEvent
        fields = ["id", "patent", "application_no", "kind", "date", "owner_before", "owner_after", "region_before",
                  "region_after", "domestic_after", "note", "source"]
        read_only_fields = fields


class TrademarkSerializer(serializers.ModelSerializer):
    owner = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Trademark
        fields = ["id", "registration_no", "name", "nice_class", "owner_name", "owner", "address", "region",
                  "filing_date", "registration_date", "expiry_date", "status", "is_geographic_indication", "version"]
        read_only_fields = ["version"]

    def validate_nice_class(self, value):
        if not 1 <= value <= 45:
            raise serializers.ValidationError("商标类别应在 1–45 之间")
        return value


class GIProductSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())

    class Meta:
        model = GIProduct
        fields = ["id", "name", "region", "protection_type", "approved_on", "holder", "description", "version"]
        read_only_fields = ["version"]


class CultivationSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = CultivationMembership
        fields = ["id", "enterprise", "year", "tier", "is_pilot", "note", "version"]
        read_only_fields = ["version"]


class ContactSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = Contact
        fields = ["id", "enterprise", "name", "title", "phone", "email", "id_number", "version"]
        read_only_fields = ["version"]

    def to_representation(self, instance):
        from .views import reveals_personal_data
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not reveals_personal_data(getattr(request, "user", None)):
            data["phone"] = mask_phone(data["phone"]) if data["phone"] else ""
            data["id_number"] = mask_id_number(data["id_number"]) if data["id_number"] else ""
        return data


class AssignCommissionerSerializer(serializers.Serializer):
    commissioner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COMMISSIONER, is_active=True), allow_null=True,
        error_messages={"does_not_exist": gettext_lazy("编号 {pk_value} 不是在岗的服务专员，只能分配角色为服务专员的账号。")},
        help_text="服务专员的用户编号；null 表示取消分配")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class EnterpriseViewSet(ScopedViewSet):
    queryset = Enterprise.objects.select_related("region")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter

    @extend_schema(request=AssignCommissionerSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"], url_path="assign-commissioner")
    def assign_commissioner(self, request, pk=None):
        """分配/更换服务专员 through services.actions.assign_commissioner: the only way to set the commissioner
        (an assignment record, the previous period closed, the new commissioner notified)."""
        from ipdesk.services import actions as service_actions
        enterprise = self.get_object()  # CHANGE scope: another district's enterprise is 404, a leader 403
        data = AssignCommissionerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            service_actions.assign_commissioner(enterprise, data.validated_data["commissioner"], request.user,
                                                data.validated_data["reason"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                              else {"non_field_errors": exc.messages})
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc))
        enterprise.refresh_from_db()
        return Response(self.get_serializer(enterprise).data)


class PatentViewSet(ScopedViewSet):
    queryset = Patent.objects.select_related("region")
    serializer_class = PatentSerializer
    filterset_class = PatentFilter


class PctApplicationViewSet(ScopedViewSet):
    queryset = PctApplication.objects.select_related("region")
    serializer_class = PctApplicationSerializer
    filterset_class = PctApplicationFilter


class PatentEventViewSet(ScopedViewSet):
    queryset = PatentEvent.objects.select_related("patent")
    serializer_class = PatentEventSerializer
    filterset_class = PatentEventFilter
    http_method_names = ["get", "head", "options"]


class TrademarkViewSet(ScopedViewSet):
    queryset = Trademark.objects.all()
    serializer_class = TrademarkSerializer
    filterset_class = TrademarkFilter


class GIProductViewSet(ScopedViewSet):
    queryset = GIProduct.objects.all()
    serializer_class = GIProductSerializer
    filterset_class = GIProductFilter


class CultivationViewSet(ScopedViewSet):
    queryset = CultivationMembership.objects.select_related("enterprise")
    serializer_class = CultivationSerializer
    filterset_class = CultivationFilter


class ContactViewSet(ScopedViewSet):
    queryset = Contact.objects.select_related("enterprise")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter


class ImportAPIView(APIView):
    """POST a CSV/XLSX/XLS file (multipart field `file`; `keep_good`, `dry_run` true/false; `columns`: the column
    mapping of a file without a header row, e.g. 申请号,申请日,,名称): the import runs
    now and the answer carries its counts and the rejected rows (line, field, reason)."""
    permission_classes = [IsAuthenticated]

    def post(self, request, kind):
        try:
            spec = get_spec(kind)
        except KeyError as exc:
            return Response({"detail": str(exc.args[0])}, status=status.HTTP_404_NOT_FOUND)
        if not spec.may_import(request.user) or request.user.is_read_only:
            return Response({"detail": f"您没有导入{spec.label}的权限"}, status=status.HTTP_403_FORBIDDEN)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["请上传文件（multipart 字段 file）"]}, status=status.HTTP_400_BAD_REQUEST)
        flag = lambda name: str(request.data.get(name, "")).lower() in ("1", "true", "yes", "on")  # noqa: E731
        if flag("background"):  # large files: run as a job, poll /api/jobs/<id>/ for progress and the result
            job = start_import(spec, upload, request.user, keep_good=flag("keep_good"), dry_run=flag("dry_run"),
                               columns=request.data.get("columns"))
            return Response({"job": job.pk, "status_url": f"/api/jobs/{job.pk}/"}, status=status.HTTP_202_ACCEPTED)
        target = save_upload(upload)
        try:
            result = run_import(spec, target, filename=upload.name, user=request.user, keep_good=flag("keep_good"),
                                dry_run=flag("dry_run"), columns=request.data.get("columns") or None)
        except (ImportFileError, DjangoValidationError) as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        finally:
            target.unlink(missing_ok=True)
        data = result.as_dict()
        data["summary_line"] = result.summary_line()
        return Response(data, status=status.HTTP_200_OK if not result.rejected else status.HTTP_422_UNPROCESSABLE_ENTITY)


class SearchAPIView(APIView):
    """GET ?q= : enterprises and patents in the caller's scope matching a name, number, applicant or keyword."""
    permission_classes = [IsAuthenticated]

    def get(self, request):
        q = request.query_params.get("q", "").strip()
        if not q:
            return Response({"q": ["请输入检索词"]}, status=status.HTTP_400_BAD_REQUEST)
        enterprises = search_enterprises(Enterprise.objects.restrict(request.user), q).order_by("name")
        patents = search_patents(Patent.objects.restrict(request.user), q).order_by("-filing_date", "application_no")
        enterprises, patents = first_matches(enterprises, 50), first_matches(patents, 100)
        return Response({
            "q": q,
            "enterprises": {"count": enterprises["count"], "more": enterprises["more"],
                            "results": [{"id": e.pk, "uscc": e.uscc, "name": e.name} for e in enterprises["items"]]},
            "patents": {"count": patents["count"], "more": patents["more"],
                        "results": [{"id": p.pk, "application_no": p.application_no, "title": p.title,
                                     "holder_name": p.holder_name, "legal_status": p.legal_status}
                                    for p in patents["items"]]},
        })


router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet)
router.register("patents", PatentViewSet)
router.register("pct-applications", PctApplicationViewSet)
router.register("patent-events", PatentEventViewSet)
router.register("trademarks", TrademarkViewSet)
router.register("gi-products", GIProductViewSet)
router.register("cultivation", CultivationViewSet)
router.register("contacts", ContactViewSet)
router.register("sei-rules", SeiRuleViewSet)

urlpatterns = [
    path("imports/<str:kind>/", ImportAPIView.as_view(), name="api-import"),
    path("search/", SearchAPIView.as_view(), name="api-search"),
]
