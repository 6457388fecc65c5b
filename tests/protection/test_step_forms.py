"""A step's input is validated by the step's Django form (protection.workflows), the same on the page and through
the API: a bad value is refused naming its field, the case is left as it was, and the people a step may name are
those the user may name. Refusals carry the codes of core.workflow / protection.error_codes."""
from ipdesk.core.models import Notification

API = "/api/protection/adjudications/"


def test_a_bad_date_on_the_page_is_refused_naming_the_field(clients, adjudication, panel):
    url = f"/protection/adjudications/{adjudication.pk}/act/filed/"
    body = clients["district"].post(url, {"date": "2024/13/40", "handlers": [p.pk for p in panel[:3]]},
                                    follow=True).content.decode()
    assert "操作未完成：立案日期：立案日期格式不正确：2024/13/40（应为 YYYY-MM-DD）" in body
    adjudication.refresh_from_db()
    assert adjudication.status == "requested" and not adjudication.handlers.exists()


def test_a_bad_date_through_the_api_is_a_400_on_its_field(clients, adjudication, panel):
    response = clients["district"].post(f"{API}{adjudication.pk}/transition/",
                                        {"to": "filed", "date": "2024/13/40", "handlers": [p.pk for p in panel[:3]]},
                                        content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and body["date"] == ["立案日期格式不正确：2024/13/40（应为 YYYY-MM-DD）"]
    adjudication.refresh_from_db()
    assert adjudication.status == "requested"


def test_a_choice_the_step_does_not_offer_is_refused_on_its_field(clients, users, assistance):
    url = f"/api/protection/assistance/{assistance.pk}/"
    response = clients["district"].post(url + "transition/", {"to": "closed", "outcome": "great"},
                                        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert "请选择办理结果" in response.json()["outcome"][0]
    page = clients["district"].post(f"/protection/assistance/{assistance.pk}/act/closed/", {"outcome": "great"},
                                    follow=True).content.decode()
    assert "操作未完成：办理结果：请选择办理结果" in page
    assistance.refresh_from_db()
    assert assistance.status == "accepted"


def test_a_panel_member_the_officer_may_not_name_is_refused(clients, users, adjudication, panel, make_user):
    """A district officer names the officers of its own district, never another district's (nameable_people)."""
    stranger = make_user("officer_tengzhou", "district_officer", "370481")
    data = {"to": "filed", "date": "2024-05-20", "handlers": [panel[0].pk, panel[1].pk, stranger.pk]}
    response = clients["district"].post(f"{API}{adjudication.pk}/transition/", data, content_type="application/json")
    assert response.status_code == 400 and "handlers" in response.json()
    assert response.json()["code"] == "invalid_input"


def test_the_page_offers_each_step_with_its_form(clients, adjudication, panel):
    page = clients["district"].get(f"/protection/adjudications/{adjudication.pk}/").content.decode()
    assert 'data-testid="step-filed"' in page and 'data-testid="step-rejected"' in page
    assert f'action="/protection/adjudications/{adjudication.pk}/act/filed/"' in page
    assert 'name="handlers"' in page and str(panel[0]) in page
    assert clients["leader"].get(f"/protection/adjudications/{adjudication.pk}/").status_code == 200
    assert 'data-testid="step-filed"' not in clients["leader"].get(
        f"/protection/adjudications/{adjudication.pk}/").content.decode()


def test_assigning_a_handler_tells_them_once_through_the_workflow(clients, users, assistance):
    url = f"/protection/assistance/{assistance.pk}/act/handling/"
    clients["district"].post(url, {"handler": users["lawyer"].pk, "date": "2024-05-08"})
    notes = Notification.objects.filter(recipient=users["lawyer"])
    assert [n.link for n in notes] == [assistance.get_absolute_url()]
    assert assistance.events.filter(kind="assigned").count() == 1
