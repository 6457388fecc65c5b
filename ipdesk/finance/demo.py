"""Demo financing, insurance, projects, standards, awards and training for Zaozhuang 2022.

Runs after registry/demo.py and reproduces the press-conference figures (SPEC section 6) through
finance.indicators: 138 pledged patents, 107,900 万元 (2021: 44,587 万元, so +142%), 34 pledgors
above 1000 万元; 9 insurers, 19 insured enterprises, 251 patents, premium above 100 万元 and a
premium subsidy of 76 万元 computed by the configured rules; the listed provincial projects; 3 GI
products with local standards; 3 provincial patent awards; 2 training classes; 12 matchmaking events.

Pledges go through finance.actions (so each patent's pledge event is written) and use only
patents the pledgor validly holds on the registration date. When the registry demo is not there
(or holds too few), the missing enterprises and utility-model patents are created here — utility
models, so the invention-patent figures of the registry demo stay as they are. Idempotent: once
the first demo pledge exists the pledges and policies are left alone; named records are upserted.
"""
import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q

from ipdesk.regions.models import DictionaryEntry, Region
from ipdesk.registry.models import CultivationMembership, Enterprise, GIProduct, Patent
from ipdesk.registry.rules import _app_check, uscc_check_char

from . import actions, rules
from .choices import AwardGrade, AwardKind, InsuranceType, ProjectKind, ProjectLevel, ProjectStatus, StandardKind
from .models import (FundedProject, InsurancePolicy, InsuranceSubsidyRule, InterestSubsidyApplication,
                     MatchmakingEvent, PatentAward, Pledge, ProjectMilestone, Standard, SubsidyRule, TrainingClass)

D = dt.date
FIRST_PLEDGE = "Y2021370000001"

# 2022: 40 pledgors. Six stay at or below 1000 万元 (1000 itself is not "above"); three of the 34
# above it get there only through two pledges each, each below 1000 万元.
SMALL_2022 = [Decimal(v) for v in ("300", "450", "500", "600", "800", "1000")]
TWO_PLEDGES_2022 = [(Decimal("600"), Decimal("650")), (Decimal("700"), Decimal("520")),
                    (Decimal("900"), Decimal("400"))]
TOTAL_2022 = Decimal("107900")
TOTAL_2021 = Decimal("44587")
PLEDGORS_2022, PLEDGORS_2021 = 40, 18
PATENTS_2022 = 138                       # 18 pledgors pledge 4 patents, 22 pledge 3
PATENTS_2021 = 54                        # 18 pledgors × 3

INSURANCE_ENTERPRISES = 19
INSURANCE_PATENTS = 251                  # 4 enterprises insure 14 patents, 15 insure 13


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def _enterprise(name, region_code, serial):
    """An enterprise named in the press conference: the registry's, or created with a valid credit code."""
    found = Enterprise.objects.filter(name=name).first()
    if found is not None:
        return found
    body = f"91370400MF{serial:07d}"
    return Enterprise.objects.create(uscc=body + uscc_check_char(body), name=name,
                                     region=Region.objects.get(code=region_code))


class _Numbers:
    """Utility-model application numbers for patents the demo must create itself (type digit 2)."""

    def __init__(self):
        self.serial = 9000000

    def next(self, year):
        while True:
            self.serial += 1
            body = f"{year}2{self.serial:07d}"
            no = f"{body}.{_app_check(body)}"
            if not Patent.objects.filter(application_no=no).exists():
                return no


def _valid_patents(enterprise, on, exclude):
    qs = (Patent.objects.filter(holder=enterprise, legal_status="valid", grant_date__lte=on)
          .filter(Q(lapse_date__isnull=True) | Q(lapse_date__gt=on)).exclude(pk__in=exclude)
          .exclude(pledges__status="effective").order_by("patent_type", "grant_date", "application_no"))
    return list(qs)


def _pledgeable(enterprise, candidates, on, end):
    """The candidates CNIPA would register in a pledge by `enterprise` on `on` with the debt ending on `end`
    (finance.rules.pledge_refusals without declarations: co-owned patents are left out, not declared)."""
    from ipdesk.registry.fees import fee_rule
    terms = rules.PledgeTerms(pledgor_id=enterprise.pk, end_date=end)
    facts = actions.patent_facts(candidates)
    return [p for p, f in zip(candidates, facts) if not rules.pledge_refusals(f, terms, on, fee_rule())]


