"""Pure rules of the rights-protection module: legal time limits over a working-day calendar,
and the composition of an adjudication panel. No database here: the office's holiday calendar
(protection.models.CalendarDay) is turned into a `WorkCalendar` and passed in.

Where the numbers come from — and what is not verified
------------------------------------------------------
Patent infringement disputes are adjudicated by the administrative department under 专利法 第65条. The
defaults below are the procedural limits of 《专利行政执法办法》 (国家知识产权局令第71号, 2015) as this
system has long recorded them. They are **待核对 (unverified)**: neither the text of 71号 nor that of
《专利纠纷行政裁决和调解办法》 (国家知识产权局令第81号, in force 2025-02-01, which now governs
adjudication) could be found in the reference material this system was built from (searched: public web
pages and documentation corpora, 2026-11), so article numbers are left 待核对 and each text is a summary,
not a quotation. Nothing here is attributed to 81号. Every default is a `TimeLimitRule` row
(protection.models) carrying its legal basis — regulation, article, text — and a "verified" mark that a
city officer sets, with name and date, after checking the row against the text in force; code reads the
rows, never these constants, once the rows exist.

| code                | rule (default)                                                           | counted in    |
|---------------------|--------------------------------------------------------------------------|---------------|
| filing_review       | 收到请求书之日起 5 个工作日内立案或者通知不予受理                            | working days  |
| copy_service        | 立案之日起 5 个工作日内将请求书副本送达被请求人                               | working days  |
| answer_period       | 被请求人收到副本之日起 15 日内答辩（逾期不答辩不影响处理）                      | calendar days |
| answer_copy_service | 收到答辩书之日起 5 个工作日内将答辩书副本送达请求人                           | working days  |
| closure             | 立案之日起 3 个月内结案；经负责人批准可延长，最多 1 个月；                      | months        |
|                     | 公告、鉴定、中止等期间不计入                                                  |               |
| hearing_notice      | 口头审理 3 个工作日前通知当事人（a floor on the hearing date, not a deadline） | working days  |

How periods are counted (民事诉讼法 第85条 / 民法典 第201–203条, applied by analogy; article numbers as
recorded, 待核对): the day a period starts on is not counted; a period in months ends on the
same-numbered day of the last month (or that month's last day when it has no such day); an extension
in months (经批准延长, at most 1 month for closure) runs from the last day of the original period, not
from the start: 立案 2024-11-29 → 3 months end 2025-02-28 → extended to 2025-03-28 (not 03-29); when a
calendar-day or month period ends on a rest day (a weekend or a statutory holiday in the office's
calendar, CalendarDay, seeded from the chinese-calendar package) it ends on the next working day instead. Working-day periods count only
working days: Monday–Friday, minus statutory holidays, plus adjusted working weekends (调休上班),
exactly as the office's calendar says.
"""
import calendar as _calendar
import datetime
from dataclasses import dataclass, field

WORKING_DAYS, CALENDAR_DAYS, MONTHS = "working_days", "calendar_days", "months"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, MONTHS)

# The defaults the office starts from (see the module docstring for what each means and its source).
# Legal basis of every default: 《专利行政执法办法》 (局令第71号), article numbers and wording 待核对; to be checked
# against 《专利纠纷行政裁决和调解办法》 (局令第81号) by an officer, who then sets `basis_verified`.
BASIS_REGULATION_71 = "《专利行政执法办法》（国家知识产权局令第71号）"
BASIS_ARTICLE_UNVERIFIED = "待核对"
BASIS_NOTE_UNVERIFIED = ("待核对：条号与条文未与原文核对（条文为摘要，非原文）；须与《专利纠纷行政裁决和调解办法》"
                         "（国家知识产权局令第81号，2025年2月1日起施行）核对后方可标记为已核对。")
LEGAL_BASIS_71_UNVERIFIED = "局令第71号《专利行政执法办法》（条号待核对；待与局令第81号核对）"


def _basis(text):
    return {"legal_basis": LEGAL_BASIS_71_UNVERIFIED, "basis_regulation": BASIS_REGULATION_71,
            "basis_article": BASIS_ARTICLE_UNVERIFIED, "basis_text": text, "basis_verified": False,
            "basis_note": BASIS_NOTE_UNVERIFIED}


