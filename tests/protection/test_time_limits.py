"""Adjudication time limits (issue 16 item 8): exact closure with its extension, holiday roll-over, the legal
basis each limit carries (regulation, article, text, verified by an officer) and the step "答辩书副本送达请求人".

The defaults come from 《专利行政执法办法》 (国家知识产权局令第71号) and stay 待核对 against 《专利纠纷行政裁决和
调解办法》 (国家知识产权局令第81号, in force 2025-02-01) until an officer checks them: nothing may be attributed
to 81号 before that.
"""
import datetime

import pytest

from ipdesk.protection import rules
from ipdesk.protection.rules import MONTHS, WORKING_DAYS, WorkCalendar

D = datetime.date
PLAIN = WorkCalendar()


# ---- closure: 3 months plus at most 1 month, computed exactly ---------------------------------------------
def test_the_extension_month_counts_from_the_end_of_the_three_months():
    """立案 2024-11-29: three months end 2025-02-28 (February has no 29th in 2025); the one-month extension ends
    on the 28th of the next month, 2025-03-28 (a Friday) — not 03-29, four months counted from 11-29 at once."""
    assert rules.deadline(D(2024, 11, 29), 3, MONTHS, PLAIN) == D(2025, 2, 28)
    assert rules.deadline(D(2024, 11, 29), 3, MONTHS, PLAIN, extension=1) == D(2025, 3, 28)


def test_the_extension_from_a_month_end():
    # 2024-11-30 + 3 months = 2025-02-28; + 1 month = 2025-03-28 (Friday), not 03-30/31.
    assert rules.deadline(D(2024, 11, 30), 3, MONTHS, PLAIN, extension=1) == D(2025, 3, 28)
    # No clamping involved: the same as four months.
    assert rules.deadline(D(2024, 3, 15), 3, MONTHS, PLAIN, extension=1) == D(2024, 7, 15)


def test_the_extension_month_counts_from_the_unrolled_end():
    """The three months end on Sunday 2024-06-30: rolled to Monday 07-01 when that is the final deadline, but the
    extension runs from 06-30, to 07-30, not from the rolled 07-01."""
    assert rules.deadline(D(2024, 3, 31), 3, MONTHS, PLAIN) == D(2024, 7, 1)
    assert rules.deadline(D(2024, 3, 31), 3, MONTHS, PLAIN, extension=1) == D(2024, 7, 30)


def test_closure_rule_allows_one_month_at_most():
    closure = next(r for r in rules.DEFAULT_RULES if r["code"] == "closure")
    assert (closure["amount"], closure["unit"], closure["max_extension"]) == (3, MONTHS, 1)


# ---- deadlines ending on a statutory holiday roll to the next working day ----------------------------------
@pytest.mark.django_db
def test_a_closure_ending_on_national_day_rolls_to_the_first_working_day():
    """立案 2025-07-01 + 3 months = 2025-10-01 (国庆节, off 10-01..10-08 in 2025; 国办发明电〔2024〕12号 as the
    chinese-calendar package records it): the deadline is Thursday 2025-10-09."""
    from ipdesk.protection.models import CalendarDay
    cal = CalendarDay.work_calendar()
    assert not cal.is_working_day(D(2025, 10, 1))
    assert rules.deadline(D(2025, 7, 1), 3, MONTHS, cal) == D(2025, 10, 9)


@pytest.mark.django_db
def test_an_answer_period_ending_in_spring_festival_rolls():
    """Copy served 2025-01-14, 15 days end Wednesday 01-29 (春节, off 01-28..02-04 in 2025): due Wednesday 02-05."""
    from ipdesk.protection.models import CalendarDay
    cal = CalendarDay.work_calendar()
    assert rules.deadline(D(2025, 1, 14), 15, rules.CALENDAR_DAYS, cal) == D(2025, 2, 5)


