"""Hand-made financing records: a pledgor of 薛城区 (the district officer's, served by the
commissioner, the enterprise user's own) with granted patents, and an enterprise of 滕州市."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.regions.models import DictionaryEntry
from tests.factories import PatentFactory

D = dt.date


@pytest.fixture
def bank(regions):
    return DictionaryEntry.objects.get(dictionary="bank", code="BOC")


@pytest.fixture
def insurer(regions):
    return DictionaryEntry.objects.get(dictionary="insurer", code="PICC")


@pytest.fixture
def world(users, make_enterprise, bank):
    """own: the enterprise user's enterprise (薛城区); other: an enterprise of 滕州市."""
    own = users["enterprise"].enterprise
    other = make_enterprise("滕州远方机械有限公司", "370481")
    return {"own": own, "other": other, "own_patents": [PatentFactory(holder=own, granted=True) for _ in range(3)],
            "other_patents": [PatentFactory(holder=other, granted=True) for _ in range(2)], "bank": bank}


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
