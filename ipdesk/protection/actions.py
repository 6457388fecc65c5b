"""The steps of protection cases. Which step may follow which is declared in protection.workflows; a step is
taken through core.workflow.perform (the row locked within the user's scope, the state and the guard checked),
and the functions here are its effects: the step's form (protection.workflows) has parsed the input (dates,
choices, the people the user may name); they check it against the case, change the record and return an
`events.Step` (the kind, code, day, states, note and data of the timeline row), which perform() writes as the
case's typed CaseEvent row (events.record_step: the timeline is data). An invalid step raises a ValidationError
saying what is allowed next (coded, protection.error_codes), so the UI shows it as a message and the API as a 400.

Pages and the API take steps through core.workflow's one action view and API action; `transition(case, target,
user, **params)` (a state change) and `take_step(case, name, user, **params)` (a step that keeps the state) are
the entry points of demo data and tests. A step function called by itself changes the record but writes no
timeline row. Only the registration of a case (`register`) and its attachments write events here directly.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import rules
from .choices import (AdjudicationStatus as A, AssistanceOutcome, AssistanceServiceKind, AssistanceStatus as S,
                      CooperationResult, CooperationStatus as C, EventKind, ExcludedPeriodKind)
from .events import Step, event
from .models import (AdjudicationCase, AssistanceCase, AssistanceService, CalendarDay, CooperationCase,
                     ExcludedPeriod, Extension, TimeLimitRule)


# ---- helpers -------------------------------------------------------------------------------------
def _today():
    return timezone.localdate()


def _date(value, label, default=None, required=False):
    """The step's day: as the step's form parsed it (YYYY-MM-DD, protection.workflows), else `default`, else today."""
    if value in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。")
        return default if default is not None else _today()
    return value.date() if isinstance(value, datetime.datetime) else value


def _not_future(day, label):
    if day > _today():
        raise ValidationError(f"{label}（{day}）不能晚于今天。")
    return day


def _not_before(day, earlier, label, earlier_label):
    if earlier is not None and day < earlier:
        raise ValidationError(f"{label}（{day}）不能早于{earlier_label}（{earlier}）。")
    return day


def _text(value, label, required=False, limit=None):
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。")
    if limit and len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 个字。")
    return text


def _label(model, status):
    return dict(model._meta.get_field("status").choices).get(status, status)


def _move(case, target, *, date, note="", data=None, code=None, fields=(), kind=EventKind.TRANSITION):
    """Change the status and save the named fields; the transition's timeline row, for perform() to write."""
    before = case.status
    case.status = target
    case.save(update_fields=["status", *fields])
    return Step(kind, code or target, date, before, target, note, data)


def _workflow(case):
    from ipdesk.core.workflow import workflow_for
    return workflow_for(case)


def _state_changes(case):
    from .workflows import state_changes
    return {t.name: t for t in state_changes(_workflow(case))}


def _allowed_text(case, allowed):
    if not allowed:
        return "该案件已到最后一步，没有可执行的后续操作。"
    flow = _state_changes(case)
    return "当前可以执行：" + "、".join(f"{flow[t].label}（{t}）" for t in allowed) + "。"


def allowed_targets(case):
    """The states this case may move to now, in the order the buttons show (protection.workflows)."""
    if getattr(case, "is_suspended", False):
        return []
    return [name for name, t in _state_changes(case).items() if t.starts_from(case.status)]


def next_steps(case):
    """(target, label) pairs for the buttons on a case page."""
    flow = _state_changes(case)
    return [(t, str(flow[t].label)) for t in allowed_targets(case)]


def transition(case, target, user, **params):
    """Move `case` to `target` with the step's parameters (dates as date or YYYY-MM-DD text), through
    core.workflow.submit (the step's form, then the row locked within the user's scope, the state and the guard)."""
    from ipdesk.core.workflow import submit

    from .error_codes import ProtectionErrorCode, error
    if target not in _state_changes(case):
        raise error(ProtectionErrorCode.UNKNOWN_TARGET, target=target,
                    allowed=_allowed_text(case, allowed_targets(case)))
    result = submit(case, target, user, params)
    case.refresh_from_db()  # the caller's instance shows the new state
    return result


