"""REST API of the protection module. Cases move only through POST .../{id}/transition/ with the
target state (`{"to": "filed", "date": "2024-05-20", "handlers": [3, 4, 5]}`) or .../{id}/step/
for steps that are not state changes (`{"step": "suspend", ...}`); refusals are 400 answers that
list the allowed next steps. Status and workflow fields are read-only in the plain CRUD."""
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ipdesk.core.api import ScopedRelatedField, ScopedViewSet
from ipdesk.core.workflow import workflow_action
from ipdesk.regions.models import Region
from ipdesk.registry.fields import IdentifierModelSerializer
from ipdesk.registry.models import Enterprise

from . import actions, filters, limits
from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, ServiceStation, StationService,
                     TimeLimitRule)
from .workflows import chosen_step, chosen_transition


class EventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    date = serializers.DateField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField()
    actor = serializers.CharField(source="actor.username", default=None)


class AllowedTransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
    label = serializers.CharField()


class LimitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    start = serializers.DateField()
    due = serializers.DateField(allow_null=True, help_text="null while the clock is stopped (suspension)")
    done_on = serializers.DateField(allow_null=True)
    extension = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["met", "late", "ok", "warning", "overdue", "paused"])
    label = serializers.CharField()


class TransitionRequestSerializer(serializers.Serializer):
    """The target state and the step's parameters (which ones a step needs: see protection.actions)."""
    to = serializers.CharField(help_text="target state, e.g. filed, answered, heard, decided, served")
    date = serializers.DateField(required=False, help_text="the step's date; default today")
    note = serializers.CharField(required=False)
    handlers = serializers.ListField(child=serializers.IntegerField(), required=False,
                                     help_text="filed: user ids of the panel (odd, at least 3 officers)")
    handler = serializers.IntegerField(required=False, help_text="assistance handling: officer or public lawyer")
    result = serializers.CharField(required=False)
    infringement_found = serializers.BooleanField(required=False)
    outcome = serializers.CharField(required=False)
    reply = serializers.CharField(required=False)


class StepRequestSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="note, service, copy_served, answer_copy_served, hearing_scheduled, "
                                           "suspend, resume, extend")
    date = serializers.DateField(required=False)
    note = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)
    amount = serializers.IntegerField(required=False)
    approved_by = serializers.CharField(required=False)
    hearing_on = serializers.DateField(required=False)
    description = serializers.CharField(required=False)


class _CaseSerializer(IdentifierModelSerializer):
    allowed_transitions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(AllowedTransitionSerializer(many=True))
    def get_allowed_transitions(self, obj):
        return [{"to": t, "label": label} for t, label in actions.next_steps(obj)]

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj):
        return EventSerializer(obj.timeline(), many=True).data

    def create(self, validated_data):
        from ipdesk.core import context
        obj = super().create(validated_data)
        actions.register(obj, context.current().user)
        return obj

    def validate(self, attrs):
        attrs = super().validate(attrs)
        party_field = getattr(self.Meta, "party_field", None)
        if "region" in self.fields and not attrs.get("region") and not getattr(self.instance, "region_id", None):
            party = attrs.get(party_field) if party_field else None
            if party is None:
                raise ValidationError({"region": ["请填写所属区划（region），或提供库内企业以自动取其区划。"]})
            attrs["region"] = party.region
        return attrs


