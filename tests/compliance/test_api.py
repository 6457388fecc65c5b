"""The API: scoped reads per role, writes refused to leaders, transitions and candidate actions."""
import pytest

from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.models import AbnormalApplication, AbnormalBatch

from tests.factories import application_no as app_no, credit_code as uscc

pytestmark = pytest.mark.django_db

ENDPOINTS = ["agencies", "abnormal-batches", "abnormal-applications", "candidates"]


def _ids(response):
    body = response.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) and "results" in body else body)}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_per_role(clients, data, endpoint):
    url = f"/api/{endpoint}/"
    for role in ("city", "leader"):
        assert clients[role].get(url).status_code == 200, role
    assert clients["district"].get(url).status_code == 200
    for role in ("commissioner", "lawyer"):
        r = clients[role].get(url)
        assert r.status_code in (403, 404) or _ids(r) == set(), role


def test_district_sees_own_district_and_404_elsewhere(clients, data):
    c = clients["district"]
    assert _ids(c.get("/api/abnormal-applications/")) == {data["app"].pk}
    assert c.get(f"/api/abnormal-applications/{data['other_app'].pk}/").status_code == 404
    assert _ids(c.get("/api/candidates/")) == {data["candidate"].pk}
    assert c.get(f"/api/candidates/{data['other_candidate'].pk}/").status_code == 404
    assert _ids(c.get("/api/agencies/")) == {data["agency"].pk}
    body = c.get(f"/api/abnormal-batches/{data['batch'].pk}/").json()
    assert body["withdrawal_rate"]["notified"] == 1  # only its own application counts for it
    assert _ids(clients["other_district"].get("/api/abnormal-applications/")) == {data["other_app"].pk}


def test_transition_endpoint(clients, data):
    url = f"/api/abnormal-applications/{data['app'].pk}/transition/"
    r = clients["district"].post(url, {"status": "statement", "date": "2022-04-01", "note": "陈述"},
                                 content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == S.STATEMENT
    r = clients["district"].post(url, {"status": "withdrawn"}, content_type="application/json")
    assert r.status_code == 400 and "不能变更" in r.json()["status"][0]
    r = clients["district"].post(url, {"status": "nonsense"}, content_type="application/json")
    assert r.status_code == 400 and "status" in r.json()
    other = f"/api/abnormal-applications/{data['other_app'].pk}/transition/"
    assert clients["district"].post(other, {"status": "withdrawn"}, content_type="application/json").status_code == 404
    assert clients["leader"].post(url, {"status": "upheld"}, content_type="application/json").status_code == 403
    data["app"].refresh_from_db()
    assert data["app"].status == S.STATEMENT


def test_status_cannot_be_written_directly(clients, data):
    url = f"/api/abnormal-applications/{data['app'].pk}/"
    assert clients["city"].patch(url, {"status": "withdrawn"}, content_type="application/json").status_code == 405


def test_create_application_assigns_region_and_refuses_bad_input(clients, data):
    url = "/api/abnormal-applications/"
    r = clients["city"].post(url, {"batch": data["batch"].pk, "application_no": "ZL" + app_no(7), "applicant": "某厂",
                                   "address": "山东省滕州市龙泉街道", "behaviour": "scattered"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["region_code"] == "370481" and r.json()["application_no"] == app_no(7)
    r = clients["city"].post(url, {"batch": data["batch"].pk, "application_no": "202210123456.7", "applicant": "某厂",
                                   "behaviour": "other"}, content_type="application/json")
    assert r.status_code == 400 and "校验位" in str(r.json())
    r = clients["district"].post(url, {"batch": data["batch"].pk, "application_no": app_no(8), "applicant": "某厂",
                                       "address": "山东省滕州市", "behaviour": "other"}, content_type="application/json")
    assert r.status_code == 400 and "辖区" in str(r.json())
    assert not AbnormalApplication.objects.filter(application_no=app_no(8)).exists()
    assert clients["leader"].post(url, {"batch": data["batch"].pk, "application_no": app_no(9), "applicant": "某厂",
                                        "behaviour": "other"}, content_type="application/json").status_code == 403


def test_agency_api_validates_the_credit_code(clients, regions):
    r = clients["city"].post("/api/agencies/", {"name": "新所", "uscc": "91350203M0001QAY9B", "region": regions["370403"].pk},
                             content_type="application/json")
    assert r.status_code == 400 and "校验位" in r.json()["uscc"][0]
    r = clients["city"].post("/api/agencies/", {"name": "新所", "uscc": uscc(9).lower(), "region": regions["370403"].pk},
                             content_type="application/json")
    assert r.status_code == 201 and r.json()["uscc"] == uscc(9) and r.json()["credit_grade"] == ""
    r = clients["district"].post("/api/agencies/", {"name": "外区所", "uscc": uscc(10), "region": regions["370481"].pk},
                                 content_type="application/json")
    assert r.status_code == 400


def test_candidate_review_and_create_batch(clients, data):
    r = clients["district"].post(f"/api/candidates/{data['candidate'].pk}/review/", {"status": "reviewed"},
                                 content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    r = clients["district"].post(f"/api/candidates/{data['candidate'].pk}/review/", {"status": "sent"},
                                 content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "compliance_review_status_invalid"
    assert clients["district"].post("/api/candidates/create-batch/", {"candidates": [data["other_candidate"].pk], "name": "x"},
                                    content_type="application/json").status_code == 404
    assert clients["leader"].post("/api/candidates/create-batch/", {"candidates": [data["candidate"].pk], "name": "x"},
                                  content_type="application/json").status_code == 403
    r = clients["city"].post("/api/candidates/create-batch/", {"candidates": [data["candidate"].pk], "name": "API批次"},
                             content_type="application/json")
    assert r.status_code == 201 and r.json()["name"] == "API批次"
    assert AbnormalBatch.objects.get(name="API批次").applications.count() == 2
    assert clients["city"].post("/api/candidates/", {}, content_type="application/json").status_code == 405