def take_step(case, name, user, **params):
    """Take the step `name` that keeps the state (a service, a note, a suspension, …: protection.workflows) with
    the step function's parameters (dates as date objects), through core.workflow.perform: the row locked within
    the user's scope, the step function run, its timeline row written."""
    from ipdesk.core.workflow import perform
    result = perform(case, name, user, params)
    case.refresh_from_db()  # the caller's instance shows what the step changed
    return result


# ---- registration (creates the first timeline row) ------------------------------------------------
def register(case, user):
    """Record the creation of a case in its timeline (called right after the first save)."""
    if isinstance(case, AdjudicationCase):
        code, day = A.REQUESTED, case.received_on
    elif isinstance(case, AssistanceCase):
        code, day = case.status, case.received_on
    else:
        code, day = case.status, case.received_on
    row = event(case, EventKind.CREATED, user, code=code, date=day, to_status=case.status)
    _notify_new(case, user)
    return row


def _notify_new(case, user):
    """A new assistance application or adjudication request reaches the officers of its region
    (core.notify.to_office: not when the district's own office entered it)."""
    from ipdesk.core.notify import notify, to_office
    if isinstance(case, AssistanceCase):
        what, party = "维权援助申请" if case.status == S.APPLIED else "维权援助案件", case.enterprise
    elif isinstance(case, AdjudicationCase):
        what, party = "行政裁决请求", case.requester_name
    else:
        return
    notify(to_office(case.region, user), f"新的{what}：{case.number} {case.title}（{party}）",
           case.get_absolute_url(), f"protection_new_{case._meta.model_name}", key=f"protection-new-{case.number}")


# ---- 维权援助 --------------------------------------------------------------------------------------
def accept_assistance(case, user, date=None, note="", **_):
    day = _not_future(_not_before(_date(date, "受理日期"), case.received_on, "受理日期", "申请日期"), "受理日期")
    return _move(case, S.ACCEPTED, date=day, note=_text(note, "说明"))


def decline_assistance(case, user, date=None, note="", **_):
    day = _not_future(_date(date, "日期"), "日期")
    case.outcome_note = _text(note, "不予受理理由", required=True)
    return _move(case, S.DECLINED, date=day, note=case.outcome_note, fields=["outcome_note"])


def assign_assistance(case, user, handler=None, date=None, note="", **_):
    from ipdesk.accounts.models import User
    from ipdesk.core.scoping import Role
    if handler in (None, ""):
        raise ValidationError("请选择承办人（工作人员或公职律师）。")
    pk = getattr(handler, "pk", handler)
    handler = User.objects.filter(pk=pk if str(pk).isdigit() else None, is_active=True).first()
    if handler is None or not handler.has_role(Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.LAWYER):
        raise ValidationError("承办人必须是在岗的工作人员或公职律师。")
    if not nameable_people(user, "user").filter(pk=handler.pk).exists():
        raise ValidationError("承办人不在您可指派的人员范围内（其他区（市）的工作人员不能指派）。")
    day = _not_future(_date(date, "指派日期"), "指派日期")
    before = case.handler
    case.handler = handler
    return _move(case, S.HANDLING, date=day, note=_text(note, "说明"), fields=["handler"], kind=EventKind.ASSIGNED,
                 data={"handler": handler.pk, "handler_name": str(handler), "previous": str(before or "")})


def refer_assistance(case, user, referred_to="", date=None, note="", **_):
    case.referred_to = _text(referred_to, "转办单位", required=True, limit=200)
    day = _not_future(_date(date, "转办日期"), "转办日期")
    return _move(case, S.REFERRED, date=day, note=_text(note, "转办说明"), fields=["referred_to"],
                 kind=EventKind.REFERRED, data={"referred_to": case.referred_to})


def close_assistance(case, user, outcome="", outcome_note="", date=None, **_):
    if outcome not in AssistanceOutcome.values:
        raise ValidationError("请选择办理结果：" + "、".join(f"{label}（{v}）" for v, label in AssistanceOutcome.choices))
    day = _not_future(_not_before(_date(date, "办结日期"), case.received_on, "办结日期", "受理日期"), "办结日期")
    case.outcome, case.outcome_note, case.closed_on = outcome, _text(outcome_note, "结果说明"), day
    return _move(case, S.CLOSED, date=day, note=case.outcome_note, data={"outcome": outcome},
                 fields=["outcome", "outcome_note", "closed_on"])


