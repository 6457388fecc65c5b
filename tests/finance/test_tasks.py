"""Reminders before a pledged loan falls due: the enterprise's users and its commissioner, once."""
import datetime as dt

import pytest

from ipdesk.core.models import Notification
from ipdesk.finance import actions
from ipdesk.finance.tasks import send_pledge_due_reminders

D = dt.date
pytestmark = pytest.mark.django_db


def test_due_pledges_are_announced_once(users, world, pledges):
    mine = pledges["mine"]
    mine.end_date = D(2023, 2, 28)
    mine.save()
    assert send_pledge_due_reminders(D(2023, 1, 1)) == 0          # 58 days ahead: not yet
    assert send_pledge_due_reminders(D(2023, 2, 1)) == 2          # the enterprise user and the commissioner
    assert send_pledge_due_reminders(D(2023, 2, 2)) == 0          # never twice
    notes = Notification.objects.filter(kind="finance_pledge_due")
    assert {n.recipient for n in notes} == {users["enterprise"], users["commissioner"]}
    assert notes.first().title == "专利质押 Y2022000001 将于 2023-02-28 到期"
    actions.release_pledge(mine, D(2023, 2, 20))
    Notification.objects.all().delete()
    assert send_pledge_due_reminders(D(2023, 2, 21)) == 0         # released: nothing to remind
