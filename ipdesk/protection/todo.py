"""The protection module's to-do items (core.todo).

维权援助: an application waits to be accepted (新申请), an accepted case for its handler to be named,
a case in hand for its handler (staff or public lawyer) to close, a closed case for its follow-up
visit (回访). 行政裁决: a request waits for the filing decision (新申请), an open case for its next
step; each running legal time limit (protection.limits, the office's TimeLimitRule rows, which cite
their legal basis) makes it 临期 within TODO_DAYS days or 已超期. Only cases the user may change.
"""
from django.urls import reverse
from django.utils.translation import gettext as _

from ipdesk.core.scoping import CHANGE, can
from ipdesk.core.todo import TodoItem, deadline_kind, todo_days

from .choices import AdjudicationStatus as A, AssistanceStatus as S, CalendarDayKind
from .models import AdjudicationCase, AssistanceCase, CalendarDay, TimeLimitRule

LIMIT = 200
OPEN_ADJUDICATION = (A.REQUESTED, A.FILED, A.ANSWERED, A.HEARD, A.DECIDED, A.MEDIATED, A.WITHDRAWN)


def todo_items(user, today):
    return assistance_items(user, today) + adjudication_items(user, today) + calendar_items(user, today)


CALENDAR_FROM_MONTH = 11   # the State Council's holiday notice for next year usually comes out in November (待核对)


def calendar_items(user, today):
    """节假日与调休: this year, and from November next year, whose statutory holidays are not in the office calendar
    — the working-day limits of every case would count that year's festivals as working days (the case pages mark
    such due dates 暂定). For those who keep the calendar (CalendarDay's change roles: city officers)."""
    if not can(user, CalendarDay, CHANGE):
        return []
    years = [today.year] + ([today.year + 1] if today.month >= CALENDAR_FROM_MONTH else [])
    held = {d.year for d in CalendarDay.objects.filter(date__year__in=years, kind=CalendarDayKind.HOLIDAY)
            .dates("date", "year")}
    return [TodoItem("step", _("节假日与调休"), _("%(y)s年的法定节假日和调休尚未录入本单位日历") % {"y": year},
                     reverse("protection:calendarday_list"),
                     detail=_("录入前，跨入该年的期限按周末计算（暂定）；请按国务院办公厅的放假安排通知录入"),
                     key=f"protection.calendar:{year}")
            for year in years if year not in held]


def assistance_items(user, today):
    from .actions import next_steps
    module = _("维权援助")
    items = []
    cases = (AssistanceCase.objects.restrict(user, CHANGE)
             .filter(status__in=[S.APPLIED, S.ACCEPTED, S.HANDLING, S.CLOSED])
             .select_related("enterprise").order_by("received_on", "id")[:LIMIT])
    for case in cases:
        if case.status == S.CLOSED and case.closed_on and (today - case.closed_on).days > 90:
            continue  # an old case never visited is a report's matter, not today's list
        steps = "、".join(label for _t, label in next_steps(case))
        kind = "new" if case.status == S.APPLIED else "step"
        items.append(TodoItem(kind, module, f"{case.number} {case.title}（{case.enterprise}）",
                              case.get_absolute_url(), detail=_("下一步：%(s)s") % {"s": steps} if steps else "",
                              key=f"protection.assistance:{case.pk}"))
    return items


def adjudication_items(user, today):
    from .actions import next_steps
    from .limits import case_limits
    module = _("行政裁决")
    items = []
    cases = (AdjudicationCase.objects.restrict(user, CHANGE).filter(status__in=OPEN_ADJUDICATION)
             .prefetch_related("extensions", "excluded_periods", "events").order_by("received_on", "id")[:LIMIT])
    calendar, rule_rows = None, None
    days = todo_days()
    for case in cases:
        if calendar is None:
            calendar = CalendarDay.work_calendar()
            rule_rows = list(TimeLimitRule.objects.filter(is_active=True, is_notice_floor=False))
        steps = "、".join(label for _t, label in next_steps(case))
        title = f"{case.number} {case.title}"
        detail = _("下一步：%(s)s") % {"s": steps} if steps else ""
        events = [(e.code, e.date) for e in sorted(case.events.all(), key=lambda e: (e.date, e.pk))]
        limits = [lim for lim in case_limits(case, today=today, calendar=calendar, rule_rows=rule_rows, events=events)
                  if lim.done_on is None and lim.state != "paused"]
        urgent = []
        for lim in limits:
            kind = deadline_kind(lim.due, today, days)
            if kind:
                urgent.append((kind, lim))
        if urgent:
            for kind, lim in urgent:
                items.append(TodoItem(kind, module, f"{title}：{lim.rule.name}",
                                      case.get_absolute_url(), due=lim.due,
                                      detail=_("法定期限届满日 %(d)s") % {"d": lim.due} + (f"；{detail}" if detail else ""),
                                      key=f"protection.adjudication:{case.pk}:{lim.rule.code}"))
            continue
        if not steps:
            continue
        kind = "new" if case.status == A.REQUESTED else "step"
        nearest = min((lim.due for lim in limits), default=None)
        items.append(TodoItem(kind, module, title, case.get_absolute_url(), due=nearest, detail=detail,
                              key=f"protection.adjudication:{case.pk}"))
    return items