def visit_assistance(case, user, visit_note="", date=None, **_):
    case.visit_note = _text(visit_note, "回访情况", required=True)
    day = _not_future(_not_before(_date(date, "回访日期"), case.closed_on, "回访日期", "办结日期"), "回访日期")
    case.visited_on = day
    return _move(case, S.VISITED, date=day, note=case.visit_note, fields=["visit_note", "visited_on"],
                 kind=EventKind.FOLLOW_UP)


@transaction.atomic
def record_service(case, user, kind="", date=None, description="", **_):
    """A service given (咨询、侵权判定意见、专家论证、公益代理、海外指导): a record and its timeline row."""
    if case.status not in (S.ACCEPTED, S.HANDLING, S.REFERRED):
        raise ValidationError(f"案件状态为「{_label(AssistanceCase, case.status)}」，只有受理后、办结前可以登记援助服务。")
    if kind not in AssistanceServiceKind.values:
        raise ValidationError("请选择服务类型：" + "、".join(label for _v, label in AssistanceServiceKind.choices))
    day = _not_future(_not_before(_date(date, "服务日期"), case.received_on, "服务日期", "受理日期"), "服务日期")
    service = AssistanceService.objects.create(case=case, kind=kind, date=day, provided_by=user if user and user.pk else None,
                                               description=_text(description, "服务内容"))
    return Step(EventKind.SERVICE, kind, day, note=service.description, data={"service": service.pk, "kind": kind})


# ---- 专利侵权纠纷行政裁决 -------------------------------------------------------------------------
def nameable_people(user, kind):
    """Who `user` may name on a case: an assistance handler (kind "user": officers and public lawyers)
    or an adjudication panel member (kind "users": officers). A district officer names the officers of
    its own district (and the zones under it), city officers and public lawyers — never another
    district's officers, whose names would then show on this district's case and its documents.
    The step forms offer exactly these people, and the steps refuse anyone else (the form is no guard)."""
    from django.db.models import Q

    from ipdesk.accounts.models import User
    from ipdesk.core.scoping import Role
    roles = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER} | ({Role.LAWYER} if kind == "user" else set())
    qs = User.objects.filter(is_active=True, role__in=roles)
    if user is not None and user.role == Role.DISTRICT_OFFICER and not user.is_superuser and user.region_id:
        qs = qs.filter(Q(region__path__startswith=user.region.path) | Q(role=Role.LAWYER) | Q(role=Role.CITY_OFFICER))
    return qs


def _handlers(value, user=None):
    from ipdesk.accounts.models import User
    from ipdesk.core.scoping import OFFICERS
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    ids = []
    for item in value:
        pk = getattr(item, "pk", item)
        if not str(pk).strip().isdigit():
            raise ValidationError(f"办案人员「{item}」不是有效的用户编号。")
        ids.append(int(pk))
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise ValidationError("办案人员中有不存在或已停用的用户。")
    if any(not (u.is_superuser or u.role in OFFICERS) for u in users):
        raise ValidationError("办案人员必须是市局或区（市）局工作人员。")
    allowed = set(nameable_people(user, "users").filter(pk__in=ids).values_list("pk", flat=True))
    outside = [str(u) for u in users if u.pk not in allowed]
    if outside:
        raise ValidationError(f"办案人员「{'、'.join(outside)}」不在您可指派的人员范围内（其他区（市）的工作人员不能列入合议组）。")
    return users


def file_adjudication(case, user, date=None, handlers=None, note="", **_):
    """立案: the panel (odd, at least three officers) is named when the case is filed."""
    panel = _handlers(handlers, user)
    if panel is None:
        panel = list(case.handlers.all())
    if not rules.is_valid_panel(len(panel)):
        raise ValidationError(f"立案时须指定3名或3名以上单数的办案人员，当前为 {len(panel)} 名。")
    day = _not_future(_not_before(_date(date, "立案日期"), case.received_on, "立案日期", "收到请求书日期"), "立案日期")
    case.filed_on = day
    case.handlers.set(panel)
    return _move(case, A.FILED, date=day, note=_text(note, "说明"), fields=["filed_on"],
                 data={"handlers": [u.pk for u in panel]})


