"""REST framework hooks named in settings (kept free of view imports to avoid import cycles)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions

from .scoping import CHANGE, VIEW, can


class RolePermission(permissions.BasePermission):
    """Signed in; writing needs a role that may change this model (leaders never write)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return request.method in permissions.SAFE_METHODS or not getattr(user, "is_read_only", False)
        action = VIEW if request.method in permissions.SAFE_METHODS else CHANGE
        return can(user, model, action)


def exception_handler(exc, context):
    """Django validation errors become 400 answers that say what is wrong, never a 500."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
