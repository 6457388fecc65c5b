import datetime as dt

import pytest

from ipdesk.compliance import rules
from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.choices import CreditEvent as E


def test_credit_score_deducts_per_event_and_never_goes_below_zero():
    deductions = {E.COMPLAINT: 10, E.INSPECTION_UNQUALIFIED: 20}
    assert rules.credit_score({E.COMPLAINT: 2, E.INSPECTION_UNQUALIFIED: 1}, deductions) == 60
    assert rules.credit_score({E.COMPLAINT: 20}, deductions) == 0
    assert rules.credit_score({E.PENALTY_FINE: 3}, deductions) == 100  # no rule for it: no deduction


@pytest.mark.parametrize("score,grade", [(100, "A"), (90, "A"), (89, "B"), (75, "B"), (60, "C"), (59, "D"), (0, "D")])
def test_credit_grade_is_the_highest_line_reached(score, grade):
    assert rules.credit_grade(score, [("D", 0), ("B", 75), ("A", 90), ("C", 60)]) == grade


def test_transitions_follow_notice_withdrawal_or_statement_outcome():
    assert rules.transition_error(S.NOTIFIED, S.WITHDRAWN) is None
    assert rules.transition_error(S.NOTIFIED, S.STATEMENT) is None
    assert rules.transition_error(S.STATEMENT, S.UPHELD) is None
    assert rules.transition_error(S.STATEMENT, S.CLEARED) is None
    msg = rules.transition_error(S.WITHDRAWN, S.STATEMENT)
    assert "主动撤回" in msg and "已办结" in msg
    msg = rules.transition_error(S.NOTIFIED, S.UPHELD)
    assert "可变更为" in msg and "主动撤回" in msg


def test_deemed_withdrawn_only_after_the_deadline():
    deadline = dt.date(2022, 4, 15)
    assert "尚未届满" in rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, deadline, deadline)
    assert rules.transition_error(S.NOTIFIED, S.DEEMED_WITHDRAWN, deadline, dt.date(2022, 4, 16)) is None


def test_withdrawal_rate_leaves_cleared_out_of_the_denominator():
    statuses = [S.WITHDRAWN] * 97 + [S.DEEMED_WITHDRAWN] + [S.UPHELD] + [S.CLEARED] * 2 + [S.PENDING]
    r = rules.withdrawal_rate(statuses)
    assert (r.total, r.withdrawn, r.cleared, r.open) == (101, 98, 2, 0)
    assert r.rate == pytest.approx(98 / 99)
    assert r.percent == "98.99%"
    assert rules.withdrawal_rate([]).rate is None and rules.withdrawal_rate([]).percent == "—"


def test_reminders_seven_three_one_days_before_and_on_the_day():
    deadline = dt.date(2022, 4, 15)
    due = {d: rules.reminder_due(deadline, deadline - dt.timedelta(days=d)) for d in range(0, 10)}
    assert [d for d, v in due.items() if v is not None] == [0, 1, 3, 7]
    assert rules.reminder_due(None, deadline) is None
