"""Typed events of protection cases (Saleor's order/events.py pattern): a case's timeline (CaseEvent rows,
one table for the three case models) is written only here."""
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import CaseEvent


def event(case, kind, user, *, code="", date=None, from_status="", to_status="", note="", data=None):
    """One timeline row of `case`: its kind (choices.EventKind), the step's code, the day, the states before and
    after a transition, a note and structured data; the actor when a user (not the system) took the step."""
    return CaseEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(case)), object_id=case.pk, kind=kind, code=code,
        date=date or timezone.localdate(), from_status=from_status, to_status=to_status, note=note or "",
        data=data or {}, actor=user if getattr(user, "pk", None) else None)
