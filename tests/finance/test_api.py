"""The API: scope on every endpoint, writes through the actions, clear 400s, leaders read only."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.finance.models import InsurancePolicy, Pledge
from ipdesk.registry.models import PatentEvent
from tests.factories import InsuranceSubsidyRuleFactory, SubsidyRuleFactory

D = dt.date
pytestmark = pytest.mark.django_db
ALL = {"city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"}
ENTERPRISE_SCOPED = ALL - {"lawyer"}
REGION_SCOPED = {"city", "district", "other_district", "leader"}
ENDPOINTS = {"pledges": ENTERPRISE_SCOPED, "matchmaking-events": REGION_SCOPED, "subsidy-rules": ALL,
             "insurance-subsidy-rules": ALL, "interest-subsidies": ENTERPRISE_SCOPED,
             "insurance-policies": ENTERPRISE_SCOPED, "funded-projects": ENTERPRISE_SCOPED,
             "project-milestones": ENTERPRISE_SCOPED, "standards": REGION_SCOPED, "patent-awards": ENTERPRISE_SCOPED,
             "training-classes": REGION_SCOPED}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_every_role(clients, pledges, endpoint):
    for role, client in clients.items():
        response = client.get(f"/api/{endpoint}/")
        assert response.status_code == (200 if role in ENDPOINTS[endpoint] else 403), (endpoint, role)


def test_pledges_are_scoped(clients, pledges):
    def numbers(role):
        return {row["registration_no"] for row in clients[role].get("/api/pledges/").json()["results"]}
    assert numbers("city") == numbers("leader") == {"Y2022000001", "Y2022000002"}
    assert numbers("district") == numbers("enterprise") == numbers("commissioner") == {"Y2022000001"}
    assert numbers("other_district") == {"Y2022000002"}
    assert clients["lawyer"].get("/api/pledges/").status_code == 403
    assert clients["district"].get(f"/api/pledges/{pledges['theirs'].pk}/").status_code == 404


def test_register_and_release_a_pledge(clients, world):
    patent = world["own_patents"][2]
    body = {"registration_no": "Y2022000100", "pledgor": world["own"].pk, "pledgee": "BOC",
            "patent_numbers": [patent.application_no], "amount_10k_yuan": "1500", "registration_date": "2022-08-01"}
    assert clients["leader"].post("/api/pledges/", body, content_type="application/json").status_code == 403
    response = clients["district"].post("/api/pledges/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["patents"] == [patent.application_no]
    pk = response.json()["id"]
    assert PatentEvent.objects.filter(patent=patent, kind="pledge").exists()
    bad = clients["district"].post(f"/api/pledges/{pk}/release/", {"date": "2022-07-01"},
                                   content_type="application/json")
    assert bad.status_code == 400 and "不能早于登记日" in str(bad.json())
    ok = clients["district"].post(f"/api/pledges/{pk}/release/", {"date": "2022-12-01"},
                                  content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "released"
    assert clients["district"].delete(f"/api/pledges/{pk}/").status_code == 400
    assert Pledge.objects.filter(pk=pk).exists()


def test_invalid_pledges_get_a_400_that_names_the_patent(clients, world):
    stranger = world["other_patents"][0]
    body = {"registration_no": "Y1", "pledgor": world["own"].pk, "pledgee": "BOC",
            "patent_numbers": [stranger.application_no, "202210123456.7"], "amount_10k_yuan": "1",
            "registration_date": "2022-08-01"}
    response = clients["city"].post("/api/pledges/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["patent_numbers"] == ["申请号校验位错误：202210123456.7（校验位应为 1）"]
    body["patent_numbers"] = [stranger.application_no]
    response = clients["city"].post("/api/pledges/", body, content_type="application/json")
    assert response.json()["patents"] == [f"专利 {stranger.application_no}：专利权人为“滕州远方机械有限公司”，不是出质人"]
    body.update(pledgor=world["other"].pk)
    response = clients["district"].post("/api/pledges/", body, content_type="application/json")
    assert response.status_code == 400 and "pledgor" in response.json()   # 滕州 enterprise: not the officer's
    assert not Pledge.objects.exists()


def test_registered_facts_cannot_be_changed(clients, pledges):
    url = f"/api/pledges/{pledges['mine'].pk}/"
    pledges["mine"].refresh_from_db()
    version = pledges["mine"].version
    response = clients["district"].patch(url, {"registration_date": "2022-01-01", "version": version},
                                         content_type="application/json")
    assert response.status_code == 400 and "登记后不可修改" in str(response.json())
    response = clients["district"].patch(url, {"amount_10k_yuan": "1300", "version": version},
                                         content_type="application/json")
    assert response.status_code == 200 and response.json()["amount_10k_yuan"] == "1300.00"


def test_subsidy_application_lifecycle(clients, world, pledges):
    SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=20000)
    body = {"enterprise": world["own"].pk, "year": 2022, "pledge": pledges["mine"].pk, "bank": "BOC",
            "loan_amount_10k_yuan": "1200", "loan_start": "2022-03-01", "loan_end": "2023-02-28",
            "interest_paid_yuan": "52200"}
    response = clients["district"].post("/api/interest-subsidies/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["subsidy_yuan"] == "20000.00" and data["working"][-1]["label"] == "核定金额"
    pk = data["id"]
    assert clients["other_district"].post(f"/api/interest-subsidies/{pk}/approve/").status_code == 404
    assert clients["leader"].post(f"/api/interest-subsidies/{pk}/approve/").status_code == 403
    pay = clients["district"].post(f"/api/interest-subsidies/{pk}/pay/", {}, content_type="application/json")
    assert pay.status_code == 400 and "只有“审核通过”的申请可以拨付" in str(pay.json())
    assert clients["district"].post(f"/api/interest-subsidies/{pk}/approve/").json()["status"] == "approved"
    paid = clients["district"].post(f"/api/interest-subsidies/{pk}/pay/", {"date": "2022-12-01"},
                                    content_type="application/json").json()
    assert (paid["status"], paid["paid_on"]) == ("paid", "2022-12-01")
    assert clients["district"].delete(f"/api/interest-subsidies/{pk}/").status_code == 400
    wrong = {**body, "loan_end": "2021-01-01"}
    response = clients["district"].post("/api/interest-subsidies/", wrong, content_type="application/json")
    assert response.status_code == 400 and "不能早于贷款起始日" in str(response.json())


def test_policy_subsidy_is_computed_on_write(clients, world):
    InsuranceSubsidyRuleFactory(insurance_type="overseas", premium_share=Decimal("0.8"), cap_per_enterprise_yuan=40000)
    body = {"policy_no": "P-9", "insurer": "PICC", "enterprise": world["own"].pk, "insurance_type": "overseas",
            "patent_numbers": [p.application_no for p in world["own_patents"]], "premium_yuan": "25000",
            "cover_yuan": "500000", "start_date": "2022-02-01", "end_date": "2023-01-31"}
    response = clients["district"].post("/api/insurance-policies/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["subsidy_yuan"] == "20000.00" and len(response.json()["patents"]) == 3
    second = clients["district"].post("/api/insurance-policies/", {**body, "policy_no": "P-10", "premium_yuan": "30000",
                                                                    "start_date": "2022-05-01"},
                                      content_type="application/json").json()
    assert second["subsidy_yuan"] == "20000.00"
    first = InsurancePolicy.objects.get(policy_no="P-9")
    # DELETE voids (soft, with a reason): without one it is refused and nothing changes
    refused = clients["district"].delete(f"/api/insurance-policies/{first.pk}/")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert InsurancePolicy.objects.get(policy_no="P-10").subsidy_yuan == Decimal("20000.00")
    gone = clients["district"].delete(f"/api/insurance-policies/{first.pk}/", {"reason": "重复录入"},
                                      content_type="application/json")
    assert gone.status_code == 204
    voided = InsurancePolicy.all_objects.get(policy_no="P-9")
    assert voided.void_reason == "重复录入" and not InsurancePolicy.objects.filter(policy_no="P-9").exists()
    assert InsurancePolicy.objects.get(policy_no="P-10").subsidy_yuan == Decimal("24000.00")
    assert clients["district"].get(f"/api/insurance-policies/{first.pk}/").status_code == 404
    bad = clients["district"].post("/api/insurance-policies/", {**body, "policy_no": "P-11", "insurer": "BOC"},
                                   content_type="application/json")
    assert bad.status_code == 400 and "insurer" in bad.json()
