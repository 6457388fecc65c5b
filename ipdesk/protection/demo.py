"""Demo data of the protection module, shaped to SPEC section 6 (Zaozhuang 2022):

- patent infringement administrative adjudication: 25 cases filed in 2022, 12 decided in 2022
  (plus 5 mediated and 2 withdrawn in 2022, 6 filed late in 2022 and decided in 2023, 1 request
  not accepted), and three open 2026 cases so the time-limit warnings have something to show;
- rights-protection assistance: 12 cases in 2022 (10+), from outreach, applications and referrals;
- judicial confirmation of IP disputes: 11 in 2022 (10+), with court mediation links and referrals
  to the police and procuratorate;
- the service network: 33 trademark brand guidance stations and 12 IP protection workstations.

Every case is carried through protection.actions, so its timeline is real. Idempotent: nothing
is added when the demo cases are already there.
"""
import datetime as dt
import random

from django.utils import timezone

from ipdesk.core.scoping import Role

from . import actions, rules, setup
from .choices import (AssistanceOutcome, AssistanceServiceKind, AssistanceSource, CooperationKind, CooperationResult,
                      RightType, StationKind, StationServiceKind)
from .models import (AdjudicationCase, AssistanceCase, CalendarDay, CooperationCase, ServiceStation, StationService)

D = dt.date
SEED = 2022
REGIONS = ["370481", "370402", "370403", "370404", "370405", "370406", "370400-GX"]
WORDS = {"370481": "滕州", "370402": "市中", "370403": "薛城", "370404": "峄城", "370405": "台儿庄", "370406": "山亭",
         "370400-GX": "高新区"}
HANDLERS = [("zhifa1", "执法人员 周明"), ("zhifa2", "执法人员 吴刚"), ("zhifa3", "执法人员 郑丽"),
            ("zhifa4", "执法人员 冯涛"), ("zhifa5", "执法人员 何静")]
RESPONDENTS = ["枣庄市某五金经营部", "滕州市某机械配件厂", "山东某电子商务有限公司", "某（临沂）建材有限公司",
               "薛城区某农资门市", "峄城区某塑料制品厂", "徐州某科技有限公司", "台儿庄区某商贸行"]


def _step(case, target, **params):
    return actions.transition(case, target, None, **params)


def _users():
    from ipdesk.accounts.models import User
    from ipdesk.core.demo import ACCOUNTS, DEMO_PASSWORD
    from ipdesk.regions.models import Region
    panel = []
    for username, name in HANDLERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, role=Role.CITY_OFFICER,
                        region=Region.objects.filter(code="370400").first())
            user.set_unusable_password()  # case handlers for the demo timelines; they do not sign in
            user.save()
        panel.append(user)
    # The demo public lawyer handles assistance cases; create the account exactly as core.demo would.
    lawyer = User.objects.filter(username="lvshi").first()
    if lawyer is None:
        _u, display, role, _r, _s = next(a for a in ACCOUNTS if a[0] == "lvshi")
        lawyer = User(username="lvshi", display_name=display, role=role)
        lawyer.set_password(DEMO_PASSWORD)
        lawyer.save()
    return panel, lawyer


def _calendar():
    return CalendarDay.work_calendar()


def load(stdout=None):
    setup.seed_all()
    _stations(stdout)
    if AdjudicationCase.objects.filter(number__startswith="CJ2022-").exists():
        if stdout:
            stdout.write("  protection demo cases already loaded")
        return
    from ipdesk.registry.models import Enterprise
    enterprises = list(Enterprise.objects.order_by("id")[:400])
    if not enterprises:
        if stdout:
            stdout.write("  protection demo skipped: no enterprises (load the registry demo first)")
        return
    rng = random.Random(SEED)
    panel, lawyer = _users()
    cal = _calendar()
    _adjudications(rng, enterprises, panel, cal)
    _assistance(rng, enterprises, lawyer)
    _cooperation(rng, enterprises)
    if stdout:
        stdout.write(f"  protection demo: {AdjudicationCase.objects.count()} adjudication cases, "
                     f"{AssistanceCase.objects.count()} assistance cases, {CooperationCase.objects.count()} "
                     f"cooperation records, {ServiceStation.objects.count()} stations")


