"""Demo data reproducing the commissioner pilot of SPEC section 6: 40+ key enterprises served by
commissioners with time limits cut by 80%+, and 110 专精特新 enterprises with 230+ problems solved.
Idempotent: a second run changes nothing. Bulk writes are audited with record_many()."""
import datetime
import random

from django.utils import timezone

from ipdesk.core import audit
from ipdesk.core.models import AuditAction
from ipdesk.core.scoping import Role

from . import rules
from .choices import EventKind, ProblemCategory, ProblemStatus, RequestStatus
from .models import CommissionerAssignment, ProblemLog, RequestEvent, ServiceRequest, ServiceType

SEED = 2022
# code, name, promised, former, unit — promised limits as the pilot announced them, former limits
# as the enterprises used to meet them (seeded values; the city edits them in 服务事项与时限).
SERVICE_TYPES = [
    ("prexam_filing", "快速预审主体备案", 5, 30, "workday"),
    ("priority_exam", "优先审查推荐", 3, 20, "workday"),
    ("pledge", "质押融资", 5, 30, "workday"),
    ("gb29490", "贯标（GB/T 29490）", 20, 90, "workday"),
    ("navigation", "专利导航", 30, 120, "workday"),
    ("overseas", "海外纠纷应对", 5, 30, "workday"),
    ("policy", "政策咨询", 1, 5, "workday"),
    ("standardization", "专利标准化", 15, 60, "workday"),
    ("other", "其他", 5, 20, "workday"),
]
TYPE_WEIGHTS = {"prexam_filing": 30, "priority_exam": 14, "pledge": 16, "gb29490": 6, "navigation": 4, "overseas": 4,
                "policy": 16, "standardization": 3, "other": 7}
TITLES = {
    "prexam_filing": ["申请快速预审主体备案", "预审备案材料补正咨询"], "priority_exam": ["发明专利优先审查推荐", "申请优先审查推荐函"],
    "pledge": ["专利质押融资对接", "质押登记材料指导"], "gb29490": ["知识产权管理体系贯标辅导"],
    "navigation": ["产业专利导航分析"], "overseas": ["海外展会侵权应对", "海外专利纠纷咨询"],
    "policy": ["专利资助政策咨询", "高价值专利培育政策咨询"], "standardization": ["专利与标准融合辅导"],
    "other": ["商标注册指导", "知识产权培训需求"],
}
COMMISSIONERS = [("zhuanyuan", "服务专员 刘专员"), ("zhuanyuan2", "服务专员 周专员"), ("zhuanyuan3", "服务专员 吴专员"),
                 ("zhuanyuan4", "服务专员 郑专员"), ("zhuanyuan5", "服务专员 冯专员")]
N_REQUESTS_2022 = 160
N_PROBLEM_ENTERPRISES = 110
PROBLEM_CATEGORIES = [(ProblemCategory.FAST_EXAMINATION, 20), (ProblemCategory.PRIORITY_EXAMINATION, 8),
                      (ProblemCategory.PLEDGE, 18), (ProblemCategory.STANDARD_29490, 14),
                      (ProblemCategory.NAVIGATION, 6), (ProblemCategory.OVERSEAS_DISPUTE, 6),
                      (ProblemCategory.INFRINGEMENT, 8), (ProblemCategory.TRADEMARK, 8), (ProblemCategory.POLICY, 22),
                      (ProblemCategory.TALENT, 5), (ProblemCategory.OTHER, 3)]