class AssistanceCaseSerializer(_CaseSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    region = ScopedRelatedField(queryset=Region.objects.all(),
                                required=False)

    class Meta:
        model = AssistanceCase
        party_field = "enterprise"
        fields = ["id", "number", "title", "source", "right_type", "is_overseas", "enterprise", "region", "other_party",
                  "description", "received_on", "handler", "status", "referred_to", "outcome", "outcome_note",
                  "closed_on", "visited_on", "visit_note", "version", "allowed_transitions", "timeline"]
        read_only_fields = ["number", "handler", "status", "referred_to", "outcome", "outcome_note", "closed_on",
                            "visited_on", "visit_note", "version"]


class AdjudicationCaseSerializer(_CaseSerializer):
    requester = ScopedRelatedField(queryset=Enterprise.objects.all(),
                                   required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all(),
                                required=False)
    limits = serializers.SerializerMethodField()

    class Meta:
        model = AdjudicationCase
        party_field = "requester"
        fields = ["id", "number", "title", "requester", "requester_name", "respondent_name", "respondent_address",
                  "patent_no", "region", "claims", "received_on", "status", "handlers", "filed_on", "hearing_on",
                  "concluded_on", "served_on", "infringement_found", "result", "is_suspended", "version",
                  "allowed_transitions", "limits", "timeline"]
        read_only_fields = ["number", "status", "handlers", "filed_on", "hearing_on", "concluded_on", "served_on",
                            "infringement_found", "result", "is_suspended", "version"]

    @extend_schema_field(LimitSerializer(many=True))
    def get_limits(self, obj):
        return [limit.as_dict() for limit in limits.case_limits(obj)]


class CooperationCaseSerializer(_CaseSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(),
                                    required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all(),
                                required=False)

    class Meta:
        model = CooperationCase
        party_field = "enterprise"
        fields = ["id", "number", "kind", "title", "receiving_body", "parties", "enterprise", "region", "right_type",
                  "adjudication", "assistance", "summary", "received_on", "status", "reply", "replied_on", "result",
                  "concluded_on", "version", "allowed_transitions", "timeline"]
        read_only_fields = ["number", "status", "reply", "replied_on", "result", "concluded_on", "version"]


class _CaseViewSet(ScopedViewSet):
    """CRUD for a case model, plus /transition/ and /step/. Cases are never deleted through the API."""
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    step_names = ()

    # POST …/transition/ {"to": target, …} and …/step/ {"step": name, …}: the one workflow action (core.workflow);
    # the step's form validates the rest of the body
    transition = extend_schema(request=TransitionRequestSerializer)(workflow_action(
        None, url_path="transition", choose=chosen_transition))
    step = extend_schema(request=StepRequestSerializer)(workflow_action(
        None, url_path="step", choose=chosen_step))


class AssistanceCaseViewSet(_CaseViewSet):
    queryset = AssistanceCase.objects.select_related("enterprise", "region", "handler")
    serializer_class = AssistanceCaseSerializer
    filterset_class = filters.AssistanceCaseFilter

    def create(self, request, *args, **kwargs):
        if not request.user.is_officer:
            return Response({"detail": "只有工作人员可以登记援助案件；企业请通过“申请维权援助”页面提交。"},
                            status=status.HTTP_403_FORBIDDEN)
        return super().create(request, *args, **kwargs)


class AdjudicationCaseViewSet(_CaseViewSet):
    queryset = AdjudicationCase.objects.select_related("region").prefetch_related("handlers")
    serializer_class = AdjudicationCaseSerializer
    filterset_class = filters.AdjudicationCaseFilter

    def perform_create(self, serializer):
        from ipdesk.registry.models import Patent
        self._save_in_scope(serializer, patent=Patent.objects.filter(
            application_no=serializer.validated_data.get("patent_no")).first())

    def perform_update(self, serializer):
        if not serializer.validated_data.get("requester_name") and serializer.validated_data.get("requester"):
            serializer.validated_data["requester_name"] = serializer.validated_data["requester"].name
        super().perform_update(serializer)


class CooperationCaseViewSet(_CaseViewSet):
    queryset = CooperationCase.objects.select_related("region")
    serializer_class = CooperationCaseSerializer
    filterset_class = filters.CooperationCaseFilter


class ServiceStationSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())

    class Meta:
        model = ServiceStation
        fields = ["id", "kind", "name", "host", "host_enterprise", "region", "address", "contact_name", "contact_phone",
                  "established_on", "is_active", "version"]
        read_only_fields = ["version"]

    def to_representation(self, instance):
        from ipdesk.core.exports import mask_phone
        data = super().to_representation(instance)
        request = self.context.get("request")
        if data.get("contact_phone") and not (request and request.user.is_officer):
            data["contact_phone"] = mask_phone(data["contact_phone"])
        return data


class ServiceStationViewSet(ScopedViewSet):
    queryset = ServiceStation.objects.select_related("region")
    serializer_class = ServiceStationSerializer
    filterset_class = filters.ServiceStationFilter


class StationServiceSerializer(serializers.ModelSerializer):
    station = ScopedRelatedField(queryset=ServiceStation.objects.all())

    class Meta:
        model = StationService
        fields = ["id", "station", "kind", "date", "enterprise", "people", "description", "version"]
        read_only_fields = ["version"]


class StationServiceViewSet(ScopedViewSet):
    queryset = StationService.objects.select_related("station")
    serializer_class = StationServiceSerializer
    filterset_class = filters.StationServiceFilter


class TimeLimitRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeLimitRule
        fields = ["id", "code", "name", "start_event", "stop_events", "amount", "unit", "max_extension",
                  "excludes_suspensions", "roll_forward", "warn_days", "is_notice_floor", "legal_basis",
                  "basis_regulation", "basis_article", "basis_text", "basis_verified", "basis_verified_by",
                  "basis_verified_on", "basis_note", "is_active", "version"]
        read_only_fields = ["version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        merged = {k: attrs.get(k, getattr(self.instance, k, None)) for k in ("basis_verified", "basis_verified_by",
                                                                             "basis_verified_on")}
        if merged["basis_verified"] and not (merged["basis_verified_by"] and merged["basis_verified_on"]):
            raise serializers.ValidationError({"basis_verified": ["标记已核对须同时填写核对人和核对日期。"]})
        return attrs


class TimeLimitRuleViewSet(ScopedViewSet):
    queryset = TimeLimitRule.objects.all()
    serializer_class = TimeLimitRuleSerializer
    filterset_class = filters.TimeLimitRuleFilter


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name", "version"]
        read_only_fields = ["version"]


class CalendarDayViewSet(ScopedViewSet):
    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = filters.CalendarDayFilter


router = DefaultRouter()
router.register("protection/assistance", AssistanceCaseViewSet, basename="assistancecase")
router.register("protection/adjudications", AdjudicationCaseViewSet, basename="adjudicationcase")
router.register("protection/cooperation", CooperationCaseViewSet, basename="cooperationcase")
router.register("protection/stations", ServiceStationViewSet, basename="servicestation")
router.register("protection/station-services", StationServiceViewSet, basename="stationservice")
router.register("protection/time-limits", TimeLimitRuleViewSet, basename="timelimitrule")
router.register("protection/calendar", CalendarDayViewSet, basename="calendarday")