def _take(enterprise, on, used, k, numbers, end=None):
    """k patents the enterprise validly holds on `on`, not in `used`, that can be pledged until `end`;
    utility models are created for it when it holds too few (only when the registry demo is missing or thin)."""
    patents = _pledgeable(enterprise, _valid_patents(enterprise, on, used), on, end)[:k]
    while len(patents) < k:
        patents.append(Patent.objects.create(
            application_no=numbers.next(2018), patent_type="utility", title="一种演示用实用新型",
            applicants=enterprise.name, current_owner=enterprise.name, holder=enterprise,
            holder_name=enterprise.name, region=enterprise.region, filing_date=D(2018, 9, 1),
            grant_date=D(2019, 6, 1), legal_status="valid"))
    used.update(p.pk for p in patents)
    return patents


def _holders(min_patents, on, skip, count, serial_base):
    """`count` enterprises holding at least `min_patents` valid patents on `on`, most first; topped up
    with created enterprises when the registry has too few (their patents come from _take)."""
    rows = (Patent.objects.filter(holder__isnull=False, legal_status="valid", grant_date__lte=on,
                                  lapse_date__isnull=True)
            .exclude(holder__in=skip).values("holder").annotate(n=Count("id")).filter(n__gte=min_patents)
            .order_by("-n", "holder"))
    chosen = list(Enterprise.objects.in_bulk([r["holder"] for r in rows[:count]]).values())
    chosen.sort(key=lambda e: e.uscc)
    city = Region.objects.filter(code__in=["370402", "370403", "370404", "370405", "370406", "370481"]).order_by("code")
    n = 0
    while len(chosen) < count:
        n += 1
        region = city[n % len(city)]
        e = _enterprise(f"枣庄示范{serial_base + n}号科技有限公司", region.code, serial_base + n)
        if e not in chosen and e.pk not in skip:
            chosen.append(e)
    return chosen


def _amounts(total, count, fixed):
    """`count` whole amounts above 1000 万元, varied but deterministic, summing with `fixed` to `total`."""
    spare = total - sum(fixed) - 1001 * count
    assert spare > 0, spare
    weights = [1 + (i * 7) % 10 for i in range(count)]
    amounts = [Decimal(1001 + int(spare * w / sum(weights))) for w in weights]
    amounts[-1] += total - sum(fixed) - sum(amounts)
    return amounts


def load_pledges(stdout=None):
    banks = list(DictionaryEntry.objects.filter(dictionary="bank").order_by("sort_order", "code"))
    numbers = _Numbers()
    used = set()   # patents pledged by the demo (disjoint sets keep every pledge valid)

    # 2021: 18 pledgors, one pledge each, released during 2022 when the loans are repaid.
    pledgors_2021 = _holders(3, D(2021, 1, 1), set(), PLEDGORS_2021, 100)
    amounts_2021 = _amounts(TOTAL_2021, PLEDGORS_2021, [])
    serial = 0
    for i, (e, amount) in enumerate(zip(pledgors_2021, amounts_2021)):
        serial += 1
        reg = D(2021, 1 + i % 12, 5 + i)
        patents = _take(e, reg, used, 3, numbers, end=reg.replace(year=2022))
        pledge = actions.register_pledge(
            registration_no=f"Y2021370000{serial:03d}", pledgor=e, pledgee=banks[i % len(banks)], patents=patents,
            amount_10k_yuan=amount, registration_date=reg, start_date=reg, end_date=reg.replace(year=2022))
        actions.release_pledge(pledge, reg.replace(year=2022), note="贷款到期已还款")

    # 2022: 40 pledgors (34 above 1000 万元), 43 pledges, 138 patents.
    pledgors_2022 = _holders(4, D(2022, 1, 1), set(), PLEDGORS_2022, 200)
    fixed = SMALL_2022 + [a for pair in TWO_PLEDGES_2022 for a in pair]
    singles = _amounts(TOTAL_2022, PLEDGORS_2022 - len(SMALL_2022) - len(TWO_PLEDGES_2022), fixed)
    plan = [[a] for a in SMALL_2022] + [list(pair) for pair in TWO_PLEDGES_2022] + [[a] for a in singles]
    serial = 0
    for i, (e, amounts) in enumerate(zip(pledgors_2022, plan)):
        per_pledgor = 4 if i < 18 else 3
        reg = D(2022, 1 + i % 12, 3 + i % 25)
        patents = _take(e, reg, used, per_pledgor, numbers,
                        end=max(d.replace(year=2023) for d in (reg, reg + dt.timedelta(days=40))))
        groups = [patents] if len(amounts) == 1 else [patents[:2], patents[2:]]
        for k, (group, amount) in enumerate(zip(groups, amounts)):
            serial += 1
            day = reg + dt.timedelta(days=40 * k)
            actions.register_pledge(
                registration_no=f"Y2022370000{serial:03d}", pledgor=e, pledgee=banks[(i + k) % len(banks)],
                patents=group, amount_10k_yuan=amount, registration_date=day, start_date=day,
                end_date=day.replace(year=2023))
    _say(stdout, f"  finance demo: {Pledge.objects.count()} pledges")
    return pledgors_2022