PROBLEM_TEXT = {
    ProblemCategory.FAST_EXAMINATION: ("核心专利授权周期长，希望进入快速预审通道", "已协助完成预审主体备案，案件通过快速预审提交"),
    ProblemCategory.PRIORITY_EXAMINATION: ("关键技术发明专利需加快审查", "已出具优先审查推荐意见并报送"),
    ProblemCategory.PLEDGE: ("研发投入大、缺少抵押物，融资难", "已对接银行办理专利质押融资"),
    ProblemCategory.STANDARD_29490: ("知识产权管理制度不健全", "已组织贯标辅导，企业通过GB/T 29490认证"),
    ProblemCategory.NAVIGATION: ("研发方向不清晰，担心重复研发", "已开展专利导航分析并提交报告"),
    ProblemCategory.OVERSEAS_DISPUTE: ("出口产品遭遇海外专利警告函", "已协调海外维权专家给出应对方案"),
    ProblemCategory.INFRINGEMENT: ("发现竞争对手涉嫌侵犯本企业专利", "已指导取证并转维权援助中心跟进"),
    ProblemCategory.TRADEMARK: ("商标被抢注风险", "已指导提出异议并完成商标布局"),
    ProblemCategory.POLICY: ("不了解专利资助与奖励政策", "已讲解政策并协助申报"),
    ProblemCategory.TALENT: ("缺少专职知识产权管理人员", "已安排参加知识产权工程师培训"),
    ProblemCategory.OTHER: ("知识产权相关其他问题", "已协调相关部门解决"),
}


def _aware(day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def _after_workdays(rng, start, days):
    """A moment `days` working days after `start` (same day for 0), during office hours."""
    day = rules.due_date(start.date(), days) if days else start.date()
    return _aware(day, rng.randint(9, 17), rng.randint(0, 59))


def load_types():
    types = {}
    for order, (code, name, promised, former, unit) in enumerate(SERVICE_TYPES, start=1):
        types[code], _created = ServiceType.objects.get_or_create(code=code, defaults={
            "name": name, "promised_days": promised, "former_days": former, "day_unit": unit, "sort_order": order})
    return types


def load_commissioners():
    from ipdesk.accounts.models import User
    from ipdesk.core.demo import DEMO_PASSWORD
    users = []
    for username, name in COMMISSIONERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, role=Role.COMMISSIONER)
            # The first one is the documented demo account; the others are names only.
            user.set_password(DEMO_PASSWORD) if username == "zhuanyuan" else user.set_unusable_password()
            user.save()
        users.append(user)
    return users


