"""The steps of an abnormal application and of a candidate through core.workflow's one action view and API
action: the page names the step, the API its target; the step's form validates the input (naming the field);
perform() writes the application's event once; refusals carry compliance.error_codes."""
from django.urls import reverse

from ipdesk.compliance.choices import ApplicationStatus as S


def test_the_page_names_the_step_and_one_event_is_written(clients, data):
    app = data["app"]
    page = clients["district"].get(app.get_absolute_url()).content.decode()
    assert 'data-testid="transition-form"' in page and '<option value="statement">陈述意见</option>' in page
    url = reverse("compliance:abnormalapplication_transition", args=[app.pk])
    response = clients["district"].post(url, {"step": "statement", "date": "2022-04-01", "note": "提交研发记录"},
                                        follow=True)
    assert "已办理：已陈述意见。" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.STATEMENT
    assert [(e.kind, str(e.date), e.note) for e in app.events.filter(kind="statement")] == [
        ("statement", "2022-04-01", "提交研发记录")]


def test_a_bad_deadline_through_the_api_is_a_400_on_its_field(clients, data):
    url = f"/api/abnormal-applications/{data['app'].pk}/transition/"
    response = clients["district"].post(url, {"status": "statement", "deadline": "四月"},
                                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "deadline" in response.json()
    data["app"].refresh_from_db()
    assert data["app"].status == S.NOTIFIED and not data["app"].events.filter(kind="statement").exists()


def test_deemed_withdrawn_before_the_deadline_is_coded(clients, data):
    url = f"/api/abnormal-applications/{data['app'].pk}/transition/"
    response = clients["district"].post(url, {"status": "deemed_withdrawn", "date": "2022-04-15"},
                                        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "compliance_deadline_not_passed"
    assert "status" in response.json()


def test_a_candidate_review_goes_back_to_the_list_it_came_from(clients, data):
    review = reverse("compliance:candidate_review", args=[data["candidate"].pk])
    back = reverse("compliance:candidate_list") + "?page=1"
    response = clients["district"].post(review, {"status": "dismissed", "note": "正常", "next": back})
    assert response.status_code == 302 and response.url == back
    data["candidate"].refresh_from_db()
    assert (data["candidate"].status, data["candidate"].review_note) == ("dismissed", "正常")
    outside = clients["district"].post(review, {"status": "reviewed", "next": "https://example.com/"})
    assert outside.url == data["candidate"].get_absolute_url()
