"""State transitions of a bulletin: prepare (or refresh) a draft, publish. Each writes a typed event.

A published bulletin is frozen: its data and summary were stored when it was prepared and are never
recomputed; Bulletin.save refuses any later change, and these functions refuse to touch it.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import bulletin as render
from .models import Bulletin, BulletinEvent, BulletinEventKind, BulletinStatus


@transaction.atomic
def prepare_bulletin(region, year, month, user=None):
    """Create the draft of `region`'s bulletin for the month, or recompute an existing draft."""
    if not 1 <= int(month) <= 12:
        raise ValidationError(f"月份应为1—12：{month}")
    existing = Bulletin.objects.select_for_update().filter(region=region, year=year, month=month).first()
    if existing is not None and existing.is_published:
        raise ValidationError(f"{existing.title}已发布，不能重新生成。")
    data = render.build(region, int(year), int(month))
    bulletin = existing or Bulletin(region=region, year=year, month=month)
    bulletin.as_of = render.month_end(int(year), int(month))
    bulletin.title = render.title(region, int(year), int(month))
    bulletin.data = data
    bulletin.summary = data["summary"]
    bulletin.save()
    BulletinEvent.objects.create(bulletin=bulletin, kind=BulletinEventKind.REFRESHED if existing else
                                 BulletinEventKind.PREPARED, user=user if user and user.pk else None)
    return bulletin


@transaction.atomic
def publish_bulletin(bulletin, user, summary=None):
    """Publish a draft (an officer may first reword the summary); from now on it never changes."""
    current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if current.is_published:
        raise ValidationError("该通报已发布，不能重复发布。")
    if summary is not None:
        summary = summary.strip()
        if not summary:
            raise ValidationError("综述不能为空。")
        current.summary = summary
        current.data = {**current.data, "summary": summary}
    current.status = BulletinStatus.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = user
    current._publishing = True
    current.save()
    BulletinEvent.objects.create(bulletin=current, kind=BulletinEventKind.PUBLISHED, user=user)
    return current
