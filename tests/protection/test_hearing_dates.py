"""行政裁决: a hearing scheduled for a date cannot be recorded as held before that date — through the
page and through the API; on or after the scheduled day it is recorded."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from ipdesk.protection import actions

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(adjudication, users, panel):
    """Filed 05-21, answered 06-05, parties notified 06-06 of a hearing on 06-14."""
    user = users["district"]
    actions.transition(adjudication, "filed", user, date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    actions.take_step(adjudication, "copy_served", user, date=D(2024, 5, 23))
    actions.transition(adjudication, "answered", user, date=D(2024, 6, 5))
    actions.take_step(adjudication, "hearing_scheduled", user, date=D(2024, 6, 6), hearing_on=D(2024, 6, 14))
    adjudication.refresh_from_db()
    return adjudication


def test_hearing_before_its_scheduled_date_is_refused_on_the_page(clients, scheduled):
    url = f"/protection/adjudications/{scheduled.pk}/act/heard/"
    body = clients["district"].post(url, {"date": "2024-06-10", "note": "到庭"}, follow=True).content.decode()
    assert "操作未完成" in body and "2024-06-10" in body and "2024-06-14" in body
    scheduled.refresh_from_db()
    assert scheduled.status == "answered" and scheduled.hearing_on == D(2024, 6, 14)
    assert not scheduled.events.filter(code="heard").exists()
    body = clients["district"].post(url, {"date": "2024-06-14", "note": "到庭"}, follow=True).content.decode()
    assert "已完成" in body
    scheduled.refresh_from_db()
    assert scheduled.status == "heard" and scheduled.hearing_on == D(2024, 6, 14)


def test_hearing_before_its_scheduled_date_is_refused_by_the_api(clients, scheduled):
    url = f"/api/protection/adjudications/{scheduled.pk}/transition/"
    r = clients["district"].post(url, {"to": "heard", "date": "2024-06-13"}, content_type="application/json")
    assert r.status_code == 400 and "2024-06-14" in str(r.json())
    scheduled.refresh_from_db()
    assert scheduled.status == "answered"


def test_action_message_names_both_dates(scheduled, users):
    with pytest.raises(ValidationError) as err:
        actions.transition(scheduled, "heard", users["district"], date=D(2024, 6, 7))
    message = " ".join(err.value.messages)
    assert "口头审理日期（2024-06-07）" in message and "安排的审理日期（2024-06-14）" in message
    actions.transition(scheduled, "heard", users["district"], date=D(2024, 6, 17))
    scheduled.refresh_from_db()
    assert scheduled.status == "heard" and scheduled.hearing_on == D(2024, 6, 17)
