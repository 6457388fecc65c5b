"""The request being served, for code that has no request at hand (audit signals, jobs).

Set by RequestContextMiddleware for web requests and by `acting_as()` for jobs and commands.
The user is read lazily because REST framework authenticates tokens inside the view, after the
middleware ran; it copies the user onto the underlying HttpRequest, which is what we read.
"""
import contextlib
import contextvars
import uuid

_current = contextvars.ContextVar("ipdesk_request_context", default=None)


class RequestContext:
    __slots__ = ("_user", "request", "request_id", "ip")

    def __init__(self, user=None, request_id=None, ip=None, request=None):
        self._user = user
        self.request = request
        self.request_id = request_id or uuid.uuid4().hex
        self.ip = ip

    @property
    def user(self):
        if self._user is not None:
            return self._user
        user = getattr(self.request, "user", None) if self.request is not None else None
        return user if user is not None and user.is_authenticated else None


def current():
    return _current.get() or RequestContext()


@contextlib.contextmanager
def acting_as(user=None, request_id=None, ip=None, request=None):
    """Run code (a job, a command) so that its audit entries name `user`."""
    token = _current.set(RequestContext(user, request_id, ip, request))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