DEFAULT_RULES = [
    {"code": "filing_review", "name": "立案审查", "start_event": "requested", "stop_events": ["filed", "rejected"],
     "amount": 5, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 2,
     **_basis("收到请求书之日起5个工作日内立案并通知请求人，或者通知请求人不予受理并说明理由。")},
    {"code": "copy_service", "name": "送达请求书副本", "start_event": "filed", "stop_events": ["copy_served"],
     "amount": 5, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 2,
     **_basis("立案之日起5个工作日内将请求书及其附件的副本送达被请求人。")},
    {"code": "answer_period", "name": "答辩期", "start_event": "copy_served",
     "stop_events": ["answered", "heard", "decided", "mediated", "withdrawn"],
     "amount": 15, "unit": CALENDAR_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 3,
     **_basis("被请求人自收到副本之日起15日内提交答辩书；逾期不提交的，不影响案件处理。")},
    {"code": "answer_copy_service", "name": "送达答辩书副本", "start_event": "answered",
     "stop_events": ["answer_copy_served"],
     "amount": 5, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 2,
     **_basis("被请求人提交答辩书的，自收到之日起5个工作日内将答辩书副本送达请求人。")},
    {"code": "closure", "name": "结案期限", "start_event": "filed",
     "stop_events": ["decided", "mediated", "withdrawn"],
     "amount": 3, "unit": MONTHS, "max_extension": 1, "excludes_suspensions": True, "warn_days": 10,
     **_basis("自立案之日起3个月内结案；案件特别复杂需要延长的，经负责人批准，延长期限最多不超过1个月；"
              "公告、鉴定、中止等时间不计入办案期限。")},
    # A floor, not a deadline: the hearing may not be held before this many working days after notice.
    {"code": "hearing_notice", "name": "口头审理通知期", "start_event": "hearing_scheduled", "stop_events": [],
     "amount": 3, "unit": WORKING_DAYS, "max_extension": 0, "excludes_suspensions": False, "warn_days": 0,
     "is_notice_floor": True,
     **_basis("进行口头审理的，应当至少在口头审理3个工作日前将口头审理的时间、地点通知当事人。")},
]
# The `legal_basis` texts seeded before the basis fields existed (migration 0004 replaces them where unedited).
OLD_LEGAL_BASIS = {
    "filing_review": "收到请求书之日起5个工作日内立案或者通知不予受理（局令第81号；原局令第71号第13条）",
    "copy_service": "立案之日起5个工作日内将请求书及附件副本送达被请求人（原局令第71号第14条）",
    "answer_period": "被请求人自收到副本之日起15日内提交答辩书；逾期不提交不影响处理（原局令第71号第14条）",
    "closure": "立案之日起3个月内结案；经负责人批准可延长，最多不超过1个月；公告、鉴定、中止等时间不计入"
               "（局令第81号；原局令第71号第21条）",
    "hearing_notice": "口头审理3个工作日前将时间、地点通知当事人（原局令第71号第15条）",
}
HEARING_NOTICE_WORKING_DAYS = 3  # default; the TimeLimitRule "hearing_notice" overrides it when present


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: weekdays, minus `holidays`, plus `workdays` (调休上班的周末).
    `years`: the years whose holidays the calendar holds (None: not said). The State Council publishes each
    year's holidays only late in the year before (国务院办公厅关于某年部分节假日安排的通知), so a count that runs
    into a year not yet entered treats that year's festivals as working days: missing_years() names them, and
    the pages mark such a due date as provisional (暂定)."""
    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)
    years: frozenset | None = None

    def missing_years(self, first, last):
        """The years from `first` to `last` (dates) whose holidays the calendar does not hold; () when it
        holds them all or does not say which it holds."""
        if self.years is None or first is None or last is None:
            return ()
        return tuple(y for y in range(min(first, last).year, max(first, last).year + 1) if y not in self.years)

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
        # The extension runs from the last day of the original period (立案 11-29 + 3 months = 02-28, + 1 month
        # = 03-28), not from the start (11-29 + 4 months = 03-29, one day lenient).
        total = (add_months(add_months(start, amount), extension) - start).days
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
