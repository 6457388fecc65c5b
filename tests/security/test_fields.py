"""Personal data encrypted at rest: a database dump alone does not reveal phone numbers."""
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from ipdesk.core.fields import decrypt, encrypt, is_encrypted
from ipdesk.core.models import AuditEntry

PHONE = "13912345678"


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_user_phone_is_ciphertext_in_the_database_and_plain_in_python(users):
    user = users["district"]
    user.phone = PHONE
    user.save()
    stored = raw("accounts_user", "phone", user.pk)
    assert PHONE not in stored and is_encrypted(stored)
    user.refresh_from_db()
    assert user.phone == PHONE
    # nor does the audit log carry it in clear
    assert not any(PHONE in str(e.before) + str(e.after) for e in AuditEntry.objects.all())


def test_each_encryption_differs_and_empty_stays_empty():
    a, b = encrypt(PHONE), encrypt(PHONE)
    assert a != b and decrypt(a) == decrypt(b) == PHONE
    assert encrypt("") == "" and decrypt("") == ""


def test_clear_legacy_value_is_read_then_encrypted_on_save(users):
    user = users["city"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET phone = %s WHERE id = %s", [PHONE, user.pk])
    user.refresh_from_db()
    assert user.phone == PHONE
    user.save()
    assert is_encrypted(raw("accounts_user", "phone", user.pk))


def test_key_rotation_and_wrong_key(settings, users):
    user = users["city"]
    user.phone = PHONE
    user.save()
    old = raw("accounts_user", "phone", user.pk)
    new_key = Fernet.generate_key().decode()
    from ipdesk.core.fields import _keys
    settings.FIELD_ENCRYPTION_KEY = f"{new_key},{_keys()[0]}" if not settings.FIELD_ENCRYPTION_KEY else \
        f"{new_key},{settings.FIELD_ENCRYPTION_KEY}"
    assert decrypt(old) == PHONE  # old rows still open with the second key
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert not is_encrypted(old)  # a different key cannot read the dump …
    with pytest.raises(ImproperlyConfigured):  # … and says so instead of handing out the ciphertext
        decrypt(old)


def test_another_key_fails_loudly_and_an_old_key_opens_the_value(settings, users):
    from ipdesk.accounts.models import User
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = key_a
    user = users["district"]
    user.phone = PHONE
    user.save()
    stored = raw("accounts_user", "phone", user.pk)
    settings.FIELD_ENCRYPTION_KEY = key_b  # SECRET_KEY / FIELD_ENCRYPTION_KEY changed without rotation
    with pytest.raises(ImproperlyConfigured, match="accounts.User.phone") as error:
        User.objects.get(pk=user.pk)
    assert "FIELD_ENCRYPTION_OLD_KEYS" in str(error.value) and stored not in str(error.value)
    # nor is the ciphertext encrypted a second time when it is written back
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        User.objects.filter(pk=user.pk).update(phone=stored)
    assert raw("accounts_user", "phone", user.pk) == stored
    settings.FIELD_ENCRYPTION_OLD_KEYS = key_a  # rotation: the new key encrypts, the old one still reads
    again = User.objects.get(pk=user.pk)
    assert again.phone == PHONE
    again.save()
    rewritten = raw("accounts_user", "phone", user.pk)
    settings.FIELD_ENCRYPTION_OLD_KEYS = ""
    assert User.objects.get(pk=user.pk).phone == PHONE and rewritten != stored  # re-encrypted under key B


@pytest.mark.parametrize("role,visible", [("city", True), ("district", False)])
def test_user_export_masks_phone_unless_role_needs_it(users, clients, role, visible):
    users["district"].phone = PHONE
    users["district"].save()
    r = clients[role].get("/accounts/users/?export=csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert (PHONE in body) is visible
    if not visible:
        assert "139****5678" in body
