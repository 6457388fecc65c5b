"""Re-authentication for actions that hand over someone else's account.

Setting another user's password or removing their authenticator gives whoever does it that user's
identity, so the actor proves again who they are in the same request: a code from their own confirmed
authenticator (等保三级 重要操作二次鉴别, GB/T 22239-2019 8.1.4.1). A session that was stolen or left
open is not enough. django-otp refuses a code it has already accepted and throttles wrong ones.
"""
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipdesk.core import audit
from ipdesk.core.models import AuditAction

FIELD = "otp_token"


def check_fresh_code(actor, code):
    """None when `code` verifies against the actor's own confirmed authenticator, else the message that
    says why not. A wrong code is audited like a failed sign-in step."""
    code = (code or "").strip()
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None:
        return _("此操作须输入您本人的动态验证码，但您尚未绑定身份验证器。请先在“二次验证”页面绑定后再操作。")
    if not code:
        return _("此操作须输入您本人身份验证器上的 6 位动态验证码（二次鉴别）。")
    if device.verify_token(code):
        return None
    audit.record(AuditAction.LOGIN_FAILED, user=actor, object_type_name="accounts.user", object_id=str(actor.pk),
                 object_repr=actor.username, after={"username": actor.username, "stage": "reauth"})
    return _("动态验证码不正确或已使用过，请等待验证器显示新的验证码后重新输入。")
