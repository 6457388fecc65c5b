"""Authentication to 等保三级: password policy, expiry, lockout and unlock, session timeout, TOTP, login audit."""
import base64
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from ipdesk.core.models import AuditEntry
from tests.conftest import PASSWORD

NEW = "Nn-quite-new-2026!"


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def totp_now(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


# ---- Password policy --------------------------------------------------------------------------
@pytest.mark.parametrize("password,reason", [
    ("Ab1!", "太短"), ("abcdefghijkl", "字符"), ("abcdefgh1234", "字符"), ("12345678901234", "数字"),
])
def test_weak_passwords_are_refused(users, password, reason):
    with pytest.raises(ValidationError):
        validate_password(password, users["district"])


def test_strong_password_passes_and_recent_ones_cannot_be_reused(users):
    user = users["district"]
    validate_password(NEW, user)
    for pw in (NEW, "Second-passw0rd!", "Third-passw0rd!"):
        validate_password(pw, user)
        user.set_password(pw)
        user.save()
    for old in (PASSWORD, NEW, "Second-passw0rd!", "Third-passw0rd!"):
        with pytest.raises(ValidationError) as exc:
            validate_password(old, user)
        assert "最近" in exc.value.messages[0]


def test_history_length_is_configurable(users, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [{"NAME": "ipdesk.accounts.validators.PasswordHistoryValidator",
                                          "OPTIONS": {"history": 1}}]
    user = users["district"]
    user.set_password(NEW)
    user.save()
    validate_password(PASSWORD, user)  # only the current password is remembered
    with pytest.raises(ValidationError):
        validate_password(NEW, user)


# ---- Password expiry ---------------------------------------------------------------------------
def test_expired_password_forces_a_change(users, client_for):
    user = users["district"]
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = client_for(user)
    r = client.get("/")
    assert r.status_code == 302 and "/accounts/password/?expired=1" in r["Location"]
    assert client.get("/api/me/").status_code == 403
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": PASSWORD,
                                            "new_password2": PASSWORD})
    assert r.status_code == 200 and "最近" in r.content.decode()  # cannot "change" to the same one
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert user.password_changed_at > timezone.now() - timedelta(minutes=5)


# ---- Lockout and unlock -------------------------------------------------------------------------
def test_lockout_after_repeated_failures_then_officer_unlocks(users, clients, settings):
    settings.AXES_FAILURE_LIMIT = 3
    target = users["district"]
    anon = Client()
    for _ in range(3):
        login(anon, "district", "wrong-Password-1")
    r = login(anon, "district")  # the right password no longer opens the account
    assert r.status_code in (403, 429) and "锁定" in r.content.decode()
    assert "_auth_user_id" not in anon.session
    page = clients["city"].get(f"/accounts/users/{target.pk}/").content.decode()
    assert 'data-testid="locked-badge"' in page and 'data-testid="unlock"' in page
    # district officers see the account but cannot unlock it; leaders cannot reach the page
    assert clients["district"].post(f"/accounts/users/{target.pk}/unlock/").status_code == 404
    assert clients["leader"].post(f"/accounts/users/{target.pk}/unlock/").status_code == 404
    assert clients["city"].post(f"/accounts/users/{target.pk}/unlock/").status_code == 302
    assert AuditEntry.objects.filter(action="action", object_type="accounts.user", object_id=str(target.pk),
                                     after__unlock=True).exists()
    r = login(Client(), "district")
    assert r.status_code == 302


def test_unlock_from_the_command_line(users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    anon = Client()
    for _ in range(2):
        login(anon, "lawyer", "wrong-Password-1")
    assert login(Client(), "lawyer").status_code in (403, 429)
    call_command("axes_reset_username", "lawyer")
    assert login(Client(), "lawyer").status_code == 302


def test_api_token_endpoint_counts_towards_lockout(users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    api = Client()
    assert api.post("/api/token/", {"username": "district", "password": "nope-Nope-1"}).status_code == 400
    api.post("/api/token/", {"username": "district", "password": "nope-Nope-1"})  # the failure that locks
    r = api.post("/api/token/", {"username": "district", "password": PASSWORD})
    assert r.status_code == 429 and "锁定" in r.json()["non_field_errors"][0]


# ---- Session timeout ---------------------------------------------------------------------------
def test_idle_session_ends(users, client_for, settings):
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    client = client_for(users["district"])
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_each_request_extends_the_session(users, client_for):
    client = client_for(users["district"])
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=60))
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=5)



def test_the_session_is_renewed_once_a_minute_not_on_every_request(users, client_for, settings):
    from django.contrib.sessions.backends.db import SessionStore
    client = client_for(users["district"])
    key = client.session.session_key
    client.get("/")                                   # renews (first activity after sign-in)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=60))
    client.get("/")                                   # within the minute: no write
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(seconds=61)
    store = SessionStore(session_key=key)             # a minute later (as if): renewed again
    store["_renewed_at"] -= settings.SESSION_RENEW_SECONDS
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=60))
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=5)


