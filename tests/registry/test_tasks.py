"""Annual-fee reminders: the enterprise's users and its commissioner, once per patent, due date and window."""
import datetime as dt

from ipdesk.core.models import Notification
from ipdesk.registry.tasks import send_fee_reminders


def test_fee_reminders_reach_the_enterprise_and_its_commissioner_once(registry, users):
    patent = registry["own_patent"]   # filed 2017-08-01, granted, valid
    as_of = dt.date(2022, 7, 10)      # 22 days before the 2022-08-01 anniversary
    assert send_fee_reminders(as_of) == 2
    got = Notification.objects.filter(kind="annual_fee").order_by("recipient__username")
    assert [n.recipient.username for n in got] == ["commissioner", "enterprise"]
    assert "2022-08-01" in got[0].title and patent.application_no in got[0].title and "滞纳金" in got[0].body
    assert send_fee_reminders(as_of) == 0           # the daily run does not repeat itself
    assert send_fee_reminders(dt.date(2022, 7, 28)) == 2  # the 7-day window is a new reminder


def test_no_reminder_outside_the_window_or_for_lapsed_or_paid_patents(registry):
    assert send_fee_reminders(dt.date(2022, 1, 10)) == 0   # more than 90 days ahead
    patent = registry["own_patent"]
    patent.fee_paid_until = dt.date(2022, 8, 1)
    patent.save()
    assert send_fee_reminders(dt.date(2022, 7, 10)) == 0
    patent.fee_paid_until = None
    patent.legal_status = "lapsed"
    patent.save()
    assert send_fee_reminders(dt.date(2022, 7, 10)) == 0
