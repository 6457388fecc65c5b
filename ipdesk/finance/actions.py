"""State transitions of financing and insurance; each writes a typed event row.

Pledges: `register_pledge` checks every patent (finance.rules) and writes registry.PatentEvent
"pledge" on each; `release_pledge` writes "pledge_release". Subsidies: `submit_application`,
`approve_application`, `reject_application`, `pay_application`. Policies: `compute_policy_subsidies`.
Every function runs in one transaction, so a refusal leaves nothing half-saved. The release and the
decisions are declared in finance.workflows and taken through core.workflow.perform (role, row lock within
the user's scope, state, guard); their events are written through events.py and refusals carry the codes of
error_codes.py.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ipdesk.registry.models import Patent, PatentEvent
from ipdesk.registry.rules import InvalidIdentifier, normalize_application_no

from ipdesk.core.workflow import perform

from . import events, rules
from .choices import InsuranceType, PledgeStatus, SubsidyEventKind, SubsidyStatus
from .error_codes import FinanceErrorCode, error
from .models import InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication, Pledge, SubsidyRule


# ---- Pledges -------------------------------------------------------------------------------
def patents_from_numbers(text_or_list, queryset=None):
    """Patents named by application numbers (a list, or text split on whitespace, commas, ；、).

    Raises ValidationError listing every number that is malformed or not in the registry.
    """
    import re
    items = text_or_list if isinstance(text_or_list, (list, tuple)) else \
        [p for p in re.split(r"[\s,，;；、]+", text_or_list or "") if p]
    errors, numbers = [], []
    for raw in items:
        try:
            numbers.append(normalize_application_no(raw))
        except InvalidIdentifier as exc:
            errors.append(str(exc))
    qs = queryset if queryset is not None else Patent.objects.all()
    found = {p.application_no: p for p in qs.filter(application_no__in=numbers)}
    errors += [f"专利 {no}：登记簿中没有该专利（或不在您的数据范围内）" for no in numbers if no not in found]
    if errors:
        raise ValidationError(errors)
    return [found[no] for no in dict.fromkeys(numbers)]


def patent_facts(patents, exclude_pledge=None):
    """rules.PatentFacts for each patent: its term and fee fields, current holders, legal-status events (the
    same events stats.facts reads) and the other effective pledges it is already in."""
    from ipdesk.registry.rules import split_names
    ids = [p.pk for p in patents]
    pledged = {}
    through = Pledge.patents.through.objects.filter(patent_id__in=ids, pledge__status=PledgeStatus.EFFECTIVE)
    if exclude_pledge is not None:
        through = through.exclude(pledge=exclude_pledge)
    for patent_id, no in through.values_list("patent_id", "pledge__registration_no"):
        pledged.setdefault(patent_id, []).append(no)
    events = {}
    for patent_id, date, kind in PatentEvent.objects.filter(patent_id__in=ids).values_list("patent_id", "date", "kind"):
        events.setdefault(patent_id, []).append((date, kind))
    return [rules.PatentFacts(application_no=p.application_no, holder_id=p.holder_id, holder_name=p.holder_name,
                              legal_status=p.legal_status, grant_date=p.grant_date, lapse_date=p.lapse_date,
                              pledged_in=tuple(pledged.get(p.pk, ())), patent_type=p.patent_type,
                              filing_date=p.filing_date, fee_paid_until=p.fee_paid_until,
                              term_compensation_days=p.term_compensation_days or 0,
                              owners=tuple(split_names(p.current_owner or p.applicants)),
                              events=tuple(sorted(events.get(p.pk, ()))),
                              recorded_on=p.updated_at.date() if p.updated_at else None) for p in patents]


DECLARATIONS = ("co_owners_consent", "invalidation_pending", "invalidation_continue", "ownership_dispute",
                "preservation_order")


def pledge_terms(pledgor, end_date=None, **declarations):
    """rules.PledgeTerms of a pledge being registered: pledgor, debt end date, the officer's declarations."""
    return rules.PledgeTerms(pledgor_id=pledgor.pk if pledgor else None, end_date=end_date,
                             **{k: bool(declarations.get(k)) for k in DECLARATIONS})