def _adjudications(rng, enterprises, panel, cal):
    from ipdesk.registry.models import Patent
    patents = list(Patent.objects.filter(patent_type__in=["invention", "utility"], holder__isnull=False)
                   .select_related("holder").order_by("id")[:200])
    # Received every ~12 days through 2022; the last six are filed in autumn and decided in 2023.
    plan = ["decided"] * 12 + ["mediated"] * 5 + ["withdrawn"] * 2
    rng.shuffle(plan)
    plan += ["decided_2023"] * 6
    for i, outcome in enumerate(plan):
        received = D(2022, 1, 5) + dt.timedelta(days=i * 13 + rng.randint(0, 4))
        if outcome == "decided_2023":
            received = D(2022, 10, 24) + dt.timedelta(days=(i - 19) * 9)
        patent = patents[i % len(patents)] if patents else None
        requester = patent.holder if patent else enterprises[i % len(enterprises)]
        case = AdjudicationCase.objects.create(
            title=f"{requester.name}诉{RESPONDENTS[i % len(RESPONDENTS)]}侵犯{'发明' if i % 3 else '实用新型'}专利权纠纷",
            requester=requester, requester_name=requester.name, respondent_name=RESPONDENTS[i % len(RESPONDENTS)],
            patent=patent, patent_no=patent.application_no if patent else f"2020{2 if i % 3 == 0 else 1}1000{i:04d}.0",
            region=requester.region, received_on=received,
            claims="请求责令被请求人立即停止制造、销售侵权产品，销毁库存侵权产品及专用模具。")
        actions.register(case, None)
        filed = rules.deadline(received, rng.randint(2, 5), rules.WORKING_DAYS, cal)
        _step(case, "filed", date=filed, handlers=[u.pk for u in rng.sample(panel, 3)])
        copy_on = rules.deadline(filed, rng.randint(2, 5), rules.WORKING_DAYS, cal)
        actions.take_step(case, "copy_served", None, date=copy_on)
        answer_on = copy_on + dt.timedelta(days=rng.randint(7, 15))
        if outcome != "withdrawn" or i % 2:
            _step(case, "answered", date=answer_on, note="被请求人否认侵权，主张现有技术抗辩。")
            actions.take_step(case, "answer_copy_served", None,
                              date=rules.deadline(answer_on, 2, rules.WORKING_DAYS, cal))
        case.refresh_from_db()
        if i == 3:  # an appraisal period (不计入期间) and an approved extension
            start = answer_on + dt.timedelta(days=3)
            actions.take_step(case, "suspend", None, kind="appraisal", date=start, reason="委托技术鉴定")
            actions.take_step(case, "resume", None, date=start + dt.timedelta(days=20), note="鉴定意见已送达")
            actions.take_step(case, "extend", None, rule="closure", amount=1, approved_by="局长 孙某",
                              date=start + dt.timedelta(days=22), reason="案情复杂，涉及多项权利要求比对")
        if outcome == "withdrawn":
            _step(case, "withdrawn", date=answer_on + dt.timedelta(days=5), result="双方自行和解，请求人撤回请求。")
            continue
        notice = answer_on + dt.timedelta(days=2)
        hearing = rules.earliest_hearing_date(notice, cal) + dt.timedelta(days=rng.randint(3, 10))
        actions.take_step(case, "hearing_scheduled", None, date=notice, hearing_on=hearing)
        _step(case, "heard", date=hearing, note="双方到庭，进行技术比对与质证。")
        concluded = hearing + dt.timedelta(days=rng.randint(10, 25))
        if outcome == "decided_2023":
            concluded = max(concluded, D(2023, 1, 9) + dt.timedelta(days=(i - 19) * 6))
        if outcome == "mediated":
            _step(case, "mediated", date=concluded, result="经调解，被请求人停止销售并赔偿请求人经济损失。")
        else:
            found = rng.random() < 0.75
            _step(case, "decided", date=concluded, infringement_found=found,
                  result="责令被请求人立即停止侵权行为。" if found else "驳回请求人的处理请求。")
        _step(case, "served", date=rules.deadline(concluded, 3, rules.WORKING_DAYS, cal), note="直接送达")
    # A request not accepted (不予受理): the patent had lapsed.
    req = enterprises[5 % len(enterprises)]
    case = AdjudicationCase.objects.create(title=f"{req.name}请求处理专利侵权纠纷", requester=req, requester_name=req.name,
                                           respondent_name=RESPONDENTS[0], patent_no="201610123456.9",
                                           region=req.region, received_on=D(2022, 6, 8))
    actions.register(case, None)
    _step(case, "rejected", date=D(2022, 6, 13), note="涉案专利已因未缴年费终止，不符合受理条件。")
    # Open cases of this year: one awaiting a filing decision, one filed, one answered with a hearing ahead.
    today = timezone.localdate()
    for k, state in enumerate(["requested", "filed", "answered"]):
        req = enterprises[(10 + k) % len(enterprises)]
        received = today - dt.timedelta(days=[2, 30, 60][k])
        case = AdjudicationCase.objects.create(
            title=f"{req.name}诉{RESPONDENTS[k + 3]}侵犯专利权纠纷", requester=req, requester_name=req.name,
            respondent_name=RESPONDENTS[k + 3], patent_no=patents[k].application_no if patents else "201710601862.3",
            region=req.region, received_on=received)
        actions.register(case, None)
        if state == "requested":
            continue
        filed = rules.deadline(received, 3, rules.WORKING_DAYS, cal)
        _step(case, "filed", date=filed, handlers=[u.pk for u in panel[:3]])
        actions.take_step(case, "copy_served", None, date=rules.deadline(filed, 2, rules.WORKING_DAYS, cal))
        if state == "answered":
            _step(case, "answered", date=filed + dt.timedelta(days=14), note="被请求人提交答辩书。")
            actions.take_step(case, "answer_copy_served", None,
                              date=rules.deadline(filed + dt.timedelta(days=14), 2, rules.WORKING_DAYS, cal))


