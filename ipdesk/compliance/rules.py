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
# Which state may follow which is declared once, in compliance.workflows (APPLICATION).
WITHDRAWN_STATES = {S.WITHDRAWN, S.DEEMED_WITHDRAWN}
OPEN_STATES = {S.PENDING, S.NOTIFIED, S.STATEMENT}


# Reply period when a notice names no deadline: one month from the notice date, the period of the
# CNIPA notices this office receives (the demo batch and the test data: notice 03-15, deadline 04-15).
# 待核对: the period is set in each 非正常申请 notice under 《关于规范申请专利行为的规定》; no text read here
# names it, so check it against the notice before relying on the default.
REPLY_PERIOD_MONTHS = 1


def default_deadline(notice_date, months=REPLY_PERIOD_MONTHS):
    """The reply deadline `months` after the notice date: the same day of the month, or the month's last
    day when it has none (专利法实施细则第五条). 待核对: the holiday extension of that rule and any
    presumed-delivery days of a mailed notice are not added — an officer enters the deadline then."""
    if notice_date is None:
        return None
    month = notice_date.month - 1 + months
    year, month = notice_date.year + month // 12, month % 12 + 1
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(notice_date.day, (next_first - datetime.timedelta(days=1)).day))


def reply_deadline(deadline, notice_date):
    """The deadline that binds: the one recorded, else the default from the notice date."""
    return deadline or default_deadline(notice_date)


def allowed_transitions(status):
    """The states an application in `status` may move to (from the workflow declaration)."""
    from .workflows import APPLICATION
    return {t.target for t in APPLICATION.next_from(status)}


def not_allowed_error(status, target, allowed):
    """What is wrong with moving `status` → `target` when only `allowed` may follow (Chinese)."""
    labels = dict(S.choices)
    text = "、".join(str(labels[s]) for s in sorted(allowed)) or "无（已办结）"
    return f"当前状态为“{labels.get(status, status)}”，不能变更为“{labels.get(target, target)}”；可变更为：{text}。"


def deemed_withdrawn_error(deadline, on, notice_date):
    """None when 逾期视为撤回 may be found on date `on`, else why not (Chinese): it needs a reply deadline that
    has passed — the recorded one, else the default from the notice date; with neither (or no date of the
    decision) it is refused rather than assumed."""
    binding = reply_deadline(deadline, notice_date)
    if binding is None:
        return "未记录通知日期和答复期限，不能认定为逾期视为撤回；请先补录通知日期或答复期限。"
    if on is None or on <= binding:
        basis = "" if deadline else f"（未填写期限，按通知日期 {notice_date:%Y-%m-%d} 起 {REPLY_PERIOD_MONTHS} 个月计）"
        return f"答复期限 {binding:%Y-%m-%d}{basis} 尚未届满，不能认定为逾期视为撤回；最早可于期限届满次日认定。"
    return None


def transition_error(status, target, deadline=None, on=None, notice_date=None):
    """None when `status` → `target` is allowed on date `on`, else what is wrong (Chinese)."""
    allowed = allowed_transitions(status)
    if target not in allowed:
        return not_allowed_error(status, target, allowed)
    if target == S.DEEMED_WITHDRAWN:
        return deemed_withdrawn_error(deadline, on, notice_date)
    return None


@dataclass
class Rate:
    total: int
    withdrawn: int
    cleared: int
    open: int
    active_withdrawn: int = 0   # 主动撤回: the applicant withdrew after the notice
    deemed_withdrawn: int = 0   # 逾期视为撤回: no withdrawal and no statement within the reply period

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

    def _share(self, count):
        base = self.total - self.cleared
        return None if base <= 0 else count / base

    @property
    def active_rate(self):
        """The part of the rate the applicants withdrew themselves (主动撤回)."""
        return self._share(self.active_withdrawn)

    @property
    def deemed_rate(self):
        """The part of the rate deemed withdrawn for want of a reply in time (逾期视为撤回)."""
        return self._share(self.deemed_withdrawn)


def withdrawal_rate(statuses):
    """A Rate from an iterable of application statuses."""
    statuses = list(statuses)
    return Rate(total=sum(1 for s in statuses if s != S.PENDING),
                withdrawn=sum(1 for s in statuses if s in WITHDRAWN_STATES),
                cleared=sum(1 for s in statuses if s == S.CLEARED),
                open=sum(1 for s in statuses if s in (S.NOTIFIED, S.STATEMENT)),
                active_withdrawn=sum(1 for s in statuses if s == S.WITHDRAWN),
                deemed_withdrawn=sum(1 for s in statuses if s == S.DEEMED_WITHDRAWN))


REMINDER_DAYS = (7, 3, 1)


def reminder_due(deadline, today, days=REMINDER_DAYS):
    """The reminder (days before the deadline) due today, or None: one of `days`, or 0 on the day."""
    if deadline is None:
        return None
    left = (deadline - today).days
    return left if left in days or left == 0 else None