# ---- legal basis: regulation, article, text, verified mark --------------------------------------------------
def test_every_default_cites_decree_71_and_is_unverified():
    for rule in rules.DEFAULT_RULES:
        assert "第71号" in rule["basis_regulation"], rule["code"]
        assert rule["basis_text"], rule["code"]
        assert rule["basis_article"], rule["code"]
        assert rule["basis_verified"] is False, rule["code"]
        assert "待核对" in rule["basis_note"] and "第81号" in rule["basis_note"], rule["code"]


def test_no_default_attributes_anything_to_decree_81():
    """81号 is named only as the text to check against, never as the source of a number."""
    for rule in rules.DEFAULT_RULES:
        for key in ("basis_regulation", "basis_article", "basis_text"):
            assert "81号" not in rule[key], (rule["code"], key)
        assert "81号" not in rule["legal_basis"].replace("待与局令第81号核对", ""), rule["code"]


@pytest.mark.django_db
def test_seeded_rules_carry_their_basis_unverified():
    from ipdesk.protection.models import TimeLimitRule
    closure = TimeLimitRule.objects.get(code="closure")
    assert "第71号" in closure.basis_regulation
    assert closure.basis_verified is False
    assert closure.basis_status == "待核对"
    assert "81号" not in closure.basis_regulation + closure.basis_article + closure.basis_text


@pytest.mark.django_db
def test_an_officer_marks_a_basis_verified():
    from ipdesk.protection.forms import TimeLimitRuleForm
    from ipdesk.protection.models import TimeLimitRule
    rule = TimeLimitRule.objects.get(code="closure")
    data = {f: getattr(rule, f) for f in TimeLimitRuleForm.Meta.fields}
    data["stop_events"] = '["decided", "mediated", "withdrawn"]'
    data.update(basis_verified=True, basis_verified_by="", basis_verified_on="")
    form = TimeLimitRuleForm(data=data, instance=rule)
    assert not form.is_valid()  # who checked it, and when, are required with the mark
    assert "basis_verified_by" in form.errors and "basis_verified_on" in form.errors
    data.update(basis_verified_by="张三", basis_verified_on="2025-03-01",
                basis_regulation="《专利纠纷行政裁决和调解办法》（国家知识产权局令第81号）")
    form = TimeLimitRuleForm(data=data, instance=rule)
    assert form.is_valid(), form.errors
    rule = form.save()
    assert rule.basis_verified and rule.basis_status == "已核对（张三，2025-03-01）"


# ---- the step "答辩书副本送达请求人" ---------------------------------------------------------------------------
def test_the_answer_copy_is_served_within_five_working_days():
    rule = next(r for r in rules.DEFAULT_RULES if r["code"] == "answer_copy_service")
    assert (rule["start_event"], rule["stop_events"], rule["amount"], rule["unit"]) == \
        ("answered", ["answer_copy_served"], 5, WORKING_DAYS)
    # Answer received Friday 2024-05-17: five working days end Friday 05-24.
    assert rules.deadline(D(2024, 5, 17), rule["amount"], rule["unit"], PLAIN) == D(2024, 5, 24)


@pytest.mark.django_db
def test_serving_the_answer_copy_is_a_step_of_the_case(adjudication, users, panel):
    from django.core.exceptions import ValidationError

    from ipdesk.protection import actions
    from ipdesk.protection.limits import case_limits
    user = users["district"]
    actions.transition(adjudication, "filed", user, date=D(2024, 5, 21), handlers=[u.pk for u in panel[:3]])
    actions.take_step(adjudication, "copy_served", user, date=D(2024, 5, 23))
    with pytest.raises(ValidationError):  # nothing to serve before an answer
        actions.take_step(adjudication, "answer_copy_served", user, date=D(2024, 5, 24))
    actions.transition(adjudication, "answered", user, date=D(2024, 6, 5), note="否认侵权")
    with pytest.raises(ValidationError):  # not before the answer came in
        actions.take_step(adjudication, "answer_copy_served", user, date=D(2024, 6, 4))
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2024, 6, 13))}
    assert limits["answer_copy_service"].due == D(2024, 6, 13)  # 06-10 端午节 is no working day
    assert limits["answer_copy_service"].state == "warning"
    actions.take_step(adjudication, "answer_copy_served", user, date=D(2024, 6, 7), note="邮寄送达")
    with pytest.raises(ValidationError):
        actions.take_step(adjudication, "answer_copy_served", user, date=D(2024, 6, 7))
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2024, 6, 13))}
    assert limits["answer_copy_service"].state == "met"
    assert [e.code for e in adjudication.timeline()][-1] == "answer_copy_served"