def load_subsidies(pledgors):
    for year, share, cap in ((2021, "0.5", "200000"), (2022, "0.5", "200000")):
        SubsidyRule.objects.update_or_create(year=year, defaults={
            "name": f"{year}年度专利权质押融资贴息", "interest_share": Decimal(share),
            "cap_per_enterprise_yuan": Decimal(cap), "requires_pledge": True, "requires_insurance": False,
            "basis": "枣庄市知识产权质押融资贴息办法（演示配置）"})
    if InterestSubsidyApplication.objects.exists():
        return
    banks = {b.pk: b for b in DictionaryEntry.objects.filter(dictionary="bank")}
    for i, e in enumerate(pledgors[:8]):
        pledge = Pledge.objects.filter(pledgor=e, registration_date__year=2022).order_by("registration_date").first()
        interest = (pledge.amount_10k_yuan * 10000 * Decimal("0.0435")).quantize(Decimal("1"))
        app = actions.submit_application(InterestSubsidyApplication(
            enterprise=e, year=2022, pledge=pledge, bank=banks[pledge.pledgee_id],
            loan_amount_10k_yuan=pledge.amount_10k_yuan, loan_start=pledge.registration_date,
            loan_end=pledge.end_date, interest_paid_yuan=interest))
        if i < 5:
            actions.approve_application(app, note="材料齐全")
        if i < 3:
            actions.pay_application(app, D(2022, 12, 20))


# Policies of 2022: (type, premium) per insured enterprise; the 18th holds two overseas policies,
# the second of which meets the remaining cap only in part. Rule: 80% of the premium, at most
# 40,000 元 per enterprise, type and year — 15×40,000 + 2×40,000 + (20,000 + 20,000) + 40,000 = 760,000.
POLICIES_2022 = ([(InsuranceType.ENFORCEMENT if i % 2 else InsuranceType.INFRINGEMENT_LOSS, ["52000"])
                  for i in range(15)]
                 + [(InsuranceType.PLEDGE_GUARANTEE, ["60000"])] * 2
                 + [(InsuranceType.OVERSEAS, ["25000", "30000"])]
                 + [(InsuranceType.INFRINGEMENT_LOSS, ["50000"])])
POLICIES_2021 = [(InsuranceType.ENFORCEMENT, ["40000"]), (InsuranceType.INFRINGEMENT_LOSS, ["30000"]),
                 (InsuranceType.PLEDGE_GUARANTEE, ["45000"]), (InsuranceType.ENFORCEMENT, ["20000"])]


