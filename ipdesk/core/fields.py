"""Model fields for personal data stored encrypted at rest (个人信息加密存储).

`EncryptedTextField` keeps phone and ID numbers as Fernet tokens (AES-128-CBC + HMAC-SHA256), so
a database dump alone does not reveal them. Python code sees plain text; the column holds
`gAAAA…`. The key is settings.FIELD_ENCRYPTION_KEY (one Fernet key, or several separated by commas:
the first encrypts, all decrypt — rotate by putting a new key first), or, when that is empty, a
key derived from SECRET_KEY. FIELD_ENCRYPTION_OLD_KEYS (comma-separated) lists retired keys that
still decrypt: old Fernet keys, or an old SECRET_KEY the key used to be derived from. Keep the key
out of the database backups' reach (docs/operations.md).

Because every encryption differs, the column cannot be searched or filtered by value: look rows
up by other fields and mask the value for display (core.exports.mask_phone / mask_id_number).
A value that is not a token (a row written before the field was switched) is returned as it is,
and encrypted on its next save. A token that none of the keys opens is an error naming the field
(the key changed): it is never shown as if it were the value, nor encrypted a second time.
"""
import base64
import binascii
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.utils.translation import gettext as _

TOKEN_PREFIX = "gAAAA"  # every Fernet token starts with version byte 0x80 and a timestamp
_cache = {}


class FieldKeyError(ImproperlyConfigured):
    """A stored token that no configured key opens: the encryption key changed."""


def _derived(secret):
    derived = hashlib.sha256(b"ipdesk-field-encryption:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(derived).decode()


def _is_fernet_key(key):
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def _old_keys():
    configured = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", None)
    if configured is None:
        configured = os.environ.get("FIELD_ENCRYPTION_OLD_KEYS", "")
    if isinstance(configured, str):
        configured = configured.split(",")
    return [k if _is_fernet_key(k) else _derived(k) for k in (k.strip() for k in configured) if k]


def _keys():
    """The keys in use: the first encrypts, every one decrypts (FIELD_ENCRYPTION_KEY, then the old keys)."""
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        keys = [_derived(settings.SECRET_KEY)]
    return keys + [k for k in _old_keys() if k not in keys]


def fernet():
    """The MultiFernet for the configured keys (cached until the settings change)."""
    keys = tuple(_keys())
    if _cache.get("keys") != keys:
        _cache["keys"] = keys
        _cache["fernet"] = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    return _cache["fernet"]


def _reset(**kwargs):
    if kwargs.get("setting") in ("FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_OLD_KEYS", "SECRET_KEY"):
        _cache.clear()


setting_changed.connect(_reset)


def encrypt(value):
    if value is None or value == "":
        return value
    return fernet().encrypt(str(value).encode("utf-8")).decode("ascii")


def looks_like_token(value):
    """Whether a value has the shape of a Fernet token (version 0x80, timestamp, IV, whole AES blocks,
    HMAC), whichever key made it: clear text written before encryption never has it."""
    if not isinstance(value, str) or not value.startswith(TOKEN_PREFIX):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError):
        return False
    return raw[:1] == b"\x80" and len(raw) >= 73 and (len(raw) - 57) % 16 == 0


def key_error(field=None):
    name = field or _("加密字段")
    return FieldKeyError(
        f"无法解密 {name}：数据库中的密文不能用当前的字段加密密钥打开，FIELD_ENCRYPTION_KEY（或派生它的 SECRET_KEY）"
        f"已更换。请改回原来的密钥，或把原来的密钥（或原来的 SECRET_KEY）加入 FIELD_ENCRYPTION_OLD_KEYS 以轮换密钥"
        f"（见 docs/operations.md）。 / Cannot decrypt {name}: the field-encryption key changed; put the previous key "
        f"in FIELD_ENCRYPTION_OLD_KEYS.")


def decrypt(value, field=None):
    """Plain text of a stored value; a value that is not a token is returned unchanged (legacy rows).
    A token no key opens raises FieldKeyError naming `field`: the ciphertext is never passed off as the value."""
    if value is None or value == "" or not isinstance(value, str) or not value.startswith(TOKEN_PREFIX):
        return value
    try:
        return fernet().decrypt(value.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        if looks_like_token(value):
            raise key_error(field) from None
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

    def label(self):
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name

    def from_db_value(self, value, expression, connection):
        return decrypt(value, self.label())

    def to_python(self, value):
        return decrypt(value, self.label()) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and is_encrypted(value):
            return value  # already a token (e.g. a raw value restored from a backup)
        if looks_like_token(value):  # a token of another key: encrypting it again would bury the value
            raise key_error(self.label())
        return encrypt(value)


class EncryptedCharField(EncryptedTextField):
    """Same as EncryptedTextField; a separate name for fields that were CharFields (form widget: one line)."""

    def formfield(self, **kwargs):
        from django import forms
        defaults = {"form_class": forms.CharField, "max_length": self.max_length}
        defaults.update(kwargs)
        return super(models.TextField, self).formfield(**defaults)
