"""API of stats: /api/indicators/ (the same figures as `ipdesk indicators` and the dashboard),
targets, high-value criteria, bulletins (read, publish)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from ipdesk.regions.models import Region
from ipdesk.core.api import ScopedRelatedField, ScopedViewSet
from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.core.scoping import CHANGE, Role, STAFF_ROLES

from .filters import BulletinFilter, HighValueCriterionFilter, TargetFilter
from .indicators import TARGET_KEYS, figures
from .models import Bulletin, HighValueCriterion, Target


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_role(*STAFF_ROLES))


class IndicatorsAPIView(APIView):
    """GET ?region=CODE&as_of=YYYY-MM-DD[&from=YYYY-MM-DD]: one object of figures with `<key>_yoy`."""
    permission_classes = [StaffOnly]

    def get(self, request):
        from .views import region_for
        if not request.user.has_role(*STAFF_ROLES):
            raise Http404
        region = region_for(request.user, request.query_params.get("region"))
        errors = {}
        dates = {}
        for name in ("as_of", "from"):
            value = request.query_params.get(name)
            if value:
                try:
                    dates[name] = parse_iso_date(value)
                except InvalidDate as exc:
                    errors[name] = [str(exc)]
        if "as_of" not in dates and "as_of" not in errors:
            errors["as_of"] = ["必须提供统计截止日期 as_of（YYYY-MM-DD）"]
        if errors:
            raise ValidationError(errors)
        if dates.get("from") and dates["from"] > dates["as_of"]:
            raise ValidationError({"from": ["统计起始日期不能晚于截止日期"]})
        return Response(figures(region, dates["as_of"], dates.get("from")))


class ForecastRowSerializer(serializers.Serializer):
    """One unit × figure of stats.forecast.target_forecasts (the office's estimate, not a statistic)."""
    code = serializers.CharField()
    name = serializers.CharField()
    key = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    expected = serializers.FloatField()
    low80 = serializers.FloatField()
    high80 = serializers.FloatField()
    probability = serializers.FloatField(allow_null=True)
    needed_per_month = serializers.FloatField(allow_null=True)
    so_far = serializers.FloatField()
    months_left = serializers.IntegerField()
    method = serializers.CharField()


class ForecastsSerializer(serializers.Serializer):
    region = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    rows = ForecastRowSerializer(many=True)


@extend_schema(parameters=[OpenApiParameter("region", str), OpenApiParameter("year", int),
                           OpenApiParameter("month", int)], responses=ForecastsSerializer)
class ForecastsAPIView(APIView):
    """GET ?region=CODE&year=YYYY&month=M: the year-end forecasts of the region's bulletin units
    (stats.forecast.target_forecasts) for every figure with a target — the dashboard's 年度目标完成预测.
    Regions are scoped as /api/indicators/ scopes them (a district officer: its own district and
    below); year and month default to the statistics pages' default period (views.default_as_of)."""
    permission_classes = [StaffOnly]

    def get(self, request):
        from . import bulletin
        from .views import dashboard_forecasts, default_as_of, region_for
        if not request.user.has_role(*STAFF_ROLES):
            raise Http404
        region = region_for(request.user, request.query_params.get("region"))
        errors, period = {}, {}
        default = None
        for name, low, high in (("year", 2000, 2100), ("month", 1, 12)):
            value = request.query_params.get(name)
            if not value:
                default = default or default_as_of()
                period[name] = getattr(default, name)
                continue
            try:
                period[name] = int(value)
                if not low <= period[name] <= high:
                    raise ValueError
            except ValueError:
                errors[name] = [f"应为{low}—{high}之间的整数：{value}"]
        if errors:
            raise ValidationError(errors)
        rows = dashboard_forecasts(region, bulletin.children(region), period["year"], period["month"])
        return Response({"region": region.code, "year": period["year"], "month": period["month"], "rows": rows})


class TargetSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())
    region_code = serializers.CharField(source="region.code", read_only=True)
    indicator = serializers.ChoiceField(choices=TARGET_KEYS)

    class Meta:
        model = Target
        fields = ["id", "region", "region_code", "year", "indicator", "value", "note", "version"]
        read_only_fields = ["version"]

    def validate_year(self, value):
        if not 2000 <= value <= 2100:
            raise serializers.ValidationError("年度应在2000—2100之间")
        return value

    def validate_value(self, value):
        if value < 0:
            raise serializers.ValidationError("目标值不能为负数")
        return value


class TargetViewSet(ScopedViewSet):
    queryset = Target.objects.select_related("region")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter


class HighValueCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HighValueCriterion
        fields = ["id", "kind", "name", "enabled", "threshold", "application_numbers", "sort_order", "version"]
        read_only_fields = ["kind", "version"]


class HighValueCriterionViewSet(ScopedViewSet):
    queryset = HighValueCriterion.objects.all()
    serializer_class = HighValueCriterionSerializer
    filterset_class = HighValueCriterionFilter
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        if not self.request.user.has_role(*STAFF_ROLES):
            return HighValueCriterion.objects.none()
        return super().get_queryset()


class BulletinSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    forecasts = serializers.SerializerMethodField(
        help_text="The year-end forecasts stored with the bulletin (empty for one built before they existed).")

    class Meta:
        model = Bulletin
        fields = ["id", "region", "region_code", "year", "month", "as_of", "title", "status", "summary", "data",
                  "forecasts", "published_at", "version"]

    def get_forecasts(self, obj) -> list:
        return (obj.data or {}).get("forecasts") or []


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Bulletins (read); POST …/publish/ publishes a draft (city officers)."""
    queryset = Bulletin.objects.select_related("region")
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter
    permission_classes = [StaffOnly]

    def get_queryset(self):
        if not self.request.user.has_role(*STAFF_ROLES):
            return Bulletin.objects.none()
        return Bulletin.objects.restrict(self.request.user).select_related("region").order_by("-year", "-month", "pk")

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        from .actions import publish_bulletin
        bulletin = self.get_object()
        if not request.user.has_role(Role.CITY_OFFICER) or \
                not Bulletin.objects.restrict(request.user, CHANGE).filter(pk=bulletin.pk).exists():
            raise Http404
        try:
            bulletin = publish_bulletin(bulletin, request.user, request.data.get("summary") or None)
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages})
        return Response(self.get_serializer(bulletin).data)


router = DefaultRouter()
router.register("targets", TargetViewSet)
router.register("high-value-criteria", HighValueCriterionViewSet)
router.register("bulletins", BulletinViewSet)
urlpatterns = [path("indicators/", IndicatorsAPIView.as_view(), name="api-indicators"),
               path("stats/forecasts/", ForecastsAPIView.as_view(), name="api-stats-forecasts")]
