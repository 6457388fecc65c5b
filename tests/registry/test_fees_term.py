"""Annual fees with their grace period and late fee, the statutory term with its compensation, and the
restoration window — worked examples (专利法第四十二条; 专利法实施细则(2023) 第五、六、七十七至八十四、一百一十四、
一百一十五条)."""
import datetime as dt

import pytest

from ipdesk.registry import rules

D = dt.date


def test_a_patent_in_its_grace_period_owes_this_years_fee_with_the_late_fee():
    # Filed 2015-03-10, fees paid up to 2024-03-09 (patent year 9), as of 2024-04-01: the year-10 fee fell due on
    # 2024-03-10 and is unpaid — the grace period runs to 2024-09-10; not next year's 2025-03-10 fee.
    fee = rules.annual_fee_status("invention", D(2015, 3, 10), D(2024, 4, 1), paid_until=D(2024, 3, 9))
    assert (fee.year, fee.due, fee.grace_end) == (10, D(2024, 3, 10), D(2024, 9, 10))
    assert fee.pay_by == D(2024, 3, 11)          # 2024-03-10 is a Sunday: the limit ends on Monday (细则第五条)
    assert fee.in_grace and not fee.lapsed and fee.days_left == -21
    # 22 days late: no late fee yet (up to one whole month); from 2024-04-11 it is 5% of the year-10 fee.
    assert (fee.late_percent, fee.next_step, fee.next_percent) == (0, D(2024, 4, 11), 5)
    assert rules.next_fee_due("invention", D(2015, 3, 10), D(2024, 4, 1), paid_until=D(2024, 3, 9)) == \
        (D(2024, 3, 10), D(2024, 9, 10))


def test_late_fee_steps_of_five_percent_per_month_begun_after_the_first():
    due = D(2024, 3, 10)
    paid = {D(2024, 3, 11): 0, D(2024, 4, 10): 0, D(2024, 4, 11): 5, D(2024, 5, 10): 5, D(2024, 5, 11): 10,
            D(2024, 6, 11): 15, D(2024, 7, 11): 20, D(2024, 8, 11): 25, D(2024, 9, 10): 25, D(2024, 9, 11): None}
    assert {day: rules.late_fee_percent(due, day) for day in paid} == paid
    fee = rules.annual_fee_status("invention", D(2015, 3, 10), D(2024, 8, 20), paid_until=D(2024, 3, 9))
    assert (fee.late_percent, fee.next_step, fee.next_percent) == (25, None, None)


def test_after_the_grace_period_the_patent_terminates_from_the_due_date():
    fee = rules.annual_fee_status("invention", D(2015, 3, 10), D(2024, 9, 11), paid_until=D(2024, 3, 9))
    assert fee.lapsed and not fee.in_grace and fee.late_percent is None and fee.due == D(2024, 3, 10)
    # The termination notice comes no earlier than a month after the grace period (审查指南, 待核对) …
    assert fee.restore_notice_from == D(2024, 10, 11)
    # … and restoration may be requested within 2 months of receiving it (细则第六条第二款), a mailed notice being
    # received 15 days after dispatch (细则第四条第四款); a period ending on a rest day ends on the next working day.
    assert rules.restoration_deadline(D(2024, 10, 15)) == D(2024, 12, 30)
    assert rules.restoration_deadline(D(2024, 10, 15), electronic=True) == D(2024, 12, 16)   # 12-15 is a Sunday


def test_due_dates_and_grace_ends_on_holidays_move_to_the_next_working_day():
    fee = rules.annual_fee_status("invention", D(2014, 10, 1), D(2024, 9, 1), paid_until=D(2024, 9, 30))
    assert (fee.due, fee.pay_by) == (D(2024, 10, 1), D(2024, 10, 8))      # National Day holiday 10-01 … 10-07
    weekdays_only = lambda day: day.weekday() < 5                         # noqa: E731  an injected calendar
    fee = rules.annual_fee_status("utility", D(2016, 2, 29), D(2021, 1, 1), workday=weekdays_only)
    assert (fee.due, fee.pay_by, fee.grace_end, fee.grace_pay_by) == \
        (D(2021, 2, 28), D(2021, 3, 1), D(2021, 8, 28), D(2021, 8, 30))


def test_patent_years_run_from_the_filing_date_and_the_grant_year_fee_is_paid_at_registration():
    # Filed 2015-03-10, granted 2019-06-01: the grant-year fee (year 5) was paid at registration (细则第一百一十四条);
    # the next fee is year 6's, due on the 2020 anniversary of the filing date.
    fee = rules.annual_fee_status("invention", D(2015, 3, 10), D(2019, 6, 2), grant_date=D(2019, 6, 1))
    assert (fee.year, fee.due) == (6, D(2020, 3, 10))
    fee = rules.annual_fee_status("invention", D(2015, 3, 10), D(2019, 6, 2), paid_until=D(2016, 1, 1),
                                  grant_date=D(2019, 6, 1))
    assert fee.due == D(2020, 3, 10)   # a stale paid-up day before the grant does not make old years due


