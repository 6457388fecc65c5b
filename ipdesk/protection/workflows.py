"""The workflows of protection cases, declared once (core.workflow): 维权援助 (AssistanceCase), 专利侵权纠纷行政裁决
(AdjudicationCase) and 协作 (CooperationCase).

A state transition is named after the state it leads to (the URL …/act/<target>/ and the API's `to`, as
always); a step that keeps the state (a note, a service, a suspension, …) has its own name and target None.
Each step's form is a Django Form below (translatable labels, YYYY-MM-DD dates, the choices it offers); the people
a step may name are filled in per user (actions.nameable_people). `offered` says when a page shows a step that
keeps the state; the step's function checks what depends on the case and words its refusal, changes the case and
returns an events.Step, which perform() writes as the case's timeline row (events.record_step, every transition's
event hook) before it sends the step's notices. Pages and the API take steps through core.workflow's one action
view and API action (the form, then perform: the row locked within the user's scope, the state, the guard);
actions.transition and actions.take_step are the entry points demo data and tests call.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy as _

from ipdesk.core import audit
from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.core.forms import DateInput
from ipdesk.core.models import AuditAction
from ipdesk.core.scoping import CHANGE
from ipdesk.core.notify import to_office
from ipdesk.core.workflow import Notice, StepForm, Transition, Workflow, register

from . import actions, events
from .choices import AdjudicationStatus as A
from .choices import AssistanceOutcome, AssistanceServiceKind
from .choices import AssistanceStatus as S
from .choices import CooperationResult
from .choices import CooperationStatus as C
from .choices import ExcludedPeriodKind
from .error_codes import ProtectionErrorCode, error
from .models import AdjudicationCase, AssistanceCase, CooperationCase


# ---- the forms of the steps ---------------------------------------------------------------------------------
class IsoDateField(forms.DateField):
    """A day as YYYY-MM-DD only (core.dates), refused in the words the case pages always used."""

    def to_python(self, value):
        try:
            return parse_iso_date(value.strip() if isinstance(value, str) else value, field=str(self.label))
        except InvalidDate as exc:
            raise ValidationError(str(exc), code="invalid") from None


class CaseStepForm(StepForm):
    """A step's form; the people it may name are those the user may name (actions.nameable_people), and a page
    shows it with today's date and the case's panel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"{self.step}-%s"     # one page shows every step's form: ids by step
        for field in self.fields.values():
            kind = field.widget.attrs.get("data-people")
            if kind:
                people = actions.nameable_people(self.user, kind).select_related("region").order_by("role", "username")
                field.choices = [*([("", "—")] if kind == "user" else []),
                                 *((str(u.pk), f"{u}（{u.get_role_display()}）") for u in people)]
            if isinstance(field, forms.DateField):
                field.initial = timezone.localdate
        if self.obj is not None and "handlers" in self.fields:
            self.fields["handlers"].initial = [str(pk) for pk in self.obj.handlers.values_list("pk", flat=True)]


def _date(label=_("日期")):
    return IsoDateField(label=label, required=False, widget=DateInput())


def _area(label):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _text(label):
    return forms.CharField(label=label, required=False)


def _person(label):
    """One person the step names (承办人): choices filled per user from actions.nameable_people(user, "user")."""
    return forms.ChoiceField(
        label=label, required=False, choices=(),
        widget=forms.Select(attrs={"data-people": "user", "data-searchable": ""}),
        error_messages={"invalid_choice": _("承办人不在您可指派的人员范围内（在岗的工作人员或公职律师）。")})


def _people(label):
    return forms.MultipleChoiceField(
        label=label, required=False, choices=(),
        widget=forms.SelectMultiple(attrs={"data-people": "users", "data-searchable": "", "size": 5}),
        error_messages={"invalid_choice": _("办案人员「%(value)s」不是您可指派的市局或区（市）局工作人员。")})


def _choice(label, choices):
    """A choice the step requires; the step words the refusal when none is chosen."""
    return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices],
                             error_messages={"invalid_choice": format_lazy(_("请选择{}。"), label)})


def _form(name, **fields):
    return type(name, (CaseStepForm,), dict(fields))


