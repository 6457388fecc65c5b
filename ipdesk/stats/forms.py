from django import forms
from django.utils.translation import gettext_lazy as _

from .indicators import TARGET_KEYS, label
from .models import HighValueCriterion, Target


def indicator_choices():
    return [(k, label(k)) for k in TARGET_KEYS]


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("指标"), choices=indicator_choices)

    class Meta:
        model = Target
        fields = ["region", "year", "indicator", "value", "note"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("年度应在2000—2100之间"))
        return year


class HighValueCriterionForm(forms.ModelForm):
    class Meta:
        model = HighValueCriterion
        fields = ["name", "enabled", "threshold", "application_numbers", "sort_order"]


class PrepareBulletinForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)


class PublishForm(forms.Form):
    summary = forms.CharField(label=_("综述"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
