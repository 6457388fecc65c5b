"""Typed events of pledges and interest-subsidy applications (Saleor's order/events.py pattern): their
timelines are rows written only here (a decision's message to the enterprise: finance.workflows)."""
from decimal import Decimal

from .choices import PledgeEventKind, SubsidyEventKind
from .models import PledgeEvent, SubsidyEvent


def pledge_registered(pledge, date, user, note=""):
    return PledgeEvent.objects.create(pledge=pledge, kind=PledgeEventKind.REGISTERED, date=date, user=user, note=note)


def pledge_released(pledge, date, user, note=""):
    return PledgeEvent.objects.create(pledge=pledge, kind=PledgeEventKind.RELEASED, date=date, user=user, note=note)


def subsidy_event(app, kind, user, note="", amount=None):
    """申报/重新计算/审核通过/审核不通过/拨付, with the subsidy as decided (0 when refused)."""
    if amount is None:
        amount = Decimal("0") if kind == SubsidyEventKind.REJECTED else app.subsidy_yuan
    return SubsidyEvent.objects.create(application=app, kind=kind, user=user, note=note, amount_yuan=amount)
