"""Hand-made registry records for the indicator tests."""
import datetime as dt

import pytest

from ipdesk.registry.rules import _app_check


@pytest.fixture
def make_patent(regions):
    from ipdesk.registry.models import Patent
    counter = {"n": 0}

    def make(region="370403", patent_type="invention", grant=None, filing=None, domestic=True, country="37", **fields):
        counter["n"] += 1
        digit = {"invention": "1", "utility": "2", "design": "3"}[patent_type]
        filing = filing or (grant - dt.timedelta(days=700) if grant else dt.date(2021, 3, 1))
        body = f"{filing.year}{digit}{counter['n']:07d}"
        fields.setdefault("legal_status", "valid" if grant else "pending")
        return Patent.objects.create(
            application_no=f"{body}.{_app_check(body)}", patent_type=patent_type, title=f"测试专利{counter['n']}",
            holder_name=f"权利人{counter['n']}", region=regions[region] if region else None, is_domestic=domestic,
            country_code=country, filing_date=filing, grant_date=grant, **fields)
    return make


@pytest.fixture
def event(regions):
    from ipdesk.registry.models import PatentEvent

    def make(patent, kind, date, before=None, after=None, domestic_after=None, owner_after=""):
        return PatentEvent.objects.create(patent=patent, kind=kind, date=date, owner_after=owner_after or f"{kind}{date}",
                                          region_before=regions[before] if before else None,
                                          region_after=regions[after] if after else None, domestic_after=domestic_after)
    return make
