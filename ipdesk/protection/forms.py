from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipdesk.core import context
from ipdesk.core.forms import DateInput

from .choices import limit_event_choices
from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, DocumentTemplate, ServiceStation,
                     StationService, TimeLimitRule)

DATE = DateInput()  # ISO, whatever the language (core.forms)


class _RegisteringForm(forms.ModelForm):
    """A case form: a new case gets the first row of its timeline in the same transaction."""

    def save(self, commit=True):
        from . import actions
        new = self.instance.pk is None
        obj = super().save(commit=commit)
        if commit and new:
            actions.register(obj, context.current().user)
        return obj

    def _region_from(self, field):
        region = self.cleaned_data.get("region")
        party = self.cleaned_data.get(field)
        if region is None and party is not None:
            region = party.region
        if region is None:
            raise ValidationError({"region": _("请选择所属区划（或选择库内企业，自动取其区划）。")})
        return region


class AssistanceCaseForm(_RegisteringForm):
    class Meta:
        model = AssistanceCase
        fields = ["title", "source", "right_type", "is_overseas", "enterprise", "region", "other_party",
                  "description", "received_on"]
        widgets = {"received_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["region"] = self._region_from("enterprise")
            self.instance.region = data["region"]
        return data


class AssistanceApplicationForm(_RegisteringForm):
    """What an enterprise user fills in to apply for assistance for its own enterprise (维权援助申请)."""
    class Meta:
        model = AssistanceCase
        fields = ["title", "right_type", "is_overseas", "other_party", "description"]
        labels = {"title": _("求助事项")}


class AdjudicationCaseForm(_RegisteringForm):
    class Meta:
        model = AdjudicationCase
        fields = ["title", "requester", "requester_name", "respondent_name", "respondent_address", "patent_no",
                  "region", "claims", "received_on"]
        widgets = {"received_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["requester_name"].required = False

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["region"] = self._region_from("requester")
            self.instance.region = data["region"]
            if not data.get("requester_name"):
                if data.get("requester") is None:
                    raise ValidationError({"requester_name": _("请填写请求人名称，或选择库内的请求人企业。")})
                data["requester_name"] = data["requester"].name
                self.instance.requester_name = data["requester_name"]
        return data

    def save(self, commit=True):
        from ipdesk.registry.models import Patent
        self.instance.patent = Patent.objects.filter(application_no=self.cleaned_data["patent_no"]).first()
        return super().save(commit)


class CooperationCaseForm(_RegisteringForm):
    class Meta:
        model = CooperationCase
        fields = ["kind", "title", "receiving_body", "parties", "enterprise", "region", "right_type", "adjudication",
                  "assistance", "summary", "received_on"]
        widgets = {"received_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["region"] = self._region_from("enterprise")
            self.instance.region = data["region"]
        return data


class ServiceStationForm(forms.ModelForm):
    class Meta:
        model = ServiceStation
        fields = ["kind", "name", "host", "host_enterprise", "region", "address", "contact_name", "contact_phone",
                  "established_on", "is_active"]
        widgets = {"established_on": DATE}


class StationServiceForm(forms.ModelForm):
    class Meta:
        model = StationService
        fields = ["station", "kind", "date", "enterprise", "people", "description"]
        widgets = {"date": DATE}


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DATE}


class _EventsField(forms.MultipleChoiceField):
    """The stop events, ticked by name; a JSON list of codes (what the field held as text before) still reads."""

    def to_python(self, value):
        if isinstance(value, str):
            import json
            try:
                value = json.loads(value) if value.strip().startswith("[") else [value] if value.strip() else []
            except ValueError:
                raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return super().to_python(value)


class TimeLimitRuleForm(forms.ModelForm):
    """A limit with its legal basis; "已核对" is the officer's statement that the basis was checked against the text
    in force, so it needs who checked and when. The events are chosen by name, never typed as codes."""
    start_event = forms.ChoiceField(label=_("起算事件"), choices=limit_event_choices)
    stop_events = _EventsField(label=_("终止事件"), choices=limit_event_choices, required=False,
                               widget=forms.CheckboxSelectMultiple, help_text=_("任一事件发生即视为期限内完成"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {code for code, _label in limit_event_choices()}
        kept = [c for c in [self.instance.start_event, *(self.instance.stop_events or [])] if c and c not in known]
        for name in ("start_event", "stop_events"):  # a code written before this list keeps its place
            self.fields[name].choices = [*limit_event_choices(), *[(c, c) for c in dict.fromkeys(kept)]]

    class Meta:
        model = TimeLimitRule
        fields = ["code", "name", "start_event", "stop_events", "amount", "unit", "max_extension",
                  "excludes_suspensions", "roll_forward", "warn_days", "is_notice_floor", "legal_basis",
                  "basis_regulation", "basis_article", "basis_text", "basis_verified", "basis_verified_by",
                  "basis_verified_on", "basis_note", "is_active"]
        widgets = {"basis_verified_on": DATE, "basis_text": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("basis_verified"):
            for name in ("basis_verified_by", "basis_verified_on"):
                if not data.get(name):
                    self.add_error(name, _("标记已核对须填写此项。"))
        return data


class DocumentTemplateForm(forms.ModelForm):
    """Upload of a document template; documents.validate_template refuses one that uses anything
    but the listed fields (a template is user-written code, see protection.documents)."""
    upload = forms.FileField(label=_("模板文件（.docx）"), required=False)

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "name", "is_active", "note"]

    def __init__(self, *args, **kwargs):
        from .documents import fields_help
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = fields_help()

    def clean_upload(self):
        from .documents import validate_template
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if self.instance.pk is None:
                raise ValidationError(_("请上传 .docx 模板文件。"))
            return None
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("模板文件不能超过 10 MB。"))
        content = upload.read()
        validate_template(content)
        return content

    def save(self, commit=True):
        if self.cleaned_data.get("upload"):
            self.instance.content = self.cleaned_data["upload"]
        return super().save(commit)
