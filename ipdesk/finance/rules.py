"""Pure rules of financing and insurance: pledge validity and subsidy formulas. No database here.

The subsidy functions return the working line by line (label, formula, amount) so the page shows
how a figure was reached, not just the figure; amounts are Decimal yuan rounded half-up to the fen.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ipdesk.registry.rules import ANNUAL_FEE_DEFAULTS, annual_fee_status, term_termination_date
from ipdesk.stats.rules import in_force_periods

CENT = Decimal("0.01")
_NEVER_GRANTED = {"pending", "rejected", "withdrawn"}


def yuan(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_yuan(value):
    return f"{yuan(value):,.2f} 元"


def fmt_share(share):
    return f"{(Decimal(share) * 100).normalize():f}%"


# ---- Pledge refusal grounds (专利权质押登记 不予登记情形) -----------------------------------------
# Sources actually read (2026-11, copies of the public text; see pledge_refusals for what each ground rests on):
# - 《专利权质押登记办法》(国家知识产权局公告第461号, 2021-11-15, in force on publication), 第一条至第七条 read in
#   reproductions of the announcement (e.g. hnjixie02.com/policy/info/115, bubu110.com, m.sengnen.cn citing
#   中国政府网): 第三条 the pledge is created when CNIPA registers it; 第四条 a co-owned patent is pledged only with the
#   other co-owners' consent unless all co-owners agreed otherwise.
# - The list of twelve 不予质押登记的情形 in the wording of the 2021 办法, read in a guide of a local IP protection
#   centre (wxjkippc.org.cn/newsinfo/5560448.html), NOT in the 办法 itself: the article that carries the list in
#   公告第461号 is 待核对 / not verified (the 2010 局令第56号 version had it in 第十二条; not read either).
# - 国家知识产权局专利代办处 业务知识问答 "常见的不予登记的情形有哪些?" (cnipa.gov.cn, 2009-07-23): a patent in its
#   annual-fee grace period (年费缴费滞纳期) is refused. It predates 公告第461号, whose ground reads 专利权没有按照规定
#   缴纳年费的; reading the grace period into it is 待核对 (the city office's practice to confirm).
REFUSAL_BASIS = {
    "not_holder": "不予登记情形：出质人不是当事人申请质押登记时专利登记簿记载的专利权人（条号待核对）",
    "not_granted": "不予登记情形：专利申请尚未被授予专利权（条号待核对）",
    "invalidated": "不予登记情形：专利权已被宣告无效（条号待核对）",
    "terminated": "不予登记情形：专利权已终止（条号待核对）",
    "fee_unpaid": "不予登记情形：专利权没有按照规定缴纳年费（条号待核对；滞纳期内不予登记据国家知识产权局2009年问答，待核对）",
    "debt_beyond_term": "不予登记情形：债务人履行债务的期限超过专利权有效期（条号待核对）",
    "co_owner_consent": "专利权质押登记办法第四条；不予登记情形：以共有专利权出质但未取得全体共有人同意且无特别约定",
    "invalidation_pending": "不予登记情形：专利权已被启动无效宣告程序，当事人被告知后仍声明同意继续办理的除外（条号待核对）",
    "ownership_dispute": "不予登记情形：专利权归属纠纷已请求国家知识产权局中止有关程序（条号待核对）",
    "preservation_order": "不予登记情形：人民法院裁定对专利权采取保全措施（条号待核对）",
    "already_pledged": "不予登记情形：专利权已被申请质押登记且处于质押期间（条号待核对）",
}
# (Plain strings: core.basis copies them into the 依据 table as the excerpt, like the other apps' citations.)
# Grounds about the patent alone (what insurance cover also needs, minus the pledge-only ones).
PATENT_GROUNDS = ("not_holder", "not_granted", "invalidated", "terminated")
# Grounds that need the pledge's own terms (debt end date, declarations).
DECLARED_GROUNDS = ("debt_beyond_term", "co_owner_consent", "invalidation_pending", "ownership_dispute",
                    "preservation_order")


@dataclass(frozen=True)
class PatentFacts:
    """What the pledge check needs to know about one patent (from registry.Patent and its events).

    owners: the names of the current right holders (共有人 when more than one); events: (date, kind) pairs of
    registry.PatentEvent; pledged_in: registration numbers of other effective pledges in finance;
    recorded_on: the day the status was last recorded (as stats.facts passes it to in_force_periods)."""
    application_no: str
    holder_id: int | None
    holder_name: str
    legal_status: str
    grant_date: datetime.date | None
    lapse_date: datetime.date | None = None
    pledged_in: tuple = ()
    patent_type: str = ""
    filing_date: datetime.date | None = None
    fee_paid_until: datetime.date | None = None
    term_compensation_days: int = 0
    owners: tuple = ()
    events: tuple = ()
    recorded_on: datetime.date | None = None


@dataclass(frozen=True)
class PledgeTerms:
    """What the pledge check needs to know about the pledge: the pledgor, the debt term and the officer's
    declarations (what the registry records cannot tell: see pledge_refusals). A finance.Pledge has the same
    attributes, so an unsaved Pledge can be passed instead."""
    pledgor_id: int | None
    end_date: datetime.date | None = None
    co_owners_consent: bool = False
    invalidation_pending: bool = False
    invalidation_continue: bool = False
    ownership_dispute: bool = False
    preservation_order: bool = False


def _iso(day):
    return f"{day:%Y-%m-%d}"


def _term_end(facts, fee_rule):
    """First day the statutory term no longer covers (registry.rules.term_termination_date), or None."""
    return term_termination_date(facts.patent_type, facts.filing_date, fee_rule, facts.term_compensation_days)


def in_force_on(facts, day, fee_rule=None):
    """The patent is in force on `day` by the rule the statistics use (stats.rules.in_force_periods): from the
    grant, ended by lapse / invalidation / expiry events or the statutory term, resumed by a restoration (恢复,
    专利法实施细则第六条) — a restored patent counts as never lapsed. Returns (in_force, last_end) where last_end
    is the end of the latest period that ended on or before `day` (None when none did)."""
    periods = in_force_periods(facts.grant_date, facts.events, facts.legal_status, facts.lapse_date,
                               _term_end(facts, fee_rule), facts.recorded_on)
    in_force = any(start <= day and (end is None or day < end) for start, end in periods)
    ended = [end for start, end in periods if end is not None and end <= day]
    return in_force, (max(ended) if ended else None)


def _pledge_recorded(events, day):
    """Date of a pledge the legal-status events record before `day` and not released by then (None: none).
    An event on `day` itself is taken to be this very registration (an imported legal-status history records
    the pledge being imported), not another one."""
    state = None
    for date, kind in sorted(((d, k) for d, k in events
                              if (k == "pledge" and d < day) or (k == "pledge_release" and d <= day)),
                             key=lambda e: (e[0], e[1] == "pledge_release")):
        state = date if kind == "pledge" else None
    return state


def pledge_refusals(patent, pledge, as_of, fee_rule=None, workday=None):
    """Why CNIPA would refuse to register the pledge of `patent` (PatentFacts) under `pledge` (PledgeTerms or an
    unsaved finance.Pledge) on `as_of` (the registration date): a list of (code, message); [] when none applies.

    Grounds, in the wording of the 2021 办法 (国家知识产权局公告第461号) as listed by a local protection centre's
    guide — the article carrying the list in 公告第461号 is 待核对 (see REFUSAL_BASIS):
    - not_holder: the pledgor is not the holder on the register (专利登记簿记载的专利权人);
    - not_granted: not granted (or granted after `as_of`);
    - invalidated: 已被宣告无效 (revoked status or an invalidation event): void from the start (专利法第四十七条);
    - terminated: 已终止 — not in force on `as_of` by stats.rules.in_force_periods, the rule the stock figures
      use: lapse events and the statutory term end it (registry.rules.term_termination_date, 专利法第四十二条),
      a restoration resumes it, so a patent lapsed and restored counts as never lapsed;
    - fee_unpaid: 没有按照规定缴纳年费 — by registry.rules.annual_fee_status from 年费缴至: a fee past its due
      date and in the 6-month grace period (滞纳期, 实施细则第一百一十五条) is refused (CNIPA 2009 问答; reading
      it into the 2021 wording is 待核对), a fee unpaid after the grace period means the patent terminated
      from the due date. Without 年费缴至 the fees are taken as paid (nothing is refused on a guess);
    - debt_beyond_term: the debt's end date (债务到期日) is after the last day of protection (registry.rules.
      patent_term_end, with term compensation); not checked when no end date is recorded;
    - co_owner_consent: several current holders (registry.rules.split_names of 当前权利人, else 申请人) and the
      pledge does not declare every co-owner's consent (办法第四条: 除全体共有人另有约定的以外 — the declaration
      covers consent or such an agreement);
    - invalidation_pending: an invalidation request is pending — the registry has no event for a pending request
      (registry.PatentEventKind records the declaration, not the request), so this is the officer's declaration
      on the pledge; refused unless the parties, told of it, declare they still wish to register;
    - ownership_dispute / preservation_order: 归属纠纷已请求中止有关程序 / 人民法院裁定采取保全措施 — the officer's
      declarations, likewise not in the registry records;
    - already_pledged: in another effective pledge of finance, or a pledge event of the registry not followed by
      a release (已被申请质押登记且处于质押期间).
    """
    out = []

    def refuse(code, message):
        out.append((code, message))

    if patent.holder_id is None or patent.holder_id != getattr(pledge, "pledgor_id", None):
        refuse("not_holder", _("专利权人为“%(name)s”，不是出质人") % {"name": patent.holder_name or _("未匹配企业")})
    granted = patent.legal_status not in _NEVER_GRANTED and patent.grant_date is not None
    if not granted:
        refuse("not_granted", _("尚未授权，不能质押"))
    elif patent.grant_date > as_of:
        refuse("not_granted", _("授权公告日 %(grant)s 晚于登记日 %(day)s") % {"grant": _iso(patent.grant_date), "day": _iso(as_of)})
    invalidated = patent.legal_status == "revoked" or any(
        k == "invalidation" and d <= as_of for d, k in patent.events)
    term_end = _term_end(patent, fee_rule)
    in_force = False
    if invalidated:
        refuse("invalidated", _("已被宣告无效"))
    elif granted and patent.grant_date <= as_of:
        in_force, last_end = in_force_on(patent, as_of, fee_rule)
        if not in_force:
            if term_end is not None and as_of >= term_end and (last_end is None or last_end >= term_end):
                refuse("terminated", _("保护期已于 %(day)s 届满，专利权已终止") % {"day": _iso(term_end - datetime.timedelta(days=1))})
            elif last_end is not None:
                refuse("terminated", _("专利权已于 %(day)s 失效") % {"day": _iso(last_end)})
            else:
                refuse("terminated", _("专利权已失效（失效日未知）"))
    if in_force and patent.filing_date and patent.patent_type in (fee_rule or ANNUAL_FEE_DEFAULTS)["term_years"]:
        fee = annual_fee_status(patent.patent_type, patent.filing_date, as_of, patent.fee_paid_until,
                                grant_date=patent.grant_date, rule=fee_rule,
                                compensation_days=patent.term_compensation_days, workday=workday)
        if fee is not None and fee.lapsed:
            refuse("fee_unpaid", _("第%(year)s年度年费（应缴日 %(due)s）滞纳期至 %(grace)s 仍未缴纳，专利权自 %(due)s 起终止；"
                                   "没有按照规定缴纳年费，不予登记")
                   % {"year": fee.year, "due": _iso(fee.due), "grace": _iso(fee.grace_pay_by)})
        elif fee is not None and fee.in_grace:
            refuse("fee_unpaid", _("第%(year)s年度年费（应缴日 %(due)s）未按期缴纳，处于滞纳期（至 %(grace)s）；"
                                   "没有按照规定缴纳年费，不予登记")
                   % {"year": fee.year, "due": _iso(fee.due), "grace": _iso(fee.grace_pay_by)})
    end_date = getattr(pledge, "end_date", None)
    if end_date is not None and term_end is not None and end_date >= term_end:
        refuse("debt_beyond_term", _("债务到期日 %(end)s 超过专利权保护期届满日 %(last)s；债务履行期限超过专利权有效期，不予登记")
                   % {"end": _iso(end_date), "last": _iso(term_end - datetime.timedelta(days=1))})
    if len(patent.owners) > 1 and not getattr(pledge, "co_owners_consent", False):
        refuse("co_owner_consent", _("专利权为%(owners)s共有，须取得全体共有人同意（或全体共有人另有约定）"
                                     "（专利权质押登记办法第四条）；核实后请勾选“全体共有人同意”")
                   % {"owners": "、".join(patent.owners)})
    if getattr(pledge, "invalidation_pending", False) and not getattr(pledge, "invalidation_continue", False):
        refuse("invalidation_pending", _("专利权已被启动无效宣告程序（经办人声明），当事人被告知后未声明同意继续办理，不予登记"))
    if getattr(pledge, "ownership_dispute", False):
        refuse("ownership_dispute", _("专利权归属纠纷已请求中止有关程序（经办人声明），质押手续暂停办理，不予登记"))
    if getattr(pledge, "preservation_order", False):
        refuse("preservation_order", _("人民法院已裁定对专利权采取保全措施（经办人声明），质押手续暂停办理，不予登记"))
    if patent.pledged_in:
        refuse("already_pledged", _("已在质押中（登记号 %(numbers)s）") % {"numbers": "、".join(patent.pledged_in)})
    elif (since := _pledge_recorded(patent.events, as_of)) is not None:
        refuse("already_pledged", _("法律状态记载 %(day)s 质押，未见解除，处于质押期间") % {"day": _iso(since)})
    return out


def pledge_patent_problems(facts, pledgor_id, registration_date, include_pledged=True):
    """Why one patent cannot be pledged — or insured — by `pledgor_id` on `registration_date`: the messages of
    pledge_refusals' grounds about the patent itself and (include_pledged) of another pledge (empty list: it can).
    Insurance cover passes include_pledged=False: a pledged patent can still be insured."""
    grounds = PATENT_GROUNDS + (("already_pledged",) if include_pledged else ())
    return [message for code, message in pledge_refusals(facts, PledgeTerms(pledgor_id), registration_date)
            if code in grounds]


def check_pledge_patents(patents, pledgor_id, registration_date, terms=None, fee_rule=None):
    """[(application_no, [reasons])] for each patent that cannot be pledged; [] when all can.

    With `terms` (PledgeTerms or an unsaved Pledge) every ground of pledge_refusals is checked; without, only the
    grounds that need no declaration of the pledge's own terms (patent grounds, fee, other pledges).
    An empty list of patents is itself a problem: a pledge pledges at least one patent.
    """
    if not patents:
        return [("", ["至少须质押一件专利"])]
    checked = terms if terms is not None else PledgeTerms(pledgor_id)
    skipped = () if terms is not None else DECLARED_GROUNDS
    problems = []
    for facts in patents:
        reasons = [message for code, message in pledge_refusals(facts, checked, registration_date, fee_rule)
                   if code not in skipped]
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
