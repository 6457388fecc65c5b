"""非正常申请: an application whose notice carries no reply deadline gets the default reply period from
the notice date, and 逾期视为撤回 is refused until that deadline has passed — it was accepted the day
after the notice."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ipdesk.compliance import actions, rules
from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.models import AbnormalApplication

from tests.factories import application_no as app_no

D = dt.date
pytestmark = pytest.mark.django_db


def test_default_deadline_worked_dates():
    assert rules.default_deadline(D(2022, 3, 15)) == D(2022, 4, 15)
    assert rules.default_deadline(D(2022, 1, 31)) == D(2022, 2, 28)   # no 31 February: the month's last day
    assert rules.default_deadline(D(2024, 1, 31)) == D(2024, 2, 29)
    assert rules.default_deadline(D(2022, 12, 20)) == D(2023, 1, 20)
    assert rules.default_deadline(None) is None


def test_rule_refuses_deemed_withdrawal_inside_the_default_period():
    msg = rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, None, D(2022, 3, 16), notice_date=D(2022, 3, 15))
    assert "2022-04-15" in msg and "尚未届满" in msg
    assert rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, None, D(2022, 4, 15), notice_date=D(2022, 3, 15))
    assert rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, None, D(2022, 4, 16),
                                  notice_date=D(2022, 3, 15)) is None
    assert "通知日期" in rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, None, D(2022, 4, 16))


def test_registered_without_deadline_gets_the_default(data):
    app = actions.register_application(data["batch"], None, application_no=app_no(31), title="一种灌溉设备",
                                       applicant=data["enterprise"].name, agency_name=data["agency"].name,
                                       behaviour="duplicate", notice_date=D(2022, 3, 15))
    assert app.deadline == D(2022, 4, 15)
    with pytest.raises(ValidationError) as exc:
        actions.transition(app, S.DEEMED_WITHDRAWN, None, D(2022, 3, 16))
    assert "答复期限 2022-04-15 尚未届满" in str(exc.value)
    actions.transition(app, S.DEEMED_WITHDRAWN, None, D(2022, 4, 16))
    app.refresh_from_db()
    assert app.status == S.DEEMED_WITHDRAWN and app.closed_on == D(2022, 4, 16)


def test_row_without_deadline_is_protected_through_the_page(clients, data):
    """A row stored without a deadline (an import, older data): the default still guards the page."""
    app = data["app"]
    AbnormalApplication.objects.filter(pk=app.pk).update(deadline=None)
    url = reverse("compliance:abnormalapplication_transition", args=[app.pk])
    r = clients["district"].post(url, {"target": S.DEEMED_WITHDRAWN, "date": "2022-03-16"}, follow=True)
    assert "答复期限 2022-04-15" in r.content.decode() and "尚未届满" in r.content.decode()
    app.refresh_from_db()
    assert app.status == S.NOTIFIED
    r = clients["district"].post(url, {"target": S.DEEMED_WITHDRAWN, "date": "2022-04-16"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == S.DEEMED_WITHDRAWN


def test_notice_sent_without_deadline_gets_the_default(data):
    app = actions.register_application(data["batch"], None, application_no=app_no(32), title="一种输送装置",
                                       applicant=data["enterprise"].name, agency_name=data["agency"].name,
                                       behaviour="duplicate")
    assert app.status == S.PENDING
    actions.transition(app, S.NOTIFIED, None, D(2022, 5, 10))
    app.refresh_from_db()
    assert app.notice_date == D(2022, 5, 10) and app.deadline == D(2022, 6, 10)
    with pytest.raises(ValidationError):
        actions.transition(app, S.DEEMED_WITHDRAWN, None, D(2022, 5, 11))
