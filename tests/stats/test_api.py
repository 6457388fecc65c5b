"""API: /api/indicators/, targets, high-value criteria and bulletins, for every role."""
import datetime as dt

import pytest

from ipdesk.stats.actions import prepare_bulletin
from ipdesk.stats.indicators import figures
from tests.factories import PatentFactory, TargetFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(regions):
    PatentFactory(region="370403", grant_date=D(2022, 3, 1))
    PatentFactory(region="370481", grant_date=D(2022, 4, 1))
    PatentFactory(region="370481", grant_date=D(2021, 4, 1), pct_application_no="PCT/CN2020/000001")
    return {"target": TargetFactory(region="370403", year=2022, indicator="invention_grants", value=2),
            "bulletin": prepare_bulletin(regions["370400"], 2022, 6)}


def test_indicators_endpoint_matches_the_functions(clients, data, regions):
    r = clients["leader"].get("/api/indicators/", {"region": "370400", "as_of": "2022-12-31"})
    assert r.status_code == 200
    body = r.json()
    expected = figures(regions["370400"], D(2022, 12, 31))
    for key in ("invention_grants", "invention_grants_yoy", "valid_invention_patents", "valid_invention_per_10k",
                "high_value_invention_patents", "pct_applications"):
        assert body[key] == expected[key]
    assert body["invention_grants"] == 2 and body["invention_grants_yoy"] == 1.0
    r = clients["city"].get("/api/indicators/", {"region": "370481", "as_of": "2022-12-31", "from": "2022-04-01"})
    assert r.json()["invention_grants"] == 1


def test_indicators_endpoint_scope_and_errors(clients, data):
    assert clients["district"].get("/api/indicators/", {"as_of": "2022-12-31"}).json()["region"] == "370403"
    assert clients["district"].get("/api/indicators/", {"region": "370400", "as_of": "2022-12-31"}).status_code == 404
    assert clients["other_district"].get("/api/indicators/", {"region": "370403", "as_of": "2022-12-31"}).status_code == 404
    for role in ("commissioner", "enterprise", "lawyer"):
        assert clients[role].get("/api/indicators/", {"as_of": "2022-12-31"}).status_code in (403, 404)
    r = clients["city"].get("/api/indicators/", {"as_of": "2022/12/31"})
    assert r.status_code == 400 and "日期格式不正确" in r.json()["as_of"][0]
    assert "as_of" in clients["city"].get("/api/indicators/").json()
    r = clients["city"].get("/api/indicators/", {"as_of": "2022-01-01", "from": "2022-02-01"})
    assert r.status_code == 400 and "起始日期" in r.json()["from"][0]


def test_targets_api_by_role(clients, data, regions):
    t = data["target"]
    assert clients["district"].get(f"/api/targets/{t.pk}/").status_code == 200
    assert clients["other_district"].get(f"/api/targets/{t.pk}/").status_code == 404
    assert clients["enterprise"].get(f"/api/targets/{t.pk}/").status_code in (403, 404)  # no such endpoint for the role
    new = {"region": regions["370481"].pk, "year": 2022, "indicator": "pct_applications", "value": "5"}
    assert clients["leader"].post("/api/targets/", new, content_type="application/json").status_code == 403
    assert clients["district"].post("/api/targets/", new, content_type="application/json").status_code in (400, 403)
    r = clients["city"].post("/api/targets/", new, content_type="application/json")
    assert r.status_code == 201, r.content
    r = clients["city"].post("/api/targets/", {**new, "indicator": "x", "value": "-1"}, content_type="application/json")
    assert r.status_code == 400 and "indicator" in r.json() and "value" in r.json()
    r = clients["city"].patch(f"/api/targets/{t.pk}/", {"value": "3", "version": t.version},
                              content_type="application/json")
    assert r.status_code == 200 and r.json()["value"] == "3.00"