def check_pledge(pledgor, patents, registration_date, terms=None):
    """Raise ValidationError({"patents": [...]}) naming each patent that cannot be pledged and each refusal
    ground (finance.rules.pledge_refusals). `terms` (pledge_terms) adds the grounds that need the debt end
    date and the declarations; without them (the import of pledges CNIPA already registered) those are not
    checked."""
    from ipdesk.registry.fees import fee_rule
    problems = rules.check_pledge_patents(patent_facts(patents), pledgor.pk if pledgor else None, registration_date,
                                          terms=terms, fee_rule=fee_rule())
    if problems:
        raise ValidationError({"patents": rules.describe_problems(problems)})


@transaction.atomic
def register_pledge(*, registration_no, pledgor, pledgee, patents, amount_10k_yuan, registration_date,
                    start_date=None, end_date=None, note="", user=None, **declarations):
    """Register a pledge (质押登记): check every refusal ground (rules.pledge_refusals, with the declarations
    co_owners_consent / invalidation_pending / invalidation_continue / ownership_dispute / preservation_order),
    save, and write a PatentEvent "pledge" on each patent."""
    unknown = set(declarations) - set(DECLARATIONS)
    if unknown:
        raise TypeError(f"unknown declarations: {sorted(unknown)}")
    if Pledge.objects.filter(registration_no=registration_no).exists():
        raise ValidationError({"registration_no": [f"登记号 {registration_no} 已存在"]})
    if pledgee is None or pledgee.dictionary != "bank":
        raise ValidationError({"pledgee": ["质权人须为数据字典“bank”中的银行"]})
    patents = list(Patent.objects.select_for_update().filter(pk__in=[p.pk for p in patents]))
    check_pledge(pledgor, patents, registration_date, pledge_terms(pledgor, end_date, **declarations))
    pledge = Pledge(registration_no=registration_no, pledgor=pledgor, pledgee=pledgee, amount_10k_yuan=amount_10k_yuan,
                    registration_date=registration_date, start_date=start_date, end_date=end_date, note=note,
                    **{k: bool(v) for k, v in declarations.items()})
    pledge.full_clean()
    pledge.save()
    pledge.patents.set(patents)
    for patent in patents:
        PatentEvent.objects.get_or_create(
            patent=patent, kind="pledge", date=registration_date, owner_after=pledgor.name,
            defaults={"owner_before": pledgor.name, "source": "pledge",
                      "note": f"质押登记 {registration_no}，质权人 {pledgee.label}，{amount_10k_yuan} 万元"})
    events.pledge_registered(pledge, registration_date, user, f"{len(patents)} 件专利，{amount_10k_yuan} 万元")
    return pledge


def check_debt_term(pledge, end_date):
    """Raise ValidationError when a registered pledge's debt end date would pass a pledged patent's term."""
    from ipdesk.registry.fees import fee_rule
    terms = rules.PledgeTerms(pledgor_id=pledge.pledgor_id, end_date=end_date)
    errors = [f"专利 {facts.application_no}：{message}" for facts in patent_facts(list(pledge.patents.all()), pledge)
              for code, message in rules.pledge_refusals(facts, terms, pledge.registration_date, fee_rule())
              if code == "debt_beyond_term"]
    if errors:
        raise ValidationError(errors)


def released_not_before_registration(pledge, data):
    """Guard of 质押解除 (pure): not before the pledge was registered — a release ends a registration, so it
    cannot precede it (the rule release_pledge always applied; unverified against 专利权质押登记办法 itself)."""
    date = data.get("date")
    if date is not None and date < pledge.registration_date:
        return FinanceErrorCode.RELEASE_BEFORE_REGISTRATION
    return None


def release(pledge, user, data):
    """质押解除 (effect on the locked pledge): a pledge_release event on each patent (the pledge's own event:
    core.workflow.perform, through finance.workflows)."""
    date = data["date"]
    pledge.status = PledgeStatus.RELEASED
    pledge.released_on = date
    pledge.save()
    for patent in pledge.patents.all():
        PatentEvent.objects.get_or_create(
            patent=patent, kind="pledge_release", date=date, owner_after=pledge.pledgor.name,
            defaults={"owner_before": pledge.pledgor.name, "source": "pledge",
                      "note": f"质押解除 {pledge.registration_no}"})
    return pledge


def release_pledge(pledge, date, user=None, note=""):
    """Release a pledge (质押解除): only an effective pledge, not before it was registered (finance.workflows)."""
    return perform(pledge, "release", user, {"date": date, "note": note})


# ---- Interest subsidies (贴息) ---------------------------------------------------------------
_COUNTED = (SubsidyStatus.APPROVED, SubsidyStatus.PAID)


