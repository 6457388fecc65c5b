"""Error codes of protection cases (Saleor's error_codes.py pattern): the code is the contract the API and the
tests rely on; the message beside it is what a person reads. A step's own input checks (dates, required text)
keep their wording in actions.py."""
import enum

from django.utils.translation import gettext_lazy as _

from ipdesk.core.error_codes import ErrorCatalogue


class ProtectionErrorCode(enum.StrEnum):
    INVALID_TRANSITION = "protection_invalid_transition"
    UNKNOWN_TARGET = "protection_unknown_target"
    UNKNOWN_STEP = "protection_unknown_step"
    SUSPENDED = "protection_suspended"
    LEAVES_SCOPE = "protection_leaves_scope"


MESSAGES = {
    ProtectionErrorCode.INVALID_TRANSITION: _("当前状态为「%(current)s」，不能执行「%(label)s」。%(allowed)s"),
    ProtectionErrorCode.UNKNOWN_TARGET: _("未知的目标状态「%(target)s」。%(allowed)s"),
    ProtectionErrorCode.UNKNOWN_STEP: _("未知的操作「%(name)s」，可用：%(names)s。"),
    ProtectionErrorCode.SUSPENDED: _("案件处于中止（不计入期间）中，请先恢复后再办理「%(label)s」。"),
    ProtectionErrorCode.LEAVES_SCOPE: _("该操作将使案件超出您的数据权限范围（例如把自己承办的案件转给他人），请由工作人员办理。"),
}


_catalogue = ErrorCatalogue(ProtectionErrorCode, MESSAGES)
message, error, denied = _catalogue.message, _catalogue.error, _catalogue.denied
