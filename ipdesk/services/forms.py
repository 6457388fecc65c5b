from django import forms
from django.utils.translation import gettext_lazy as _

from ipdesk.core.forms import DateInput, SearchableSelect
from ipdesk.core.scoping import Role

from .choices import Rating
from .models import ProblemLog, ServiceType


class RequestForm(forms.Form):
    """A new service request: from the portal (the enterprise is the user's own) or, for a
    commissioner or officer, on behalf of an enterprise they serve."""
    enterprise = forms.ModelChoiceField(queryset=None, label=_("企业"), widget=SearchableSelect)
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(is_active=True), label=_("服务事项"))
    title = forms.CharField(label=_("诉求标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachment = forms.FileField(label=_("附件"), required=False,
                                 help_text=_("可选；PDF、图片、Word、Excel 或 ZIP，单个文件不超过 20 MB"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ipdesk.registry.models import Enterprise
        if user.role == Role.ENTERPRISE and not user.is_superuser:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.restrict(user)
        self.fields["service_type"].label_from_instance = (
            lambda t: _("%(name)s（承诺 %(days)s 个%(unit)s，原 %(former)s）") % {
                "name": t.name, "days": t.promised_days, "unit": t.get_day_unit_display(), "former": t.former_days})


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("满意度"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("留言"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))


class AssignForm(forms.Form):
    commissioner = forms.ModelChoiceField(queryset=None, required=False, label=_("服务专员"), widget=SearchableSelect,
                                          help_text=_("留空表示取消分配"))
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ipdesk.accounts.models import User
        self.fields["commissioner"].queryset = User.objects.filter(role=Role.COMMISSIONER, is_active=True) \
            .order_by("username")


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = ["code", "name", "promised_days", "former_days", "day_unit", "description", "sort_order", "is_active"]


class ProblemLogForm(forms.ModelForm):
    class Meta:
        model = ProblemLog
        fields = ["enterprise", "category", "description", "raised_on", "status", "resolution", "solved_on", "request"]
        widgets = {"raised_on": DateInput(),
                   "solved_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3}), "resolution": forms.Textarea(attrs={"rows": 3})}
