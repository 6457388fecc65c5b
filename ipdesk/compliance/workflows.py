"""The workflows of agency supervision, declared once (core.workflow):

- an abnormal application (非正常专利申请): 待通知 → 已通知 → 主动撤回 / 已陈述意见 / 逾期视为撤回;
  已陈述意见 → 认定非正常 / 意见成立; a pending one may be cleared before any notice;
- a detection candidate (筛查线索): 待审核 ⇄ 已审核（疑似）/ 已排除, then 转核查批次 (create_batch_from_candidates);
- a complaint (投诉): its result is recorded on the complaint's edit page.
Steps are taken through core.workflow (the one action view and API action: the page names the step, the API
its target `status`; each step's form validates its input; perform() writes the application's event);
actions.transition and actions.review_candidate are the entry points imports, demo data and tests call."""
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy as _

from ipdesk.core.scoping import Role
from ipdesk.core.workflow import Transition, Workflow, register

from . import actions, events, rules
from .choices import ApplicationStatus as S
from .choices import CandidateStatus as C
from .choices import ComplaintStatus
from .error_codes import ComplianceErrorCode, denied, error
from .forms import MoveForm, ReviewForm
from .models import AbnormalApplication, Candidate, Complaint


def deadline_passed(app, data):
    """Guard of 逾期视为撤回 (pure): the binding reply deadline must be recorded and passed on the step's date."""
    if "date" not in data:       # asked for the buttons, before a date is chosen
        return None
    if rules.reply_deadline(app.deadline, app.notice_date) is None:
        return ComplianceErrorCode.NO_DEADLINE
    if rules.deemed_withdrawn_error(app.deadline, data["date"], app.notice_date):
        return ComplianceErrorCode.DEADLINE_NOT_PASSED
    return None


class ApplicationWorkflow(Workflow):
    """Refusals worded by rules.not_allowed_error / deemed_withdrawn_error, as the office always read them."""

    def choose(self, obj, data):
        """The page names the step; the API (and older forms) the target state (`status` / `target`)."""
        if data.get("step"):
            return data["step"]
        target = data.get("status") or data.get("target") or ""
        if target not in STEP_FOR_TARGET:
            raise self.state_error(obj, None, target)
        return STEP_FOR_TARGET[target]

    def scope_error(self, obj, t, user):
        return denied(ComplianceErrorCode.OUT_OF_SCOPE)

    def state_error(self, obj, t, target=None):
        return error(ComplianceErrorCode.INVALID_TRANSITION, field="status", text=rules.not_allowed_error(
            obj.status, t.target if t else target, {x.target for x in self.next_from(obj.status)}))

    def guard_error(self, obj, t, code, data):
        return error(code, field="status", text=rules.deemed_withdrawn_error(obj.deadline, data["date"], obj.notice_date))


def _moved(target):
    def event(app, user, data, before, result):
        return events.status_changed(app, target, data["date"], user, data.get("note") or "")
    return event


def _step(name, source, target, label, guard=None):
    return Transition(name, source, target, label, actions.mover(target), MoveForm, guard=guard, event=_moved(target),
                      done=format_lazy(_("已办理：{}。"), S(target).label))


APPLICATION = register(ApplicationWorkflow(
    AbnormalApplication, S, [
        _step("notify", (S.PENDING,), S.NOTIFIED, _("送达通知")),
        _step("withdraw", (S.NOTIFIED,), S.WITHDRAWN, _("主动撤回")),
        _step("statement", (S.NOTIFIED,), S.STATEMENT, _("陈述意见")),
        _step("deem_withdrawn", (S.NOTIFIED,), S.DEEMED_WITHDRAWN, _("逾期视为撤回"), guard=deadline_passed),
        _step("uphold", (S.STATEMENT,), S.UPHELD, _("认定非正常")),
        _step("clear", (S.PENDING, S.STATEMENT), S.CLEARED, _("意见成立")),
    ],
    url_name="compliance:abnormalapplication_transition", codes=ComplianceErrorCode,
    note=_("按核查批次登记；有通知日期的登记即为已通知。逾期视为撤回须答复期限已届满。"),
))
STEP_FOR_TARGET = {t.target: t.name for t in APPLICATION.transitions.values()}


class CandidateWorkflow(Workflow):
    def choose(self, obj, data):
        """The review page and the API name the result (`status`)."""
        status = data.get("status") or ""
        if status not in actions.REVIEW_STEPS:
            raise error(ComplianceErrorCode.REVIEW_STATUS_INVALID, field="status")
        return actions.REVIEW_STEPS[status]

    def scope_error(self, obj, t, user):
        return denied(ComplianceErrorCode.OUT_OF_SCOPE)

    def state_error(self, obj, t):
        return error(ComplianceErrorCode.CANDIDATE_BATCHED, field="status")


_REVIEWABLE = (C.NEW, C.REVIEWED, C.DISMISSED)


def _reviewed(candidate):
    return gettext("线索 #%(pk)s：%(status)s。") % {"pk": candidate.pk, "status": candidate.get_status_display()}


def _review(name, target, label):
    return Transition(name, _REVIEWABLE, target, label, actions.reviewer(target), ReviewForm, done=_reviewed)


CANDIDATE = register(CandidateWorkflow(
    Candidate, C, [
        _review("review", C.REVIEWED, _("确认疑似")),
        _review("dismiss", C.DISMISSED, _("排除")),
        _review("reopen", C.NEW, _("恢复待审核")),
        Transition("batch", (C.NEW, C.REVIEWED), C.BATCHED, _("转核查批次"), system=True,
                   roles=(Role.CITY_OFFICER, Role.DISTRICT_OFFICER)),
    ],
    url_name="compliance:candidate_review", codes=ComplianceErrorCode,
    note=_("线索由筛查生成；转入核查批次后不能再修改审核结果。"),
))

COMPLAINT = register(Workflow(
    Complaint, ComplaintStatus, [
        Transition("substantiate", (ComplaintStatus.OPEN,), ComplaintStatus.SUBSTANTIATED, _("认定属实"), system=True,
                   roles=(Role.CITY_OFFICER, Role.DISTRICT_OFFICER)),
        Transition("unfound", (ComplaintStatus.OPEN,), ComplaintStatus.UNFOUNDED, _("认定不属实"), system=True,
                   roles=(Role.CITY_OFFICER, Role.DISTRICT_OFFICER)),
    ],
    note=_("投诉的处理结果在投诉编辑页填写；认定属实的投诉计入代理机构信用扣分。"),
))
