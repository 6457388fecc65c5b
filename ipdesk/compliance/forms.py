from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipdesk.core.forms import DateInput

from .models import (AbnormalApplication, AbnormalBatch, Agency, Agent, Complaint, CreditGradeRule, Inspection,
                     Penalty)

DATE = DateInput()  # ISO value, or <input type="date"> shows nothing (core.forms)


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "uscc", "licence_no", "region", "address", "contact", "phone", "is_active"]


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ["agency", "name", "certificate_no", "phone", "is_active"]


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["agency", "date", "standard", "inspectors", "result", "findings", "rectification_due"]
        widgets = {"date": DATE, "rectification_due": DATE}


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["agency", "received", "complainant", "summary", "status", "resolution"]
        widgets = {"received": DATE}


class PenaltyForm(forms.ModelForm):
    class Meta:
        model = Penalty
        fields = ["agency", "date", "kind", "decision_no", "amount", "reason"]
        widgets = {"date": DATE}


class CreditGradeRuleForm(forms.ModelForm):
    class Meta:
        model = CreditGradeRule
        fields = ["kind", "event", "points", "grade", "min_score", "window_years", "is_active"]


class AbnormalBatchForm(forms.ModelForm):
    class Meta:
        model = AbnormalBatch
        fields = ["name", "source", "received", "default_region", "note"]
        widgets = {"received": DATE}


class AbnormalApplicationForm(forms.ModelForm):
    """Adding one application by hand; region and agency are assigned by compliance.actions."""
    class Meta:
        model = AbnormalApplication
        fields = ["application_no", "title", "applicant", "address", "agency_name", "behaviour", "notice_date", "deadline"]
        widgets = {"notice_date": DATE, "deadline": DATE}


class MoveForm(forms.Form):
    """The input of a step of an abnormal application (compliance.workflows): its date (today when none), the
    reply deadline (送达通知), a note."""
    date = forms.DateField(label=_("日期"), widget=DATE, required=False)
    deadline = forms.DateField(label=_("答复期限（送达通知时）"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_date(self):
        return self.cleaned_data["date"] or timezone.localdate()


class ReviewForm(forms.Form):
    """The input of a candidate's review step."""
    note = forms.CharField(label=_("审核意见"), required=False)


class CreateBatchForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=200)
    default_region = forms.ModelChoiceField(label=_("默认区划"), queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ipdesk.regions.models import Region
        qs = Region.objects.all()
        if user is not None and user.region_id and user.role == "district_officer":
            qs = qs.filter(path__startswith=user.region.path)
        self.fields["default_region"].queryset = qs


class RunDetectionForm(forms.Form):
    since = forms.DateField(label=_("申请日起"), widget=DATE)
    threshold = forms.FloatField(label=_("相似度阈值"), initial=0.8, min_value=0.3, max_value=1.0)
