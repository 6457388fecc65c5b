"""Model fields for personal data stored encrypted at rest (个人信息加密存储).

`EncryptedTextField` keeps phone and ID numbers as Fernet tokens (AES-128-CBC + HMAC-SHA256), so
a database dump alone does not reveal them. Python code sees plain text; the column holds
`gAAAA…`. The key is settings.FIELD_ENCRYPTION_KEY (one Fernet key, or several separated by commas:
the first encrypts, all decrypt — rotate by putting a new key first), or, when that is empty, a
key derived from SECRET_KEY. Keep the key out of the database backups' reach (docs/operations.md).

Because every encryption differs, the column cannot be searched or filtered by value: look rows
up by other fields and mask the value for display (core.exports.mask_phone / mask_id_number).
A value that is not a token (a row written before the field was switched) is returned as it is,
and encrypted on its next save.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models

TOKEN_PREFIX = "gAAAA"  # every Fernet token starts with version byte 0x80 and a timestamp
_cache = {}


def _keys():
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        derived = hashlib.sha256(b"ipdesk-field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return keys


def fernet():
    """The MultiFernet for the configured keys (cached until the settings change)."""
    keys = tuple(_keys())
    if _cache.get("keys") != keys:
        _cache["keys"] = keys
        _cache["fernet"] = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    return _cache["fernet"]


def _reset(**kwargs):
    if kwargs.get("setting") in ("FIELD_ENCRYPTION_KEY", "SECRET_KEY"):
        _cache.clear()


setting_changed.connect(_reset)


def encrypt(value):
    if value is None or value == "":
        return value
    return fernet().encrypt(str(value).encode("utf-8")).decode("ascii")


def decrypt(value):
    """Plain text of a stored value; a value that is not a token is returned unchanged (legacy rows)."""
    if value is None or value == "" or not isinstance(value, str) or not value.startswith(TOKEN_PREFIX):
        return value
    try:
        return fernet().decrypt(value.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return value


def is_encrypted(value):
    """Whether a raw column value is a token this installation can open."""
    if not isinstance(value, str) or not value.startswith(TOKEN_PREFIX):
        return False
    try:
        fernet().decrypt(value.encode("ascii"))
        return True
    except (InvalidToken, ValueError):
        return False


class EncryptedTextField(models.TextField):
    """Text encrypted in the database, plain in Python. `max_length` limits the plain text (forms)."""
    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def to_python(self, value):
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and is_encrypted(value):
            return value  # already a token (e.g. a raw value restored from a backup)
        return encrypt(value)


class EncryptedCharField(EncryptedTextField):
    """Same as EncryptedTextField; a separate name for fields that were CharFields (form widget: one line)."""

    def formfield(self, **kwargs):
        from django import forms
        defaults = {"form_class": forms.CharField, "max_length": self.max_length}
        defaults.update(kwargs)
        return super(models.TextField, self).formfield(**defaults)
