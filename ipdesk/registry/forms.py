from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ipdesk.core.forms import DateInput, SearchableSelect
from ipdesk.regions.models import dictionary

from . import rules
from .choices import PatentEventKind
from .models import Contact, CultivationMembership, Enterprise, GIProduct, Patent, PctApplication, Trademark

DATE = DateInput()  # ISO value, or <input type="date"> shows nothing (core.forms)


class EnterpriseForm(forms.ModelForm):
    """The enterprise's own data. Not its commissioner: that is set only through the assignment page
    (services.actions.assign_commissioner), which checks the role, records the period and tells the
    commissioner (一企一专员)."""
    tags = forms.MultipleChoiceField(label=_("标签"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "region", "address", "industry_chain", "tags", "is_key_enterprise",
                  "legal_representative", "established", "employees", "rd_staff"]
        widgets = {"established": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = dictionary("enterprise_tag")


class PatentForm(forms.ModelForm):
    class Meta:
        model = Patent
        fields = ["application_no", "title", "applicants", "current_owner", "holder", "address", "region",
                  "country_code", "ipc_main", "filing_date", "publication_date", "grant_date", "lapse_date",
                  "legal_status", "pct_application_no", "overseas_family", "strategic_class", "agency",
                  "fee_paid_until", "term_compensation_days", "abstract", "claim1"]
        widgets = {name: DATE for name in ("filing_date", "publication_date", "grant_date", "lapse_date",
                                           "fee_paid_until")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_compensation_days"].required = False   # most patents have none: empty is 0

    def clean_term_compensation_days(self):
        return self.cleaned_data.get("term_compensation_days") or 0

    def clean(self):
        data = super().clean()
        filing = data.get("filing_date")
        for name, label in (("grant_date", _("授权公告日")), ("lapse_date", _("失效日"))):
            if filing and data.get(name) and data[name] < filing:
                self.add_error(name, _("%(label)s不能早于申请日") % {"label": label})
        if not (data.get("current_owner") or data.get("applicants")):
            self.add_error("applicants", _("申请人与当前权利人不能都为空"))
        return data

    def save(self, commit=True):
        patent = super().save(commit=False)
        patent.patent_type, is_pct = rules.application_type(patent.application_no)
        patent.is_pct = is_pct or bool(patent.pct_application_no)
        patent.holder_name = rules.first_name(patent.current_owner or patent.applicants)[:200]
        if patent.holder and not patent.region_id:
            patent.region = patent.holder.region
        try:
            code = rules.normalize_country_code(patent.country_code)
        except rules.InvalidIdentifier:
            code = patent.country_code
        patent.is_domestic = rules.is_domestic(code, patent.address, "x" if patent.holder_id else "")
        if commit:
            patent.save()
        return patent


class PctApplicationForm(forms.ModelForm):
    """A PCT international application; the matched enterprise is chosen from the user's scope (core.views)."""
    class Meta:
        model = PctApplication
        fields = ["international_application_no", "international_filing_date", "title", "applicants", "applicant",
                  "address", "region", "country_code", "priority_data", "publication_no", "national_application_no"]
        widgets = {"international_filing_date": DATE}

    def _normalized(self, name, normalize):
        """The field's value in its canonical form (empty stays empty); an invalid identifier is the field's error."""
        value = self.cleaned_data.get(name)
        if not value:
            return ""
        try:
            return normalize(value)
        except rules.InvalidIdentifier as exc:
            raise ValidationError(str(exc))

    def clean_international_application_no(self):
        from . import pct
        return self._normalized("international_application_no", pct.normalize_pct_no)

    def clean_publication_no(self):
        from . import pct
        return self._normalized("publication_no", pct.normalize_wo_no)

    def clean(self):
        data = super().clean()
        if not rules.first_name(data.get("applicants") or ""):
            self.add_error("applicants", _("申请人不能为空"))
        return data

    def save(self, commit=True):
        application = super().save(commit=False)
        application.first_applicant = rules.first_name(application.applicants)[:200]
        if application.applicant and not application.region_id:
            application.region = application.applicant.region
        if "region" in self.changed_data:
            application.region_signal = ""  # set by hand (区划依据 empty: 手工设定)
        try:
            code = rules.normalize_country_code(application.country_code)
        except rules.InvalidIdentifier:
            code = application.country_code
        application.is_domestic = rules.is_domestic(code, application.address, "x" if application.applicant_id else "")
        if commit:
            application.save()
        return application


class PatentEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("事件"), choices=PatentEventKind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE)
    owner_after = forms.CharField(label=_("变更后权利人"), required=False, max_length=200)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class TrademarkForm(forms.ModelForm):
    class Meta:
        model = Trademark
        fields = ["registration_no", "name", "nice_class", "owner_name", "owner", "address", "region", "filing_date",
                  "registration_date", "expiry_date", "status", "is_geographic_indication"]
        widgets = {name: DATE for name in ("filing_date", "registration_date", "expiry_date")}

    def clean_nice_class(self):
        value = self.cleaned_data["nice_class"]
        if value is not None and not 1 <= value <= 45:
            raise ValidationError(_("商标类别应在 1–45 之间"))
        return value


class GIProductForm(forms.ModelForm):
    class Meta:
        model = GIProduct
        fields = ["name", "region", "protection_type", "approved_on", "holder", "description"]
        widgets = {"approved_on": DATE}


class CultivationForm(forms.ModelForm):
    class Meta:
        model = CultivationMembership
        fields = ["enterprise", "year", "tier", "is_pilot", "note"]
        labels = {"enterprise": _("企业")}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["enterprise", "name", "title", "phone", "email", "id_number"]
        labels = {"enterprise": _("企业")}


class ResolveOwnerForm(forms.Form):
    holder_name = forms.CharField(label=_("权利人名称"), max_length=200)
    enterprise = forms.ModelChoiceField(label=_("匹配到企业"), queryset=Enterprise.objects.all(), widget=SearchableSelect)
