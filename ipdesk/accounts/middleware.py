"""Security policy applied to every signed-in request: password expiry and the second factor."""
from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

EXEMPT_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/accounts/password/",
                   "/static/", "/i18n/", "/api/")


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            if needs_second_factor(user) and not user.is_verified():
                return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
            max_age = settings.PASSWORD_MAX_AGE_DAYS
            if max_age and user.password_changed_at < timezone.now() - timedelta(days=max_age):
                return redirect(f"{reverse('accounts:password_change')}?expired=1")
        return self.get_response(request)


def needs_second_factor(user):
    return settings.OTP_ENFORCED and (user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)