def load(stdout=None):
    from ipdesk.registry.models import Enterprise

    types = load_types()
    if CommissionerAssignment.objects.exists() or ProblemLog.objects.exists():
        if stdout:
            stdout.write("  services demo already loaded")
        return
    key = list(Enterprise.objects.filter(is_key_enterprise=True).order_by("id"))
    if not key:
        if stdout:
            stdout.write("  services demo: no key enterprises in the registry, only service types loaded")
        return
    rng = random.Random(SEED)
    commissioners = load_commissioners()

    # ---- One enterprise, one commissioner (the pilot's 40+ key enterprises) ------------------
    # The demo enterprise account (qiye) belongs to the first key enterprise: it goes to zhuanyuan.
    start = _aware(datetime.date(2022, 1, 10))
    assignments = []
    for i, ent in enumerate(key):
        ent.commissioner = commissioners[0] if i < 9 else commissioners[1 + (i - 9) % (len(commissioners) - 1)]
        assignments.append(CommissionerAssignment(enterprise=ent, commissioner=ent.commissioner, started_at=start,
                                                  reason="服务专员制度试点"))
    # A reassignment, so the history shows one: the last key enterprise changed hands in July.
    last = key[-1]
    assignments[-1].ended_at = _aware(datetime.date(2022, 7, 1))
    new = commissioners[1] if last.commissioner != commissioners[1] else commissioners[2]
    assignments.append(CommissionerAssignment(enterprise=last, commissioner=new, previous=last.commissioner,
                                              started_at=_aware(datetime.date(2022, 7, 1)), reason="专员岗位调整"))
    last.commissioner = new
    Enterprise.objects.bulk_update(key, ["commissioner"])
    created = CommissionerAssignment.objects.bulk_create(assignments)
    audit.record_many([{"action": AuditAction.UPDATE, "obj": e, "after": {"commissioner": e.commissioner_id}}
                       for e in key] + [{"action": AuditAction.CREATE, "obj": a, "after": audit.snapshot(a)}
                                        for a in created])

    # ---- Service requests of 2022 ------------------------------------------------------------
    type_pairs = [(types[c], w) for c, w in TYPE_WEIGHTS.items()]
    plans = []
    for n in range(N_REQUESTS_2022):
        ent = key[n % len(key)] if n < len(key) else rng.choice(key)  # every key enterprise served at least once
        stype = _weighted(rng, type_pairs)
        submitted = _aware(datetime.date(2022, 1, 4) + datetime.timedelta(days=rng.randint(0, 350)),
                           rng.randint(8, 16), rng.randint(0, 59))
        # Most requests finish well within the promised limit; a few run late.
        share = rng.uniform(0.2, 0.95) if rng.random() > 0.06 else rng.uniform(1.05, 1.6)
        days = max(0, round(stype.promised_days * share))
        plans.append((ent, stype, submitted, days))
    requests, events, pending_events = [], [], []
    for ent, stype, submitted, days in plans:
        accepted = submitted + datetime.timedelta(minutes=rng.randint(20, 240))
        processing = accepted + datetime.timedelta(minutes=rng.randint(10, 120))
        completed = max(_after_workdays(rng, submitted, days), processing + datetime.timedelta(hours=1))
        local_sub, local_done = timezone.localtime(submitted), timezone.localtime(completed)
        rated = completed + datetime.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 5))
        rating = _weighted(rng, [(5, 70), (4, 25), (3, 5)])
        title = rng.choice(TITLES[stype.code])
        requests.append(ServiceRequest(
            enterprise=ent, service_type=stype, title=title, description=f"{ent.name}：{title}。",
            status=RequestStatus.RATED, submitted_by=ent.commissioner, submitted_at=submitted, accepted_at=accepted,
            processing_at=processing, completed_at=completed, rated_at=rated, handler=ent.commissioner,
            promised_days=stype.promised_days, former_days=stype.former_days, day_unit=stype.day_unit,
            due_date=rules.due_date(local_sub.date(), stype.promised_days, stype.day_unit),
            handling_days=rules.elapsed_days(local_sub, local_done, stype.day_unit),
            result=f"已办结：{title}", rating=rating, rating_comment=""))
        pending_events.append([(EventKind.SUBMITTED, ent.commissioner, submitted, "", RequestStatus.SUBMITTED, "企业电话提出，专员代为登记"),
                               (EventKind.ACCEPTED, ent.commissioner, accepted, RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, ""),
                               (EventKind.PROCESSING, ent.commissioner, processing, RequestStatus.ACCEPTED, RequestStatus.PROCESSING, ""),
                               (EventKind.COMPLETED, ent.commissioner, completed, RequestStatus.PROCESSING, RequestStatus.COMPLETED, f"已办结：{title}"),
                               (EventKind.RATED, None, rated, RequestStatus.COMPLETED, RequestStatus.RATED,
                                "专员回访，企业评价：" + {5: "非常满意", 4: "满意", 3: "基本满意"}[rating])])
    requests = ServiceRequest.objects.bulk_create(requests)
    for req, steps in zip(requests, pending_events):
        for kind, actor, at, before, after, note in steps:
            events.append(RequestEvent(request=req, kind=kind, actor=actor, at=at, from_status=before, to_status=after,
                                       note=note))
    events = RequestEvent.objects.bulk_create(events)
    audit.record_many([{"action": AuditAction.CREATE, "obj": r, "after": audit.snapshot(r)} for r in requests])

    # ---- Live requests for the demo accounts (today's date) ----------------------------------
    _live_requests(key[0], commissioners[0], types, rng)

    # ---- 专精特新 problem log: 110 enterprises, 230+ problems solved in 2022 -----------------
    # The 专精特新-tagged enterprises first, then others in the registry's order, up to the pilot's 110.
    everyone = list(Enterprise.objects.order_by("uscc"))
    chosen = sorted(everyone, key=lambda e: "zjtx" not in (e.tags or []))[:N_PROBLEM_ENTERPRISES]
    problems = []
    for i, ent in enumerate(chosen):
        for _k in range(3 if i < 18 else 2):
            cat = _weighted(rng, PROBLEM_CATEGORIES)
            raised = datetime.date(2022, 1, 5) + datetime.timedelta(days=rng.randint(0, 320))
            text, done = PROBLEM_TEXT[cat]
            problems.append(ProblemLog(enterprise=ent, category=cat, description=text, raised_on=raised,
                                       status=ProblemStatus.SOLVED, resolution=done,
                                       solved_on=min(raised + datetime.timedelta(days=rng.randint(2, 40)),
                                                     datetime.date(2022, 12, 30))))
    for p in problems[-4:]:  # a few still open at the year end
        p.status, p.resolution, p.solved_on = ProblemStatus.OPEN, "", None
    problems = ProblemLog.objects.bulk_create(problems)
    audit.record_many([{"action": AuditAction.CREATE, "obj": p, "after": audit.snapshot(p)} for p in problems])
    if stdout:
        stdout.write(f"  services: {len(key)} key enterprises with commissioners, {len(requests)} requests in 2022, "
                     f"{len(problems)} problems of {len(chosen)} enterprises")


