"""Pure rules of agency supervision and abnormal-application verification. No database here.

- Credit grade (代理机构信用等级): a score of 100 minus the points the office's rules deduct for each
  event (inspection findings, substantiated complaints, penalties, abnormal applications handled),
  then the highest grade whose line the score reaches. Both the points and the lines are data
  (CreditGradeRule); DEFAULT_* below only seed them.
- Abnormal applications (非正常专利申请): the allowed transitions notice → withdrawal or statement →
  outcome, and the withdrawal rate (SPEC section 6: over 98%).
"""
import datetime
from dataclasses import dataclass

from .choices import ApplicationStatus as S
from .choices import CreditEvent as E

BASE_SCORE = 100

DEFAULT_DEDUCTIONS = {
    E.INSPECTION_BASIC: 5, E.INSPECTION_UNQUALIFIED: 20, E.COMPLAINT: 10, E.PENALTY_WARNING: 15,
    E.PENALTY_FINE: 25, E.PENALTY_SUSPEND: 40, E.PENALTY_REVOKE: 100, E.ABNORMAL: 2,
}
DEFAULT_GRADES = [("A", 90), ("B", 75), ("C", 60), ("D", 0)]


def credit_score(event_counts, deductions, base=BASE_SCORE):
    """Score after deductions, never below 0. `event_counts`: event → how many times it happened."""
    total = sum(deductions.get(event, 0) * count for event, count in event_counts.items())
    return max(base - total, 0)


def credit_grade(score, grades):
    """The highest grade whose minimum the score reaches; `grades`: [(grade, min_score)] in any order."""
    for grade, minimum in sorted(grades, key=lambda g: -g[1]):
        if score >= minimum:
            return grade
    return sorted(grades, key=lambda g: g[1])[0][0] if grades else ""


# ---- Abnormal applications -----------------------------------------------------------------
TRANSITIONS = {
    S.PENDING: {S.NOTIFIED, S.CLEARED},
    S.NOTIFIED: {S.WITHDRAWN, S.STATEMENT, S.DEEMED_WITHDRAWN},
    S.STATEMENT: {S.UPHELD, S.CLEARED},
    S.WITHDRAWN: set(), S.UPHELD: set(), S.CLEARED: set(), S.DEEMED_WITHDRAWN: set(),
}
WITHDRAWN_STATES = {S.WITHDRAWN, S.DEEMED_WITHDRAWN}
OPEN_STATES = {S.PENDING, S.NOTIFIED, S.STATEMENT}


def allowed_transitions(status):
    return TRANSITIONS.get(status, set())


def transition_error(status, target, deadline=None, on=None):
    """None when `status` → `target` is allowed on date `on`, else what is wrong (Chinese)."""
    labels = dict(S.choices)
    if target not in TRANSITIONS.get(status, set()):
        allowed = "、".join(str(labels[s]) for s in sorted(TRANSITIONS.get(status, set()))) or "无（已办结）"
        return f"当前状态为“{labels.get(status, status)}”，不能变更为“{labels.get(target, target)}”；可变更为：{allowed}。"
    if target == S.DEEMED_WITHDRAWN and deadline and on and on <= deadline:
        return f"答复期限 {deadline:%Y-%m-%d} 尚未届满，不能认定为逾期视为撤回。"
    return None


@dataclass
class Rate:
    total: int
    withdrawn: int
    cleared: int
    open: int

    @property
    def rate(self):
        """Withdrawal rate (撤回率) = withdrawn (主动撤回 + 逾期视为撤回) / (notified − cleared).

        Applications cleared after a statement were not abnormal and leave the denominator; open
        ones stay in it, so the rate only reaches its final value when the batch is closed."""
        base = self.total - self.cleared
        return None if base <= 0 else self.withdrawn / base


    @property
    def percent(self):
        return "—" if self.rate is None else f"{self.rate * 100:.2f}%"


def withdrawal_rate(statuses):
    """A Rate from an iterable of application statuses."""
    statuses = list(statuses)
    return Rate(total=sum(1 for s in statuses if s != S.PENDING),
                withdrawn=sum(1 for s in statuses if s in WITHDRAWN_STATES),
                cleared=sum(1 for s in statuses if s == S.CLEARED),
                open=sum(1 for s in statuses if s in (S.NOTIFIED, S.STATEMENT)))


REMINDER_DAYS = (7, 3, 1)


def reminder_due(deadline, today, days=REMINDER_DAYS):
    """The reminder (days before the deadline) due today, or None: one of `days`, or 0 on the day."""
    if deadline is None:
        return None
    left = (deadline - today).days
    return left if left in days or left == 0 else None


def parse_date(value):
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
