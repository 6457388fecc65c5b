import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .models import DictionaryEntry, IndustryChain, Population, Region


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("代码或名称"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("级别"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级代码"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "is_functional_zone"]

    def search(self, queryset, name, value):
        from django.db.models import Q
        return queryset.filter(Q(code__startswith=value) | Q(name__contains=value))


class PopulationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", label=_("区划代码"))

    class Meta:
        model = Population
        fields = ["region", "year"]


class IndustryChainFilter(django_filters.FilterSet):
    class Meta:
        model = IndustryChain
        fields = ["group", "strategic_emerging", "is_active"]


class DictionaryEntryFilter(django_filters.FilterSet):
    class Meta:
        model = DictionaryEntry
        fields = ["dictionary", "is_active"]
