"""Hand-made financing records: a pledgor of 薛城区 (the district officer's, served by the
commissioner, the enterprise user's own) with granted patents, and an enterprise of 滕州市."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.regions.models import DictionaryEntry
from ipdesk.registry.models import Patent
from ipdesk.registry.rules import _app_check

D = dt.date


@pytest.fixture
def make_patent():
    counter = {"n": 0}

    def make(holder, grant_date=D(2020, 5, 1), patent_type="invention", legal_status="valid", **fields):
        counter["n"] += 1
        digit = {"invention": 1, "utility": 2, "design": 3}[patent_type]
        body = f"2019{digit}{counter['n']:07d}"
        return Patent.objects.create(
            application_no=f"{body}.{_app_check(body)}", patent_type=patent_type, title=f"一种测试装置{counter['n']}",
            holder=holder, holder_name=holder.name if holder else "外地公司", region=holder.region if holder else None,
            filing_date=D(2019, 1, 1), grant_date=grant_date, legal_status=legal_status, **fields)
    return make


@pytest.fixture
def bank(regions):
    return DictionaryEntry.objects.get(dictionary="bank", code="BOC")


@pytest.fixture
def insurer(regions):
    return DictionaryEntry.objects.get(dictionary="insurer", code="PICC")


@pytest.fixture
def world(users, make_enterprise, make_patent, bank):
    """own: the enterprise user's enterprise (薛城区); other: an enterprise of 滕州市."""
    own = users["enterprise"].enterprise
    other = make_enterprise("滕州远方机械有限公司", "370481")
    return {"own": own, "other": other, "own_patents": [make_patent(own) for _ in range(3)],
            "other_patents": [make_patent(other) for _ in range(2)], "bank": bank}


@pytest.fixture
def pledges(world):
    """One effective pledge of each enterprise, registered through the action."""
    from ipdesk.finance import actions
    mine = actions.register_pledge(registration_no="Y2022000001", pledgor=world["own"], pledgee=world["bank"],
                                   patents=world["own_patents"][:2], amount_10k_yuan=Decimal("1200"),
                                   registration_date=D(2022, 3, 1))
    theirs = actions.register_pledge(registration_no="Y2022000002", pledgor=world["other"], pledgee=world["bank"],
                                     patents=world["other_patents"], amount_10k_yuan=Decimal("800"),
                                     registration_date=D(2022, 4, 1))
    return {"mine": mine, "theirs": theirs}
