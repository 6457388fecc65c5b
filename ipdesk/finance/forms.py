"""Forms. Pledge, subsidy-application and policy forms hand their saving to finance.actions,
so the web page, the API and the import share one set of checks."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipdesk.core.forms import DateInput
from ipdesk.core.scoping import VIEW
from ipdesk.registry.models import Patent

from . import actions
from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, MatchmakingEvent,
                     PatentAward, Pledge, ProjectMilestone, Standard, SubsidyRule, TrainingClass)

DATE = DateInput()  # ISO, whatever the language (core.forms)
NUMBERS_HELP = _("每行一个专利申请号，如 201710601862.3（可带 CN/ZL 前缀，可省略小数点）")


def _dates(meta_fields):
    return {name: DATE for name in meta_fields}


class _UserForm(forms.ModelForm):
    user = None  # set by the view; patents are looked up within the user's data scope

    def _patents(self):
        qs = Patent.objects.restrict(self.user, VIEW) if self.user is not None else Patent.objects.all()
        try:
            return actions.patents_from_numbers(self.cleaned_data.get("patent_numbers", ""), qs)
        except ValidationError as exc:
            self.add_error("patent_numbers", exc)
            return None

    @staticmethod
    def _flat(exc):
        """An action's refusal at save time (e.g. another officer pledged the patent a moment ago) as
        form-wide messages: the generic edit view shows them above the form, never a 500."""
        return ValidationError(exc.messages)

    def _add_action_errors(self, exc):
        """Errors the actions keyed by model field: patents go on the application-number box."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = "patent_numbers" if field == "patents" else field
                self.add_error(target if target in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class PledgeForm(_UserForm):
    patent_numbers = forms.CharField(label=_("质押专利申请号"), widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=NUMBERS_HELP)

    class Meta:
        model = Pledge
        fields = ["registration_no", "pledgor", "pledgee", "amount_10k_yuan", "registration_date", "start_date",
                  "end_date", "note", *actions.DECLARATIONS]
        widgets = _dates(["registration_date", "start_date", "end_date"])

    def _declarations(self):
        return {k: self.cleaned_data.get(k, False) for k in actions.DECLARATIONS}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        patents = self._patents()
        if patents is not None:
            try:
                terms = actions.pledge_terms(data["pledgor"], data.get("end_date"), **self._declarations())
                actions.check_pledge(data["pledgor"], patents, data["registration_date"], terms)
            except ValidationError as exc:
                self._add_action_errors(exc)
        self.cleaned_patents = patents
        return data

    def save(self, commit=True):
        data = self.cleaned_data
        try:
            self.instance = actions.register_pledge(
                registration_no=data["registration_no"], pledgor=data["pledgor"], pledgee=data["pledgee"],
                patents=self.cleaned_patents, amount_10k_yuan=data["amount_10k_yuan"],
                registration_date=data["registration_date"], start_date=data.get("start_date"),
                end_date=data.get("end_date"), note=data.get("note", ""), user=self.user, **self._declarations())
        except ValidationError as exc:
            raise self._flat(exc)
        return self.instance


class PledgeEditForm(forms.ModelForm):
    """After registration the pledgor, patents and date are fixed (they wrote legal-status events)."""

    class Meta:
        model = Pledge
        fields = ["pledgee", "amount_10k_yuan", "start_date", "end_date", "note"]
        widgets = _dates(["start_date", "end_date"])

    def clean(self):
        """A later debt end date must still lie within every pledged patent's term (rules.pledge_refusals)."""
        data = super().clean()
        if self.instance.pk and data.get("end_date"):
            try:
                actions.check_debt_term(self.instance, data["end_date"])
            except ValidationError as exc:
                self.add_error("end_date", exc)
        return data


class ReleaseForm(forms.Form):
    date = forms.DateField(label=_("解除日"), widget=DATE,
                           error_messages={"invalid": _("请填写正确的解除日（YYYY-MM-DD）。"),
                                           "required": _("请填写正确的解除日（YYYY-MM-DD）。")})
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class MatchmakingEventForm(forms.ModelForm):
    class Meta:
        model = MatchmakingEvent
        fields = ["title", "date", "region", "location", "banks", "enterprises", "attendee_count",
                  "intended_amount_10k_yuan", "note"]
        widgets = _dates(["date"])


class SubsidyRuleForm(forms.ModelForm):
    class Meta:
        model = SubsidyRule
        fields = ["year", "name", "interest_share", "cap_per_enterprise_yuan", "requires_pledge", "requires_insurance",
                  "min_loan_10k_yuan", "basis"]


class InsuranceSubsidyRuleForm(forms.ModelForm):
    class Meta:
        model = InsuranceSubsidyRule
        fields = ["year", "insurance_type", "premium_share", "cap_per_enterprise_yuan", "basis"]


class InterestSubsidyApplicationForm(_UserForm):
    class Meta:
        model = InterestSubsidyApplication
        fields = ["enterprise", "year", "pledge", "bank", "loan_amount_10k_yuan", "loan_start", "loan_end",
                  "interest_paid_yuan", "note"]
        widgets = _dates(["loan_start", "loan_end"])

    def clean(self):
        data = super().clean()
        pledge, enterprise = data.get("pledge"), data.get("enterprise")
        if pledge is not None and enterprise is not None and pledge.pledgor_id != enterprise.pk:
            self.add_error("pledge", _("所选质押登记的出质人（%(p)s）不是申请企业") % {"p": pledge.pledgor})
        return data

    def _post_clean(self):
        """The action's own checks (a rule for the year, a pledge in force that year) on their fields,
        before save; submit_application checks them again for the API and other callers."""
        super()._post_clean()
        if not self.errors:
            try:
                actions.check_application(self.instance)
            except ValidationError as exc:
                self._update_errors(exc)

    def save(self, commit=True):
        try:
            return actions.submit_application(self.instance, user=self.user)
        except ValidationError as exc:
            raise self._flat(exc)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=300)
    date = forms.DateField(label=_("拨付日"), required=False, widget=DATE)