def _assistance(rng, enterprises, lawyer):
    from ipdesk.accounts.models import User
    officers = list(User.objects.filter(username__startswith="zhifa").order_by("username"))
    sources = [AssistanceSource.OUTREACH] * 5 + [AssistanceSource.APPLICATION] * 5 + [AssistanceSource.REFERRAL_IN] * 2
    kinds = [RightType.PATENT] * 5 + [RightType.TRADEMARK] * 3 + [RightType.COPYRIGHT, RightType.GI,
                                                                   RightType.TRADE_SECRET, RightType.PATENT]
    featured = enterprises[0]  # the demo enterprise user's enterprise (core.demo picks the first by key/id)
    from ipdesk.registry.models import Enterprise
    featured = Enterprise.objects.order_by("-is_key_enterprise", "id").first() or featured
    for i in range(12):
        ent = featured if i in (0, 7) else enterprises[(i * 17 + 3) % len(enterprises)]
        received = D(2022, 1, 20) + dt.timedelta(days=i * 27)
        overseas = i in (4, 9)
        case = AssistanceCase.objects.create(
            title=["商标被抢注维权", "专利侵权判定咨询", "电商平台侵权投诉", "展会侵权处理", "海外参展遭遇专利诉讼",
                   "商业秘密泄露", "地理标志产品被冒用", "作品被擅自使用", "外观设计被仿冒", "海外商标异议应对",
                   "专利无效宣告应对", "网络店铺假冒商标"][i],
            source=sources[i], right_type=kinds[i], is_overseas=overseas, enterprise=ent, region=ent.region,
            other_party=RESPONDENTS[i % len(RESPONDENTS)], received_on=received,
            status="applied" if sources[i] == AssistanceSource.APPLICATION else "accepted",
            description="企业反映权利受到侵害，请求提供维权援助。")
        actions.register(case, None)
        if case.status == "applied":
            _step(case, "accepted", date=received + dt.timedelta(days=2))
        handler = lawyer if i % 3 != 2 else officers[i % len(officers)]
        _step(case, "handling", handler=handler.pk, date=received + dt.timedelta(days=3))
        actions.take_step(case, "service", handler, kind=AssistanceServiceKind.CONSULTATION,
                          date=received + dt.timedelta(days=5), description="解读相关法律规定，梳理证据材料。")
        if overseas:
            actions.take_step(case, "service", handler, kind=AssistanceServiceKind.OVERSEAS_GUIDANCE,
                              date=received + dt.timedelta(days=9), description="提供海外应诉指引与律师资源对接。")
        elif i % 4 == 1:
            actions.take_step(case, "service", handler, kind=AssistanceServiceKind.INFRINGEMENT_OPINION,
                              date=received + dt.timedelta(days=10), description="出具侵权判定咨询意见。")
        elif i % 4 == 2:
            actions.take_step(case, "service", handler, kind=AssistanceServiceKind.PRO_BONO,
                              date=received + dt.timedelta(days=12), description="公益代理提出无效宣告请求。")
        if i == 5:
            _step(case, "referred", referred_to="枣庄市公安局", date=received + dt.timedelta(days=14),
                  note="涉嫌侵犯商业秘密罪，移送公安机关。")
        if i < 11:
            _step(case, "closed", outcome=[AssistanceOutcome.RESOLVED, AssistanceOutcome.SETTLED,
                                           AssistanceOutcome.LITIGATION][i % 3] if i != 5 else AssistanceOutcome.REFERRED,
                  outcome_note="援助事项办理完毕。", date=received + dt.timedelta(days=20 + i))
            if i % 2 == 0:
                _step(case, "visited", visit_note="企业对援助服务表示满意。", date=received + dt.timedelta(days=40 + i))
    # This year's application from the demo enterprise, awaiting acceptance.
    case = AssistanceCase.objects.create(title="产品外观被仿冒，请求维权援助", source=AssistanceSource.APPLICATION,
                                         right_type=RightType.PATENT, enterprise=featured, region=featured.region,
                                         other_party="某网店", status="applied", received_on=timezone.localdate(),
                                         description="在电商平台发现仿冒产品。")
    actions.register(case, None)