def test_statutory_term_from_the_filing_date_ending_the_day_before_the_anniversary():
    # 专利法第四十二条: invention 20 years, utility model 10, design 15 (10 when filed before 2021-06-01).
    assert rules.patent_term_end("invention", D(2004, 5, 20)) == D(2024, 5, 19)
    assert rules.term_termination_date("invention", D(2004, 5, 20)) == D(2024, 5, 20)
    assert rules.patent_term_end("utility", D(1999, 9, 6)) == D(2009, 9, 5)   # 审查指南's example
    assert rules.term_termination_date("utility", D(1999, 9, 6)) == D(2009, 9, 6)
    assert rules.patent_term_end("design", D(2021, 5, 31)) == D(2031, 5, 30)
    assert rules.patent_term_end("design", D(2021, 6, 1)) == D(2036, 5, 31)
    assert rules.term_termination_date("invention", None) is None


def test_term_compensation_extends_the_term_by_its_days():
    # 专利法第四十二条第二款, 细则第七十八条: filed 2018-03-01, 350 days of compensation → the term ends 2039-02-13.
    assert rules.patent_term_end("invention", D(2018, 3, 1)) == D(2038, 2, 28)
    assert rules.patent_term_end("invention", D(2018, 3, 1), compensation_days=350) == D(2039, 2, 13)
    assert rules.term_termination_date("invention", D(2018, 3, 1), compensation_days=350) == D(2039, 2, 14)


def test_no_fee_after_the_term_but_fees_during_the_compensated_term():
    assert rules.annual_fee_status("invention", D(2004, 5, 20), D(2024, 1, 1), paid_until=D(2024, 5, 19)) is None
    # 待核对: a fee for the compensated period, due on the anniversary that falls within it.
    fee = rules.annual_fee_status("invention", D(2004, 5, 20), D(2024, 1, 1), paid_until=D(2024, 5, 19),
                                  compensation_days=400)
    assert (fee.year, fee.due, fee.term_end) == (21, D(2024, 5, 20), D(2025, 6, 23))


@pytest.mark.django_db
def test_fee_status_of_a_patent_record_counts_its_compensation(registry):
    from ipdesk.registry import fees
    patent = registry["own_patent"]   # filed 2017-08-01, granted 2019-05-03
    patent.fee_paid_until = dt.date(2022, 7, 31)
    patent.term_compensation_days = 10
    patent.save()
    fee = fees.next_fee(patent, dt.date(2022, 9, 15))
    assert (fee.year, fee.due, fee.grace_end, fee.late_percent) == (6, dt.date(2022, 8, 1), dt.date(2023, 2, 1), 5)
    assert fee.term_end == patent.term_end == dt.date(2037, 8, 10)


@pytest.mark.django_db
def test_the_patent_and_enterprise_pages_show_the_grace_period_and_the_late_fee(registry, clients, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: dt.date(2023, 10, 15))
    patent = registry["own_patent"]   # filed 2017-08-01: year-7 fee due 2023-08-01, unpaid
    patent.fee_paid_until = dt.date(2023, 7, 31)
    patent.save()
    page = clients["commissioner"].get(patent.get_absolute_url()).content.decode()
    assert "第7年度年费" in page and "2023-08-01" in page and "2024-02-01" in page
    assert "今日补缴滞纳金为当年全额年费的 10%" in page and "自 2023-11-02 起为 15%" in page
    assert "保护期届满日" in page and "2037-07-31" in page
    page = clients["commissioner"].get(registry["own"].get_absolute_url()).content.decode()
    assert "滞纳期内，滞纳金 10%" in page and "2024-02-01" in page


@pytest.mark.django_db
def test_reminders_go_out_through_the_grace_period_as_the_late_fee_rises(registry, users):
    from ipdesk.core.models import Notification
    from ipdesk.registry.tasks import send_fee_reminders
    patent = registry["own_patent"]   # filed 2017-08-01: the year-6 fee is due 2022-08-01 (a Monday)
    patent.fee_paid_until = dt.date(2022, 7, 31)
    patent.save()
    assert send_fee_reminders(dt.date(2022, 8, 2)) == 2          # the grace period begins: enterprise + commissioner
    got = Notification.objects.filter(kind="annual_fee", recipient=users["enterprise"]).get()
    assert "滞纳期至 2023-02-01" in got.title and patent.application_no in got.title
    assert "全额年费 0% 的滞纳金" in got.body and "自 2022-09-02 起滞纳金为 5%" in got.body
    assert "自 2022-08-01 起终止" in got.body and "2个月内请求恢复" in got.body
    assert send_fee_reminders(dt.date(2022, 8, 20)) == 0         # same step: no repeat
    assert send_fee_reminders(dt.date(2022, 9, 2)) == 2          # the late fee rose to 5%
    assert send_fee_reminders(dt.date(2023, 1, 28)) == 2         # the last days of the grace period
    assert send_fee_reminders(dt.date(2023, 2, 2)) == 0          # grace over: terminated from the due date
