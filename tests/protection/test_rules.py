"""Time-limit arithmetic (protection.rules): weekends, holidays, adjusted working days, month ends,
extensions and excluded periods (suspension, appraisal)."""
import datetime

import pytest

from ipdesk.protection import rules
from ipdesk.protection.rules import CALENDAR_DAYS, MONTHS, WORKING_DAYS, WorkCalendar

D = datetime.date

# 2024 as the State Council published it: National Day 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked;
# Dragon Boat 06-10 off; Labour Day 05-01..05-05 off, Sunday 04-28 and Saturday 05-11 worked.
CAL_2024 = WorkCalendar(
    holidays=frozenset([D(2024, 10, d) for d in range(1, 8)] + [D(2024, 6, 10)] + [D(2024, 5, d) for d in range(1, 6)]),
    workdays=frozenset([D(2024, 9, 29), D(2024, 10, 12), D(2024, 4, 28), D(2024, 5, 11)]),
)
PLAIN = WorkCalendar()


def test_working_days_skip_the_weekend():
    # Friday + 5 working days = next Friday; the start day itself is not counted.
    assert rules.deadline(D(2024, 5, 17), 5, WORKING_DAYS, PLAIN) == D(2024, 5, 24)
    assert rules.deadline(D(2024, 5, 18), 1, WORKING_DAYS, PLAIN) == D(2024, 5, 20)  # from a Saturday


def test_working_days_skip_holidays_and_count_adjusted_weekends():
    # Filed Fri 09-27: Sun 09-29 is a working day (1), Mon 09-30 (2), National Day off, 10-08 (3), 10-09 (4), 10-10 (5).
    assert rules.deadline(D(2024, 9, 27), 5, WORKING_DAYS, CAL_2024) == D(2024, 10, 10)
    # Without the office calendar the same period would end on Fri 10-04, a holiday.
    assert rules.deadline(D(2024, 9, 27), 5, WORKING_DAYS, PLAIN) == D(2024, 10, 4)


def test_calendar_days_end_on_a_holiday_roll_to_the_next_working_day():
    # 15 days from 09-20 is Sat 10-05, inside the National Day holiday: the period ends on 10-08.
    assert rules.deadline(D(2024, 9, 20), 15, CALENDAR_DAYS, CAL_2024) == D(2024, 10, 8)
    assert rules.deadline(D(2024, 9, 20), 15, CALENDAR_DAYS, CAL_2024, roll_forward=False) == D(2024, 10, 5)
    # An adjusted working Saturday is not rolled.
    assert rules.deadline(D(2024, 9, 27), 15, CALENDAR_DAYS, CAL_2024) == D(2024, 10, 12)


def test_months_end_on_the_same_day_or_the_month_end():
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert rules.add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert rules.add_months(D(2024, 11, 15), 3) == D(2025, 2, 15)
    assert rules.deadline(D(2024, 1, 31), 3, MONTHS, CAL_2024) == D(2024, 4, 30)


def test_months_ending_on_a_weekend_roll_forward():
    # Filed 03-15: three months end Sat 06-15, so the limit is Mon 06-17.
    assert rules.deadline(D(2024, 3, 15), 3, MONTHS, CAL_2024) == D(2024, 6, 17)


def test_extension_adds_to_the_limit_in_its_unit():
    assert rules.deadline(D(2024, 3, 15), 3, MONTHS, CAL_2024, extension=1) == D(2024, 7, 15)
    assert rules.deadline(D(2024, 5, 17), 5, WORKING_DAYS, PLAIN, extension=2) == D(2024, 5, 28)


def test_suspension_days_do_not_count():
    # Filed 03-01: 3 months = 92 days -> Sat 06-01 -> Mon 06-03.
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024) == D(2024, 6, 3)
    # A 10-day suspension (04-01..04-10 inclusive) pushes it 10 days: 06-11 (06-10 is Dragon Boat, 06-11 works).
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, excluded=[(D(2024, 4, 1), D(2024, 4, 10))]) == D(2024, 6, 11)
    # Two periods add up; one after the limit changes nothing.
    two = [(D(2024, 4, 1), D(2024, 4, 10)), (D(2024, 5, 20), D(2024, 5, 24))]
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, excluded=two) == D(2024, 6, 17)  # 06-16 is a Sunday
    later = [(D(2024, 7, 1), D(2024, 7, 30))]
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, excluded=later) == D(2024, 6, 3)


