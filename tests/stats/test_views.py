"""Every stats page for every role: officers and leaders read, city officers write, others get 404."""
import datetime as dt

import pytest

from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
from ipdesk.stats.models import Bulletin, Target
from tests.factories import PatentFactory, TargetFactory

D = dt.date
pytestmark = pytest.mark.django_db
READERS = ("city", "district", "other_district", "leader")
OUTSIDERS = ("commissioner", "enterprise", "lawyer")


@pytest.fixture
def data(regions):
    PatentFactory(region="370403", grant_date=D(2022, 3, 1))
    PatentFactory(region="370481", grant_date=D(2022, 4, 1))
    PatentFactory(region="370481", grant_date=D(2021, 4, 1))
    target = TargetFactory(region="370403", year=2022, indicator="invention_grants", value=2)
    bulletin = prepare_bulletin(regions["370400"], 2022, 6)
    return {"target": target, "bulletin": bulletin}


def test_read_pages_for_every_role(clients, data, users):
    # readers below the city reach a bulletin once it is published (drafts: test_bulletin_scope.py)
    b = publish_bulletin(data["bulletin"], users["city"])
    pages = ["/stats/?as_of=2022-06-30", "/stats/indicators/?as_of=2022-06-30",
             "/stats/records/?figure=invention_grants&from=2022-01-01&to=2022-12-31",
             "/stats/bulletins/", f"/stats/bulletins/{b.pk}/", "/stats/targets/", "/stats/high-value-criteria/",
             f"/stats/bulletins/{b.pk}/download.xlsx"]
    for role in READERS:
        for url in pages:
            assert clients[role].get(url).status_code == 200, (role, url)
    for role in OUTSIDERS:
        for url in pages:
            assert clients[role].get(url).status_code == 404, (role, url)


def test_district_officer_sees_only_its_district(clients, data):
    district, other = clients["district"], clients["other_district"]
    assert district.get("/stats/?region=370400").status_code == 404
    assert other.get("/stats/indicators/?region=370403").status_code == 404
    assert other.get("/stats/records/?figure=invention_grants&region=370403").status_code == 404
    page = district.get("/stats/records/?figure=invention_grants&from=2022-01-01&to=2022-12-31")
    assert page.context["total"] == 1 and page.context["region"].code == "370403"
    city = clients["city"].get("/stats/records/?figure=invention_grants&region=370400&from=2022-01-01&to=2022-12-31")
    assert city.context["total"] == 2
    # the district's own targets only
    assert district.get(f"/stats/targets/{data['target'].pk}/").status_code == 200
    assert other.get(f"/stats/targets/{data['target'].pk}/").status_code == 404


