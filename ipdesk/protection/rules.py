"""Pure rules of the rights-protection module: legal time limits over a working-day calendar,
and the composition of an adjudication panel. No database here: the office's holiday calendar
(protection.models.CalendarDay) is turned into a `WorkCalendar` and passed in.

Where the numbers come from
---------------------------
Patent infringement disputes are adjudicated by the administrative department under
专利法 第65条, 专利法实施细则, and the procedure of 国家知识产权局令第81号《专利纠纷行政裁决和调解办法》
(which replaced the adjudication part of 局令第71号《专利行政执法办法》). As far as we know that text,
the procedural limits are the long-standing ones below. They could not be checked against the
official gazette from this (offline) system, so **every number here is a configurable default**:
each is a `TimeLimitRule` row the office edits (protection.models.TimeLimitRule), seeded from
`DEFAULT_RULES`; code reads the rows, never these constants, once the rows exist.

| code            | rule (default)                                                             | counted in    |
|-----------------|----------------------------------------------------------------------------|---------------|
| filing_review   | 收到请求书之日起 5 个工作日内决定立案或不予受理并通知请求人                     | working days  |
| copy_service    | 立案之日起 5 个工作日内将请求书副本送达被请求人                                 | working days  |
| answer_period   | 被请求人收到副本之日起 15 日内答辩（逾期不答辩不影响处理）                        | calendar days |
| closure         | 立案之日起 3 个月内结案；特别复杂经负责人批准可延长，最多 1 个月；                 | months        |
|                 | 公告、鉴定、中止等期间不计入                                                    |               |
| hearing_notice  | 口头审理 3 个工作日前通知当事人（a floor on the hearing date, not a deadline）   | working days  |

How periods are counted (民事诉讼法 第85条 / 民法典 第201、203条, applied by analogy): the day a
period starts on is not counted; a period in months ends on the same-numbered day of the last
month (or that month's last day when it has no such day); when a calendar-day or month period
ends on a rest day it ends on the next working day instead. Working-day periods count only
working days: Monday–Friday, minus statutory holidays, plus adjusted working weekends (调休上班),
exactly as the office's calendar says.
"""
import calendar as _calendar
import datetime
from dataclasses import dataclass, field

WORKING_DAYS, CALENDAR_DAYS, MONTHS = "working_days", "calendar_days", "months"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, MONTHS)

# The defaults the office starts from (see the module docstring for what each means and its source).
DEFAULT_RULES = [
    {"code": "filing_review", "name": "立案审查", "start_event": "requested", "stop_events": ["filed", "rejected"],
     "amount": 5, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 2,
     "legal_basis": "收到请求书之日起5个工作日内立案或者通知不予受理（局令第81号；原局令第71号第13条）"},
    {"code": "copy_service", "name": "送达请求书副本", "start_event": "filed", "stop_events": ["copy_served"],
     "amount": 5, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 2,
     "legal_basis": "立案之日起5个工作日内将请求书及附件副本送达被请求人（原局令第71号第14条）"},
    {"code": "answer_period", "name": "答辩期", "start_event": "copy_served",
     "stop_events": ["answered", "heard", "decided", "mediated", "withdrawn"],
     "amount": 15, "unit": CALENDAR_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 3,
     "legal_basis": "被请求人自收到副本之日起15日内提交答辩书；逾期不提交不影响处理（原局令第71号第14条）"},
    {"code": "closure", "name": "结案期限", "start_event": "filed",
     "stop_events": ["decided", "mediated", "withdrawn"],
     "amount": 3, "unit": MONTHS, "max_extension": 1, "excludes_suspensions": True, "warn_days": 10,
     "legal_basis": "立案之日起3个月内结案；经负责人批准可延长，最多不超过1个月；公告、鉴定、中止等时间不计入"
                    "（局令第81号；原局令第71号第21条）"},
    # A floor, not a deadline: the hearing may not be held before this many working days after notice.
    {"code": "hearing_notice", "name": "口头审理通知期", "start_event": "hearing_scheduled", "stop_events": [],
     "amount": 3, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 0,
     "is_notice_floor": True,
     "legal_basis": "口头审理3个工作日前将时间、地点通知当事人（原局令第71号第15条）"},
]
HEARING_NOTICE_WORKING_DAYS = 3  # default; the TimeLimitRule "hearing_notice" overrides it when present


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: weekdays, minus `holidays`, plus `workdays` (调休上班的周末)."""
    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day):
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day):
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day


def add_months(day, months):
    """The same-numbered day `months` later, or that month's last day (1月31日 + 1个月 = 2月28/29日)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _normalise_periods(excluded):
    periods = []
    for first, last in excluded or ():
        if last is not None and last < first:
            raise ValueError(f"excluded period ends ({last}) before it starts ({first})")
        periods.append((first, last))
    return sorted(periods, key=lambda p: p[0])


def _excluded(day, periods):
    return any(first <= day and (last is None or day <= last) for first, last in periods)


def deadline(start, amount, unit, calendar, *, extension=0, excluded=(), roll_forward=True):
    """The last day of a period of `amount` (+ `extension`) `unit`s starting on `start`.

    `excluded` lists (first day, last day) periods that do not count (中止、鉴定、公告), both days
    inclusive; a period still open has last day None, and when it begins before the limit is
    reached the clock is stopped: the answer is None (no deadline while suspended).
    `extension` is in the same unit as `amount`. The start day itself is never counted.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if amount < 0 or extension < 0:
        raise ValueError("a time limit cannot be negative")
    periods = _normalise_periods(excluded)
    total = amount + extension
    if unit == MONTHS:
        # A month period is the calendar days to the same-numbered day; excluded days then push it on.
        total = (add_months(start, total) - start).days
    day, counted = start, 0
    while counted < total:
        day += datetime.timedelta(days=1)
        if _excluded(day, periods):
            if any(first <= day and last is None for first, last in periods):
                return None
            continue
        if unit == WORKING_DAYS and not calendar.is_working_day(day):
            continue
        counted += 1
    if unit != WORKING_DAYS and roll_forward:
        day = calendar.next_working_day(day)
    return day


def earliest_hearing_date(notice_date, calendar, notice_working_days=HEARING_NOTICE_WORKING_DAYS):
    """The first day a hearing may be held when the parties were notified on `notice_date`:
    the notice must precede the hearing by `notice_working_days` full working days."""
    return deadline(notice_date, notice_working_days, WORKING_DAYS, calendar) + datetime.timedelta(days=1)


def limit_state(today, due, warn_days, done_on=None):
    """Where a case stands against one limit: met / late (done), ok / warning / overdue (running),
    paused (no due date while suspended)."""
    if done_on is not None:
        return "late" if due is not None and done_on > due else "met"
    if due is None:
        return "paused"
    if today > due:
        return "overdue"
    if (due - today).days <= warn_days:
        return "warning"
    return "ok"


def is_valid_panel(size):
    """An adjudication is heard by an odd number of handlers, at least three (3名或者3名以上单数)."""
    return size >= 3 and size % 2 == 1


def working_days_between(first, last, calendar):
    """Working days after `first` up to and including `last` (0 when last <= first)."""
    count, day = 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count
