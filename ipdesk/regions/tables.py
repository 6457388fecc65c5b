import django_tables2 as tables

from ipdesk.core.columns import BaseTable

from .models import DictionaryEntry, IndustryChain, Population, Region


class RegionTable(BaseTable):
    code = tables.Column(linkify=True)

    class Meta:
        model = Region
        fields = ("code", "name", "short_name", "level", "parent", "is_functional_zone", "address_keywords")


class PopulationTable(BaseTable):
    region = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = Population
        fields = ("region", "year", "population", "is_estimate", "source")


class IndustryChainTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta:
        model = IndustryChain
        fields = ("code", "name", "group", "strategic_emerging", "ipc_prefixes", "is_active")


class DictionaryEntryTable(BaseTable):
    label = tables.Column(linkify=True)

    class Meta:
        model = DictionaryEntry
        fields = ("dictionary", "code", "label", "sort_order", "is_active")

    def render_dictionary(self, value):
        """The list by its name (银行), not its code (bank)."""
        from ipdesk.core.templatetags.labels import dictionary_name
        return dictionary_name(value)
