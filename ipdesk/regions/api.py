from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from ipdesk.core.api import ScopedViewSet

from .filters import DictionaryEntryFilter, IndustryChainFilter, PopulationFilter, RegionFilter
from .models import DictionaryEntry, IndustryChain, Population, Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "short_name", "level", "parent", "parent_code", "path", "is_functional_zone",
                  "sort_order", "address_keywords", "version"]
        read_only_fields = ["path", "version"]


class PopulationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Population
        fields = ["id", "region", "year", "population", "is_estimate", "source", "version"]
        read_only_fields = ["version"]


class IndustryChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ["id", "code", "name", "group", "strategic_emerging", "ipc_prefixes", "sort_order", "is_active", "version"]
        read_only_fields = ["version"]


class DictionaryEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DictionaryEntry
        fields = ["id", "dictionary", "code", "label", "sort_order", "is_active", "extra", "version"]
        read_only_fields = ["version"]


class RegionViewSet(ScopedViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter


class PopulationViewSet(ScopedViewSet):
    queryset = Population.objects.select_related("region")
    serializer_class = PopulationSerializer
    filterset_class = PopulationFilter


class IndustryChainViewSet(ScopedViewSet):
    queryset = IndustryChain.objects.all()
    serializer_class = IndustryChainSerializer
    filterset_class = IndustryChainFilter


class DictionaryEntryViewSet(ScopedViewSet):
    queryset = DictionaryEntry.objects.all()
    serializer_class = DictionaryEntrySerializer
    filterset_class = DictionaryEntryFilter


router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("populations", PopulationViewSet)
router.register("industry-chains", IndustryChainViewSet)
router.register("dictionary-entries", DictionaryEntryViewSet)
