"""Error codes of agency supervision and abnormal-application verification (Saleor's error_codes.py pattern):
the code is the contract the API and the tests rely on; the message beside it is what a person reads."""
import enum

from django.utils.translation import gettext_lazy as _


class ComplianceErrorCode(enum.StrEnum):
    INVALID_TRANSITION = "compliance_invalid_transition"
    NO_DEADLINE = "compliance_no_deadline"
    DEADLINE_NOT_PASSED = "compliance_deadline_not_passed"
    DEADLINE_BEFORE_NOTICE = "compliance_deadline_before_notice"
    REVIEW_STATUS_INVALID = "compliance_review_status_invalid"
    CANDIDATE_BATCHED = "compliance_candidate_batched"
    OUT_OF_SCOPE = "compliance_out_of_scope"


MESSAGES = {
    # the two deadline messages and the transition message are worded by rules.transition_error (pure)
    ComplianceErrorCode.DEADLINE_BEFORE_NOTICE: _("送达通知须填写不早于通知日期的答复期限。"),
    ComplianceErrorCode.REVIEW_STATUS_INVALID: _("审核结果只能是“已审核（疑似）”“已排除”或“待审核”。"),
    ComplianceErrorCode.CANDIDATE_BATCHED: _("该线索已转入核查批次，不能再修改审核结果。"),
    ComplianceErrorCode.OUT_OF_SCOPE: _("该记录不在您的办理范围内。"),
}


def message(code, **params):
    text = str(MESSAGES[ComplianceErrorCode(code)])
    return text % params if "%(" in text else text


def error(code, field=None, text=None, **params):
    """A coded ValidationError; `text` when the message was worded by a pure rule (rules.transition_error)."""
    from ipdesk.core.workflow import WorkflowError
    return WorkflowError(ComplianceErrorCode(code), text if text is not None else message(code, **params), field=field)


def denied(code, **params):
    from ipdesk.core.workflow import WorkflowDenied
    return WorkflowDenied(ComplianceErrorCode(code), message(code, **params))
