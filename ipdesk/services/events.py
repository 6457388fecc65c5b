"""Typed events of a service request (Saleor's order/events.py pattern): one named constructor per kind,
so a request's timeline is rows written only here."""
from .choices import EventKind
from .models import RequestEvent


def _event(req, kind, user, at, before="", after="", note=""):
    return RequestEvent.objects.create(request=req, kind=kind, actor=user, at=at, from_status=before,
                                       to_status=after, note=note)


def submitted(req, user, at, status):
    return _event(req, EventKind.SUBMITTED, user, at, "", status)


def status_changed(req, kind, user, at, before, after, note=""):
    """受理/办理/办结/不予受理/评价: the step's kind, the state before and after, the note."""
    return _event(req, kind, user, at, before, after, note)


def commented(req, user, at, body):
    return _event(req, EventKind.COMMENTED, user, at, note=body[:200])


def attached(req, user, at, filename):
    return _event(req, EventKind.ATTACHED, user, at, note=filename)
