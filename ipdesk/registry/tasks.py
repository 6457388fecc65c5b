"""Periodic checks of the registry: annual-fee reminders (年费提醒) before a patent would lapse."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ipdesk.core.models import Notification


def send_fee_reminders(as_of=None):
    """Remind the enterprise's users and its commissioner of each valid patent whose annual fee falls due
    within the reminder windows (e.g. 90, 30, 7 days). One notification per patent, due date, window and
    recipient (dedupe_key), so the daily run never repeats itself. Returns how many were created."""
    from django.urls import reverse
    from django.utils import timezone

    from .fees import fee_rule, next_fee
    from .models import Patent

    as_of = as_of or timezone.localdate()
    windows = sorted(fee_rule()["remind_days"])
    created = 0
    patents = (Patent.objects.filter(legal_status="valid", grant_date__isnull=False, holder__isnull=False)
               .select_related("holder", "holder__commissioner"))
    for patent in patents.iterator(chunk_size=2000):
        fee = next_fee(patent, as_of)
        if fee is None or fee["days_left"] > windows[-1] or fee["days_left"] < 0:
            continue
        window = next(w for w in windows if fee["days_left"] <= w)
        enterprise = patent.holder
        recipients = list(enterprise.users.filter(is_active=True))
        if enterprise.commissioner_id and enterprise.commissioner.is_active:
            recipients.append(enterprise.commissioner)
        for user in recipients:
            key = f"annual_fee:{patent.application_no}:{fee['due']:%Y%m%d}:{window}"
            _, made = Notification.objects.get_or_create(
                recipient=user, dedupe_key=key,
                defaults={"kind": "annual_fee",
                          "title": f"年费提醒：{patent.application_no} 应于 {fee['due']:%Y-%m-%d} 前缴纳",
                          "body": (f"{enterprise.name} 的专利《{patent.title}》（{patent.application_no}）本年度年费"
                                   f"缴纳期限为 {fee['due']:%Y-%m-%d}（还有 {fee['days_left']} 天）。逾期可在 "
                                   f"{fee['grace_end']:%Y-%m-%d} 前补缴并缴纳滞纳金，期满未缴专利权将终止。"),
                          "link": reverse("registry:patent_detail", args=[patent.pk])})
            created += made
    return created


@db_periodic_task(crontab(hour="7", minute="10"))
def annual_fee_reminders():
    return send_fee_reminders()
