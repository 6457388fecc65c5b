"""Notifications (消息提醒): the one way any app tells people something.

`notify(users, text, link, kind)` writes one in-app `Notification` per active recipient and, when an
SMTP server is configured (EMAIL_HOST, see mail_enabled), e-mails those who have an address. Mail goes out
after the surrounding transaction commits (a rolled-back step sends nothing) and a mail failure is
logged, never raised: the step the user took has already succeeded. A `key` makes the message once
per recipient (periodic warnings run every day and must not repeat themselves).

`officers_for(region)` names the office staff responsible for a region: the district officers whose
district is that region or contains it (本辖区及下级), else the city officers, so a new application
never goes unheard.
"""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

log = logging.getLogger(__name__)


def notify(users, text, link="", kind="", *, body="", key=""):
    """Tell `users` (a user, a list or a queryset; None and inactive users are skipped) `text`.
    Returns how many in-app messages were written (0 for those who already had `key`)."""
    from .models import Notification
    if users is None:
        return 0
    if not isinstance(users, (list, tuple, set)) and not hasattr(users, "model"):
        users = [users]
    title = str(text)[:200]
    link = str(link or "")[:300]
    sent, mail_to = 0, []
    seen = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if key:
            try:
                with transaction.atomic():
                    _obj, created = Notification.objects.get_or_create(
                        recipient=user, dedupe_key=key[:200],
                        defaults={"kind": kind, "title": title, "body": str(body), "link": link})
            except IntegrityError:  # written by a concurrent run between the get and the create
                created = False
        else:
            Notification.objects.create(recipient=user, kind=kind, title=title, body=str(body), link=link)
            created = True
        if created:
            sent += 1
            if user.email:
                mail_to.append(user.email)
    if mail_to and mail_enabled():
        subject, message = title, _mail_body(title, body, link)
        transaction.on_commit(lambda: _send(subject, message, mail_to))
    return sent


def mail_enabled():
    """E-mail goes out only when a mailer is configured: settings.MAILERS["default"], which the settings
    define when EMAIL_HOST names an SMTP server (Django 6.1 mailers)."""
    return "default" in (getattr(settings, "MAILERS", None) or {})


def _mail_body(title, body, link):
    lines = [str(title)]
    if body:
        lines += ["", str(body)]
    if link:
        base = getattr(settings, "IPDESK_BASE_URL", "").rstrip("/")
        lines += ["", f"{base}{link}" if base and link.startswith("/") else link]
    return "\n".join(lines)


def _send(subject, message, recipients):
    """One message per recipient (no one sees the others' addresses); failures are logged only."""
    for address in recipients:
        try:
            send_mail(subject, message, None, [address], fail_silently=False)
        except Exception:  # noqa: BLE001 — SMTP down or refused: the in-app message stands
            log.exception("notification e-mail to %s failed", address)


def officers_for(region, include_city=False):
    """The active district officers responsible for `region` (its district or a district above it);
    the city officers when there is none, or always with `include_city`."""
    from django.contrib.auth import get_user_model

    from .scoping import Role
    User = get_user_model()
    staff = list(User.objects.filter(is_active=True, role__in=[Role.DISTRICT_OFFICER, Role.CITY_OFFICER])
                 .select_related("region"))
    path = getattr(region, "path", "") or ""
    district = [u for u in staff if u.role == Role.DISTRICT_OFFICER and u.region_id and path
                and path.startswith(u.region.path)]
    city = [u for u in staff if u.role == Role.CITY_OFFICER]
    if include_city or not district:
        return district + city
    return district


def to_office(region, actor):
    """Who hears of something new in `region` that `actor` just did (a new application, request or case):
    the officers responsible for the region (officers_for), except the actor — and nobody when the actor
    is one of that district's own officers (the office entered it itself) or no one (demo data, imports)."""
    from .scoping import Role
    if actor is None or not getattr(actor, "pk", None):
        return []
    path = getattr(region, "path", "") or ""
    if (actor.role == Role.DISTRICT_OFFICER and not actor.is_superuser and actor.region_id and path
            and path.startswith(actor.region.path)):
        return []
    return [u for u in officers_for(region) if u.pk != actor.pk]