NoteDateForm = _form("NoteDateForm", date=_date(), note=_area(_("说明")))
NoteOnlyForm = _form("NoteOnlyForm", note=_area(_("备注内容")), date=_date())
DeclineForm = _form("DeclineForm", date=_date(), note=_area(_("不予受理理由")))
AssignForm = _form("AssignForm", handler=_person(_("承办人")), date=_date(), note=_area(_("说明")))
ReferForm = _form("ReferForm", referred_to=_text(_("转办单位")), date=_date(), note=_area(_("转办说明")))
CloseForm = _form("CloseForm", outcome=_choice(_("办理结果"), AssistanceOutcome.choices),
                  outcome_note=_area(_("结果说明")), date=_date())
VisitForm = _form("VisitForm", visit_note=_area(_("回访情况")), date=_date())
ServiceForm = _form("ServiceForm", kind=_choice(_("服务类型"), AssistanceServiceKind.choices),
                    description=_area(_("服务内容")), date=_date())
FileForm = _form("FileForm", handlers=_people(_("办案人员（3名或以上单数）")), date=_date(_("立案日期")),
                 note=_area(_("说明")))
RejectForm = _form("RejectForm", date=_date(_("决定日期")), note=_area(_("不予受理理由")))
ServeCopyForm = _form("ServeCopyForm", date=_date(_("送达日期")), note=_area(_("说明")))
AnswerForm = _form("AnswerForm", date=_date(_("答辩日期")), note=_area(_("答辩要点")))
ScheduleForm = _form("ScheduleForm", hearing_on=_date(_("口头审理日期")), date=_date(_("通知日期")), note=_area(_("说明")))
HearForm = _form("HearForm", date=_date(_("口头审理日期")), note=_area(_("审理情况")))
DecideForm = _form("DecideForm", infringement_found=forms.NullBooleanField(
    label=_("裁决结论"), required=False, widget=forms.Select(choices=[("true", _("认定侵权")), ("false", _("不构成侵权"))])),
    result=_area(_("裁决主文")), date=_date(_("裁决日期")))
MediateForm = _form("MediateForm", result=_area(_("调解协议内容")), date=_date(_("调解日期")))
WithdrawForm = _form("WithdrawForm", result=_area(_("撤回情况")), date=_date(_("撤回日期")))
ServeForm = _form("ServeForm", date=_date(_("送达日期")), note=_text(_("送达方式")))
SuspendForm = _form("SuspendForm", kind=_choice(_("类型"), ExcludedPeriodKind.choices),
                    reason=_text(_("事由")), date=_date(_("起始日")))
ResumeForm = _form("ResumeForm", date=_date(_("结束日")), note=_area(_("说明")))
ExtendForm = _form("ExtendForm", amount=_text(_("延长（月）")), approved_by=_text(_("批准人")),
                   date=_date(_("批准日期")), reason=_text(_("延长理由")))
