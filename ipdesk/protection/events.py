"""Typed events of protection cases (Saleor's order/events.py pattern): a case's timeline (CaseEvent rows,
one table for the three case models) is written only here.

A case step's effect (protection.actions) changes the case and returns a `Step` saying what happened;
core.workflow.perform() then writes it through `record_step`, the event hook of every case transition
(protection.workflows). `event()` remains for what is not a workflow step: the registration of a new case
(actions.register) and the attachments added to or removed from a case (actions.attachment_added/_removed)."""
import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import CaseEvent


@dataclasses.dataclass(frozen=True)
class Step:
    """What a case step did, as its timeline row will say: its kind (choices.EventKind), its code, the day,
    the states before and after (empty for a step that keeps the state), a note and structured data."""
    kind: str
    code: str
    date: datetime.date
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    data: dict | None = None


def event(case, kind, user, *, code="", date=None, from_status="", to_status="", note="", data=None):
    """One timeline row of `case`: its kind (choices.EventKind), the step's code, the day, the states before and
    after a transition, a note and structured data; the actor when a user (not the system) took the step."""
    return CaseEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk, kind=kind, code=code,
        date=date or timezone.localdate(), from_status=from_status, to_status=to_status, note=note or "",
        data=data or {}, actor=user if getattr(user, "pk", None) else None)


def record_step(case, user, data, before, step):
    """The event hook of a case transition (core.workflow.perform): the `Step` its effect returned, as one row."""
    return event(case, step.kind, user, code=step.code, date=step.date, from_status=step.from_status,
                 to_status=step.to_status, note=step.note, data=step.data)