def reject_adjudication(case, user, date=None, note="", **_):
    reason = _text(note, "不予受理理由", required=True)
    day = _not_future(_not_before(_date(date, "决定日期"), case.received_on, "决定日期", "收到请求书日期"), "决定日期")
    case.result, case.concluded_on = reason, day
    return _move(case, A.REJECTED, date=day, note=reason, fields=["result", "concluded_on"])


@transaction.atomic
def serve_copy(case, user, date=None, note="", **_):
    """送达请求书副本: starts the respondent's answer period."""
    if case.status != A.FILED:
        raise ValidationError("只有已立案、尚未答辩的案件可以登记送达请求书副本。")
    if case.events.filter(code="copy_served").exists():
        raise ValidationError("已登记过送达请求书副本。")
    day = _not_future(_not_before(_date(date, "送达日期"), case.filed_on, "送达日期", "立案日期"), "送达日期")
    return Step(EventKind.COPY_SERVED, "copy_served", day, note=_text(note, "说明"))


@transaction.atomic
def serve_answer_copy(case, user, date=None, note="", **_):
    """送达答辩书副本: the respondent's answer is served on the requester (limit answer_copy_service, 局令第71号,
    待核对 — see protection.rules)."""
    answered = case.events.filter(code="answered").order_by("-date").values_list("date", flat=True).first()
    if case.status not in (A.ANSWERED, A.HEARD) or answered is None:
        raise ValidationError("只有已答辩的案件可以登记送达答辩书副本。")
    if case.events.filter(code="answer_copy_served").exists():
        raise ValidationError("已登记过送达答辩书副本。")
    day = _not_future(_not_before(_date(date, "送达日期"), answered, "送达日期", "答辩日期"), "送达日期")
    return Step(EventKind.ANSWER_COPY_SERVED, "answer_copy_served", day, note=_text(note, "说明"))


def answer_adjudication(case, user, date=None, note="", **_):
    day = _not_future(_not_before(_date(date, "答辩日期"), case.filed_on, "答辩日期", "立案日期"), "答辩日期")
    return _move(case, A.ANSWERED, date=day, note=_text(note, "答辩要点"))


@transaction.atomic
def schedule_hearing(case, user, hearing_on=None, date=None, note="", **_):
    """确定口头审理: the parties are notified on `date`; the hearing may not come before the notice floor."""
    if case.status not in (A.FILED, A.ANSWERED) or case.is_suspended:
        raise ValidationError("只有已立案或已答辩、未中止的案件可以安排口头审理。")
    notice = _not_future(_not_before(_date(date, "通知日期"), case.filed_on, "通知日期", "立案日期"), "通知日期")
    hearing = _date(hearing_on, "口头审理日期", required=True)
    rule = TimeLimitRule.objects.filter(code="hearing_notice", is_active=True).first()
    days = rule.amount if rule else rules.HEARING_NOTICE_WORKING_DAYS
    earliest = rules.earliest_hearing_date(notice, CalendarDay.work_calendar(), days)
    if hearing < earliest:
        raise ValidationError(f"口头审理日期（{hearing}）过早：应在通知当事人之后至少 {days} 个工作日，"
                              f"{notice} 通知的最早可定于 {earliest}。")
    case.hearing_on = hearing
    case.save(update_fields=["hearing_on"])
    return Step(EventKind.HEARING_SCHEDULED, "hearing_scheduled", notice, note=_text(note, "说明"),
                data={"hearing_on": hearing.isoformat()})


def hear_adjudication(case, user, date=None, note="", **_):
    """口头审理 held: not before the filing, not in the future, and not before the day the parties were
    notified it would take place (a hearing cannot be held before its notice says; an earlier hearing is
    rescheduled first, which checks the notice floor again)."""
    scheduled = case.hearing_on
    default = scheduled if scheduled and scheduled <= _today() else None
    day = _not_future(_not_before(_date(date, "口头审理日期", default=default), case.filed_on, "口头审理日期", "立案日期"),
                      "口头审理日期")
    if scheduled is not None and day < scheduled:
        raise ValidationError(f"口头审理日期（{day}）早于安排的审理日期（{scheduled}），不能记录为已审理；"
                              f"如审理提前，请先重新安排口头审理。")
    case.hearing_on = day
    return _move(case, A.HEARD, date=day, note=_text(note, "审理情况"), fields=["hearing_on"])


