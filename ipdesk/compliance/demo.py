"""Demo agencies and a 2022 verification batch whose withdrawal rate is over 98% (SPEC section 6).

`load(stdout)` is idempotent: it does nothing when the demo batch is already there. Deterministic
(fixed seed). Applications are registered through compliance.actions, so each is assigned to its
region (registry.placement: matched enterprise, else the address, else the batch default) and has its timeline."""
import datetime as dt
import random

from .choices import ApplicationStatus as S
from .choices import Behaviour, ComplaintStatus, InspectionResult, PenaltyKind, RuleKind
from .rules import DEFAULT_DEDUCTIONS, DEFAULT_GRADES

BATCH_NAME = "2022年第一批非正常专利申请（省局下发）"
SEED = 98
# 200 applications: 190 withdrawn, 6 deemed withdrawn, 2 upheld, 2 cleared → 196 / 198 = 98.99%.
OUTCOMES = [S.WITHDRAWN] * 190 + [S.DEEMED_WITHDRAWN] * 6 + [S.UPHELD] * 2 + [S.CLEARED] * 2

AGENCIES = [
    # name, uscc body (17 chars; check char computed), region, address
    ("枣庄市鲁南专利事务所（普通合伙）", "31370400MA3C00001", "370402", "枣庄市市中区光明路68号"),
    ("枣庄众诚知识产权代理有限公司", "91370403MA3C00002", "370403", "枣庄市薛城区永福路16号"),
    ("滕州市墨子专利代理事务所", "31370481MA3C00003", "370481", "滕州市荆河街道学院路9号"),
    ("山东百川知识产权代理有限公司枣庄分公司", "91370400MA3C00004", "370400-GX", "枣庄高新区互联网小镇B座"),
]


