"""The workflow of a service request (提出 → 受理 → 办理 → 办结 → 评价; 不予受理 only before 办理) and of the
problem log (待解决 → 已解决), declared once (core.workflow). Steps are taken through core.workflow.perform;
the functions of actions.py are the effects (they change the request and return an events.Step) and the entry
points demo data and tests call; perform() writes each step's event (events.record_step) and sends the
notices declared below to the enterprise that asked."""
from django.utils.translation import gettext, gettext_lazy as _

from ipdesk.core.scoping import Role
from ipdesk.core.workflow import Notice, Transition, Workflow, register

from . import actions, events
from .choices import EventKind, ProblemStatus, RequestStatus as S
from .error_codes import ServicesErrorCode, denied, error
from .forms import CompleteForm, NoteForm, RatingForm, RejectForm
from .models import ProblemLog, ServiceRequest


def _requester_only(req, user, t):
    """评价: only a user of the enterprise that asked (not a superuser standing in)."""
    if t.name == "rate" and (user.enterprise_id != req.enterprise_id or user.is_superuser):
        return ServicesErrorCode.NOT_REQUESTER
    return None


class ServiceRequestWorkflow(Workflow):
    """Refusals worded as the one-stop always has (services.error_codes)."""

    def role_error(self, obj, t, user):
        return denied(ServicesErrorCode.NOT_REQUESTER if t.name == "rate" else ServicesErrorCode.NOT_HANDLER)

    def scope_error(self, obj, t, user):
        return denied(ServicesErrorCode.OUT_OF_SCOPE)

    def state_error(self, obj, t):
        if t.name == "rate":
            return error(ServicesErrorCode.NOT_COMPLETED, s=obj.get_status_display())
        targets = []
        for nxt in self.next_from(obj.status):
            if nxt.target not in targets:
                targets.append(nxt.target)
        allowed = "、".join(str(S(s).label) for s in targets) or str(_("无"))
        return error(ServicesErrorCode.INVALID_TRANSITION, s=obj.get_status_display(), k=KINDS[t.name].label, a=allowed)


def _to_enterprise(kind, title, body):
    """The active enterprise users of the enterprise that asked hear of the step, once per request and kind;
    `title(req)` and `body(req)` word it with the request as the step left it."""
    def notices(req, user, data):
        return Notice(req.enterprise.users.filter(is_active=True, role=Role.ENTERPRISE), title(req), kind,
                      key=f"svc-{req.pk}-{kind}", body=body(req))
    return notices


accepted = _to_enterprise("service_accepted", lambda req: gettext("您的服务申请已受理：%(t)s") % {"t": req.title},
                          lambda req: gettext("承诺办结日：%(d)s。") % {"d": req.due_date})
completed = _to_enterprise("service_completed", lambda req: gettext("您的服务申请已办结，请评价：%(t)s") % {"t": req.title},
                           lambda req: req.result)
rejected = _to_enterprise("service_rejected", lambda req: gettext("您的服务申请未予受理：%(t)s") % {"t": req.title},
                          lambda req: req.result)

KINDS = {"accept": EventKind.ACCEPTED, "process": EventKind.PROCESSING, "complete": EventKind.COMPLETED,
         "reject": EventKind.REJECTED, "rate": EventKind.RATED}

SERVICE_REQUEST = register(ServiceRequestWorkflow(
    ServiceRequest, S, [
        Transition("submit", (), S.SUBMITTED, _("提出"), roles=actions.SUBMITTER_ROLES, system=True),
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED, _("受理"), actions.accept, NoteForm,
                   actions.HANDLER_ROLES, done=_("已受理。"), template="services/workflow/accept.html",
                   event=events.record_step, notices=accepted),
        Transition("process", (S.ACCEPTED,), S.PROCESSING, _("办理"), actions.process, NoteForm,
                   actions.HANDLER_ROLES, done=_("已开始办理。"), template="services/workflow/process.html",
                   event=events.record_step),
        Transition("complete", (S.PROCESSING,), S.COMPLETED, _("办结"), actions.complete, CompleteForm,
                   actions.HANDLER_ROLES, clean=actions.clean_complete, done=_("已办结。"),
                   template="services/workflow/complete.html", event=events.record_step, notices=completed),
        Transition("reject", (S.SUBMITTED, S.ACCEPTED), S.REJECTED, _("不予受理"), actions.reject, RejectForm,
                   actions.HANDLER_ROLES, clean=actions.clean_reject, done=_("已作不予受理处理。"),
                   template="services/workflow/reject.html", event=events.record_step, notices=rejected),
        Transition("rate", (S.COMPLETED,), S.RATED, _("评价"), actions.rate, RatingForm, (Role.ENTERPRISE,),
                   clean=actions.clean_rate, done=_("感谢您的评价。"), template="services/workflow/rate.html",
                   event=events.record_step),
    ],
    actor=_requester_only, url_name="services:request_step", codes=ServicesErrorCode,
    note=_("服务申请按承诺时限办理；提出时按服务事项计算承诺办结日。"),
))


def can_transition(current, target):
    """Whether a user step leads from state `current` to `target` (the declaration above is the only table)."""
    return any(t.target == target for t in SERVICE_REQUEST.next_from(current))


PROBLEM_LOG = register(Workflow(
    ProblemLog, ProblemStatus, [
        Transition("solve", (ProblemStatus.OPEN,), ProblemStatus.SOLVED, _("标记已解决"), system=True,
                   roles=(Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER)),
        Transition("reopen", (ProblemStatus.SOLVED,), ProblemStatus.OPEN, _("重新打开"), system=True,
                   roles=(Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER)),
    ],
    note=_("问题台账的状态在编辑页修改；标为已解决须填写解决日期和解决情况。"),
))