def _overlaps(start, end, other_start, other_end):
    return start <= other_end and other_start <= end


def application_working(app):
    """The year's rule applied to one application: rules.Working (lines + amount) and the rule."""
    rule = SubsidyRule.objects.filter(year=app.year).first()
    if rule is None:
        return rules.no_rule_working("贴息", app.year), None
    counted = InterestSubsidyApplication.objects.filter(enterprise=app.enterprise_id, year=app.year,
                                                        status__in=_COUNTED).exclude(pk=app.pk)
    already = counted.aggregate(s=Sum("subsidy_yuan"))["s"] or Decimal("0")
    conditions = []
    if rule.requires_pledge:
        ok = app.pledge_id is not None and app.pledge.pledgor_id == app.enterprise_id
        conditions.append(("有本企业的专利质押登记", ok))
    if rule.requires_insurance:
        ok = any(_overlaps(app.loan_start, app.loan_end, p.start_date, p.end_date)
                 for p in InsurancePolicy.objects.filter(enterprise=app.enterprise_id,
                                                         insurance_type=InsuranceType.PLEDGE_GUARANTEE))
        conditions.append(("贷款期内投保知识产权质押融资保证保险", ok))
    if rule.min_loan_10k_yuan:
        conditions.append((f"贷款金额不低于 {rule.min_loan_10k_yuan} 万元", app.loan_amount_10k_yuan >= rule.min_loan_10k_yuan))
    return rules.interest_subsidy(app.interest_paid_yuan, rule.interest_share, rule.cap_per_enterprise_yuan,
                                  already, conditions), rule


def _apply_working(app):
    working, rule = application_working(app)
    app.rule = rule
    app.subsidy_yuan = working.amount
    app.working = working.as_list()
    return working


def _notify_office(app, user):
    """A new application reaches the officers of the enterprise's district (core.notify.to_office)."""
    from ipdesk.core.notify import notify, to_office
    notify(to_office(app.enterprise.region, user), f"新的贴息申请：{app.enterprise} {app.year}年",
           app.get_absolute_url(), "finance_subsidy_submitted", key=f"finance-subsidy-{app.pk}-submitted",
           body=f"核定贴息 {app.subsidy_yuan} 元，待审核。")


def _locked(app):
    return InterestSubsidyApplication.objects.select_for_update().get(pk=app.pk)


