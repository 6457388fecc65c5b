"""API: cases created and carried to a decision through /transition/ and /step/; refusals are 400s
listing the allowed next steps; scope is the same as the pages (404 out of scope, 403 for leaders)."""
import pytest

API = "/api/protection/adjudications/"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_request_to_decision_through_the_api(clients, users, panel):
    c = clients["district"]
    ent = users["enterprise"].enterprise
    created = post(c, API, {"title": "API纠纷", "requester": ent.pk, "requester_name": ent.name,
                            "respondent_name": "某厂", "patent_no": "ZL201310699744.2", "received_on": "2024-05-17"})
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["status"] == "requested" and case["patent_no"] == "201310699744.2"
    assert [t["to"] for t in case["allowed_transitions"]] == ["filed", "rejected"]
    url = f"{API}{case['id']}/"
    steps = [
        ("transition", {"to": "filed", "date": "2024-05-21", "handlers": [p.pk for p in panel[:3]]}),
        ("step", {"step": "copy_served", "date": "2024-05-22"}),
        ("step", {"step": "suspend", "kind": "appraisal", "date": "2024-05-27", "reason": "鉴定"}),
        ("step", {"step": "resume", "date": "2024-06-05"}),
        ("transition", {"to": "answered", "date": "2024-06-06"}),
        ("transition", {"to": "heard", "date": "2024-06-14"}),
        ("transition", {"to": "decided", "date": "2024-07-01", "infringement_found": False, "result": "驳回请求"}),
        ("transition", {"to": "served", "date": "2024-07-02"}),
    ]
    for kind, data in steps:
        response = post(c, url + f"{kind}/", data)
        assert response.status_code == 200, (data, response.json())
    body = c.get(url).json()
    assert body["status"] == "served" and body["infringement_found"] is False and len(body["handlers"]) == 3
    assert [e["code"] for e in body["timeline"]] == ["requested", "filed", "copy_served", "suspended", "resumed",
                                                      "answered", "heard", "decided", "served"]
    closure = next(l for l in body["limits"] if l["code"] == "closure")
    # 3 months from 05-21 is 08-21; 05-27..06-05 (10 days) is not counted: 08-31, a Saturday -> 09-02.
    assert closure["due"] == "2024-09-02" and closure["state"] == "met"


def test_invalid_transition_is_a_400_listing_the_allowed_steps(clients, adjudication):
    response = post(clients["district"], f"{API}{adjudication.pk}/transition/", {"to": "decided"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "protection_invalid_transition" and "立案（filed）" in body["detail"]
    assert [t["to"] for t in body["allowed_transitions"]] == ["filed", "rejected"]
    unknown = post(clients["district"], f"{API}{adjudication.pk}/transition/", {"to": "finished"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "protection_unknown_target"
    missing = post(clients["district"], f"{API}{adjudication.pk}/transition/", {})
    assert missing.status_code == 400 and "to" in missing.json()
    bad_panel = post(clients["district"], f"{API}{adjudication.pk}/transition/", {"to": "filed", "handlers": [1, 2]})
    assert bad_panel.status_code == 400
    bad_step = post(clients["district"], f"{API}{adjudication.pk}/step/", {"step": "explode"})
    assert bad_step.status_code == 400 and "未知的操作" in str(bad_step.json())


def test_status_cannot_be_written_directly(clients, adjudication):
    adjudication.refresh_from_db()
    response = clients["district"].patch(f"{API}{adjudication.pk}/", {"status": "decided", "title": "改名",
                                                                       "version": adjudication.version},
                                         content_type="application/json")
    assert response.status_code == 200
    adjudication.refresh_from_db()
    assert adjudication.status == "requested" and adjudication.title == "改名"


def test_api_scope(clients, adjudication, other_adjudication, panel):
    ids = {role: {c["id"] for c in clients[role].get(API).json()["results"]}
           for role in ("city", "leader", "district", "other_district", "enterprise")}
    assert ids["city"] == ids["leader"] == {adjudication.pk, other_adjudication.pk}
    assert ids["district"] == {adjudication.pk} and ids["other_district"] == {other_adjudication.pk}
    assert ids["enterprise"] == {adjudication.pk}
    # Roles the model's scope does not admit at all (adjudication handlers are officers) are refused outright.
    assert clients["lawyer"].get(API).status_code == 403 and clients["commissioner"].get(API).status_code == 403
    assert clients["lawyer"].get(f"{API}{adjudication.pk}/").status_code == 403
    data = {"to": "filed", "date": "2024-05-21", "handlers": [p.pk for p in panel[:3]]}
    assert post(clients["leader"], f"{API}{adjudication.pk}/transition/", data).status_code == 403
    assert post(clients["other_district"], f"{API}{adjudication.pk}/transition/", data).status_code == 404
    assert post(clients["enterprise"], f"{API}{adjudication.pk}/transition/", data).status_code == 403
    assert clients["district"].delete(f"{API}{adjudication.pk}/").status_code == 405
    adjudication.refresh_from_db()
    assert adjudication.status == "requested"


def test_district_officer_cannot_create_outside_the_district(clients, users, regions):
    response = post(clients["district"], API, {"title": "越界", "requester_name": "某公司", "respondent_name": "某厂",
                                               "patent_no": "201710601862.3", "region": regions["370481"].pk})
    assert response.status_code == 400


def test_assistance_api_for_handlers_and_lawyers(clients, users, assistance):
    url = f"/api/protection/assistance/{assistance.pk}/"
    assert clients["lawyer"].get(url).status_code == 404
    response = post(clients["district"], url + "transition/", {"to": "handling", "handler": users["lawyer"].pk})
    assert response.status_code == 200 and response.json()["handler"] == users["lawyer"].pk
    assert clients["lawyer"].get(url).status_code == 200
    service = post(clients["lawyer"], url + "step/", {"step": "service", "kind": "pro_bono", "description": "无效宣告"})
    assert service.status_code == 200 and [e["code"] for e in service.json()["timeline"]][-1] == "pro_bono"
    closed = post(clients["lawyer"], url + "transition/", {"to": "closed", "outcome": "resolved"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    # Lawyers and enterprises do not register cases through the API.
    data = {"title": "x", "source": "outreach", "right_type": "patent", "enterprise": users["enterprise"].enterprise.pk}
    assert post(clients["lawyer"], "/api/protection/assistance/", data).status_code == 403
    assert post(clients["enterprise"], "/api/protection/assistance/", data).status_code == 403
    assert post(clients["city"], "/api/protection/assistance/", data).status_code == 201


@pytest.mark.parametrize("url", ["/api/protection/stations/", "/api/protection/time-limits/",
                                 "/api/protection/calendar/?year=2024", "/api/protection/cooperation/",
                                 "/api/protection/station-services/"])
def test_reference_endpoints_read(clients, url):
    assert clients["leader"].get(url).status_code == 200


def test_only_city_officers_change_rules_and_calendar(clients):
    from ipdesk.protection.models import TimeLimitRule
    rule = TimeLimitRule.objects.get(code="answer_period")
    url = f"/api/protection/time-limits/{rule.pk}/"
    assert clients["district"].patch(url, {"amount": 20, "version": rule.version},
                                     content_type="application/json").status_code == 403
    assert clients["city"].patch(url, {"amount": 20, "version": rule.version},
                                 content_type="application/json").status_code == 200
    rule.refresh_from_db()
    assert rule.amount == 20
    day = post(clients["city"], "/api/protection/calendar/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert day.status_code == 201