@pytest.mark.django_db
def test_migration_replaces_only_the_old_unedited_basis():
    """A database seeded before: the old line (which named 81号) becomes the 71号 / 待核对 basis; an office's own text
    stays."""
    from ipdesk.protection import setup
    from ipdesk.protection.models import TimeLimitRule
    TimeLimitRule.objects.filter(code="closure").update(legal_basis=rules.OLD_LEGAL_BASIS["closure"], basis_regulation="",
                                                        basis_article="", basis_text="", basis_note="")
    TimeLimitRule.objects.filter(code="copy_service").update(legal_basis="本局核对后的依据", basis_regulation="")
    setup.update_unedited_bases(TimeLimitRule)
    closure = TimeLimitRule.objects.get(code="closure")
    assert "第71号" in closure.basis_regulation and "81号；" not in closure.legal_basis
    assert TimeLimitRule.objects.get(code="copy_service").legal_basis == "本局核对后的依据"


# ---- a year whose holidays are not entered yet: the due date is provisional -------------------------------
def test_missing_years_are_the_years_the_count_runs_through_without_holidays():
    known = WorkCalendar(holidays=frozenset({D(2026, 10, 1)}), years=frozenset({2026}))
    assert known.missing_years(D(2026, 12, 20), D(2027, 1, 8)) == (2027,)
    assert known.missing_years(D(2026, 3, 1), D(2026, 4, 1)) == ()
    assert known.missing_years(D(2025, 12, 30), D(2027, 1, 2)) == (2025, 2027)
    assert PLAIN.missing_years(D(2026, 12, 20), D(2027, 1, 8)) == ()   # a calendar that does not say: never


@pytest.mark.django_db
def test_a_due_date_in_a_year_without_holidays_is_marked_provisional(adjudication, users, panel, client):
    """The office calendar is seeded up to 2026 (chinese-calendar 1.11.0 knows no later year): a case filed on
    2026-12-21 has its 5-working-day service limit in 2027, counted as if 2027 had no holidays — the page says
    so, the API too; once an officer enters 2027's 元旦 the mark goes."""
    from ipdesk.protection import actions
    from ipdesk.protection.choices import CalendarDayKind
    from ipdesk.protection.limits import case_limits
    from ipdesk.protection.models import CalendarDay
    user = users["district"]
    actions.transition(adjudication, "filed", user, date=D(2026, 11, 27), handlers=[u.pk for u in panel[:3]])
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2026, 11, 30))}
    assert limits["copy_service"].due == D(2026, 12, 4) and not limits["copy_service"].provisional
    assert limits["closure"].missing_years == (2027,) and limits["closure"].provisional
    assert limits["closure"].as_dict()["calendar_missing_years"] == [2027]
    client.force_login(user)
    page = client.get(adjudication.get_absolute_url()).content.decode()
    assert page.count('data-testid="due-provisional"') == 1 and "暂定：2027年节假日未录入" in page
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    limits = {l.rule.code: l for l in case_limits(adjudication, today=D(2026, 11, 30))}
    assert not limits["closure"].provisional
    assert 'data-testid="due-provisional"' not in client.get(adjudication.get_absolute_url()).content.decode()
