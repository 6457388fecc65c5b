"""The workflows of protection cases, declared once (core.workflow): 维权援助 (AssistanceCase), 专利侵权纠纷行政裁决
(AdjudicationCase) and 协作 (CooperationCase).

A state transition is named after the state it leads to (the URL …/act/<target>/ and the API's `to`, as
always); a step that keeps the state (a note, a service, a suspension, …) has its own name and target None.
Each step's form is a Django Form below (translatable labels); the people a step may name are filled in per user
(actions.nameable_people). `offered` says when a page shows a step that keeps the state; the step's function
still checks its own preconditions and words its refusal. Steps are taken through core.workflow.perform (the row
locked within the user's scope); actions.transition and views.run_step are the entry points.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from ipdesk.core.workflow import Transition, Workflow, register

from . import actions
from .choices import AdjudicationStatus as A
from .choices import AssistanceOutcome, AssistanceServiceKind
from .choices import AssistanceStatus as S
from .choices import CooperationResult
from .choices import CooperationStatus as C
from .choices import ExcludedPeriodKind
from .error_codes import ProtectionErrorCode, error
from .models import AdjudicationCase, AssistanceCase, CooperationCase


# ---- the forms of the steps ---------------------------------------------------------------------------------
def _date(label=_("日期")):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _area(label):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _text(label):
    return forms.CharField(label=label, required=False)


def _person(label):
    """One person the step names (承办人): choices filled per user from actions.nameable_people(user, "user")."""
    return forms.ChoiceField(label=label, required=False, choices=(), widget=forms.Select(attrs={"data-people": "user"}))


def _people(label):
    return forms.MultipleChoiceField(label=label, required=False, choices=(),
                                     widget=forms.SelectMultiple(attrs={"data-people": "users"}))


def _form(name, **fields):
    return type(name, (forms.Form,), dict(fields))


NoteDateForm = _form("NoteDateForm", date=_date(), note=_area(_("说明")))
NoteOnlyForm = _form("NoteOnlyForm", note=_area(_("备注内容")), date=_date())
DeclineForm = _form("DeclineForm", date=_date(), note=_area(_("不予受理理由")))
AssignForm = _form("AssignForm", handler=_person(_("承办人")), date=_date(), note=_area(_("说明")))
ReferForm = _form("ReferForm", referred_to=_text(_("转办单位")), date=_date(), note=_area(_("转办说明")))
CloseForm = _form("CloseForm", outcome=forms.ChoiceField(label=_("办理结果"), required=False,
                                                         choices=AssistanceOutcome.choices),
                  outcome_note=_area(_("结果说明")), date=_date())
VisitForm = _form("VisitForm", visit_note=_area(_("回访情况")), date=_date())
ServiceForm = _form("ServiceForm", kind=forms.ChoiceField(label=_("服务类型"), required=False,
                                                          choices=AssistanceServiceKind.choices),
                    description=_area(_("服务内容")), date=_date())
FileForm = _form("FileForm", handlers=_people(_("办案人员（3名或以上单数）")), date=_date(_("立案日期")),
                 note=_area(_("说明")))
RejectForm = _form("RejectForm", date=_date(_("决定日期")), note=_area(_("不予受理理由")))
ServeCopyForm = _form("ServeCopyForm", date=_date(_("送达日期")), note=_area(_("说明")))
AnswerForm = _form("AnswerForm", date=_date(_("答辩日期")), note=_area(_("答辩要点")))
ScheduleForm = _form("ScheduleForm", hearing_on=_date(_("口头审理日期")), date=_date(_("通知日期")), note=_area(_("说明")))
HearForm = _form("HearForm", date=_date(_("口头审理日期")), note=_area(_("审理情况")))
DecideForm = _form("DecideForm", infringement_found=forms.ChoiceField(
    label=_("裁决结论"), required=False, choices=[("true", _("认定侵权")), ("false", _("不构成侵权"))]),
    result=_area(_("裁决主文")), date=_date(_("裁决日期")))
MediateForm = _form("MediateForm", result=_area(_("调解协议内容")), date=_date(_("调解日期")))
WithdrawForm = _form("WithdrawForm", result=_area(_("撤回情况")), date=_date(_("撤回日期")))
ServeForm = _form("ServeForm", date=_date(_("送达日期")), note=_text(_("送达方式")))
SuspendForm = _form("SuspendForm", kind=forms.ChoiceField(label=_("类型"), required=False,
                                                          choices=ExcludedPeriodKind.choices),
                    reason=_text(_("事由")), date=_date(_("起始日")))
ResumeForm = _form("ResumeForm", date=_date(_("结束日")), note=_area(_("说明")))
ExtendForm = _form("ExtendForm", amount=_text(_("延长（月）")), approved_by=_text(_("批准人")),
                   date=_date(_("批准日期")), reason=_text(_("延长理由")))
ReplyForm = _form("ReplyForm", reply=_area(_("对方回复")), date=_date(_("回复日期")))
DeclineReplyForm = _form("DeclineReplyForm", reply=_area(_("不予受理理由")), date=_date(_("回复日期")))
ConcludeForm = _form("ConcludeForm", result=forms.ChoiceField(label=_("结果"), required=False,
                                                              choices=CooperationResult.choices),
                     reply=_area(_("对方回复/说明")), date=_date(_("办结日期")))


# ---- guards and when a step is offered -----------------------------------------------------------------------
def not_suspended(case, data):
    """Guard of every state change (pure): a case in a suspension (不计入期间) must be resumed first — the rule
    actions.transition always applied to the periods of protection.limits (unverified against a regulation)."""
    return ProtectionErrorCode.SUSPENDED if getattr(case, "is_suspended", False) else None


def _never_served(code):
    def offered(case):
        return not case.events.filter(code=code).exists()
    return offered


def _effect(fn, **fixed):
    """A step function of actions.py (fn(case, user, **params)) as a workflow effect."""
    def effect(case, user, data):
        return fn(case, user, **{**data, **fixed})
    effect.__name__ = fn.__name__
    return effect


def _move(target, source, fn, label, form):
    return Transition(str(target), tuple(source), target, label, _effect(fn), form, guard=not_suspended)


def _step(model_states, name, states, fn, label, form, when=None, **fixed):
    """A step that keeps the state: offered on the page in `states` (and when `when(case)`), but taken from any of
    `model_states`: its function checks its own preconditions with its own wording, as it always did."""
    states = tuple(states)
    return Transition(name, tuple(model_states.values), None, label, _effect(fn, **fixed), form,
                      offered=lambda c: c.status in states and (when is None or when(c)))


class CaseWorkflow(Workflow):
    """Refusals worded as the case pages always have (actions._allowed_text)."""
    error_prefix = _("操作未完成：")

    def state_error(self, obj, t):
        current = actions._label(type(obj), obj.status)
        return error(ProtectionErrorCode.INVALID_TRANSITION, current=current, label=t.label,
                     allowed=actions._allowed_text(obj, actions.allowed_targets(obj)))

    def guard_error(self, obj, t, code, data):
        return error(code, label=t.label)


_OPEN_A = (A.FILED, A.ANSWERED, A.HEARD)

ASSISTANCE = register(CaseWorkflow(
    AssistanceCase, S, [
        _move(S.ACCEPTED, {S.APPLIED}, actions.accept_assistance, _("受理"), NoteDateForm),
        _move(S.DECLINED, {S.APPLIED}, actions.decline_assistance, _("不予受理"), DeclineForm),
        _move(S.HANDLING, (S.ACCEPTED, S.HANDLING), actions.assign_assistance, _("指派承办人"), AssignForm),
        _move(S.REFERRED, (S.ACCEPTED, S.HANDLING), actions.refer_assistance, _("转办"), ReferForm),
        _move(S.CLOSED, (S.ACCEPTED, S.HANDLING, S.REFERRED), actions.close_assistance, _("办结"), CloseForm),
        _move(S.VISITED, (S.CLOSED,), actions.visit_assistance, _("回访"), VisitForm),
        _step(S, "service", (S.ACCEPTED, S.HANDLING, S.REFERRED), actions.record_service, _("登记援助服务"),
              ServiceForm),
        _step(S, "note", S.values, actions.add_note, _("添加备注"), NoteOnlyForm),
    ],
    url_name="protection:assistancecase_act", codes=ProtectionErrorCode,
    note=_("受理 → 指派承办人 → 登记援助服务 → 办结 → 回访；不予受理、转办各自结束或移交。"),
))

ADJUDICATION = register(CaseWorkflow(
    AdjudicationCase, A, [
        _move(A.FILED, {A.REQUESTED}, actions.file_adjudication, _("立案"), FileForm),
        _move(A.REJECTED, {A.REQUESTED}, actions.reject_adjudication, _("不予受理"), RejectForm),
        _move(A.ANSWERED, {A.FILED}, actions.answer_adjudication, _("登记答辩"), AnswerForm),
        _move(A.HEARD, (A.FILED, A.ANSWERED), actions.hear_adjudication, _("口头审理"), HearForm),
        _move(A.DECIDED, (A.ANSWERED, A.HEARD), actions.decide_adjudication, _("作出裁决"), DecideForm),
        _move(A.MEDIATED, _OPEN_A, actions.mediate_adjudication, _("调解结案"), MediateForm),
        _move(A.WITHDRAWN, _OPEN_A, actions.withdraw_adjudication, _("撤回结案"), WithdrawForm),
        _move(A.SERVED, (A.DECIDED, A.MEDIATED, A.WITHDRAWN), actions.serve_adjudication, _("文书送达"), ServeForm),
        _step(A, "copy_served", (A.FILED,), actions.serve_copy, _("送达请求书副本"), ServeCopyForm,
              when=lambda c: not c.is_suspended and _never_served("copy_served")(c)),
        _step(A, "answer_copy_served", (A.ANSWERED, A.HEARD), actions.serve_answer_copy, _("送达答辩书副本"),
              ServeCopyForm, when=_never_served("answer_copy_served")),
        _step(A, "hearing_scheduled", (A.FILED, A.ANSWERED), actions.schedule_hearing, _("安排口头审理"), ScheduleForm,
              when=lambda c: not c.is_suspended),
        _step(A, "suspend", _OPEN_A, actions.suspend, _("中止/不计入期间"), SuspendForm,
              when=lambda c: not c.is_suspended),
        _step(A, "resume", A.values, actions.resume, _("恢复计算"), ResumeForm, when=lambda c: c.is_suspended),
        _step(A, "extend", _OPEN_A, actions.extend, _("延长结案期限"), ExtendForm, rule="closure"),
        _step(A, "note", A.values, actions.add_note, _("添加备注"), NoteOnlyForm),
    ],
    url_name="protection:adjudicationcase_act", codes=ProtectionErrorCode,
    note=_("立案、送达、答辩、口头审理、结案、文书送达；法定期限按“法定期限规则”计算，中止期间不计入。"),
))

COOPERATION = register(CaseWorkflow(
    CooperationCase, C, [
        _move(C.ACCEPTED, {C.SENT}, actions.accept_cooperation, _("对方受理"), ReplyForm),
        _move(C.DECLINED, {C.SENT}, actions.decline_cooperation, _("对方不予受理"), DeclineReplyForm),
        _move(C.CONCLUDED, {C.ACCEPTED}, actions.conclude_cooperation, _("办结"), ConcludeForm),
        _step(C, "note", C.values, actions.add_note, _("添加备注"), NoteOnlyForm),
    ],
    url_name="protection:cooperationcase_act", codes=ProtectionErrorCode,
    note=_("协作请求发出后，按对方回复登记受理、不予受理或办结。"),
))


def state_changes(wf):
    """The transitions of a case workflow that change the state (the old FLOWS), in button order."""
    return [t for t in wf.transitions.values() if t.target is not None]


def steps(wf):
    """The steps that keep the state (the old EXTRA_STEPS)."""
    return [t for t in wf.transitions.values() if t.target is None]
