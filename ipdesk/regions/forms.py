from django import forms

from .models import DictionaryEntry, IndustryChain, Population, Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent", "is_functional_zone", "sort_order", "address_keywords"]


class PopulationForm(forms.ModelForm):
    class Meta:
        model = Population
        fields = ["region", "year", "population", "is_estimate", "source"]


class IndustryChainForm(forms.ModelForm):
    class Meta:
        model = IndustryChain
        fields = ["code", "name", "group", "strategic_emerging", "ipc_prefixes", "sort_order", "is_active"]


class DictionaryEntryForm(forms.ModelForm):
    class Meta:
        model = DictionaryEntry
        fields = ["dictionary", "code", "label", "sort_order", "is_active"]
