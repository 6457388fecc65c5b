"""REST API of financing, insurance, projects, standards, awards and training.

Pledges are registered and released through finance.actions (POST /api/pledges/ with
`patent_numbers`, POST /api/pledges/{id}/release/); subsidy applications move through
/approve/, /reject/ and /pay/; a policy's subsidy is recomputed on every write.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.routers import DefaultRouter

from ipdesk.core.api import ScopedRelatedField, ScopedViewSet
from ipdesk.core.scoping import VIEW
from ipdesk.core.workflow import workflow_action, workflow_for
from ipdesk.regions.models import DictionaryEntry, Region
from ipdesk.registry.models import Enterprise, Patent

from . import actions
from .filters import (FundedProjectFilter, InsurancePolicyFilter, InsuranceSubsidyRuleFilter,
                      InterestSubsidyApplicationFilter, MatchmakingEventFilter, PatentAwardFilter, PledgeFilter,
                      StandardFilter, SubsidyRuleFilter, TrainingClassFilter)
from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, MatchmakingEvent,
                     PatentAward, Pledge, ProjectMilestone, Standard, SubsidyRule, TrainingClass)


def _drf_error(exc):
    """DRF's usual error shape with the refusal's code and message beside it (core.workflow.error_code)."""
    from ipdesk.core.workflow import error_code, error_message
    body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return ValidationError({**body, "code": error_code(exc), "message": error_message(exc)})


def _dictionary_field(name, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=DictionaryEntry.objects.filter(dictionary=name),
                                        **kwargs)


def _patent_numbers(serializer, numbers):
    request = serializer.context["request"]
    try:
        return actions.patents_from_numbers(list(numbers), Patent.objects.restrict(request.user, VIEW))
    except DjangoValidationError as exc:
        raise ValidationError({"patent_numbers": exc.messages})


class PledgeSerializer(serializers.ModelSerializer):
    pledgor = ScopedRelatedField(queryset=Enterprise.objects.all())
    pledgee = _dictionary_field("bank", help_text="数据字典 bank 的编码，如 BOC")
    patent_numbers = serializers.ListField(child=serializers.CharField(), write_only=True,
                                           help_text="质押专利申请号列表")
    patents = serializers.SlugRelatedField(slug_field="application_no", many=True, read_only=True)

    class Meta:
        model = Pledge
        fields = ["id", "registration_no", "pledgor", "pledgee", "patent_numbers", "patents", "amount_10k_yuan",
                  "registration_date", "start_date", "end_date", "status", "released_on", "note",
                  *actions.DECLARATIONS, "version"]
        read_only_fields = ["status", "released_on", "version"]

    def validate(self, data):
        if self.instance is not None:
            for fixed in ("registration_no", "pledgor", "registration_date", "patent_numbers", *actions.DECLARATIONS):
                if fixed in data and (fixed == "patent_numbers" or data[fixed] != getattr(self.instance, fixed)):
                    raise ValidationError({fixed: ["登记后不可修改（已写入专利法律状态事件）；如有错误请解除后重新登记"]})
            if data.get("end_date"):
                try:
                    actions.check_debt_term(self.instance, data["end_date"])
                except DjangoValidationError as exc:
                    raise ValidationError({"end_date": exc.messages})
        return data

    def create(self, data):
        patents = _patent_numbers(self, data.pop("patent_numbers", []))
        try:
            return actions.register_pledge(patents=patents, user=self.context["request"].user, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc)


class PledgeViewSet(ScopedViewSet):
    queryset = Pledge.objects.select_related("pledgor", "pledgee").prefetch_related("patents")
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise ValidationError({"non_field_errors": ["质押登记不能删除（已写入专利法律状态事件）；请使用解除质押"]})

    # 解除质押 (writes a pledge_release event on each patent): the one workflow action (core.workflow)
    release = workflow_action(lambda: workflow_for(Pledge), "release")


class MatchmakingEventSerializer(serializers.ModelSerializer):
    banks = _dictionary_field("bank", many=True, required=False)
    enterprises = ScopedRelatedField(queryset=Enterprise.objects.all(), many=True, required=False)
    region = ScopedRelatedField(queryset=Region.objects.all())

    class Meta:
        model = MatchmakingEvent
        fields = ["id", "title", "date", "region", "location", "banks", "enterprises", "attendee_count",
                  "intended_amount_10k_yuan", "note", "version"]
        read_only_fields = ["version"]


class MatchmakingEventViewSet(ScopedViewSet):
    queryset = MatchmakingEvent.objects.prefetch_related("banks", "enterprises")
    serializer_class = MatchmakingEventSerializer
    filterset_class = MatchmakingEventFilter


class SubsidyRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubsidyRule
        fields = ["id", "year", "name", "interest_share", "cap_per_enterprise_yuan", "requires_pledge",
                  "requires_insurance", "min_loan_10k_yuan", "basis", "version"]
        read_only_fields = ["version"]


class SubsidyRuleViewSet(ScopedViewSet):
    queryset = SubsidyRule.objects.all()
    serializer_class = SubsidyRuleSerializer
    filterset_class = SubsidyRuleFilter


class InsuranceSubsidyRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuranceSubsidyRule
        fields = ["id", "year", "insurance_type", "premium_share", "cap_per_enterprise_yuan", "basis", "version"]
        read_only_fields = ["version"]


class InsuranceSubsidyRuleViewSet(ScopedViewSet):
    queryset = InsuranceSubsidyRule.objects.all()
    serializer_class = InsuranceSubsidyRuleSerializer
    filterset_class = InsuranceSubsidyRuleFilter


class InterestSubsidyApplicationSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    pledge = ScopedRelatedField(queryset=Pledge.objects.all(), required=False, allow_null=True)
    bank = _dictionary_field("bank")

    class Meta:
        model = InterestSubsidyApplication
        fields = ["id", "enterprise", "year", "pledge", "bank", "loan_amount_10k_yuan", "loan_start", "loan_end",
                  "interest_paid_yuan", "subsidy_yuan", "working", "status", "paid_on", "note", "version"]
        read_only_fields = ["subsidy_yuan", "working", "status", "paid_on", "version"]

    def validate(self, data):
        pledge = data.get("pledge", getattr(self.instance, "pledge", None))
        enterprise = data.get("enterprise", getattr(self.instance, "enterprise", None))
        if pledge is not None and enterprise is not None and pledge.pledgor_id != enterprise.pk:
            raise ValidationError({"pledge": [f"所选质押登记的出质人（{pledge.pledgor}）不是申请企业"]})
        return data

    def save(self, **kwargs):
        instance = self.instance or InterestSubsidyApplication()
        for key, value in {**self.validated_data, **kwargs}.items():
            setattr(instance, key, value)
        try:
            self.instance = actions.submit_application(instance, user=self.context["request"].user)
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        return self.instance


class InterestSubsidyApplicationViewSet(ScopedViewSet):
    queryset = InterestSubsidyApplication.objects.select_related("enterprise", "bank", "pledge")
    serializer_class = InterestSubsidyApplicationSerializer
    filterset_class = InterestSubsidyApplicationFilter

    # 审核通过/审核不通过/拨付: the one workflow action (core.workflow), at the URLs the steps always had
    step = workflow_action(lambda: workflow_for(InterestSubsidyApplication), "approve", "reject", "pay")

    def destroy(self, request, *args, **kwargs):
        app = self.get_object()
        if app.status != "submitted":
            raise ValidationError({"non_field_errors": ["已审核的贴息申请不能删除"]})
        return super().destroy(request, *args, **kwargs)


class PolicySerializer(serializers.ModelSerializer):
    insurer = _dictionary_field("insurer", help_text="数据字典 insurer 的编码，如 PICC")
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    patent_numbers = serializers.ListField(child=serializers.CharField(), write_only=True, required=False)
    patents = serializers.SlugRelatedField(slug_field="application_no", many=True, read_only=True)

    class Meta:
        model = InsurancePolicy
        fields = ["id", "policy_no", "insurer", "enterprise", "insurance_type", "patent_numbers", "patents",
                  "premium_yuan", "cover_yuan", "start_date", "end_date", "subsidy_yuan", "working", "note", "version"]
        read_only_fields = ["subsidy_yuan", "working", "version"]

    def save(self, **kwargs):
        data = {**self.validated_data, **kwargs}
        numbers = data.pop("patent_numbers", None)
        patents = _patent_numbers(self, numbers) if numbers is not None else None
        instance = self.instance or InsurancePolicy()
        previous = (instance.enterprise_id, instance.insurance_type, instance.start_date.year) if instance.pk else None
        for key, value in data.items():
            setattr(instance, key, value)
        try:
            self.instance = actions.save_policy(instance, patents, user=self.context["request"].user,
                                                previous=previous)
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        return self.instance


class PolicyViewSet(ScopedViewSet):
    queryset = InsurancePolicy.objects.select_related("insurer", "enterprise").prefetch_related("patents")
    serializer_class = PolicySerializer
    filterset_class = InsurancePolicyFilter

    # DELETE voids the policy (core.api.ScopedViewSet.perform_destroy); the policy's voided_or_restored
    # recomputes the subsidies of the others, which may now fit under the cap.


class MilestoneSerializer(serializers.ModelSerializer):
    project = ScopedRelatedField(queryset=FundedProject.objects.all())

    class Meta:
        model = ProjectMilestone
        fields = ["id", "project", "title", "due_date", "done_on", "note", "version"]
        read_only_fields = ["version"]


class ProjectSerializer(serializers.ModelSerializer):
    recipient = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    region = ScopedRelatedField(queryset=Region.objects.all())
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = FundedProject
        fields = ["id", "kind", "name", "level", "recipient", "recipient_name", "region", "year", "amount_10k_yuan",
                  "status", "note", "milestones", "version"]
        read_only_fields = ["version"]


class ProjectViewSet(ScopedViewSet):
    queryset = FundedProject.objects.prefetch_related("milestones")
    serializer_class = ProjectSerializer
    filterset_class = FundedProjectFilter


class MilestoneViewSet(ScopedViewSet):
    queryset = ProjectMilestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_fields = ["project"]


class StandardSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())

    class Meta:
        model = Standard
        fields = ["id", "kind", "code", "name", "region", "issuer", "issued_on", "gi_product", "pilot", "drafter",
                  "version"]
        read_only_fields = ["version"]


class StandardViewSet(ScopedViewSet):
    queryset = Standard.objects.all()
    serializer_class = StandardSerializer
    filterset_class = StandardFilter


class AwardSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    patent = ScopedRelatedField(queryset=Patent.objects.all(), required=False, allow_null=True)

    class Meta:
        model = PatentAward
        fields = ["id", "kind", "grade", "year", "enterprise", "enterprise_name", "region", "patent", "patent_title",
                  "version"]
        read_only_fields = ["version"]


class AwardViewSet(ScopedViewSet):
    queryset = PatentAward.objects.all()
    serializer_class = AwardSerializer
    filterset_class = PatentAwardFilter


class TrainingClassSerializer(serializers.ModelSerializer):
    region = ScopedRelatedField(queryset=Region.objects.all())
    enterprises = ScopedRelatedField(queryset=Enterprise.objects.all(), many=True, required=False)

    class Meta:
        model = TrainingClass
        fields = ["id", "title", "start_date", "end_date", "region", "organiser", "topic", "enterprises",
                  "attendee_count", "version"]
        read_only_fields = ["version"]


class TrainingClassViewSet(ScopedViewSet):
    queryset = TrainingClass.objects.prefetch_related("enterprises")
    serializer_class = TrainingClassSerializer
    filterset_class = TrainingClassFilter


router = DefaultRouter()
router.register("pledges", PledgeViewSet)
router.register("matchmaking-events", MatchmakingEventViewSet)
router.register("subsidy-rules", SubsidyRuleViewSet)
router.register("insurance-subsidy-rules", InsuranceSubsidyRuleViewSet)
router.register("interest-subsidies", InterestSubsidyApplicationViewSet)
router.register("insurance-policies", PolicyViewSet)
router.register("funded-projects", ProjectViewSet)
router.register("project-milestones", MilestoneViewSet)
router.register("standards", StandardViewSet)
router.register("patent-awards", AwardViewSet)
router.register("training-classes", TrainingClassViewSet)
