"""The demo city's high-value share under the corrected rules (issue 16 items 3 and 4): strategic
emerging industry by each patent's IPC, the pledge criterion off until configured."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_high_value_share_is_plausible_and_calibration_holds(db):
    # the registry's demo alone (the whole load_demo runs in tests/stats/test_calibration.py)
    call_command("setup_city", stdout=StringIO())
    from ipdesk.registry import demo
    demo.load()
    from ipdesk.regions.models import Region
    from ipdesk.stats.indicators import figures
    city = Region.objects.get(code="370400")
    f = figures(city, dt.date(2022, 12, 31))
    # SPEC section 6 still reproduced
    assert (f["invention_grants"], f["valid_invention_patents"]) == (685, 3252)
    share = f["high_value_invention_patents"] / f["valid_invention_patents"]
    print("high-value", f["high_value_invention_patents"], "share", round(share, 3),
          {k: v for k, v in f.items() if k.startswith("high_value_") and not k.endswith("_yoy")})
    # national share about 40% (SPEC section 3); the holder-chain rule gave 2,562 of 3,252 (79%)
    assert 0.30 <= share <= 0.50
    assert "high_value_pledge" not in f          # no threshold configured: off
    assert 0 < f["high_value_strategic"] < f["high_value_invention_patents"]
