"""API authentication that keeps the web rules: no second-factor bypass, no expired passwords.

- `OTPSessionAuthentication`: a browser session reaches the API only once it has passed the second
  factor when its role needs one (the web pages redirect to /accounts/otp/; the API answers 403).
- `ExpiringTokenAuthentication`: tokens expire after settings.API_TOKEN_MAX_AGE_HOURS, and stop
  working when the account is disabled or its password has expired. Tokens for roles that need a
  second factor are only issued against a valid TOTP code (accounts.api.obtain_token), so a token
  is never a way round it.
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from .middleware import needs_second_factor, password_expired


class OTPSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if needs_second_factor(user) and not (hasattr(user, "is_verified") and user.is_verified()):
            raise exceptions.PermissionDenied(_("您的角色须先完成动态验证码（第二重身份验证）后才能使用接口。"))
        if password_expired(user):
            raise exceptions.PermissionDenied(_("密码已过期，请先修改密码。"))
        return result


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        max_age = getattr(settings, "API_TOKEN_MAX_AGE_HOURS", 8)
        if max_age and token.created < timezone.now() - timedelta(hours=max_age):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        if password_expired(user):
            raise exceptions.AuthenticationFailed(_("密码已过期，请先在网页上修改密码后重新获取令牌。"))
        return user, token