def _pledge_in_force(pledge, year):
    """The pledge was in force for some part of `year`: registered by its end, not released or
    matured before it began."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ended = pledge.released_on or pledge.end_date
    return pledge.registration_date <= last and (ended is None or ended >= first)


def check_application(app):
    """What a 专利质押贷款贴息 application needs before it is computed: a subsidy rule for its year
    (without one nothing can be decided, and a 0.00 元 application would only wait for a rule) and a
    pledge of the applying enterprise in force in that year (the subsidy is on a patent-pledge loan)."""
    errors = {}
    if app.year and not SubsidyRule.objects.filter(year=app.year).exists():
        errors["year"] = f"{app.year}年未配置贴息规则，不能申报该年度贴息；请待市局配置{app.year}年贴息规则后再申报。"
    if app.pledge_id is None:
        errors["pledge"] = "贴息申请须选择申请企业本年度的专利质押登记。"
    elif app.pledge.pledgor_id != app.enterprise_id:
        errors["pledge"] = f"所选质押登记（登记号 {app.pledge.registration_no}）的出质人不是申请企业。"
    elif app.year and not _pledge_in_force(app.pledge, app.year):
        errors["pledge"] = (f"所选质押登记（登记号 {app.pledge.registration_no}，登记日 {app.pledge.registration_date}）"
                            f"在{app.year}年不在质押期内，不能申报{app.year}年贴息。")
    if errors:
        raise ValidationError(errors)


def _require_amount(app, step):
    """A subsidy of 0.00 元 is refused, not approved or paid: nothing is due, so the honest outcome is
    审核不通过 with a reason the enterprise reads (a confirmation would still tell it 核定贴息 0.00 元)."""
    if app.subsidy_yuan is None or app.subsidy_yuan <= 0:
        why = app.working[-1]["formula"] if app.working else ""
        raise error(FinanceErrorCode.ZERO_AMOUNT, why=f"（{why}）" if why else "", step=step)


@transaction.atomic
def submit_application(app, user=None):
    """Save a new application (or re-save an unreviewed one) with its computed subsidy."""
    if app.pk and _locked(app).status != SubsidyStatus.SUBMITTED:
        raise ValidationError("已审核的贴息申请不能修改")
    app.full_clean()
    check_application(app)
    new = app.pk is None
    _apply_working(app)
    app.save()
    events.subsidy_event(app, SubsidyEventKind.SUBMITTED if new else SubsidyEventKind.RECOMPUTED, user)
    if new:
        _notify_office(app, user)
    return app


# The decisions (finance.workflows declares them; core.workflow.perform checks the role, locks the row
# within the user's scope and checks the state before these effects run, then writes the event and tells
# the enterprise).
def approve(app, user, data):
    """审核通过 (effect): recomputed at this moment, so the cap counts every approval made before it."""
    # Serialise approvals of the same enterprise and year so two officers cannot both use the cap.
    list(InterestSubsidyApplication.objects.select_for_update().filter(enterprise=app.enterprise_id, year=app.year))
    _apply_working(app)
    _require_amount(app, "审核通过")
    app.status = SubsidyStatus.APPROVED
    app.save()
    return app


def reject(app, user, data):
    """审核不通过 (effect): the reason is required."""
    note = data.get("note") or ""
    if not note.strip():
        raise error(FinanceErrorCode.REASON_REQUIRED)
    app.status = SubsidyStatus.REJECTED
    app.save()
    return app


def pay(app, user, data):
    """拨付 (effect)."""
    _require_amount(app, "拨付")
    app.status = SubsidyStatus.PAID
    app.paid_on = data.get("date") or today()
    app.save()
    return app


def approve_application(app, user=None, note=""):
    return perform(app, "approve", user, {"note": note})


def reject_application(app, user=None, note=""):
    return perform(app, "reject", user, {"note": note})


def pay_application(app, date, user=None, note=""):
    return perform(app, "pay", user, {"date": date, "note": note})


# ---- Insurance premium subsidies (保费补贴) ---------------------------------------------------
def check_policy_patents(enterprise_id, start_date, patents):
    """Covered patents must be granted, in force at the start of cover, and held by the insured."""
    facts = patent_facts(patents)   # a pledged patent can still be insured: include_pledged=False
    problems = [(f.application_no, r) for f in facts
                if (r := rules.pledge_patent_problems(f, enterprise_id, start_date, include_pledged=False))]
    if problems:
        raise ValidationError({"patents": [m.replace("不是出质人", "不是投保企业")
                                           for m in rules.describe_problems(problems)]})


@transaction.atomic
def compute_policy_subsidies(enterprise_id, insurance_type, year):
    """Recompute the subsidies of one enterprise's policies of a type and year, in start order,
    each counting the subsidies before it against the cap (保费补贴 每家企业每险种每年上限)."""
    rule = InsuranceSubsidyRule.objects.filter(year=year, insurance_type=insurance_type).first()
    already = Decimal("0")
    policies = list(InsurancePolicy.objects.select_for_update().filter(
        enterprise=enterprise_id, insurance_type=insurance_type, start_date__year=year).order_by("start_date", "pk"))
    for policy in policies:
        if rule is None:
            working = rules.no_rule_working("保费补贴", year)
        else:
            working = rules.insurance_subsidy(policy.premium_yuan, rule.premium_share, rule.cap_per_enterprise_yuan,
                                              already)
        already += working.amount
        if (policy.subsidy_yuan != working.amount or policy.working != working.as_list()
                or policy.rule_id != (rule.pk if rule else None)):
            policy.rule, policy.subsidy_yuan, policy.working = rule, working.amount, working.as_list()
            policy.save(update_fields=["rule", "subsidy_yuan", "working"])
    return policies


@transaction.atomic
def save_policy(policy, patents=None, user=None, previous=None):
    """Save a policy (and its covered patents) and recompute the subsidies it affects.

    previous: (enterprise_id, type, year) before an edit, so the group it left is recomputed too.
    """
    policy.full_clean()
    if patents is not None:
        check_policy_patents(policy.enterprise_id, policy.start_date, patents)
    policy.save()
    if patents is not None:
        policy.patents.set(patents)
    groups = {(policy.enterprise_id, policy.insurance_type, policy.start_date.year)}
    if previous:
        groups.add(previous)
    for group in groups:
        compute_policy_subsidies(*group)
    policy.refresh_from_db()
    return policy


def today():
    return timezone.localdate()
