"""Error codes of pledges and interest subsidies (Saleor's error_codes.py pattern): the code is the contract
the API and the tests rely on; the message beside it is what a person reads."""
import enum

from django.utils.translation import gettext_lazy as _

from ipdesk.core.error_codes import ErrorCatalogue


class FinanceErrorCode(enum.StrEnum):
    PLEDGE_NOT_EFFECTIVE = "finance_pledge_not_effective"
    RELEASE_BEFORE_REGISTRATION = "finance_release_before_registration"
    NOT_OFFICER = "finance_not_officer"
    NOT_SUBMITTED = "finance_not_submitted"
    NOT_APPROVED = "finance_not_approved"
    REASON_REQUIRED = "finance_reason_required"
    ZERO_AMOUNT = "finance_zero_amount"
    OUT_OF_SCOPE = "finance_out_of_scope"


MESSAGES = {
    FinanceErrorCode.PLEDGE_NOT_EFFECTIVE: _("质押 %(no)s 当前状态为“%(s)s”，只有有效的质押可以解除"),
    FinanceErrorCode.RELEASE_BEFORE_REGISTRATION: _("解除日 %(date)s 不能早于登记日 %(registered)s"),
    FinanceErrorCode.NOT_OFFICER: _("只有市局或区（市）局工作人员可以审核、拨付贴息申请"),
    FinanceErrorCode.NOT_SUBMITTED: _("当前状态为“%(s)s”，只有“已申报”的申请可以审核"),
    FinanceErrorCode.NOT_APPROVED: _("当前状态为“%(s)s”，只有“审核通过”的申请可以拨付"),
    FinanceErrorCode.REASON_REQUIRED: _("审核不通过须填写理由"),
    FinanceErrorCode.ZERO_AMOUNT: _("核定贴息为 0.00 元%(why)s，不能%(step)s；不符合贴息条件的申请请选择“审核不通过”并填写理由。"),
    FinanceErrorCode.OUT_OF_SCOPE: _("该记录不在您的办理范围内。"),
}


_catalogue = ErrorCatalogue(FinanceErrorCode, MESSAGES)
message, error, denied = _catalogue.message, _catalogue.error, _catalogue.denied
