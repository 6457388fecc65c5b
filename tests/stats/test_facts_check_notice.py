"""The nightly facts check (`ipdesk rebuild_facts --check`, stats.tasks.nightly_facts_check) is seen on the
dashboard when it finds differences (issue 17 item 3): a notice with their number and the time of the check,
for the city officers who run the repair — not for leaders or district officers, and no page for other roles."""
import datetime as dt

import pytest
from django.utils import timezone

from ipdesk.stats import facts
from ipdesk.stats.models import FactState, PatentFact
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db
NOTICE = 'data-testid="facts-check-notice"'


@pytest.fixture
def differing_facts(regions):
    """Facts changed in SQL beside the application, then the nightly check."""
    facts.rebuild()
    patent = PatentFactory(grant_date=dt.date(2022, 3, 1))
    PatentFact.objects.filter(patent_id=patent.pk).update(grant_domestic=False)
    found = facts.record_check()
    assert facts.differences(found) > 0
    return FactState.objects.get()


@pytest.mark.parametrize("role,sees", [("city", True), ("leader", False), ("district", False)])
def test_the_notice_shows_to_city_officers_only(clients, differing_facts, role, sees):
    r = clients[role].get("/stats/")
    assert r.status_code == 200
    html = r.content.decode()
    assert (NOTICE in html) is sees
    if sees:
        checked = timezone.localtime(differing_facts.checked_at).strftime("%Y-%m-%d %H:%M")
        notice = html[html.index(NOTICE):]
        notice = notice[:notice.index("</div>")]
        assert f"{differing_facts.check_differences} 处差异" in notice and checked in notice
        assert "rebuild_facts" in notice


@pytest.mark.parametrize("role", ["commissioner", "enterprise", "lawyer"])
def test_other_roles_have_no_dashboard(clients, differing_facts, role):
    assert clients[role].get("/stats/").status_code == 404


def test_no_notice_when_the_check_found_nothing_or_the_facts_were_rebuilt_since(clients, differing_facts):
    facts.rebuild()                       # the repair (`ipdesk rebuild_facts`) after the finding
    assert NOTICE not in clients["city"].get("/stats/").content.decode()
    facts.record_check()                  # the next night: nothing to report
    assert FactState.objects.get().check_differences == 0
    assert NOTICE not in clients["city"].get("/stats/").content.decode()
