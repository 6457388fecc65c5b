"""Periodic checks of financing: a reminder before a pledged loan falls due (质押到期提醒)."""
import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ipdesk.core.notify import notify

REMIND_DAYS = 30   # how long before the debt's end date the enterprise and its commissioner hear of it


def send_pledge_due_reminders(as_of=None, days=REMIND_DAYS):
    """Tell the pledgor's users and commissioner of each effective pledge whose debt ends within
    `days`: repay and release, or renew. One message per pledge and recipient (dedupe_key), so the
    daily run never repeats itself. Returns how many were created."""
    from django.utils import timezone

    from .choices import PledgeStatus
    from .models import Pledge

    as_of = as_of or timezone.localdate()
    created = 0
    pledges = (Pledge.objects.filter(status=PledgeStatus.EFFECTIVE, end_date__gte=as_of,
                                     end_date__lte=as_of + dt.timedelta(days=days))
               .select_related("pledgor__commissioner"))
    for pledge in pledges:
        enterprise = pledge.pledgor
        recipients = list(enterprise.users.filter(is_active=True))
        if enterprise.commissioner_id and enterprise.commissioner.is_active:
            recipients.append(enterprise.commissioner)
        created += notify(recipients, f"专利质押 {pledge.registration_no} 将于 {pledge.end_date:%Y-%m-%d} 到期",
                          pledge.get_absolute_url(), "finance_pledge_due",
                          key=f"finance-pledge-due-{pledge.pk}-{pledge.end_date:%Y%m%d}",
                          body=f"{enterprise.name} 质押金额 {pledge.amount_10k_yuan} 万元（{pledge.pledgee}），"
                               "到期还款后请办理质押注销登记，续贷请办理变更登记。")
    return created


@db_periodic_task(crontab(hour="7", minute="10"))
def pledge_due_reminders():
    send_pledge_due_reminders()