def _live_requests(enterprise, commissioner, types, rng):
    """Open requests for the demo commissioner's workbench (new, due soon, overdue) and one waiting
    for the demo enterprise's rating."""
    now = timezone.now()
    today = timezone.localdate()
    plans = [("prexam_filing", "申请快速预审主体备案（新提交）", now - datetime.timedelta(hours=2), RequestStatus.SUBMITTED),
             ("pledge", "专利质押融资对接", _aware(today - datetime.timedelta(days=6)), RequestStatus.PROCESSING),
             ("policy", "专利资助政策咨询", _aware(today - datetime.timedelta(days=20)), RequestStatus.ACCEPTED),
             ("priority_exam", "发明专利优先审查推荐", _aware(today - datetime.timedelta(days=3)), RequestStatus.COMPLETED)]
    order = [RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.PROCESSING, RequestStatus.COMPLETED]
    kinds = {RequestStatus.SUBMITTED: EventKind.SUBMITTED, RequestStatus.ACCEPTED: EventKind.ACCEPTED,
             RequestStatus.PROCESSING: EventKind.PROCESSING, RequestStatus.COMPLETED: EventKind.COMPLETED}
    for code, title, submitted, status in plans:
        stype = types[code]
        local = timezone.localtime(submitted)
        req = ServiceRequest(enterprise=enterprise, service_type=stype, title=title, status=status,
                             submitted_by=commissioner, submitted_at=submitted, handler=commissioner,
                             promised_days=stype.promised_days, former_days=stype.former_days, day_unit=stype.day_unit,
                             due_date=rules.due_date(local.date(), stype.promised_days, stype.day_unit))
        steps, at, before = [], submitted, ""
        for s in order[:order.index(status) + 1]:
            steps.append((kinds[s], at, before, s))
            if s == RequestStatus.ACCEPTED:
                req.accepted_at = at
            elif s == RequestStatus.PROCESSING:
                req.processing_at = at
            elif s == RequestStatus.COMPLETED:
                req.completed_at, req.result = at, "已出具优先审查推荐意见"
                req.handling_days = rules.elapsed_days(local, timezone.localtime(at), stype.day_unit)
            before, at = s, at + datetime.timedelta(hours=1)
        req.save()
        for kind, when, b, s in steps:
            RequestEvent.objects.create(request=req, kind=kind, actor=commissioner, at=when, from_status=b, to_status=s,
                                        note=req.result if kind == EventKind.COMPLETED else "")
