"""Overdue warnings (超期预警): every morning, the commissioner of each open request that is due
within a day or already late gets a notification, and a late request gets an event on its timeline.
Both are once per request and kind (dedupe keys), so the job can run as often as it likes."""
import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ipdesk.core.notify import notify
from ipdesk.core.scoping import Role

from . import rules
from .choices import EventKind, OPEN_STATUSES
from .models import RequestEvent, ServiceRequest


def _warn(user, kind, title, body, link, key):
    return notify(user, title, link, kind, body=body, key=key)


def send_overdue_warnings(today=None, warn_days=1):
    """Warn about open requests due within `warn_days` or overdue as of `today`; returns how many
    notifications were sent."""
    today = today or timezone.localdate()
    sent = 0
    late_or_soon = ServiceRequest.objects.filter(status__in=OPEN_STATUSES,
                                                 due_date__lte=today + datetime.timedelta(days=warn_days)) \
        .select_related("enterprise__commissioner", "enterprise__region")
    for req in late_or_soon:
        link = reverse("services:request_detail", args=[req.pk])
        commissioner = req.enterprise.commissioner
        with transaction.atomic():
            if rules.is_overdue(req.due_date, today):
                title = _("服务申请已超期：%(n)s %(t)s") % {"n": req.number, "t": req.title}
                body = _("承诺办结日 %(d)s 已过，请尽快办理。企业：%(e)s。") % {"d": req.due_date, "e": req.enterprise}
                recipients = [commissioner] if commissioner else []
                # Late and unassigned: the district's officers must know.
                if commissioner is None:
                    from ipdesk.accounts.models import User
                    recipients = list(User.objects.filter(role=Role.DISTRICT_OFFICER, is_active=True,
                                                          region__isnull=False).select_related("region"))
                    recipients = [u for u in recipients if req.enterprise.region.path.startswith(u.region.path)]
                for user in recipients:
                    sent += _warn(user, "service_overdue", title, body, link, f"svc-overdue-{req.pk}")
                if not RequestEvent.objects.filter(request=req, kind=EventKind.OVERDUE_WARNED).exists():
                    RequestEvent.objects.create(request=req, kind=EventKind.OVERDUE_WARNED, actor=None,
                                                at=timezone.now(), note=body)
            elif rules.is_due_soon(req.due_date, today, warn_days):
                title = _("服务申请临期：%(n)s %(t)s") % {"n": req.number, "t": req.title}
                body = _("承诺办结日为 %(d)s。企业：%(e)s。") % {"d": req.due_date, "e": req.enterprise}
                sent += _warn(commissioner, "service_due_soon", title, body, link, f"svc-due-{req.pk}")
    return sent


@db_periodic_task(crontab(hour="7", minute="30"))
def overdue_warnings():
    send_overdue_warnings()
