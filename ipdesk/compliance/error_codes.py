"""Error codes of agency supervision and abnormal-application verification (Saleor's error_codes.py pattern):
the code is the contract the API and the tests rely on; the message beside it is what a person reads."""
import enum

from django.utils.translation import gettext_lazy as _

from ipdesk.core.error_codes import ErrorCatalogue


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


_catalogue = ErrorCatalogue(ComplianceErrorCode, MESSAGES)
message, error, denied = _catalogue.message, _catalogue.error, _catalogue.denied
