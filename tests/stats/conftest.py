"""Hand-made records for the indicator and bulletin tests (rows: tests.factories)."""
import datetime as dt

import pytest

from tests.factories import PatentFactory, TargetFactory

D = dt.date


@pytest.fixture
def event(regions):
    from ipdesk.registry.models import PatentEvent

    def make(patent, kind, date, before=None, after=None, domestic_after=None, owner_after=""):
        return PatentEvent.objects.create(patent=patent, kind=kind, date=date, owner_after=owner_after or f"{kind}{date}",
                                          region_before=regions[before] if before else None,
                                          region_after=regions[after] if after else None, domestic_after=domestic_after)
    return make


@pytest.fixture
def bulletin_records(regions):
    """Invention grants of 2022 (滕州市 5, 薛城区 3, 市中区 1, one a month from January) and of February 2021
    (滕州市 1, 薛城区 2), and 2022 targets for invention grants (滕州市 4, 薛城区 6, the city 10)."""
    for region, n in (("370481", 5), ("370403", 3), ("370402", 1)):
        for i in range(n):
            PatentFactory(region=region, grant_date=D(2022, 1 + i, 10))
    for region in ("370481", "370403", "370403"):
        PatentFactory(region=region, grant_date=D(2021, 2, 10))
    for code, value in (("370481", 4), ("370403", 6), ("370400", 10)):
        TargetFactory(region=code, year=2022, indicator="invention_grants", value=value)
    return regions


@pytest.fixture
def three_years_of_grants(regions):
    """Invention grants in 滕州市 and 薛城区: 12 and 6 in 2020 and in 2021, 7 and 2 in the first half of 2022."""
    for year, per_district in ((2020, {"370481": 12, "370403": 6}), (2021, {"370481": 12, "370403": 6}),
                               (2022, {"370481": 7, "370403": 2})):
        for code, n in per_district.items():
            for i in range(n):
                PatentFactory(region=code, grant_date=D(year, 1 + i % (6 if year == 2022 else 12), 10 + i // 12))
    return regions