def load_insurance(stdout=None):
    for year in (2021, 2022):
        for kind in InsuranceType.values:
            InsuranceSubsidyRule.objects.update_or_create(year=year, insurance_type=kind, defaults={
                "premium_share": Decimal("0.8"), "cap_per_enterprise_yuan": Decimal("40000"),
                "basis": "山东省专利保险保费补贴（演示配置）"})
    if InsurancePolicy.objects.exists():
        return
    insurers = list(DictionaryEntry.objects.filter(dictionary="insurer").order_by("sort_order", "code"))
    numbers = _Numbers()
    numbers.serial = 9500000
    insured = _holders(14, D(2022, 1, 1), set(), INSURANCE_ENTERPRISES, 400)
    serial = 0
    for i, (e, (kind, premiums)) in enumerate(zip(insured, POLICIES_2022)):
        start = D(2022, 1 + i % 12, 10)
        patents = _take(e, start, set(), 14 if i < 4 else 13, numbers)
        for k, premium in enumerate(premiums):
            serial += 1
            policy = InsurancePolicy(policy_no=f"PZL2022370400{serial:04d}", insurer=insurers[serial % len(insurers)],
                                     enterprise=e, insurance_type=kind, premium_yuan=Decimal(premium),
                                     cover_yuan=Decimal(premium) * 20, start_date=start + dt.timedelta(days=k),
                                     end_date=start.replace(year=2023) - dt.timedelta(days=1))
            actions.save_policy(policy, patents if k == 0 else patents[:5])
    for i, (e, (kind, premiums)) in enumerate(zip(insured[:4], POLICIES_2021)):
        serial += 1
        start = D(2021, 3 + i, 1)
        policy = InsurancePolicy(policy_no=f"PZL2021370400{serial:04d}", insurer=insurers[i], enterprise=e,
                                 insurance_type=kind, premium_yuan=Decimal(premiums[0]),
                                 cover_yuan=Decimal(premiums[0]) * 20, start_date=start,
                                 end_date=start.replace(year=2022) - dt.timedelta(days=1))
        actions.save_policy(policy, _take(e, start, set(), 6, numbers))
    _say(stdout, f"  finance demo: {InsurancePolicy.objects.count()} insurance policies")


def _project(kind, name, recipient, amount, year=2022, level=ProjectLevel.PROVINCIAL, status=ProjectStatus.IN_PROGRESS,
             region=None):
    project, _ = FundedProject.objects.update_or_create(kind=kind, name=name, year=year, defaults={
        "level": level, "recipient": recipient, "recipient_name": recipient.name if recipient else name,
        "region": region or recipient.region, "amount_10k_yuan": Decimal(amount), "status": status})
    for title, due, done in (("立项", D(year, 4, 30), D(year, 4, 28)), ("中期检查", D(year, 10, 31), D(year, 10, 20)),
                             ("结题验收", D(year + 1, 6, 30), None)):
        ProjectMilestone.objects.update_or_create(project=project, title=title,
                                                  defaults={"due_date": due, "done_on": done})
    return project


def load_projects():
    changda = _enterprise("枣庄常大技术推广服务有限公司", "370402", 1)
    lianyun = _enterprise("山东连云山建筑科技有限公司", "370403", 2)
    tairui = _enterprise("枣庄泰瑞精细化工有限公司", "370404", 3)
    xinjinshan = _enterprise("枣庄鑫金山智能装备有限公司", "370481", 4)
    _project(ProjectKind.TRANSFER_PILOT, "专利转移转化试点项目", changda, "50")
    for e, amount in ((lianyun, "20"), (tairui, "15"), (xinjinshan, "15")):
        _project(ProjectKind.NAVIGATION, f"{e.name}专利导航项目", e, amount)
    overseas = next((e for e in Enterprise.objects.order_by("uscc") if "nat_demo" in (e.tags or [])), None) \
        or _enterprise("枣庄鲁南机床有限公司", "370481", 5)
    _project(ProjectKind.OVERSEAS_RISK, "海外知识产权侵权风险防控项目", overseas, "20")
    city = Region.objects.get(code="370400")
    for code, name in (("370481", "滕州市知识产权保护工作站"), ("370400-GX", "枣庄高新区知识产权保护工作站")):
        region = Region.objects.filter(code=code).first() or city
        _project(ProjectKind.WORKSTATION, f"{name}建设项目", None, "10", region=region)
    pilots = [m.enterprise for m in CultivationMembership.objects.filter(year=2022, is_pilot=True)
              .select_related("enterprise__region").order_by("enterprise__uscc")[:7]]
    pilots += [_enterprise(f"枣庄高价值专利培育试点{n}号有限公司", "370402", 10 + n) for n in range(1, 8 - len(pilots))]
    for e in pilots:
        _project(ProjectKind.HIGH_VALUE_PILOT, f"{e.name}高价值专利培育试点", e, "0", level=ProjectLevel.CITY)
    pilot = _project(ProjectKind.STANDARDISATION_PILOT, "专利标准化试点（装配式建筑）", lianyun, "0")
    for n, title in ((1, "装配式建筑预制构件连接技术规程"), (2, "建筑用轻质复合墙板")):
        Standard.objects.update_or_create(code=f"T/ZZJZ 00{n}—2022", defaults={
            "kind": StandardKind.GROUP, "name": title, "region": lianyun.region, "issuer": "枣庄市建筑业协会",
            "issued_on": D(2022, 9, n), "pilot": pilot, "drafter": lianyun})
    return pilots


