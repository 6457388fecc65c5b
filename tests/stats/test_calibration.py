"""With the demo data, the 2022 figures of the press conference (SPEC section 6) come out of the
indicator functions, with their 2021 base."""
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    from ipdesk.regions.models import Region
    return Region.objects.get(code="370400")


def test_calibration_2022(demo, client_for, make_user):
    from ipdesk.stats.indicators import figures
    f = figures(demo, dt.date(2022, 12, 31))
    assert (f["invention_grants"], f["invention_grants_yoy"]) == (685, 0.055)
    assert (f["pct_applications"], f["pct_applications_yoy"]) == (18, 0.636)
    assert (f["valid_invention_patents"], f["valid_invention_patents_yoy"]) == (3252, 0.163)
    assert f["valid_invention_per_10k"] == 8.43
    base = figures(demo, dt.date(2021, 12, 31))
    assert (base["invention_grants"], base["pct_applications"], base["valid_invention_patents"]) == (649, 11, 2796)
    # pledge financing (finance module's provider): 138 patents, 1.079 billion yuan, 34 enterprises above 10 million
    assert (f["pledged_patents"], f["pledge_amount_10k_yuan"], f["pledge_enterprises_over_10m"]) == (138, 107900, 34)

    # The whole demo loads once (it takes seconds): the other checks on it follow here.
    same_numbers_everywhere(client_for, make_user)
    demo_registry_is_shaped_like_the_press_conference()


def same_numbers_everywhere(client_for, make_user):
    """The command, the API and the dashboard show the same numbers."""
    from ipdesk.core.scoping import Role
    out = StringIO()
    call_command("indicators", "--region", "370400", "--as-of", "2022-12-31", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    client = client_for(make_user("calib_leader", Role.LEADER, "370400"))
    api = client.get("/api/indicators/", {"region": "370400", "as_of": "2022-12-31"}).json()
    keys = ["invention_grants", "invention_grants_yoy", "valid_invention_patents", "valid_invention_per_10k",
            "pct_applications", "pledge_amount_10k_yuan"]
    assert {k: cli[k] for k in keys} == {k: api[k] for k in keys}
    page = client.get("/stats/", {"as_of": "2022-12-31"}).content.decode()
    assert 'data-key="invention_grants"' in page and "685" in page and "3,252" in page and "8.43" in page


def demo_registry_is_shaped_like_the_press_conference():
    from ipdesk.registry.models import CultivationMembership, Enterprise, Patent, PatentEvent
    from ipdesk.registry.rules import normalize_application_no, normalize_uscc
    tags = [t for e in Enterprise.objects.values_list("tags", flat=True) for t in e]
    assert tags.count("nat_demo") == 3 and tags.count("nat_adv") == 9
    assert CultivationMembership.objects.filter(year=2022).count() == 100
    assert CultivationMembership.objects.filter(year=2022, is_pilot=True).count() == 7
    for e in Enterprise.objects.all()[:50]:
        assert normalize_uscc(e.uscc) == e.uscc
    for no in Patent.objects.values_list("application_no", flat=True)[:200]:
        assert normalize_application_no(no) == no
    assert PatentEvent.objects.filter(kind="transfer", region_before__isnull=False, region_after__isnull=False).exists()
    assert PatentEvent.objects.filter(kind="restoration").exists()
    assert Patent.objects.filter(is_domestic=False, country_code__in=["81", "71"]).exists()
    n = Patent.objects.count()
    call_command("load_demo", stdout=StringIO())   # idempotent
    assert Patent.objects.count() == n
