"""Pure rules of the commissioner one-stop: time limits, overdue, handling time and its figures.
No database here."""
import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

from .choices import DayUnit

# Which step may follow which (提出 → 受理 → 办理 → 办结 → 评价) is declared once, in services.workflows.


def is_workday(day):
    """A working day under the State Council's holiday arrangements (国务院办公厅节假日安排, via
    chinese-calendar); outside the years the package knows, Monday to Friday."""
    try:
        import chinese_calendar
        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def due_date(start, days, unit=DayUnit.WORKDAY, workday=is_workday):
    """The last day of a limit of `days` counted from the day after `start` (期限自次日起算)."""
    if unit == DayUnit.CALENDAR:
        return start + datetime.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if workday(day):
            left -= 1
    return day


def elapsed_days(start, end, unit=DayUnit.WORKDAY, workday=is_workday):
    """Time taken from `start` to `end` (datetimes, same time zone), in the unit of the limit.

    Calendar days are exact (hours count as fractions); working days count the working days after
    the start day up to and including the end day, so a request finished on the day it came in took 0.
    """
    if end < start:
        raise ValueError("办结时间早于提出时间")
    if unit == DayUnit.CALENDAR:
        return Decimal((end - start).total_seconds() / 86400).quantize(Decimal("0.01"), ROUND_HALF_UP)
    count, day = 0, start.date()
    while day < end.date():
        day += datetime.timedelta(days=1)
        if workday(day):
            count += 1
    return Decimal(count)


def is_overdue(due, today):
    return due is not None and today > due


def is_due_soon(due, today, warn_days=1):
    """Due today or within `warn_days` calendar days, not yet overdue (临期)."""
    return due is not None and today <= due <= today + datetime.timedelta(days=warn_days)


def median(values):
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def percentile(values, p):
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    values = sorted(values)
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


def time_saved_pct(handling_days, former_days):
    """Time saved against the former limits (较原时限压缩): (1 − Σ actual ÷ Σ former) × 100, over the
    same completed requests. None when there is nothing to compare."""
    former = sum(former_days)
    if not handling_days or not former:
        return None
    return round((1 - float(sum(handling_days)) / float(former)) * 100, 1)


def limit_cut_pct(promised_days, former_days):
    """How much the promised limits cut the former ones: (1 − Σ promised ÷ Σ former) × 100."""
    former = sum(former_days)
    if not former:
        return None
    return round((1 - sum(promised_days) / former) * 100, 1)


def on_time_pct(handling_days, promised_days):
    """Share of completed requests finished within their promised limit (按时办结率)."""
    pairs = list(zip(handling_days, promised_days))
    if not pairs:
        return None
    return round(sum(1 for h, p in pairs if h <= p) * 100 / len(pairs), 1)
