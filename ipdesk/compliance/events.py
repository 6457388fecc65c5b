"""Typed events of an abnormal application (Saleor's order/events.py pattern): its timeline rows are
written only here."""
from .choices import ApplicationStatus as S
from .choices import EventKind
from .models import ApplicationEvent

EVENT_FOR_STATUS = {S.NOTIFIED: EventKind.NOTIFIED, S.WITHDRAWN: EventKind.WITHDRAWN, S.STATEMENT: EventKind.STATEMENT,
                    S.UPHELD: EventKind.UPHELD, S.CLEARED: EventKind.CLEARED, S.DEEMED_WITHDRAWN: EventKind.DEEMED_WITHDRAWN}


def registered(app, date, user, note=""):
    return ApplicationEvent.objects.create(application=app, kind=EventKind.REGISTERED, date=date, user=user, note=note)


def notified(app, date, user, note=""):
    return ApplicationEvent.objects.create(application=app, kind=EventKind.NOTIFIED, date=date, user=user, note=note)


def status_changed(app, target, date, user, note=""):
    """The event of moving to `target` (通知/撤回/陈述意见/认定/意见成立/视为撤回)."""
    return ApplicationEvent.objects.create(application=app, kind=EVENT_FOR_STATUS[target], date=date, note=note or "",
                                           user=user)
