"""A case's legal time limits, read from its timeline, its extensions and excluded periods, and the
office's rules and calendar; the arithmetic itself is protection.rules (pure)."""
from dataclasses import dataclass

from django.utils import timezone

from . import rules
from .models import CalendarDay, TimeLimitRule

STATE_LABELS = {"met": "按期完成", "late": "超期完成", "ok": "期限内", "warning": "即将到期", "overdue": "已超期",
                "paused": "中止计算"}
STATE_CSS = {"met": "success", "late": "danger", "ok": "secondary", "warning": "warning", "overdue": "danger",
             "paused": "info"}


@dataclass
class Limit:
    rule: TimeLimitRule
    start: object
    due: object
    done_on: object
    extension: int
    state: str
    missing_years: tuple = ()   # years between start and due whose holidays the office calendar lacks

    @property
    def provisional(self):
        """The due date was counted over a year whose holidays are not entered yet (rules.WorkCalendar)."""
        return bool(self.missing_years) and self.due is not None

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def css(self):
        return STATE_CSS[self.state]

    def as_dict(self):
        return {"code": self.rule.code, "name": self.rule.name, "start": self.start, "due": self.due,
                "done_on": self.done_on, "extension": self.extension, "state": self.state, "label": self.label,
                "provisional": self.provisional, "calendar_missing_years": list(self.missing_years)}


def _missing_years(calendar, rule, start, due):
    """The years without holidays in the office calendar that the due date depends on: every year the count
    runs through for working days; the due date's year for a period that rolls forward off a rest day; none
    for a period counted in calendar days or months that does not roll."""
    if rule.unit == rules.WORKING_DAYS:
        return calendar.missing_years(start, due)
    return calendar.missing_years(due, due) if rule.roll_forward else ()


def case_limits(case, today=None, calendar=None, rule_rows=None, events=None):
    """The limits that have started for an adjudication case, with their due dates and state."""
    today = today or timezone.localdate()
    calendar = calendar or CalendarDay.work_calendar()
    rule_rows = rule_rows if rule_rows is not None else list(TimeLimitRule.objects.filter(is_active=True,
                                                                                         is_notice_floor=False))
    events = events if events is not None else list(case.events.order_by("date", "id").values_list("code", "date"))
    extensions = {}
    for ext in case.extensions.all():
        extensions[ext.rule_id] = extensions.get(ext.rule_id, 0) + ext.amount
    periods = [(p.start, p.end) for p in case.excluded_periods.all()]
    result = []
    for rule in rule_rows:
        starts = [d for code, d in events if code == rule.start_event]
        if not starts:
            continue
        start = starts[-1]
        stops = [d for code, d in events if code in (rule.stop_events or []) and d >= start]
        done_on = min(stops) if stops else None
        extension = extensions.get(rule.pk, 0)
        due = rules.deadline(start, rule.amount, rule.unit, calendar, extension=extension,
                             excluded=periods if rule.excludes_suspensions else (), roll_forward=rule.roll_forward)
        result.append(Limit(rule, start, due, done_on, extension,
                            rules.limit_state(today, due, rule.warn_days, done_on),
                            _missing_years(calendar, rule, start, due)))
    return result
