"""Time-limit warnings (期限预警): every morning, each running limit of an open adjudication case
that is within its rule's warning days, or already past, notifies the case's handlers (or, before
the panel is named, the officers of the case's region). Once per case, limit, due date and state
(dedupe keys), so the check can run as often as it likes."""
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ipdesk.core.notify import notify
from ipdesk.core.scoping import Role

from .choices import AdjudicationStatus as A
from .limits import case_limits
from .models import AdjudicationCase, CalendarDay, TimeLimitRule

OPEN = (A.REQUESTED, A.FILED, A.ANSWERED, A.HEARD)


def _recipients(case):
    from ipdesk.accounts.models import User
    handlers = list(case.handlers.filter(is_active=True))
    if handlers:
        return handlers
    ancestors = [p for p in case.region.path.split("/") if p] if case.region.path else []
    return list(User.objects.filter(is_active=True, role__in=[Role.CITY_OFFICER, Role.DISTRICT_OFFICER]).filter(
        Q(region=case.region) | Q(region__code__in=ancestors) | Q(role=Role.CITY_OFFICER)))


def send_limit_warnings(today=None):
    """Notify about limits due soon or overdue as of `today`; returns how many notifications were created."""
    today = today or timezone.localdate()
    calendar = CalendarDay.work_calendar()
    rule_rows = list(TimeLimitRule.objects.filter(is_active=True, is_notice_floor=False))
    sent = 0
    cases = AdjudicationCase.objects.filter(status__in=OPEN).select_related("region") \
        .prefetch_related("handlers", "extensions", "excluded_periods")
    for case in cases:
        for limit in case_limits(case, today=today, calendar=calendar, rule_rows=rule_rows):
            if limit.state not in ("warning", "overdue"):
                continue
            verb = "已超期" if limit.state == "overdue" else "即将到期"
            title = f"{case.number} {limit.rule.name}{verb}（届满日 {limit.due:%Y-%m-%d}）"
            body = f"{case.title}：{limit.rule.name}自 {limit.start:%Y-%m-%d} 起算，{limit.rule.amount}" \
                   f"{limit.rule.get_unit_display()}，届满日 {limit.due:%Y-%m-%d}。依据：{limit.rule.legal_basis}"
            key = f"protection:{case.pk}:{limit.rule.code}:{limit.due:%Y%m%d}:{limit.state}"
            sent += notify(_recipients(case), title, reverse("protection:adjudicationcase_detail", args=[case.pk]),
                           f"protection_limit_{limit.state}", body=body, key=key)
    return sent


@db_periodic_task(crontab(hour="7", minute="10"))
def limit_warnings_task():
    return send_limit_warnings()
