"""Typed events of pledges and interest-subsidy applications (Saleor's order/events.py pattern): their
timelines are rows written only here; a decided subsidy also tells the enterprise (core.notify)."""
from decimal import Decimal

from .choices import PledgeEventKind, SubsidyEventKind
from .models import PledgeEvent, SubsidyEvent


def pledge_registered(pledge, date, user, note=""):
    return PledgeEvent.objects.create(pledge=pledge, kind=PledgeEventKind.REGISTERED, date=date, user=user, note=note)


def pledge_released(pledge, date, user, note=""):
    return PledgeEvent.objects.create(pledge=pledge, kind=PledgeEventKind.RELEASED, date=date, user=user, note=note)


def subsidy_event(app, kind, user, note="", amount=None):
    """申报/重新计算/审核通过/审核不通过/拨付; a decision is also sent to the enterprise's users."""
    event = SubsidyEvent.objects.create(application=app, kind=kind, user=user, note=note,
                                        amount_yuan=app.subsidy_yuan if amount is None else amount)
    if kind in (SubsidyEventKind.APPROVED, SubsidyEventKind.REJECTED, SubsidyEventKind.PAID):
        _notify_enterprise(app, kind, note)
    return event


def subsidy_rejected(app, user, note):
    return subsidy_event(app, SubsidyEventKind.REJECTED, user, note, amount=Decimal("0"))


def _notify_enterprise(app, kind, note):
    """Tell the enterprise's users how their application was decided (消息提醒)."""
    from django.contrib.auth import get_user_model

    from ipdesk.core.notify import notify
    title = f"{app.year}年贴息申请{SubsidyEventKind(kind).label}"
    body = f"核定贴息 {app.subsidy_yuan} 元" if kind != SubsidyEventKind.REJECTED else f"理由：{note}"
    notify(get_user_model().objects.filter(enterprise=app.enterprise_id, is_active=True), title,
           app.get_absolute_url(), "finance_subsidy", body=body, key=f"finance-subsidy-{app.pk}-{kind}")
