"""Account lockout (django-axes) that a stranger cannot turn against the owner.

Failures are counted per username AND address (settings.AXES_LOCKOUT_PARAMETERS): someone guessing
from one address is locked after AXES_FAILURE_LIMIT failures there, while the owner, elsewhere, still
signs in. Against guessing spread over many addresses, failures on one username from all addresses
together are capped by LOGIN_FAILURE_CEILING within the cool-off period: past it the account is locked
everywhere (等保三级 登录失败处理, GB/T 22239-2019 8.1.4.1 b). 0 turns the ceiling off.
"""
from django.conf import settings
from django.db.models import Sum

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


def ceiling():
    return int(getattr(settings, "LOGIN_FAILURE_CEILING", 0) or 0)


class CeilingAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.over_ceiling(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        """As axes, and a refusal past the ceiling answers with the lockout page too, not "wrong password"."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and \
                self.over_ceiling(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def over_ceiling(self, request, credentials=None):
        limit = ceiling()
        username = get_client_username(request, credentials)
        if not limit or not username:
            return False
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= limit