class InsurancePolicyForm(_UserForm):
    patent_numbers = forms.CharField(label=_("承保专利申请号"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False, help_text=NUMBERS_HELP)

    class Meta:
        model = InsurancePolicy
        fields = ["policy_no", "insurer", "enterprise", "insurance_type", "premium_yuan", "cover_yuan", "start_date",
                  "end_date", "note"]
        widgets = _dates(["start_date", "end_date"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        inst = self.instance
        self._previous = (inst.enterprise_id, inst.insurance_type, inst.start_date.year) if inst.pk else None
        if inst.pk:
            self.initial["patent_numbers"] = "\n".join(inst.patents.values_list("application_no", flat=True))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        patents = self._patents()
        if patents is not None:
            try:
                actions.check_policy_patents(data["enterprise"].pk, data["start_date"], patents)
            except ValidationError as exc:
                self._add_action_errors(exc)
        self.cleaned_patents = patents
        return data

    def save(self, commit=True):
        try:
            return actions.save_policy(self.instance, self.cleaned_patents, user=self.user, previous=self._previous)
        except ValidationError as exc:
            raise self._flat(exc)


class FundedProjectForm(forms.ModelForm):
    class Meta:
        model = FundedProject
        fields = ["kind", "name", "level", "recipient", "recipient_name", "region", "year", "amount_10k_yuan", "status",
                  "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_name"].required = False
        self.fields["recipient_name"].help_text = _("选择了承担企业时可不填")

    def clean(self):
        data = super().clean()
        if not data.get("recipient_name"):
            if data.get("recipient") is not None:
                data["recipient_name"] = data["recipient"].name
            else:
                self.add_error("recipient_name", _("请选择承担企业或填写承担单位名称"))
        return data


class ProjectMilestoneForm(forms.ModelForm):
    class Meta:
        model = ProjectMilestone
        fields = ["project", "title", "due_date", "done_on", "note"]
        widgets = _dates(["due_date", "done_on"])


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = ["kind", "code", "name", "region", "issuer", "issued_on", "gi_product", "pilot", "drafter"]
        widgets = _dates(["issued_on"])


class PatentAwardForm(forms.ModelForm):
    class Meta:
        model = PatentAward
        fields = ["kind", "grade", "year", "enterprise", "enterprise_name", "region", "patent", "patent_title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patent"].widget = forms.HiddenInput()  # thousands of patents: set via API/import
        self.fields["enterprise_name"].required = False
        self.fields["enterprise_name"].help_text = _("选择了获奖企业时可不填")

    def clean(self):
        data = super().clean()
        if not data.get("enterprise_name"):
            if data.get("enterprise") is not None:
                data["enterprise_name"] = data["enterprise"].name
            else:
                self.add_error("enterprise_name", _("请选择获奖企业或填写获奖单位名称"))
        return data


class TrainingClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = ["title", "start_date", "end_date", "region", "organiser", "topic", "enterprises", "attendee_count"]
        widgets = _dates(["start_date", "end_date"])