def test_dashboard_cards_ranking_and_drill_down(clients, data):
    r = clients["leader"].get("/stats/?as_of=2022-06-30")
    cards = {c["key"]: c for c in r.context["cards"]}
    assert cards["invention_grants"]["value"] == 2 and cards["invention_grants"]["yoy"] == 1.0
    assert "figure=invention_grants" in cards["invention_grants"]["url"]
    grants = next(s for s in r.context["ranking"] if s["key"] == "invention_grants")
    assert [(x["code"], x["rank"]) for x in grants["rows"] if x["value"]] == [("370403", 1), ("370481", 1)]
    assert r.context["trend_year"]["grants"][-2:] == [1, 2]
    drill = clients["leader"].get(cards["invention_grants"]["url"])
    assert drill.context["total"] == 2
    assert "figure=valid_invention_patents" in cards["valid_invention_per_10k"]["url"]
    registry = drill.context["registry_url"]
    assert registry.startswith("/registry/patents/?") and "granted_from=2022-01-01" in registry
    assert "patent_type=invention" in registry and "region=370400" in registry
    xlsx = clients["leader"].get(cards["invention_grants"]["url"] + "&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bad_parameters_say_what_is_wrong(clients, data):
    r = clients["city"].get("/stats/indicators/?as_of=2022-13-01")
    assert r.status_code == 200 and "截止日期格式不正确：2022-13-01" in r.content.decode()  # the label, not "as_of"
    r = clients["city"].get("/stats/indicators/?as_of=2022-01-01&from=2022-05-01")
    assert "起始日期不能晚于截止日期" in r.content.decode()
    r = clients["city"].get("/stats/records/?figure=nonsense")
    assert r.status_code == 400 and "不支持查看明细" in r.content.decode()
    assert clients["city"].get("/stats/records/?figure=invention_grants&to=x").status_code == 400
    assert clients["city"].get(f"/stats/bulletins/{data['bulletin'].pk}/download.exe").status_code == 404


def test_prepare_refresh_publish_by_city_officer_only(clients, data, regions):
    b = data["bulletin"]
    for role in ("district", "leader", "commissioner", "enterprise"):
        assert clients[role].post("/stats/bulletins/prepare/", {"year": 2022, "month": 5}).status_code == 404
        assert clients[role].post(f"/stats/bulletins/{b.pk}/publish/").status_code == 404
        assert clients[role].post(f"/stats/bulletins/{b.pk}/refresh/").status_code == 404
    c = clients["city"]
    r = c.post("/stats/bulletins/prepare/", {"year": 2022, "month": 13}, follow=True)
    assert "月份1—12" in r.content.decode()
    r = c.post("/stats/bulletins/prepare/", {"year": 2022, "month": 5})
    assert r.status_code == 302 and Bulletin.objects.filter(year=2022, month=5).exists()
    assert c.post(f"/stats/bulletins/{b.pk}/refresh/").status_code == 302
    c.post(f"/stats/bulletins/{b.pk}/publish/", {"summary": "审核后的综述"})
    b.refresh_from_db()
    assert b.is_published and b.summary == "审核后的综述"
    r = c.post(f"/stats/bulletins/{b.pk}/publish/", follow=True)
    assert "不能重复发布" in r.content.decode()
    r = c.post(f"/stats/bulletins/{b.pk}/refresh/", follow=True)
    assert "已发布" in r.content.decode()
    page = c.get(f"/stats/bulletins/{b.pk}/").content.decode()
    assert "已发布" in page and 'data-testid="publish-form"' not in page
    for fmt in ("xlsx", "docx", "pdf"):
        r = c.get(f"/stats/bulletins/{b.pk}/download.{fmt}")
        assert r.status_code == 200 and len(r.content) > 1000


def test_targets_entered_in_the_ui(clients, data, regions):
    form = {"region": regions["370481"].pk, "year": 2022, "indicator": "valid_invention_patents", "value": "1000"}
    assert clients["leader"].post("/stats/targets/add/", form).status_code == 404
    assert clients["district"].post("/stats/targets/add/", form).status_code == 404
    r = clients["city"].post("/stats/targets/add/", form)
    assert r.status_code == 302 and Target.objects.filter(region=regions["370481"], indicator="valid_invention_patents").exists()
    r = clients["city"].post("/stats/targets/add/", {**form, "year": 1900})
    assert r.status_code == 200 and "年度应在2000—2100之间" in r.content.decode()


def test_high_value_criteria_edited_by_city_officers(clients, data):
    from ipdesk.stats.models import HighValueCriterion
    crit = HighValueCriterion.objects.get(kind="maintained")
    form = {"name": crit.name, "enabled": "on", "threshold": "12", "application_numbers": "", "sort_order": 2,
            "_version": crit.version}
    assert clients["leader"].post(f"/stats/high-value-criteria/{crit.pk}/edit/", form).status_code == 404
    assert clients["city"].post(f"/stats/high-value-criteria/{crit.pk}/edit/", form).status_code == 302
    crit.refresh_from_db()
    assert crit.threshold == 12


def test_dashboard_numbers_follow_every_change_at_once(clients, data, regions):
    """The dashboard's numbers are cached per state of the data; a new record, a changed one and a
    pledge (no patent touched) each show on the next view, with no waiting for the cache."""
    leader = clients["leader"]

    def grants():
        r = leader.get("/stats/?as_of=2022-06-30")
        return {c["key"]: c["value"] for c in r.context["cards"]}

    assert grants()["invention_grants"] == 2
    assert grants()["invention_grants"] == 2            # served from the cache, same figure
    patent = PatentFactory(region="370481", grant_date=D(2022, 5, 1))
    assert grants()["invention_grants"] == 3
    patent.grant_date = D(2021, 5, 1)
    patent.save()
    assert grants()["invention_grants"] == 2
    from ipdesk.core.audit import data_generation
    before = data_generation()
    TargetFactory(region="370481", year=2022, indicator="invention_grants", value=5)
    assert data_generation() > before                   # any domain record retires the cached numbers
