"""Typed events of a bulletin (Saleor's order/events.py pattern): the timeline rows are written only here."""
from .models import BulletinEvent, BulletinEventKind


def _event(bulletin, kind, user):
    return BulletinEvent.objects.create(bulletin=bulletin, kind=kind, user=user if user and user.pk else None)


def prepared(bulletin, user):
    return _event(bulletin, BulletinEventKind.PREPARED, user)


def refreshed(bulletin, user):
    return _event(bulletin, BulletinEventKind.REFRESHED, user)


def published(bulletin, user):
    return _event(bulletin, BulletinEventKind.PUBLISHED, user)
