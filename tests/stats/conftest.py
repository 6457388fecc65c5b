"""Hand-made patent events for the indicator tests (patents: tests.factories.PatentFactory)."""
import pytest


@pytest.fixture
def event(regions):
    from ipdesk.registry.models import PatentEvent

    def make(patent, kind, date, before=None, after=None, domestic_after=None, owner_after=""):
        return PatentEvent.objects.create(patent=patent, kind=kind, date=date, owner_after=owner_after or f"{kind}{date}",
                                          region_before=regions[before] if before else None,
                                          region_after=regions[after] if after else None, domestic_after=domestic_after)
    return make