def test_suspension_and_extension_together():
    # 3 months + 1 month extension from 03-01 = 07-01 (122 days); plus 10 suspended days = 07-11 (Thursday).
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, extension=1,
                          excluded=[(D(2024, 4, 1), D(2024, 4, 10))]) == D(2024, 7, 11)


def test_working_day_limit_skips_suspended_working_days():
    # Mon 05-20 + 5 working days = Mon 05-27; suspended Tue–Wed: Wed 05-29.
    assert rules.deadline(D(2024, 5, 20), 5, WORKING_DAYS, PLAIN, excluded=[(D(2024, 5, 21), D(2024, 5, 22))]) \
        == D(2024, 5, 29)


def test_an_open_suspension_stops_the_clock():
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, excluded=[(D(2024, 4, 1), None)]) is None
    # ... unless it began after the limit had already run out.
    assert rules.deadline(D(2024, 3, 1), 3, MONTHS, CAL_2024, excluded=[(D(2024, 7, 1), None)]) == D(2024, 6, 3)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        rules.deadline(D(2024, 3, 1), 3, "weeks", PLAIN)
    with pytest.raises(ValueError):
        rules.deadline(D(2024, 3, 1), -1, CALENDAR_DAYS, PLAIN)
    with pytest.raises(ValueError):
        rules.deadline(D(2024, 3, 1), 3, CALENDAR_DAYS, PLAIN, excluded=[(D(2024, 3, 5), D(2024, 3, 4))])


def test_hearing_notice_floor():
    # Notified Thu 05-16: Fri, Mon, Tue are the three working days, so Wed 05-22 is the earliest hearing.
    assert rules.earliest_hearing_date(D(2024, 5, 16), PLAIN) == D(2024, 5, 22)
    # Notified Fri 09-27 2024: Sun 09-29, Mon 09-30, Tue 10-08 (holiday in between) -> Wed 10-09.
    assert rules.earliest_hearing_date(D(2024, 9, 27), CAL_2024) == D(2024, 10, 9)


def test_limit_state():
    due = D(2024, 6, 3)
    assert rules.limit_state(D(2024, 5, 1), due, 10) == "ok"
    assert rules.limit_state(D(2024, 5, 25), due, 10) == "warning"
    assert rules.limit_state(due, due, 10) == "warning"
    assert rules.limit_state(D(2024, 6, 4), due, 10) == "overdue"
    assert rules.limit_state(D(2024, 6, 4), due, 10, done_on=D(2024, 6, 3)) == "met"
    assert rules.limit_state(D(2024, 6, 9), due, 10, done_on=D(2024, 6, 5)) == "late"
    assert rules.limit_state(D(2024, 6, 9), None, 10) == "paused"


@pytest.mark.parametrize("size,ok", [(0, False), (1, False), (2, False), (3, True), (4, False), (5, True), (7, True)])
def test_panel_is_odd_and_at_least_three(size, ok):
    assert rules.is_valid_panel(size) is ok


def test_working_days_between():
    assert rules.working_days_between(D(2024, 9, 27), D(2024, 10, 10), CAL_2024) == 5
    assert rules.working_days_between(D(2024, 10, 10), D(2024, 9, 27), CAL_2024) == 0


@pytest.mark.django_db
def test_office_calendar_is_seeded_from_chinese_calendar():
    import chinese_calendar

    from ipdesk.protection.models import CalendarDay
    cal = CalendarDay.work_calendar()
    day = D(2020, 1, 1)
    while day <= D(2026, 12, 31):
        if day <= D(2026, 10, 7):  # the package's data ends with the 2026 notice
            assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)
    # The same period as above, now over the seeded office calendar.
    assert rules.deadline(D(2024, 9, 27), 5, WORKING_DAYS, cal) == D(2024, 10, 10)