def _cooperation(rng, enterprises):
    items = ([(CooperationKind.JUDICIAL_CONFIRMATION, "枣庄市中级人民法院", CooperationResult.CONFIRMED)] * 11 +
             [(CooperationKind.COURT_MEDIATION, "枣庄市中级人民法院", CooperationResult.MEDIATED)] * 3 +
             [(CooperationKind.COURT_MEDIATION, "滕州市人民法院", CooperationResult.MEDIATION_FAILED)] +
             [(CooperationKind.POLICE, "枣庄市公安局", CooperationResult.PROSECUTED)] * 2 +
             [(CooperationKind.PROCURATORATE, "枣庄市人民检察院", None)])
    for i, (kind, body, result) in enumerate(items):
        ent = enterprises[(i * 11 + 7) % len(enterprises)]
        sent = D(2022, 2, 10) + dt.timedelta(days=i * 19)
        case = CooperationCase.objects.create(
            kind=kind, title={"judicial_confirmation": "知识产权纠纷调解协议申请司法确认",
                              "court_mediation": "专利权属纠纷委派调解", "police": "涉嫌假冒注册商标案件移送",
                              "procuratorate": "涉嫌侵犯商业秘密案件移送"}[kind],
            receiving_body=body, parties=f"{ent.name}；{RESPONDENTS[i % len(RESPONDENTS)]}", enterprise=ent,
            region=ent.region, received_on=sent, summary="经人民调解委员会调解达成协议。" if kind == "judicial_confirmation" else "")
        actions.register(case, None)
        _step(case, "accepted", date=sent + dt.timedelta(days=5), reply="已立案受理。")
        if result is not None:
            _step(case, "concluded", date=sent + dt.timedelta(days=25), result=result,
                  reply="裁定调解协议有效。" if result == CooperationResult.CONFIRMED else "")


def _stations(stdout=None):
    from ipdesk.regions.models import Region
    regions = {r.code: r for r in Region.objects.filter(code__in=REGIONS)}
    if len(regions) < len(REGIONS):
        return
    from ipdesk.registry.models import Enterprise
    plan = [(StationKind.BRAND_STATION, 33), (StationKind.WORKSTATION, 12)]
    rng = random.Random(SEED + 1)
    hosts = list(Enterprise.objects.order_by("id")[:60])
    for kind, count in plan:
        for n in range(1, count + 1):
            code = REGIONS[(n - 1) % len(REGIONS)]
            word = WORDS[code]
            if kind == StationKind.BRAND_STATION:
                name = f"{word}商标品牌指导站（第{(n - 1) // len(REGIONS) + 1}站）"
                host = f"{word}{['商会', '个体劳动者协会', '电商产业园', '农业合作社联合社', '市场服务中心'][n % 5]}"
            else:
                name = f"枣庄市知识产权保护工作站·{word}{['装备制造', '新能源', '新材料', '医药', '化工', '电子信息'][n % 6]}"
                host = hosts[n].name if len(hosts) > n else f"{word}产业园区管委会"
            station, created = ServiceStation.objects.get_or_create(kind=kind, name=name, defaults={
                "host": host, "region": regions[code], "address": f"山东省枣庄市{word}{rng.choice(['光明路', '黄河路', '泰山路'])}"
                f"{rng.randint(1, 300)}号", "contact_name": rng.choice("王李张刘陈杨赵") + "老师",
                "contact_phone": f"0632-{rng.randint(3000000, 8999999)}",
                "established_on": D(2020 + n % 3, 1 + n % 12, 10)})
            if created:
                for k in range(2):
                    StationService.objects.create(
                        station=station, kind=[StationServiceKind.CONSULTATION, StationServiceKind.TRAINING,
                                               StationServiceKind.GUIDANCE, StationServiceKind.DISPUTE][(n + k) % 4],
                        date=D(2022, 3 + (n + k) % 9, 15), people=rng.randint(1, 60), description="登记的服务")
