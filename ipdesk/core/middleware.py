import uuid

from . import context


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and exposes user and id to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
        with context.acting_as(None, request.request_id, request.META.get("REMOTE_ADDR"), request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
