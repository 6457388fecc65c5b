"""Pure rules of financing and insurance: pledge validity and subsidy formulas. No database here.

The subsidy functions return the working line by line (label, formula, amount) so the page shows
how a figure was reached, not just the figure; amounts are Decimal yuan rounded half-up to the fen.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Statuses after which a patent no longer exists on the register. An invalidation (无效宣告) is
# deemed void from the start (专利法 第47条), so it disqualifies whatever the date; a lapse or
# expiry only from its lapse date. A patent whose status is valid again after a lapse was restored
# (恢复权利, 专利法实施细则 第6条), which restores it as if it had not lapsed: its old lapse date
# does not count.
_NEVER_GRANTED = {"pending", "rejected", "withdrawn"}
_ENDED = {"lapsed", "expired"}


def yuan(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_yuan(value):
    return f"{yuan(value):,.2f} 元"


def fmt_share(share):
    return f"{(Decimal(share) * 100).normalize():f}%"


# ---- Pledge validity (专利权质押登记审查) ---------------------------------------------------
@dataclass(frozen=True)
class PatentFacts:
    """What the pledge check needs to know about one patent."""
    application_no: str
    holder_id: int | None
    holder_name: str
    legal_status: str
    grant_date: datetime.date | None
    lapse_date: datetime.date | None = None
    pledged_in: tuple = ()  # registration numbers of other effective pledges of this patent


def pledge_patent_problems(facts, pledgor_id, registration_date):
    """Why one patent cannot be pledged by `pledgor_id` on `registration_date` (empty list: it can).

    A pledge needs a patent right (专利权质押登记办法 第十条/第十二条): granted, in force, held by the
    pledgor, and not already pledged.
    """
    reasons = []
    if facts.holder_id != pledgor_id:
        reasons.append(f"专利权人为“{facts.holder_name or '未匹配企业'}”，不是出质人")
    if facts.legal_status in _NEVER_GRANTED or facts.grant_date is None:
        reasons.append("尚未授权，不能质押")
    elif facts.grant_date > registration_date:
        reasons.append(f"授权公告日 {facts.grant_date:%Y-%m-%d} 晚于登记日 {registration_date:%Y-%m-%d}")
    if facts.legal_status == "revoked":
        reasons.append("已被宣告无效")
    elif facts.legal_status in _ENDED:
        if facts.lapse_date is None:
            reasons.append("专利权已失效（失效日未知）")
        elif facts.lapse_date <= registration_date:
            reasons.append(f"专利权已于 {facts.lapse_date:%Y-%m-%d} 失效")
    if facts.pledged_in:
        reasons.append(f"已在质押中（登记号 {'、'.join(facts.pledged_in)}）")
    return reasons


def check_pledge_patents(patents, pledgor_id, registration_date):
    """[(application_no, [reasons])] for each patent that cannot be pledged; [] when all can.

    An empty list of patents is itself a problem: a pledge pledges at least one patent.
    """
    if not patents:
        return [("", ["至少须质押一件专利"])]
    problems = []
    for facts in patents:
        reasons = pledge_patent_problems(facts, pledgor_id, registration_date)
        if reasons:
            problems.append((facts.application_no, reasons))
    return problems


def describe_problems(problems):
    """One readable Chinese message per patent: '专利 2017106018623: 原因；原因'."""
    return [f"专利 {no}：{'；'.join(reasons)}" if no else "；".join(reasons) for no, reasons in problems]


# ---- Subsidies (贴息 / 保费补贴) ------------------------------------------------------------
@dataclass
class Working:
    """A subsidy and the lines that produced it."""
    lines: list = field(default_factory=list)
    amount: Decimal = Decimal("0.00")

    def add(self, label, formula, amount=None):
        self.lines.append({"label": label, "formula": formula, "amount": None if amount is None else str(yuan(amount))})

    def as_list(self):
        return list(self.lines)


def _capped(working, base_label, base, share, share_label, cap, already_granted, cap_label, conditions):
    base = yuan(base)
    share = Decimal(share)
    cap = yuan(cap)
    already = yuan(already_granted)
    working.add(base_label, fmt_yuan(base), base)
    raw = yuan(base * share)
    working.add(share_label, f"{fmt_yuan(base)} × {fmt_share(share)} = {fmt_yuan(raw)}", raw)
    remaining = max(cap - already, Decimal("0.00"))
    working.add(cap_label, f"上限 {fmt_yuan(cap)} − 本年已核定 {fmt_yuan(already)} = {fmt_yuan(remaining)}", remaining)
    unmet = []
    for label, met in conditions:
        working.add(f"条件：{label}", "满足" if met else "不满足")
        if not met:
            unmet.append(label)
    if unmet:
        working.amount = Decimal("0.00")
        working.add("核定金额", f"不满足条件（{'、'.join(unmet)}），不予补贴", working.amount)
    else:
        working.amount = min(raw, remaining)
        working.add("核定金额", f"min({fmt_yuan(raw)}, {fmt_yuan(remaining)}) = {fmt_yuan(working.amount)}",
                    working.amount)
    return working


def interest_subsidy(interest_paid, share, cap_per_enterprise_year, already_granted=0, conditions=()):
    """贴息 = min(实付利息 × 贴息比例, 年度上限 − 本年已核定), or 0 when a condition is not met.

    conditions: (label, met) pairs from the year's rule (e.g. 须投保质押融资保证保险).
    """
    if Decimal(interest_paid) < 0:
        raise ValueError("实付利息不能为负数")
    return _capped(Working(), "实付利息", interest_paid, share, "按贴息比例", cap_per_enterprise_year,
                   already_granted, "企业年度剩余额度", conditions)


def insurance_subsidy(premium, share, cap_per_enterprise_type_year, already_granted=0, conditions=()):
    """保费补贴 = min(保费 × 补贴比例, 该险种每家企业年度上限 − 本年已核定)."""
    if Decimal(premium) < 0:
        raise ValueError("保费不能为负数")
    return _capped(Working(), "实缴保费", premium, share, "按补贴比例", cap_per_enterprise_type_year,
                   already_granted, "该险种企业年度剩余额度", conditions)


def no_rule_working(what, year):
    working = Working()
    working.add("适用规则", f"{year}年未配置{what}规则，暂不核定", Decimal("0"))
    return working


def percent_change(current, previous):
    """Year-on-year change in percent, one decimal (None when the previous value is zero)."""
    current, previous = Decimal(current or 0), Decimal(previous or 0)
    if previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