# ---- Second factor -----------------------------------------------------------------------------
def test_city_officer_must_pass_totp_on_the_web_and_the_api(users):
    user = users["city"]
    code_device_user = user
    client = Client()
    assert login(client, "city").status_code == 302
    r = client.get("/accounts/users/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/")
    assert client.get("/api/me/").status_code == 403            # the session API is no way round it
    assert client.get("/api/users/").status_code == 403
    assert client.get("/sysadmin/").status_code == 302
    r = client.post("/accounts/otp/", {"token": "000000"})
    assert "验证码不正确" in r.content.decode()
    TOTPDevice.objects.get(user=user).throttle_reset()  # django-otp throttles after a wrong code
    r = client.post("/accounts/otp/", {"token": totp_now(code_device_user)})
    assert r.status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    assert client.get("/api/me/").json()["username"] == "city"
    assert AuditEntry.objects.filter(action="login_failed", username="city", after__stage="otp").exists()
    assert AuditEntry.objects.filter(action="login", username="city", after__stage="otp").exists()


def test_first_sign_in_enrols_an_authenticator(users):
    client = Client()
    login(client, "city")
    page = client.get("/accounts/otp/").content.decode()
    assert "<svg" in page and 'data-testid="otp-secret"' in page
    device = TOTPDevice.objects.get(user=users["city"], confirmed=False)
    r = client.post("/accounts/otp/", {"token": pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()})
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_api_token_for_an_otp_role_needs_the_code(users):
    api = Client()
    r = api.post("/api/token/", {"username": "city", "password": PASSWORD})
    assert r.status_code == 403 and "绑定" in r.json()["non_field_errors"][0]   # no device yet: enrol on the web
    code = totp_now(users["city"])
    r = api.post("/api/token/", {"username": "city", "password": PASSWORD})
    assert r.status_code == 400 and "otp" in r.json()["non_field_errors"][0]
    r = api.post("/api/token/", {"username": "city", "password": PASSWORD, "otp": "123456" if code != "123456" else "654321"})
    assert r.status_code == 400
    device = TOTPDevice.objects.get(user=users["city"])
    assert device.throttling_failure_count == 1  # wrong codes are throttled (django-otp)
    device.throttle_reset()
    r = api.post("/api/token/", {"username": "city", "password": PASSWORD, "otp": code})
    assert r.status_code == 200, r.content
    token = r.json()["token"]
    me = Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200 and me.json()["username"] == "city"
    assert AuditEntry.objects.filter(action="login", username="city", after__via="api-token").exists()


def test_api_token_for_other_roles_and_its_expiry(users, settings):
    r = Client().post("/api/token/", {"username": "district", "password": PASSWORD})
    assert r.status_code == 200
    key = r.json()["token"]
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=settings.API_TOKEN_MAX_AGE_HOURS + 1))
    r = Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 401 and "过期" in r.content.decode()
    assert Client().post("/api/token/", {"username": "district", "password": "bad-Bad-1"}).status_code == 400


def test_token_for_a_disabled_or_expired_account_is_refused(users):
    r = Client().post("/api/token/", {"username": "district", "password": PASSWORD})
    key = r.json()["token"]
    user = users["district"]
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=365))
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert Client().post("/api/token/", {"username": "district", "password": PASSWORD}).status_code == 403
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now(), is_active=False)
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_officer_resets_a_lost_authenticator(users, clients):
    target = users["district"]
    TOTPDevice.objects.create(user=target, name="old", confirmed=True)
    assert clients["district"].post(f"/accounts/users/{target.pk}/reset-otp/").status_code == 404
    # Refused without a fresh code from the officer's own authenticator (accounts.reauth): the device stays.
    assert clients["city"].post(f"/accounts/users/{target.pk}/reset-otp/").status_code == 302
    assert TOTPDevice.objects.filter(user=target, name="old").exists()
    own = TOTPDevice.objects.get(user=users["city"], confirmed=True)
    code = pyotp.TOTP(base64.b32encode(own.bin_key).decode()).now()
    assert clients["city"].post(f"/accounts/users/{target.pk}/reset-otp/", {"otp_token": code}).status_code == 302
    assert not TOTPDevice.objects.filter(user=target, name="old").exists()


# ---- Login events audited ----------------------------------------------------------------------
def test_every_login_event_is_audited(users):
    client = Client()
    login(client, "district", "wrong-Password-9")
    login(client, "district")
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.filter(object_type="accounts.user").order_by("id")
                   .values_list("action", "object_repr"))
    assert ("login_failed", "district") in actions and ("login", "district") in actions \
        and ("logout", "district") in actions
    failed = AuditEntry.objects.get(action="login_failed", object_repr="district")
    assert failed.ip == "127.0.0.1" and "wrong" not in str(failed.after)  # never the password tried