def load_gi_and_standards():
    gi = [("店子长红枣", "370481", "DB3704/T 010—2019", "地理标志产品 店子长红枣"),
          ("山亭火樱桃", "370406", "DB3704/T 011—2019", "地理标志产品 山亭火樱桃"),
          ("伏里土陶", "370405", "DB3704/T 012—2020", "地理标志产品 伏里土陶")]
    for name, code, std_code, std_name in gi:
        # The registry demo may have created it already: keep its record, create it only when missing.
        product, _ = GIProduct.objects.get_or_create(name=name, defaults={
            "region": Region.objects.get(code=code), "protection_type": "地理标志产品保护"})
        Standard.objects.update_or_create(code=std_code, defaults={
            "kind": StandardKind.LOCAL, "name": std_name, "region": product.region, "gi_product": product,
            "issuer": "枣庄市市场监督管理局", "issued_on": D(int(std_code[-4:]), 6, 1)})


def load_awards_and_training(pilots):
    for n, (name, code, grade, title) in enumerate((
            ("山东泰和水有限公司", "370402", AwardGrade.SECOND, "一种阻垢缓蚀剂及其制备方法"),
            ("兖矿鲁南化工有限公司", "370481", AwardGrade.THIRD, "一种甲醇合成工艺"),
            ("山东丰源轮胎制造股份有限公司", "370404", AwardGrade.THIRD, "一种低滚阻轮胎胎面胶"))):
        e = _enterprise(name, code, 20 + n)
        PatentAward.objects.update_or_create(kind=AwardKind.PROVINCIAL, year=2022, enterprise_name=name, defaults={
            "grade": grade, "enterprise": e, "region": e.region, "patent_title": title})
    city = Region.objects.get(code="370400")
    library = list(Enterprise.objects.filter(cultivation__year=2022).order_by("uscc")[:60]) or pilots
    for n, (title, start, count) in enumerate((("高价值专利培育企业知识产权管理培训班", D(2022, 5, 18), 120),
                                              ("专利挖掘与布局实务培训班", D(2022, 9, 22), 96)), start=1):
        training, _ = TrainingClass.objects.update_or_create(title=title, start_date=start, defaults={
            "end_date": start + dt.timedelta(days=1), "region": city, "organiser": "枣庄市市场监督管理局",
            "topic": "高价值专利培育", "attendee_count": count})
        training.enterprises.set(library[(n - 1) * 30: n * 30])


def load_matchmaking(pledgors):
    banks = list(DictionaryEntry.objects.filter(dictionary="bank").order_by("sort_order", "code"))
    codes = ["370402", "370403", "370404", "370405", "370406", "370481"]
    for n in range(1, 13):
        region = Region.objects.get(code=codes[n % len(codes)])
        event, _ = MatchmakingEvent.objects.update_or_create(
            title=f"2022年第{n}场知识产权质押融资银政企对接会", defaults={
                "date": D(2022, n, 16), "region": region, "location": f"{region.name}政务服务中心",
                "attendee_count": 40 + 5 * n, "intended_amount_10k_yuan": Decimal(3000 + 500 * n)})
        event.banks.set(banks[n % 3: n % 3 + 3])
        event.enterprises.set(pledgors[(n * 3) % len(pledgors):(n * 3) % len(pledgors) + 6])


def load(stdout=None):
    if Pledge.objects.filter(registration_no=FIRST_PLEDGE).exists():
        pledgors = list(Enterprise.objects.filter(pledges__registration_date__year=2022).distinct().order_by("uscc"))
        _say(stdout, "  finance demo pledges already loaded")
    else:
        pledgors = load_pledges(stdout)
    load_subsidies(pledgors)
    load_insurance(stdout)
    pilots = load_projects()
    load_gi_and_standards()
    load_awards_and_training(pilots)
    load_matchmaking(pledgors)
    _say(stdout, "  finance demo: projects, standards, awards, training and matchmaking ready")
