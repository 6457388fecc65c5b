import django_filters
from django_filters.constants import EMPTY_VALUES
from django.utils.translation import gettext_lazy as _

from ipdesk.core.filters import FilterSet

from .choices import RegionLevel
from .models import DictionaryEntry, IndustryChain, Population, Region


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """区划, chosen by name from the regions the user may choose (core.filters.FilterSet narrows them to a
    district officer's own districts); the value in the URL and the API stays the region's code
    (`?region=370403`), so drill-down links keep working. With `subtree` (the default) a row matches when
    its region is the one chosen or lies under it (本级及下级), by the indexed `path` prefix."""

    def __init__(self, field_name="region", subtree=True, **kwargs):
        self.subtree = subtree
        kwargs.setdefault("queryset", Region.objects.order_by("path"))
        kwargs.setdefault("label", _("区划"))
        super().__init__(field_name=field_name, to_field_name="code", **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if not self.subtree:
            return super().filter(qs, value)
        return self.get_method(qs)(**{f"{self.field_name}__path__startswith": value.path})


class RegionFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("代码或名称"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("级别"))
    parent = RegionChoiceFilter(field_name="parent", subtree=False, label=_("上级"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "is_functional_zone"]

    def search(self, queryset, name, value):
        from django.db.models import Q
        return queryset.filter(Q(code__startswith=value) | Q(name__contains=value))


class PopulationFilter(FilterSet):
    region = RegionChoiceFilter(subtree=False)

    class Meta:
        model = Population
        fields = ["region", "year"]


class IndustryChainFilter(FilterSet):
    class Meta:
        model = IndustryChain
        fields = ["group", "strategic_emerging", "is_active"]


class DictionaryEntryFilter(FilterSet):
    class Meta:
        model = DictionaryEntry
        fields = ["dictionary", "is_active"]
