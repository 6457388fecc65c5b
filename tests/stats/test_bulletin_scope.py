"""A draft bulletin belongs to the city officers who prepare it: district officers and leaders reach a
bulletin only once it is published — page, every download format and the API answer 404 for a draft."""
import pytest

from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
from ipdesk.stats.models import Bulletin

pytestmark = pytest.mark.django_db
FORMATS = ("pdf", "docx", "xlsx")


def _paths(b):
    return [f"/stats/bulletins/{b.pk}/", f"/api/bulletins/{b.pk}/"] + \
        [f"/stats/bulletins/{b.pk}/download.{fmt}" for fmt in FORMATS]


@pytest.fixture
def bulletins(regions, users):
    draft = prepare_bulletin(regions["370400"], 2022, 6)
    published = publish_bulletin(prepare_bulletin(regions["370400"], 2022, 5), users["city"])
    return draft, published


@pytest.mark.parametrize("role", ["district", "other_district", "leader"])
def test_draft_is_404_and_published_is_200_below_the_city(clients, bulletins, role):
    draft, published = bulletins
    c = clients[role]
    for url in _paths(draft):
        assert c.get(url).status_code == 404, url
    for url in _paths(published):
        assert c.get(url).status_code == 200, url
    listed = [row["id"] for row in c.get("/api/bulletins/").json()["results"]]
    assert draft.pk not in listed and published.pk in listed
    page = c.get("/stats/bulletins/").content.decode()
    assert f"/stats/bulletins/{draft.pk}/" not in page and f"/stats/bulletins/{published.pk}/" in page


def test_city_officer_reads_draft_and_published(clients, bulletins):
    for b in bulletins:
        for url in _paths(b):
            assert clients["city"].get(url).status_code == 200, url
    listed = [row["id"] for row in clients["city"].get("/api/bulletins/").json()["results"]]
    assert set(listed) >= {b.pk for b in bulletins}
    assert Bulletin.objects.restrict(None).count() == 0


def test_publish_goes_through_the_workflow_with_coded_refusals(bulletins, users):
    from django.core.exceptions import PermissionDenied, ValidationError

    from ipdesk.core.workflow import perform
    from ipdesk.stats.error_codes import StatsErrorCode
    draft, published = bulletins
    with pytest.raises(ValidationError) as exc:
        publish_bulletin(published, users["city"])
    assert exc.value.error_code == StatsErrorCode.ALREADY_PUBLISHED
    with pytest.raises(PermissionDenied) as exc:
        publish_bulletin(draft, users["district"])            # the city office publishes
    assert exc.value.code == StatsErrorCode.NOT_CITY_OFFICER
    with pytest.raises(ValidationError) as exc:
        publish_bulletin(draft, users["city"], "   ")         # a summary reworded to nothing
    assert exc.value.error_code == StatsErrorCode.SUMMARY_EMPTY
    with pytest.raises(ValidationError) as exc:
        perform(published, "refresh", users["city"])
    assert exc.value.error_code == StatsErrorCode.PUBLISHED_NOT_REFRESHED
    draft.refresh_from_db()
    assert draft.status == "draft" and list(draft.events.values_list("kind", flat=True)) == ["prepared"]
    publish_bulletin(draft, users["city"], "新的综述")
    draft.refresh_from_db()
    assert (draft.status, draft.summary) == ("published", "新的综述")
    assert list(draft.events.values_list("kind", flat=True)) == ["prepared", "published"]
