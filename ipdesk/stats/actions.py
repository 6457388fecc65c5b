"""State transitions of a bulletin: prepare (or refresh) a draft, publish. Declared in stats.workflows and
taken through core.workflow.perform (row lock, scope, role, state); each writes a typed event (events.py).

A published bulletin is frozen: its data and summary were stored when it was prepared and are never
recomputed; Bulletin.save refuses any later change, and these functions refuse to touch it.
"""
from django.db import transaction
from django.utils import timezone

from ipdesk.core.workflow import perform

from . import bulletin as render
from . import events
from .error_codes import StatsErrorCode, error
from .models import Bulletin, BulletinStatus


@transaction.atomic
def prepare_bulletin(region, year, month, user=None):
    """Create the draft of `region`'s bulletin for the month, or recompute an existing draft."""
    if not 1 <= int(month) <= 12:
        raise error(StatsErrorCode.MONTH_INVALID, month=month)
    existing = Bulletin.objects.select_for_update().filter(region=region, year=year, month=month).first()
    if existing is not None and existing.is_published:
        raise error(StatsErrorCode.PUBLISHED_NOT_REFRESHED, title=existing.title)
    data = render.build(region, int(year), int(month))
    bulletin = existing or Bulletin(region=region, year=year, month=month)
    bulletin.as_of = render.month_end(int(year), int(month))
    bulletin.title = render.title(region, int(year), int(month))
    bulletin.data = data
    bulletin.summary = data["summary"]
    bulletin.save()
    (events.refreshed if existing else events.prepared)(bulletin, user)
    return bulletin


def refresh(bulletin, user, data):
    """按最新数据重新计算 (effect on the locked draft)."""
    return prepare_bulletin(bulletin.region, bulletin.year, bulletin.month, user)


def clean_publish(data):
    summary = data.get("summary")
    if summary == "":     # the page's empty box: keep the prepared summary
        summary = None
    if summary is not None:
        summary = summary.strip()
        if not summary:
            raise error(StatsErrorCode.SUMMARY_EMPTY)
    return {**data, "summary": summary}


def publish(current, user, data):
    """发布 (effect on the locked draft): an officer may first reword the summary; from now on it never changes."""
    summary = data.get("summary")
    if summary is not None:
        current.summary = summary
        current.data = {**current.data, "summary": summary}
    current.status = BulletinStatus.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = user
    current._publishing = True
    current.save()
    events.published(current, user)
    _notify_published(current)
    return current


def _notify_published(bulletin):
    """A published bulletin reaches its readers: the leaders and the officers of the regions it covers
    (the district officers of those districts, the city officers); the publisher is told by the page."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from ipdesk.core.notify import notify
    from ipdesk.core.scoping import Role
    region = bulletin.region
    readers = get_user_model().objects.filter(
        is_active=True, role__in=[Role.LEADER, Role.CITY_OFFICER, Role.DISTRICT_OFFICER]).select_related("region")
    readers = [u for u in readers if u.pk != getattr(bulletin.published_by, "pk", None)
               and (u.role != Role.DISTRICT_OFFICER or (u.region_id and u.region.path.startswith(region.path)))]
    notify(readers, _("专利工作通报已发布：%(title)s") % {"title": bulletin.title}, bulletin.get_absolute_url(),
           "stats_bulletin_published", key=f"stats-bulletin-published-{bulletin.pk}")


def publish_bulletin(bulletin, user, summary=None):
    """Publish a draft (`user` None: the system, e.g. demo data)."""
    return perform(bulletin, "publish", user, {"summary": summary})
