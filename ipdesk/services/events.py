"""Typed events of a service request (Saleor's order/events.py pattern): one named constructor per kind,
so a request's timeline is rows written only here.

A lifecycle step's effect (services.actions: accept, process, complete, reject, rate) changes the request and
returns a `Step`; core.workflow.perform() writes it through `record_step`, the event hook of those transitions
(services.workflows). `submitted`, `commented` and `attached` are written by the actions that are not workflow
transitions (submit_request, add_comment, attach_file)."""
import dataclasses
import datetime

from .choices import EventKind
from .models import RequestEvent


@dataclasses.dataclass(frozen=True)
class Step:
    """What a lifecycle step did, as its timeline row will say: its kind (choices.EventKind), the moment, the
    states before and after, and the note."""
    kind: str
    at: datetime.datetime
    from_status: str
    to_status: str
    note: str = ""


def _event(req, kind, user, at, before="", after="", note=""):
    return RequestEvent.objects.create(request=req, kind=kind, actor=user, at=at, from_status=before,
                                       to_status=after, note=note)


def submitted(req, user, at, status):
    return _event(req, EventKind.SUBMITTED, user, at, "", status)


def status_changed(req, kind, user, at, before, after, note=""):
    """受理/办理/办结/不予受理/评价: the step's kind, the state before and after, the note."""
    return _event(req, kind, user, at, before, after, note)


def record_step(req, user, data, before, step):
    """The event hook of a lifecycle transition (core.workflow.perform): the `Step` its effect returned."""
    return status_changed(req, step.kind, user, step.at, step.from_status, step.to_status, step.note)


def commented(req, user, at, body):
    return _event(req, EventKind.COMMENTED, user, at, note=body[:200])


def attached(req, user, at, filename):
    return _event(req, EventKind.ATTACHED, user, at, note=filename)