ReplyForm = _form("ReplyForm", reply=_area(_("对方回复")), date=_date(_("回复日期")))
DeclineReplyForm = _form("DeclineReplyForm", reply=_area(_("不予受理理由")), date=_date(_("回复日期")))
ConcludeForm = _form("ConcludeForm", result=_choice(_("结果"), CooperationResult.choices),
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
    """A step function of actions.py (fn(case, user, **params) -> events.Step) as a workflow effect; a field left
    empty takes the step's own default (today, the usual kind), and `fixed` gives defaults the form does not ask
    (the rule a step extends; actions.take_step may name another)."""
    def effect(case, user, data):
        return fn(case, user, **{**fixed, **{k: v for k, v in data.items() if v not in (None, "", [])}})
    effect.__name__ = fn.__name__
    return effect


STEP_TEMPLATE = "protection/_step_form.html"   # a collapsible form per step, state changes first


def _done(label):
    return format_lazy(_("已完成：{}"), label)


def _move(target, source, fn, label, form, notices=None):
    return Transition(str(target), tuple(source), target, label, _effect(fn), form, guard=not_suspended,
                      done=_done(label), template=STEP_TEMPLATE, event=events.record_step, notices=notices)


def handler_assigned(case, user, data):
    """The person assigned to a case (a public lawyer or an officer) hears of it, unless they assigned
    themselves: their next step is on that case."""
    if case.handler_id and case.handler_id != getattr(user, "pk", None):
        return Notice(case.handler, gettext("您被指派承办维权援助案件：%(number)s %(title)s")
                      % {"number": case.number, "title": case.title}, "protection_assigned",
                      key=f"protection-assigned-{case.number}-{case.handler_id}")
    return None


def closed_for_visit(case, user, data):
    """A case closed by its handler (a public lawyer, another office) reaches the officers of its region, whose
    next step is the follow-up visit (回访); nobody when the district's own office closed it (core.notify.to_office)."""
    return Notice(to_office(case.region, user), gettext("维权援助案件已办结，待回访：%(number)s %(title)s")
                  % {"number": case.number, "title": case.title}, "protection_closed",
                  key=f"protection-closed-{case.number}")


def _step(model_states, name, states, fn, label, form, when=None, **fixed):
    """A step that keeps the state: offered on the page in `states` (and when `when(case)`), but taken from any of
    `model_states`: its function checks its own preconditions with its own wording, as it always did."""
    states = tuple(states)
    return Transition(name, tuple(model_states.values), None, label, _effect(fn, **fixed), form, done=_done(label),
                      template=STEP_TEMPLATE, offered=lambda c: c.status in states and (when is None or when(c)),
                      event=events.record_step)


class CaseWorkflow(Workflow):
    """Refusals worded as the case pages always have (actions._allowed_text)."""
    error_prefix = _("操作未完成：")

    def state_error(self, obj, t):
        current = actions._label(type(obj), obj.status)
        return error(ProtectionErrorCode.INVALID_TRANSITION, current=current, label=t.label,
                     allowed=actions._allowed_text(obj, actions.allowed_targets(obj)))

    def guard_error(self, obj, t, code, data):
        return error(code, label=t.label)

    def error_body(self, obj):
        obj.refresh_from_db()
        return {"allowed_transitions": [{"to": t, "label": label} for t, label in actions.next_steps(obj)]}

    def checked(self, obj, user, t, data, result):
        """A step may not take the case out of the user's scope (e.g. a public lawyer handing it to someone else);
        every step is kept in the audit log with its input."""
        if user is not None and not self.model.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists():
            raise error(ProtectionErrorCode.LEAVES_SCOPE)
        audit.record(AuditAction.ACTION, obj, after={"step": t.name, "params": {k: str(v) for k, v in data.items()}})


def chosen_transition(wf, case, data):
    """The API's …/transition/ names the target state `to`."""
    target = data.get("to")
    if not target:
        raise error(ProtectionErrorCode.UNKNOWN_TARGET, field="to", text=gettext("请给出目标状态 to。"))
    if target not in {t.name for t in state_changes(wf)}:
        raise error(ProtectionErrorCode.UNKNOWN_TARGET, target=target,
                    allowed=actions._allowed_text(case, actions.allowed_targets(case)))
    return target


def chosen_step(wf, case, data):
    """The API's …/step/ names a step that keeps the state (`step`)."""
    names = [t.name for t in steps(wf)]
    if data.get("step") not in names:
        raise error(ProtectionErrorCode.UNKNOWN_STEP, field="step", name=data.get("step") or "", names="、".join(names))
    return data["step"]


_OPEN_A = (A.FILED, A.ANSWERED, A.HEARD)

ASSISTANCE = register(CaseWorkflow(
    AssistanceCase, S, [
        _move(S.ACCEPTED, {S.APPLIED}, actions.accept_assistance, _("受理"), NoteDateForm),
        _move(S.DECLINED, {S.APPLIED}, actions.decline_assistance, _("不予受理"), DeclineForm),
        _move(S.HANDLING, (S.ACCEPTED, S.HANDLING), actions.assign_assistance, _("指派承办人"), AssignForm,
              notices=handler_assigned),
        _move(S.REFERRED, (S.ACCEPTED, S.HANDLING), actions.refer_assistance, _("转办"), ReferForm),
        _move(S.CLOSED, (S.ACCEPTED, S.HANDLING, S.REFERRED), actions.close_assistance, _("办结"), CloseForm,
              notices=closed_for_visit),
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
