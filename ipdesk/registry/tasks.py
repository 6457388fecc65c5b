"""Periodic checks of the registry: annual-fee reminders (年费提醒) before the due date and through the grace period
(滞纳期), the months in which patents are lost."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ipdesk.core.models import Notification


def fee_reminder(fee, as_of, windows):
    """Which reminder is due on `as_of` for a rules.FeeStatus, as a dedupe tag, or None.

    Before the due date: one per window (e.g. 90, 30, 7 days before the last day to pay). In the grace period
    (专利法实施细则第一百一十五条): one when it begins and one each time the late fee rises (each month), and one in
    the last 7 days of the grace period. After it: none (the patent terminated from the due date)."""
    if fee.lapsed:
        return None
    if not fee.in_grace:
        if fee.days_left < 0 or fee.days_left > windows[-1]:
            return None
        return str(next(w for w in windows if fee.days_left <= w))
    if (fee.grace_pay_by - as_of).days < 7:
        return "grace-end"
    return f"grace-{fee.late_percent}"


def fee_message(patent, fee, rule):
    """(title, body) of a reminder, in the words of the rule it applies."""
    name = patent.holder.name if patent.holder_id else patent.holder_name
    lapse = (f"滞纳期满仍未缴纳的，专利权自 {fee.due:%Y-%m-%d} 起终止（专利法实施细则第一百一十五条）；"
             f"因正当理由延误的，可自收到终止通知之日起2个月内请求恢复权利（实施细则第六条第二款）。")
    if fee.in_grace:
        rise = (f"自 {fee.next_step:%Y-%m-%d} 起滞纳金为 {fee.next_percent}%。" if fee.next_step else "")
        title = (f"年费滞纳提醒：{patent.application_no} 第{fee.year}年度年费已逾期，"
                 f"滞纳期至 {fee.grace_pay_by:%Y-%m-%d}")
        body = (f"{name} 的专利《{patent.title}》（{patent.application_no}）第{fee.year}年度年费应于 "
                f"{fee.due:%Y-%m-%d} 缴纳，尚未缴纳。请在 {fee.grace_pay_by:%Y-%m-%d} 前补缴，今日补缴需同时缴纳"
                f"当年全额年费 {fee.late_percent}% 的滞纳金。{rise}{lapse}")
        return title, body
    title = f"年费提醒：{patent.application_no} 应于 {fee.due:%Y-%m-%d} 前缴纳"
    last = f"（期限届满日为休息日，顺延至 {fee.pay_by:%Y-%m-%d}）" if fee.pay_by != fee.due else ""
    body = (f"{name} 的专利《{patent.title}》（{patent.application_no}）第{fee.year}年度年费缴纳期限为 "
            f"{fee.due:%Y-%m-%d}{last}（还有 {fee.days_left} 天）。逾期可在 {fee.grace_pay_by:%Y-%m-%d} 前补缴，"
            f"逾期{rule['late_fee_free_months']}个月内补缴不收滞纳金，此后每超过1个月加收当年全额年费的"
            f"{rule['late_fee_percent_per_month']}%。{lapse}")
    return title, body


def send_fee_reminders(as_of=None):
    """Remind the enterprise's users and its commissioner of each valid patent whose annual fee falls due within
    the reminder windows (e.g. 90, 30, 7 days) or is in its grace period. One notification per patent, due date,
    reminder and recipient (dedupe_key), so the daily run never repeats itself. Returns how many were created."""
    from django.urls import reverse
    from django.utils import timezone

    from .fees import fee_rule, next_fee
    from .models import Patent

    as_of = as_of or timezone.localdate()
    rule = fee_rule()
    windows = sorted(rule["remind_days"])
    created = 0
    patents = (Patent.objects.filter(legal_status="valid", grant_date__isnull=False, holder__isnull=False)
               .select_related("holder", "holder__commissioner"))
    for patent in patents.iterator(chunk_size=2000):
        fee = next_fee(patent, as_of)
        tag = fee_reminder(fee, as_of, windows) if fee is not None else None
        if tag is None:
            continue
        enterprise = patent.holder
        recipients = list(enterprise.users.filter(is_active=True))
        if enterprise.commissioner_id and enterprise.commissioner.is_active:
            recipients.append(enterprise.commissioner)
        title, body = fee_message(patent, fee, rule)
        for user in recipients:
            key = f"annual_fee:{patent.application_no}:{fee.due:%Y%m%d}:{tag}"
            _, made = Notification.objects.get_or_create(
                recipient=user, dedupe_key=key,
                defaults={"kind": "annual_fee", "title": title, "body": body,
                          "link": reverse("registry:patent_detail", args=[patent.pk])})
            created += made
    return created


@db_periodic_task(crontab(hour="7", minute="10"))
def annual_fee_reminders():
    return send_fee_reminders()