def test_bulletins_api_and_publish(clients, data):
    b = data["bulletin"]
    r = clients["city"].get(f"/api/bulletins/{b.pk}/")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    for role in ("district", "leader"):  # a draft stays with the city officers (see test_bulletin_scope.py)
        assert clients[role].get(f"/api/bulletins/{b.pk}/").status_code == 404
    for role in ("commissioner", "enterprise", "lawyer"):
        assert clients[role].get(f"/api/bulletins/{b.pk}/").status_code in (403, 404)
    assert clients["leader"].post(f"/api/bulletins/{b.pk}/publish/").status_code == 404
    assert clients["district"].post(f"/api/bulletins/{b.pk}/publish/").status_code == 404
    r = clients["city"].post(f"/api/bulletins/{b.pk}/publish/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "published"
    for role in ("district", "leader"):
        assert clients[role].get(f"/api/bulletins/{b.pk}/").json()["status"] == "published"
    r = clients["city"].post(f"/api/bulletins/{b.pk}/publish/", {}, content_type="application/json")
    assert r.status_code == 400 and "不能重复发布" in r.json()["non_field_errors"][0]


def test_high_value_criteria_api(clients, data):
    r = clients["leader"].get("/api/high-value-criteria/")
    assert r.status_code == 200 and len(r.json()["results"] if "results" in r.json() else r.json()) == 5
    row = (r.json()["results"] if "results" in r.json() else r.json())[0]
    pk, version = row["id"], row["version"]
    assert clients["leader"].patch(f"/api/high-value-criteria/{pk}/", {"enabled": False, "version": version},
                                   content_type="application/json").status_code == 403
    assert clients["city"].patch(f"/api/high-value-criteria/{pk}/", {"enabled": False, "version": version},
                                 content_type="application/json").status_code == 200
    assert clients["enterprise"].get(f"/api/high-value-criteria/{pk}/").status_code == 404


def test_forecasts_endpoint_rows_and_defaults(clients, data, regions):
    from ipdesk.stats.forecast import target_forecasts
    r = clients["leader"].get("/api/stats/forecasts/", {"region": "370400", "year": 2022, "month": 6})
    assert r.status_code == 200
    body = r.json()
    assert (body["region"], body["year"], body["month"]) == ("370400", 2022, 6)
    assert body["rows"] == target_forecasts(regions["370400"], 2022, 6)
    row = body["rows"][0]
    assert row["code"] == "370403" and row["key"] == "invention_grants" and row["target"] == 2.0
    assert row["so_far"] == 1 and row["low80"] <= row["expected"] <= row["high80"] and 0 <= row["probability"] <= 1
    default = clients["city"].get("/api/stats/forecasts/").json()      # the pages' default: the last grant's month
    assert (default["region"], default["year"], default["month"]) == ("370400", 2022, 4)
    assert clients["city"].get("/api/stats/forecasts/", {"year": 2021, "month": 6}).json()["rows"] == []
    for params in ({"month": 13}, {"month": "x"}, {"year": 1999}):
        r = clients["city"].get("/api/stats/forecasts/", {"year": 2022, "month": 6, **params})
        assert r.status_code == 400 and set(params) <= set(r.json())


def test_forecasts_endpoint_scope(clients, data):
    district = clients["district"].get("/api/stats/forecasts/", {"year": 2022, "month": 6})
    assert district.status_code == 200 and district.json()["region"] == "370403"
    assert {r["code"] for r in district.json()["rows"]} == {"370403"}
    assert clients["district"].get("/api/stats/forecasts/", {"region": "370400"}).status_code == 404
    assert clients["other_district"].get("/api/stats/forecasts/", {"region": "370403"}).status_code == 404
    assert clients["other_district"].get("/api/stats/forecasts/", {"region": "370400"}).status_code == 404
    for role in ("commissioner", "enterprise", "lawyer"):
        assert clients[role].get("/api/stats/forecasts/").status_code in (403, 404)
    assert clients["leader"].get("/api/stats/forecasts/", {"region": "370481"}).status_code == 200


def test_bulletin_api_exposes_the_stored_forecasts(clients, data):
    b = data["bulletin"]
    body = clients["city"].get(f"/api/bulletins/{b.pk}/").json()
    assert body["forecasts"] == b.data["forecasts"] and body["forecasts"][0]["code"] == "370403"
