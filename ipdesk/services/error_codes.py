"""Error codes of the commissioner one-stop (Saleor's error_codes.py pattern): the code is the contract
the API and the tests rely on; the message beside it is what a person reads (Chinese source, translated)."""
import enum

from django.utils.translation import gettext_lazy as _

from ipdesk.core.error_codes import ErrorCatalogue


class ServicesErrorCode(enum.StrEnum):
    NOT_HANDLER = "services_not_handler"
    OUT_OF_SCOPE = "services_out_of_scope"
    INVALID_TRANSITION = "services_invalid_transition"
    NOT_COMPLETED = "services_not_completed"
    NOT_REQUESTER = "services_not_requester"
    RESULT_REQUIRED = "services_result_required"
    REASON_REQUIRED = "services_reason_required"
    RATING_INVALID = "services_rating_invalid"
    COMMENT_EMPTY = "services_comment_empty"
    SUBMITTER_ROLE = "services_submitter_role"
    ENTERPRISE_OUT_OF_SCOPE = "services_enterprise_out_of_scope"
    SERVICE_TYPE_INACTIVE = "services_service_type_inactive"
    TITLE_REQUIRED = "services_title_required"


MESSAGES = {
    ServicesErrorCode.NOT_HANDLER: _("只有服务专员或管理部门工作人员可以办理服务申请。"),
    ServicesErrorCode.OUT_OF_SCOPE: _("您无权办理该服务申请。"),
    ServicesErrorCode.INVALID_TRANSITION: _("当前状态为“%(s)s”，不能执行“%(k)s”；可执行的下一步：%(a)s。"),
    ServicesErrorCode.NOT_COMPLETED: _("当前状态为“%(s)s”，办结后才能评价。"),
    ServicesErrorCode.NOT_REQUESTER: _("只有提出申请的企业可以评价。"),
    ServicesErrorCode.RESULT_REQUIRED: _("办结时请填写办理结果。"),
    ServicesErrorCode.REASON_REQUIRED: _("不予受理时请说明理由。"),
    ServicesErrorCode.RATING_INVALID: _("满意度须为 1 至 5 之间的整数（5 为非常满意）。"),
    ServicesErrorCode.COMMENT_EMPTY: _("留言内容不能为空。"),
    ServicesErrorCode.SUBMITTER_ROLE: _("您的角色不能提出服务申请。"),
    ServicesErrorCode.ENTERPRISE_OUT_OF_SCOPE: _("只能为本人负责的企业提出服务申请。"),
    ServicesErrorCode.SERVICE_TYPE_INACTIVE: _("服务事项“%(t)s”已停用，请选择其他事项。"),
    ServicesErrorCode.TITLE_REQUIRED: _("请填写诉求标题。"),
}


_catalogue = ErrorCatalogue(ServicesErrorCode, MESSAGES)
message, error, denied = _catalogue.message, _catalogue.error, _catalogue.denied
