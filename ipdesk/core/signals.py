"""Audit hooks: every ORM save and delete of an AuditedModel writes an entry with before/after."""
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit
from .models import AuditAction, AuditedModel


def _audited(sender):
    return issubclass(sender, AuditedModel) and not sender._meta.abstract


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        before = audit.snapshot(old) if old is not None else None
    instance._audit_before = before


@receiver(post_save)
def _audit_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    before = getattr(instance, "_audit_before", None)
    after = audit.snapshot(instance)
    if before is not None:
        changed = {k for k in after if before.get(k) != after.get(k)} - {"version"}
        if not changed:
            return
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, instance, before, after)


@receiver(post_delete)
def _audit_delete(sender, instance, **kwargs):
    if _audited(sender):
        audit.record(AuditAction.DELETE, instance, audit.snapshot(instance), None)


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, user=user, object_type_name="accounts.user", object_id=str(user.pk),
                 object_repr=user.username)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user=user, object_type_name="accounts.user", object_id=str(user.pk),
                     object_repr=user.username)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    audit.record(AuditAction.LOGIN_FAILED, object_type_name="accounts.user", object_repr=username,
                 after={"username": username})
