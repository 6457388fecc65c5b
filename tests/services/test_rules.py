"""Pure rules: time limits on working days, elapsed time, percentiles, time saved, transitions."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ipdesk.services import rules
from ipdesk.services.choices import RequestStatus

D = datetime.date


def weekdays(day):
    return day.weekday() < 5


def test_due_date_counts_working_days_from_the_next_day():
    # Friday 2024-03-01 + 5 working days (Mon–Fri weeks) = Friday 2024-03-08.
    assert rules.due_date(D(2024, 3, 1), 5, "workday", workday=weekdays) == D(2024, 3, 8)
    assert rules.due_date(D(2024, 3, 1), 5, "calendar") == D(2024, 3, 6)
    assert rules.due_date(D(2024, 3, 1), 0, "workday", workday=weekdays) == D(2024, 3, 1)


def test_due_date_follows_the_state_council_holidays():
    # National Day 2022: 1–7 October off, Saturday 8 October a working day (调休).
    assert rules.due_date(D(2022, 9, 30), 1, "workday") == D(2022, 10, 8)
    assert rules.is_workday(D(2022, 10, 3)) is False
    assert rules.is_workday(D(2022, 10, 8)) is True


def test_elapsed_days_in_working_and_calendar_days():
    tz = timezone.get_current_timezone()
    start = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=tz)   # Friday
    end = datetime.datetime(2024, 3, 5, 21, 0, tzinfo=tz)    # Tuesday
    assert rules.elapsed_days(start, end, "workday", workday=weekdays) == Decimal(2)
    assert rules.elapsed_days(start, end, "calendar") == Decimal("4.50")
    assert rules.elapsed_days(start, start.replace(hour=17), "workday", workday=weekdays) == 0
    with pytest.raises(ValueError):
        rules.elapsed_days(end, start)


def test_overdue_and_due_soon():
    assert rules.is_overdue(D(2024, 3, 1), D(2024, 3, 2))
    assert not rules.is_overdue(D(2024, 3, 1), D(2024, 3, 1))
    assert rules.is_due_soon(D(2024, 3, 2), D(2024, 3, 1))
    assert not rules.is_due_soon(D(2024, 3, 5), D(2024, 3, 1))
    assert not rules.is_overdue(None, D(2024, 3, 1))


def test_median_and_nearest_rank_percentile():
    assert rules.median([3, 1, 2]) == 2
    assert rules.median([1, 2, 3, 10]) == 2.5
    assert rules.median([]) is None
    values = list(range(1, 11))   # 1..10
    assert rules.percentile(values, 90) == 9
    assert rules.percentile(values, 50) == 5
    assert rules.percentile([7], 90) == 7
    assert rules.percentile([], 90) is None


def test_time_saved_and_limit_cut_and_on_time():
    # 2 + 4 days actually taken against former limits of 20 + 10: 1 − 6/30 = 80%.
    assert rules.time_saved_pct([2, 4], [20, 10]) == 80.0
    assert rules.time_saved_pct([], [20]) is None
    assert rules.limit_cut_pct([5, 3], [30, 10]) == 80.0
    assert rules.on_time_pct([1, 6, 5], [5, 5, 5]) == pytest.approx(66.7)


def test_transitions_follow_the_lifecycle():
    from ipdesk.services.workflows import can_transition
    S = RequestStatus
    assert can_transition(S.SUBMITTED, S.ACCEPTED)
    assert can_transition(S.ACCEPTED, S.PROCESSING)
    assert can_transition(S.PROCESSING, S.COMPLETED)
    assert can_transition(S.COMPLETED, S.RATED)
    assert not can_transition(S.SUBMITTED, S.COMPLETED)
    assert not can_transition(S.PROCESSING, S.REJECTED)
    assert not can_transition(S.RATED, S.ACCEPTED)
