"""The workflows of financing, declared once (core.workflow):

- a pledge (专利质押): 有效 → 已解除 (质押解除, not before registration; written on each patent's legal status);
- an interest-subsidy application (贴息申请): 已申报 → 审核通过 → 已拨付, or 已申报 → 审核不通过; only the office
  decides (enterprises apply); an unreviewed application may be re-saved (actions.submit_application);
- a funded project (资助项目): its status is kept on the project's edit page.
Steps are taken through core.workflow.perform, which writes each step's event (events.py) and sends the
enterprise its decision; the pages and the API take them through core's one action view and one API action,
actions.py holds the effects and the entry points the demo data, imports and tests call."""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_lazy as _

from ipdesk.core.scoping import OFFICERS, Role
from ipdesk.core.workflow import Notice, Transition, Workflow, register

from . import actions, events
from .choices import PledgeStatus as P
from .choices import ProjectStatus
from .choices import SubsidyEventKind
from .choices import SubsidyStatus as S
from .error_codes import FinanceErrorCode, denied, error
from .forms import DecisionForm, ReleaseForm
from .models import FundedProject, InterestSubsidyApplication, Pledge

OFFICER_ROLES = tuple(sorted(OFFICERS))


def pledge_released(pledge, user, data, before, result):
    return events.pledge_released(pledge, data["date"], user, data.get("note") or "")


class PledgeWorkflow(Workflow):
    error_prefix = _("解除失败：")

    def scope_error(self, obj, t, user):
        return denied(FinanceErrorCode.OUT_OF_SCOPE)

    def state_error(self, obj, t):
        return error(FinanceErrorCode.PLEDGE_NOT_EFFECTIVE, no=obj.registration_no, s=obj.get_status_display())

    def guard_error(self, obj, t, code, data):
        return error(code, date=f"{data['date']:%Y-%m-%d}", registered=f"{obj.registration_date:%Y-%m-%d}")


PLEDGE = register(PledgeWorkflow(
    Pledge, P, [
        Transition("register", (), P.EFFECTIVE, _("质押登记"), system=True),
        Transition("release", (P.EFFECTIVE,), P.RELEASED, _("解除质押"), actions.release, ReleaseForm,
                   guard=actions.released_not_before_registration, event=pledge_released,
                   done=_("质押已解除，已在各专利写入“质押解除”法律状态事件。"),
                   template="finance/workflow/release.html"),
    ],
    url_name="finance:pledge_release", codes=FinanceErrorCode,
    note=_("质押登记时逐件核对不予登记的情形；解除后不能撤回。"),
))


def _decided(kind):
    """The event of a decision (审核通过/审核不通过/拨付) and the message the enterprise's users get."""
    def event(app, user, data, before, result):
        return events.subsidy_event(app, kind, user, data.get("note") or "")

    def notices(app, user, data):
        body = (gettext("理由：%(note)s") % {"note": data.get("note") or ""} if kind == SubsidyEventKind.REJECTED
                else gettext("核定贴息 %(amount)s 元") % {"amount": app.subsidy_yuan})
        return Notice(get_user_model().objects.filter(enterprise=app.enterprise_id, is_active=True),
                      f"{app.year}年贴息申请{SubsidyEventKind(kind).label}", "finance_subsidy",
                      key=f"finance-subsidy-{app.pk}-{kind}", body=body)
    return {"event": event, "notices": notices}


class SubsidyWorkflow(Workflow):
    hide_refused = True     # enterprises apply, officers decide: the decision URLs do not exist for them

    def refusal_prefix(self, t):
        return gettext("%(s)s失败：") % {"s": t.label}

    def role_error(self, obj, t, user):
        return denied(FinanceErrorCode.NOT_OFFICER)

    def scope_error(self, obj, t, user):
        return denied(FinanceErrorCode.OUT_OF_SCOPE)

    def state_error(self, obj, t):
        code = FinanceErrorCode.NOT_APPROVED if t.name == "pay" else FinanceErrorCode.NOT_SUBMITTED
        return error(code, s=obj.get_status_display())


SUBSIDY = register(SubsidyWorkflow(
    InterestSubsidyApplication, S, [
        Transition("submit", (), S.SUBMITTED, _("申报"), system=True),
        Transition("approve", (S.SUBMITTED,), S.APPROVED, _("审核通过"), actions.approve, DecisionForm, OFFICER_ROLES,
                   done=_("已审核通过。"), template="finance/workflow/approve.html", **_decided(SubsidyEventKind.APPROVED)),
        Transition("reject", (S.SUBMITTED,), S.REJECTED, _("审核不通过"), actions.reject, DecisionForm, OFFICER_ROLES,
                   done=_("已审核不通过。"), template="finance/workflow/reject.html",
                   **_decided(SubsidyEventKind.REJECTED)),
        Transition("pay", (S.APPROVED,), S.PAID, _("拨付"), actions.pay, DecisionForm, OFFICER_ROLES,
                   done=_("已拨付。"), template="finance/workflow/pay.html", **_decided(SubsidyEventKind.PAID)),
    ],
    url_name="finance:interestsubsidyapplication_decide", codes=FinanceErrorCode,
    note=_("审核通过时按当年贴息规则重新核算；核定为 0 元的申请只能审核不通过。"),
))

_PROJECT_EDITORS = (Role.CITY_OFFICER, Role.DISTRICT_OFFICER)
PROJECT = register(Workflow(
    FundedProject, ProjectStatus, [
        Transition("start", (ProjectStatus.APPROVED,), ProjectStatus.IN_PROGRESS, _("开始实施"), system=True,
                   roles=_PROJECT_EDITORS),
        Transition("accept", (ProjectStatus.IN_PROGRESS,), ProjectStatus.ACCEPTED, _("验收"), system=True,
                   roles=_PROJECT_EDITORS),
        Transition("terminate", (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS), ProjectStatus.TERMINATED,
                   _("终止"), system=True, roles=_PROJECT_EDITORS),
    ],
    note=_("资助项目的状态在项目编辑页维护，验收节点在项目页登记。"),
))