def load(stdout=None):
    from ipdesk.regions.models import Region
    from ipdesk.registry.models import Enterprise
    from ipdesk.registry.rules import _app_check, uscc_check_char

    from . import actions
    from .models import AbnormalBatch, Agency, Agent, Complaint, CreditGradeRule, Inspection, Penalty

    if AbnormalBatch.objects.filter(name=BATCH_NAME).exists():
        return
    rng = random.Random(SEED)
    regions = {r.code: r for r in Region.objects.all()}
    if "370400" not in regions:
        return
    if not CreditGradeRule.objects.exists():
        for event, points in DEFAULT_DEDUCTIONS.items():
            CreditGradeRule.objects.create(kind=RuleKind.DEDUCTION, event=event, points=points)
        for grade, minimum in DEFAULT_GRADES:
            CreditGradeRule.objects.create(kind=RuleKind.GRADE, grade=grade, min_score=minimum)

    agencies = []
    for i, (name, body, code, address) in enumerate(AGENCIES):
        agency, _ = Agency.objects.get_or_create(
            uscc=body + uscc_check_char(body),
            defaults={"name": name, "region": regions.get(code) or regions["370400"], "address": address,
                      "licence_no": f"37{i + 1:03d}", "contact": "联系人", "phone": f"0632-86{i:05d}"})
        agencies.append(agency)
        for j in range(2 + i):
            Agent.objects.get_or_create(agency=agency, name=f"代理师{chr(0x7532 + i)}{j + 1}",
                                        defaults={"certificate_no": f"{i + 1}{j:04d}"})
    Inspection.objects.create(agency=agencies[0], date=dt.date(2022, 6, 15), result=InspectionResult.QUALIFIED,
                              inspectors="市局知识产权科", findings="制度健全，档案完整。")
    Inspection.objects.create(agency=agencies[1], date=dt.date(2022, 7, 20), result=InspectionResult.BASIC,
                              inspectors="市局知识产权科", findings="委托合同未载明收费标准；个别案卷缺少客户确认记录。",
                              rectification_due=dt.date(2022, 8, 31))
    Inspection.objects.create(agency=agencies[3], date=dt.date(2022, 9, 8), result=InspectionResult.UNQUALIFIED,
                              inspectors="市局知识产权科", findings="以不正当手段招揽业务；代理多件非正常申请。",
                              rectification_due=dt.date(2022, 10, 31))
    Complaint.objects.create(agency=agencies[3], received=dt.date(2022, 10, 11), complainant="某科技公司",
                             summary="承诺“包授权”并收取高额费用。", status=ComplaintStatus.SUBSTANTIATED,
                             resolution="约谈负责人，责令退费整改。")
    Penalty.objects.create(agency=agencies[3], date=dt.date(2022, 11, 25), kind=PenaltyKind.WARNING,
                           decision_no="枣市监知罚〔2022〕3号", reason="诱导、代理非正常专利申请。")

    batch = AbnormalBatch.objects.create(name=BATCH_NAME, source="province", received=dt.date(2022, 3, 10),
                                         default_region=regions["370400"],
                                         note="省知识产权局转来国家知识产权局通知，共 200 件。")
    enterprises = list(Enterprise.objects.order_by("id")[:40])
    lookups = actions.placement_lookups()
    towns = ["市中区文化路", "薛城区临山路", "峄城区坛山街道", "台儿庄区运河大道", "山亭区府前路", "滕州市北辛街道", "高新区互联网小镇"]
    behaviours = [Behaviour.DUPLICATE] * 5 + [Behaviour.FABRICATED, Behaviour.BEYOND_CAPACITY, Behaviour.SCATTERED,
                                               Behaviour.AGENCY_INDUCED, Behaviour.MACHINE_GENERATED]
    outcomes = list(OUTCOMES)
    rng.shuffle(outcomes)
    notice = dt.date(2022, 3, 15)
    deadline = dt.date(2022, 4, 15)
    for n, outcome in enumerate(outcomes):
        body = f"20212{n + 100001:07d}" if n % 3 else f"20211{n + 500001:07d}"
        if enterprises and n % 4 == 0:
            e = enterprises[n % len(enterprises)]
            applicant, address = e.name, e.address
        else:
            applicant, address = f"枣庄市{rng.choice('鑫恒瑞泰隆昌盛华')}{rng.choice('源达通远丰')}{n}号机械厂", \
                f"山东省枣庄市{rng.choice(towns)}{rng.randint(1, 300)}号"
            if n % 25 == 0:
                address = "山东省"  # no keyword: falls back to the batch default
        agency = agencies[n % len(agencies)] if n % 5 else agencies[3]
        app = actions.register_application(batch, None, lookups, application_no=body + "." + _app_check(body),
                                           title=f"一种{rng.choice(['智能', '便携式', '高效', '新型'])}{rng.choice(['夹具', '输送装置', '烘干机', '灌溉设备'])}",
                                           applicant=applicant, address=address, agency_name=agency.name,
                                           behaviour=rng.choice(behaviours), notice_date=notice, deadline=deadline)
        if outcome == S.WITHDRAWN:
            actions.transition(app, S.WITHDRAWN, None, notice + dt.timedelta(days=rng.randint(3, 28)), "申请人主动撤回")
        elif outcome == S.DEEMED_WITHDRAWN:
            actions.transition(app, S.DEEMED_WITHDRAWN, None, deadline + dt.timedelta(days=1), "期满未答复")
        else:
            actions.transition(app, S.STATEMENT, None, notice + dt.timedelta(days=20), "申请人提交陈述意见及研发记录")
            actions.transition(app, outcome, None, deadline + dt.timedelta(days=20),
                               "意见不成立" if outcome == S.UPHELD else "研发记录真实，意见成立")
    for agency in agencies:
        actions.recompute_credit(agency, today=dt.date(2022, 12, 31))
    if stdout:
        stdout.write(f"  compliance: {len(agencies)} agencies, batch of {len(outcomes)} abnormal applications")
