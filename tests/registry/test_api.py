"""The registry API: scoped lists and details, writes by officers only, import and search endpoints."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ipdesk.registry.models import Patent

ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]
ENDPOINTS = ["enterprises", "patents", "patent-events", "trademarks", "cultivation", "contacts"]


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_details_are_scoped(role, clients, registry):
    own_sees = role in {"city", "district", "commissioner", "enterprise", "leader"}
    other_sees = role in {"city", "other_district", "leader"}
    for endpoint, key in zip(ENDPOINTS, ["", "_patent", "_event", "_trademark", "_cultivation", "_contact"]):
        response = clients[role].get(f"/api/{endpoint}/")
        assert response.status_code == (403 if role == "lawyer" else 200), endpoint
        for side, sees in (("own", own_sees), ("other", other_sees)):
            obj = registry[f"{side}{key}"]
            got = clients[role].get(f"/api/{endpoint}/{obj.pk}/").status_code
            assert got == (200 if sees else 403 if role == "lawyer" else 404), (endpoint, side)


def test_leader_and_enterprise_cannot_write(clients, registry):
    p = registry["own_patent"]
    for role in ("leader", "enterprise", "commissioner"):
        assert clients[role].patch(f"/api/patents/{p.pk}/", {"title": "改"}, content_type="application/json") \
            .status_code in (403, 404)
    assert Patent.objects.get(pk=p.pk).title != "改"


def test_officer_creates_a_patent_with_validation(clients, regions):
    bad = clients["city"].post("/api/patents/", {"application_no": "202210123456.7", "title": "x", "applicants": "甲"},
                               content_type="application/json")
    assert bad.status_code == 400 and "校验位应为 1" in bad.json()["application_no"][0]
    good = clients["city"].post("/api/patents/", {"application_no": "CN201710601862.3", "title": "x", "applicants": "甲;乙",
                                                  "region": regions["370403"].pk, "filing_date": "2017-08-01"},
                                content_type="application/json")
    assert good.status_code == 201, good.json()
    assert good.json()["application_no"] == "201710601862.3" and good.json()["holder_name"] == "甲"
    # a district officer may not create a patent in another district
    response = clients["district"].post("/api/patents/", {"application_no": "201310699744.2", "title": "x",
                                                          "applicants": "甲", "region": regions["370481"].pk},
                                        content_type="application/json")
    assert response.status_code == 400


def test_contacts_masked_in_the_api_except_for_officers(clients, registry):
    row = clients["enterprise"].get("/api/contacts/").json()["results"][0]
    assert row["phone"] == "139****5678" and row["id_number"] == "370402********1234"
    assert clients["district"].get("/api/contacts/").json()["results"][0]["phone"] == "13912345678"


def test_filters_work_through_the_api(clients, registry):
    data = clients["city"].get("/api/patents/", {"region": "370481"}).json()
    assert [r["application_no"] for r in data["results"]] == [registry["other_patent"].application_no]
    data = clients["city"].get("/api/patents/", {"unmatched": "true"}).json()
    assert [r["application_no"] for r in data["results"]] == [registry["unmatched"].application_no]


def test_import_endpoint(clients, regions):
    content = "申请号,名称,申请人,申请人地址\n201710601862.3,甲,甲公司,山东省枣庄市薛城区\n202210123456.7,乙,乙公司,\n"
    upload = lambda: SimpleUploadedFile("p.csv", content.encode("utf-8-sig"), "text/csv")  # noqa: E731
    response = clients["city"].post("/api/imports/patents/", {"file": upload()})
    assert response.status_code == 422
    data = response.json()
    assert data["rejected"] == 1 and data["imported"] == 0 and data["errors"][0]["line"] == 3
    assert data["summary_line"] == "imported 0, unchanged 0, rejected 1, outside 0"
    response = clients["city"].post("/api/imports/patents/", {"file": upload(), "keep_good": "true"})
    assert response.json()["summary_line"] == "imported 1, unchanged 0, rejected 1, outside 0"
    assert clients["leader"].post("/api/imports/patents/", {"file": upload()}).status_code == 403
    assert clients["city"].post("/api/imports/nothing/", {"file": upload()}).status_code == 404
    assert clients["city"].post("/api/imports/patents/", {}).status_code == 400


def test_search_endpoint_is_scoped(clients, registry):
    data = clients["district"].get("/api/search/", {"q": "锂电池"}).json()
    assert [p["application_no"] for p in data["patents"]["results"]] == [registry["own_patent"].application_no]
    data = clients["city"].get("/api/search/", {"q": "201310699744"}).json()
    assert data["patents"]["count"] == 1
    assert clients["city"].get("/api/search/").status_code == 400


def test_import_endpoint_in_the_background(clients, regions, django_capture_on_commit_callbacks):
    content = "申请号,名称,申请人\n201710601862.3,甲,甲公司\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["city"].post("/api/imports/patents/", {
            "file": SimpleUploadedFile("p.csv", content.encode(), "text/csv"), "background": "true"})
    assert response.status_code == 202
    job = clients["city"].get(response.json()["status_url"]).json()
    assert job["status"] == "done" and job["result"]["created"] == 1 and job["percent"] == 100
    assert Patent.objects.count() == 1


def test_term_compensation_is_entered_through_the_api_and_the_form(clients, regions):
    """期限补偿天数 (专利法第四十二条第二、三款) was only in the model: the API and the edit form now carry it, and it moves
    the end of term the fee schedule and the facts read."""
    created = clients["city"].post("/api/patents/", {
        "application_no": "CN201710601862.3", "title": "x", "applicants": "甲", "region": regions["370403"].pk,
        "filing_date": "2017-08-01", "term_compensation_days": 30}, content_type="application/json")
    assert created.status_code == 201, created.json()
    p = Patent.objects.get()
    assert created.json()["term_compensation_days"] == 30 and p.term_compensation_days == 30
    # 2017-08-01 + 20 years: the term's last day 2037-07-31, plus 30 days of compensation
    assert p.term_end == datetime.date(2037, 7, 31) + datetime.timedelta(days=30)
    bad = clients["city"].patch(f"/api/patents/{p.pk}/", {"term_compensation_days": -1, "version": p.version},
                                content_type="application/json")
    assert bad.status_code == 400 and "term_compensation_days" in bad.json()
    form = clients["city"].get(reverse("registry:patent_edit", args=[p.pk])).content.decode()
    assert 'name="term_compensation_days"' in form and "期限补偿天数" in form
