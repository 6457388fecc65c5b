"""Audit hooks: every ORM save and delete of an AuditedModel writes an entry with before/after.

Personal data never enters the before/after in clear (个人信息保护法 Art. 51: the log is append-only and
kept for years, and every city officer reads it): a field encrypted at rest (core.fields), masked on
display (a model's `masked_fields`) or listed in `audit_secret` is recorded as "***" when it holds a
value. A change of such a field is still recorded (compared on the values themselves), so the history
says that the phone changed and when, by whom — not to what.
"""
from functools import lru_cache

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit
from .models import AuditAction, AuditedModel

REDACTED = "***"  # the same mark audit.snapshot writes for `audit_secret`


def _audited(sender):
    return issubclass(sender, AuditedModel) and not sender._meta.abstract


@lru_cache(maxsize=None)
def _personal(model):
    """({name: attname} recorded as REDACTED, {name: attname} of those compared on their values)."""
    from .fields import EncryptedTextField
    masked = getattr(model, "masked_fields", None)
    if isinstance(masked, property):  # declared per instance; the names do not depend on it
        masked = masked.fget(model())
    masked, secret = set(masked or ()), set(getattr(model, "audit_secret", ()))
    redacted, compared = {}, {}
    for f in model._meta.concrete_fields:
        if isinstance(f, EncryptedTextField) or f.name in masked:
            redacted[f.name] = compared[f.name] = f.attname
        elif f.name in secret:  # e.g. a password hash: recorded as set or cleared, as audit.snapshot does
            redacted[f.name] = f.attname
    return redacted, compared


def personal_fields(model):
    """The names of the fields of `model` whose values are personal data (never in the audit in clear)."""
    return set(_personal(model)[0])


def redact(model, values):
    """`values` (a dict of field name → value, as audit before/after) with personal data replaced by
    REDACTED; empty values stay empty, so setting or clearing a number still shows."""
    if not values:
        return values
    secret = _personal(model)[0]
    return {k: (REDACTED if k in secret and v not in (None, "") else v) for k, v in values.items()}


def _plain(instance):
    """The personal values themselves, only to tell whether one changed (kept in memory, never recorded)."""
    return {name: getattr(instance, attname) or "" for name, attname in _personal(type(instance))[1].items()}


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    before = plain = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        if old is not None:
            before, plain = audit.snapshot(old), _plain(old)
    instance._audit_before, instance._audit_plain_before = before, plain


@receiver(post_save)
def _audit_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    before = getattr(instance, "_audit_before", None)
    after = audit.snapshot(instance)
    if before is not None:
        changed = {k for k in after if before.get(k) != after.get(k)} - {"version"}
        plain_before = getattr(instance, "_audit_plain_before", None) or {}
        changed |= {k for k, v in _plain(instance).items() if k in after and plain_before.get(k, v) != v}
        if not changed:
            return
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, instance,
                 redact(sender, before), redact(sender, after))


@receiver(post_delete)
def _audit_delete(sender, instance, **kwargs):
    if _audited(sender):
        audit.record(AuditAction.DELETE, instance, redact(sender, audit.snapshot(instance)), None)


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
