"""Security policy applied to every signed-in request: password expiry and the second factor."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# The API enforces the same two rules in its own authentication classes (accounts/auth.py), answering
# 403 instead of redirecting.
EXEMPT_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/static/", "/i18n/", "/api/")
# The password page is where an expired password is changed, so it is exempt from the expiry redirect;
# never from the second factor: with the password alone, a thief could change it and lock the owner out.
PASSWORD_PREFIX = "/accounts/password/"


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            if needs_second_factor(user) and not user.is_verified():
                return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
            if password_expired(user) and not request.path.startswith(PASSWORD_PREFIX):
                return redirect(f"{reverse('accounts:password_change')}?expired=1")
        return self.get_response(request)


def needs_second_factor(user):
    return settings.OTP_ENFORCED and (user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)


def password_expired(user):
    """Whether the password is older than PASSWORD_MAX_AGE_DAYS (0 turns expiry off)."""
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    return bool(max_age and changed and changed < timezone.now() - timedelta(days=max_age))


class SessionRenewalMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without a database write on every request.

    Django's SESSION_SAVE_EVERY_REQUEST rewrites the session row on each page, list and API call: a
    commit, and a disk flush, per request. Here the session is renewed when SESSION_RENEW_SECONDS
    have passed since its last renewal, so an idle session still ends SESSION_COOKIE_AGE after the
    last activity, give or take that interval. Placed after SessionMiddleware, so that the session
    it marks as modified is saved on the way out.
    """
    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and SESSION_KEY in session:
            now = int(timezone.now().timestamp())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response

