import re
import uuid

from django.db import DataError
from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.utils.translation import gettext as _

from . import context

# A request id a client (or the proxy in front) may choose: a short token, nothing that could forge
# log lines (newlines), carry markup into the audit pages or bloat every audit entry.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_of(request):
    """The client's X-Request-ID when it is a safe token, otherwise a fresh uuid4."""
    sent = request.headers.get("X-Request-ID") or ""
    return sent if SAFE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and exposes user and id to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        with context.acting_as(None, request.request_id, request.META.get("REMOTE_ADDR"), request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        """Input the database cannot hold (an id beyond 64 bits, a text beyond its column) is the
        caller's mistake: answer 400 with a message saying so, never a 500."""
        if isinstance(exception, (OverflowError, DataError)) or _year_out_of_range(exception):
            return _answer(request, 400, _("请求中的参数超出允许范围（例如编号过大、年份不存在或文本过长），请检查后重试。"))
        if isinstance(exception, (ProtectedError, RestrictedError)):
            names = sorted({str(o._meta.verbose_name) for o in list(exception.protected_objects)[:50]})
            return _answer(request, 409, _("该记录仍被其他记录引用（%(names)s），不能删除；请先处理这些记录。")
                           % {"names": "、".join(names)})
        return None


def _answer(request, status, message):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    from django.http import HttpResponse
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _year_out_of_range(exception):
    """A `__year` filter given a year the calendar does not have (0, 10000000): Django raises ValueError
    while building the query (year_lookup_bounds); only that case, so real bugs still surface."""
    if not isinstance(exception, ValueError):
        return False
    tb = exception.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name.startswith("year_lookup_bounds"):
            return True
        tb = tb.tb_next
    return False