def _conclude(case, target, date, result, label, extra_fields=(), data=None):
    day = _not_future(_not_before(_date(date, label), case.filed_on, label, "立案日期"), label)
    case.concluded_on = day
    case.result = result
    return _move(case, target, date=day, note=result, fields=["concluded_on", "result", *extra_fields],
                 data=data)


def decide_adjudication(case, user, date=None, infringement_found=None, result="", **_):
    if infringement_found not in (True, False):     # the form read "true"/"false" (protection.workflows)
        raise ValidationError("请选择裁决结论：认定侵权或不构成侵权。")
    case.infringement_found = infringement_found
    return _conclude(case, A.DECIDED, date, _text(result, "裁决主文", required=True), "裁决日期",
                     extra_fields=["infringement_found"], data={"infringement_found": infringement_found})


def mediate_adjudication(case, user, date=None, result="", **_):
    return _conclude(case, A.MEDIATED, date, _text(result, "调解协议内容", required=True), "调解日期")


def withdraw_adjudication(case, user, date=None, result="", **_):
    return _conclude(case, A.WITHDRAWN, date, _text(result, "撤回情况", required=True), "撤回日期")


def serve_adjudication(case, user, date=None, note="", **_):
    day = _not_future(_not_before(_date(date, "送达日期"), case.concluded_on, "送达日期", "结案日期"), "送达日期")
    case.served_on = day
    return _move(case, A.SERVED, date=day, note=_text(note, "送达方式"), fields=["served_on"])


@transaction.atomic
def suspend(case, user, kind=ExcludedPeriodKind.SUSPENSION, date=None, reason="", **_):
    """中止 / 鉴定 / 公告: a period the closure limit does not count, open until `resume`."""
    case = AdjudicationCase._base_manager.select_for_update().get(pk=case.pk)
    if case.status not in (A.FILED, A.ANSWERED, A.HEARD):
        raise ValidationError(f"案件状态为「{_label(AdjudicationCase, case.status)}」，只有立案后、结案前可以中止。")
    if case.is_suspended:
        raise ValidationError("案件已处于中止（不计入期间）中。")
    if kind not in ExcludedPeriodKind.values:
        raise ValidationError("请选择不计入期间的类型：" + "、".join(label for _v, label in ExcludedPeriodKind.choices))
    day = _not_future(_not_before(_date(date, "起始日"), case.filed_on, "起始日", "立案日期"), "起始日")
    last = case.excluded_periods.exclude(end=None).order_by("-end").first()
    if last is not None and day <= last.end:
        raise ValidationError(f"起始日（{day}）须晚于上一不计入期间的结束日（{last.end}）。")
    period = ExcludedPeriod.objects.create(case=case, kind=kind, start=day, reason=_text(reason, "事由", required=True,
                                                                                          limit=300))
    case.is_suspended = True
    case.save(update_fields=["is_suspended"])
    return Step(EventKind.SUSPENDED, "suspended", day, note=period.reason, data={"period": period.pk, "kind": kind})


@transaction.atomic
def resume(case, user, date=None, note="", **_):
    case = AdjudicationCase._base_manager.select_for_update().get(pk=case.pk)
    period = case.excluded_periods.filter(end=None).first()
    if not case.is_suspended or period is None:
        raise ValidationError("案件未处于中止（不计入期间）中，无需恢复。")
    day = _not_future(_not_before(_date(date, "结束日"), period.start, "结束日", "起始日"), "结束日")
    period.end = day
    period.save(update_fields=["end"])
    case.is_suspended = False
    case.save(update_fields=["is_suspended"])
    return Step(EventKind.RESUMED, "resumed", day, note=_text(note, "说明"),
                data={"period": period.pk, "days": (day - period.start).days + 1})


