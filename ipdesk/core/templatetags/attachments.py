"""Template helpers for core/_attachments.html: a record's attachments and where to upload to it."""
from django import template
from django.urls import reverse

from ipdesk.core.scoping import CHANGE

register = template.Library()


@register.simple_tag
def attachments_of(obj):
    """The attachments of a record (the caller already reached `obj` through restrict())."""
    from ipdesk.core.uploads import attachments_for
    return list(attachments_for(obj).select_related("uploaded_by"))


@register.simple_tag
def attachment_upload_url(obj):
    opts = obj._meta
    return reverse("core:attachment_upload", args=[opts.app_label, opts.model_name, obj.pk])


@register.simple_tag
def can_attach(obj, user):
    """Whether `user` may add or remove files on `obj` (same rule as the upload view)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_read_only", True):
        return False
    model = type(obj)
    action = getattr(model, "attachment_upload_action", CHANGE)
    return model.objects.restrict(user, action).filter(pk=obj.pk).exists()


@register.simple_tag
def can_delete_attachment(att, obj, user):
    """Whether `user` may remove `att` from `obj`: the delete view's own rule (core.uploads.may_delete),
    so the button shows exactly where the removal would be allowed."""
    if not getattr(user, "is_authenticated", False):
        return False
    from ipdesk.core.uploads import may_delete
    return may_delete(user, att, obj)