@transaction.atomic
def extend(case, user, rule="closure", amount=None, approved_by="", date=None, reason="", **_):
    """延长期限 (经负责人批准): refused when the rule allows none or the total would pass its maximum."""
    rule_obj = rule if isinstance(rule, TimeLimitRule) else TimeLimitRule.objects.filter(code=rule, is_active=True).first()
    if rule_obj is None:
        raise ValidationError(f"没有编码为「{rule}」的启用期限规则。")
    if case.status not in (A.REQUESTED, A.FILED, A.ANSWERED, A.HEARD):
        raise ValidationError("案件已结案，不能再延长期限。")
    if rule_obj.max_extension == 0:
        raise ValidationError(f"「{rule_obj.name}」不得延长。")
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ValidationError("请填写延长的期限（正整数）。") from None
    if amount <= 0:
        raise ValidationError("延长的期限须为正整数。")
    used = sum(e.amount for e in case.extensions.filter(rule=rule_obj))
    if used + amount > rule_obj.max_extension:
        raise ValidationError(f"「{rule_obj.name}」最多可延长 {rule_obj.max_extension}{rule_obj.get_unit_display()}，"
                              f"已延长 {used}，本次最多还可延长 {rule_obj.max_extension - used}。")
    day = _not_future(_date(date, "批准日期"), "批准日期")
    ext = Extension.objects.create(case=case, rule=rule_obj, amount=amount, approved_on=day,
                                   approved_by=_text(approved_by, "批准人", required=True, limit=100),
                                   reason=_text(reason, "延长理由", required=True, limit=300))
    return Step(EventKind.EXTENDED, "extended", day, note=ext.reason,
                data={"rule": rule_obj.code, "amount": amount, "approved_by": ext.approved_by})


# ---- 诉调对接、司法确认、行刑衔接 ----------------------------------------------------------------
def accept_cooperation(case, user, date=None, reply="", **_):
    day = _not_future(_not_before(_date(date, "回复日期"), case.received_on, "回复日期", "移送日期"), "回复日期")
    case.reply, case.replied_on = _text(reply, "对方回复"), day
    return _move(case, C.ACCEPTED, date=day, note=case.reply, fields=["reply", "replied_on"])


def decline_cooperation(case, user, date=None, reply="", **_):
    day = _not_future(_not_before(_date(date, "回复日期"), case.received_on, "回复日期", "移送日期"), "回复日期")
    case.reply, case.replied_on = _text(reply, "对方不予受理的理由", required=True), day
    return _move(case, C.DECLINED, date=day, note=case.reply, fields=["reply", "replied_on"])


def conclude_cooperation(case, user, date=None, result="", reply="", **_):
    if result not in CooperationResult.values:
        raise ValidationError("请选择结果：" + "、".join(f"{label}（{v}）" for v, label in CooperationResult.choices))
    day = _not_future(_not_before(_date(date, "办结日期"), case.replied_on or case.received_on, "办结日期",
                                  "受理日期"), "办结日期")
    case.result, case.concluded_on = result, day
    fields = ["result", "concluded_on"]
    if _text(reply, "回复"):
        case.reply = (case.reply + "\n" if case.reply else "") + _text(reply, "回复")
        fields.append("reply")
    return _move(case, C.CONCLUDED, date=day, note=_text(reply, "回复"), fields=fields, data={"result": result})


@transaction.atomic
def add_note(case, user, note="", date=None, **_):
    return Step(EventKind.NOTE, "note", _not_future(_date(date, "日期"), "日期"),
                note=_text(note, "备注内容", required=True, limit=2000))


def _case_of_attachment(attachment):
    from .models import AdjudicationCase, AssistanceCase, CooperationCase
    model = attachment.content_type.model_class()
    if model not in (AssistanceCase, AdjudicationCase, CooperationCase):
        return None
    return model._base_manager.filter(pk=attachment.object_id).first()


def attachment_added(sender, instance, created, **kwargs):
    """Signal receiver (core.Attachment post_save): a file attached to a case joins its timeline."""
    case = _case_of_attachment(instance) if created else None
    if case is not None:
        event(case, EventKind.ATTACHMENT, instance.uploaded_by, code="attachment", note=instance.filename,
              data={"attachment": instance.pk, "sha256": instance.sha256, "size": instance.size})


def attachment_removed(sender, instance, **kwargs):
    """Signal receiver (core.Attachment post_delete): the removal is kept on the timeline."""
    from ipdesk.core import context
    case = _case_of_attachment(instance)
    if case is not None:
        event(case, EventKind.ATTACHMENT_REMOVED, context.current().user, code="attachment_removed",
              note=instance.filename, data={"attachment": instance.pk, "sha256": instance.sha256})
