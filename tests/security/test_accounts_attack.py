"""Identity and session attacks: taking over a higher account, changing a password before the second
factor, session fixation at the OTP step, tokens that outlive a password, locking out a stranger's
account, and passwords made of the username. Each test performs the attack over HTTP."""
import base64

import pyotp
import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from ipdesk.accounts.models import User
from ipdesk.core.models import AuditEntry
from ipdesk.core.scoping import Role
from tests.conftest import PASSWORD

NEW = "Taken-0ver-2026!"


def device_of(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def fresh_code(user):
    """The current code of the user's authenticator, usable once more (a test reuses the 30-second
    window several times; the server refuses a code it has already accepted)."""
    device = device_of(user)
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def wrong_code(user):
    good = fresh_code(user)
    return "000000" if good != "000000" else "111111"


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def admin(make_user):
    user = make_user("admin", Role.CITY_OFFICER, "370400", is_superuser=True, is_staff=True)
    device_of(user)
    return user


def edit_data(target, **changes):
    values = {"username": target.username, "display_name": target.display_name, "role": target.role,
              "region": target.region_id or "", "enterprise": target.enterprise_id or "", "phone": "",
              "email": "", "is_active": "on", "_version": target.version}
    values.update(changes)
    return values


# ---- 1. A city officer takes over the superuser ------------------------------------------------
def test_city_officer_cannot_take_over_the_superuser(users, admin, client_for):
    city = client_for(users["city"])
    assert city.get(f"/accounts/users/{admin.pk}/edit/").status_code in (403, 404)
    r = city.post(f"/accounts/users/{admin.pk}/edit/", edit_data(admin, password=NEW, otp_token=fresh_code(users["city"])))
    assert r.status_code in (403, 404)
    assert city.post(f"/accounts/users/{admin.pk}/reset-otp/", {"otp_token": fresh_code(users["city"])}).status_code \
        in (403, 404)
    assert city.post(f"/accounts/users/{admin.pk}/unlock/").status_code in (403, 404)
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and not admin.check_password(NEW)
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    # the administrator's account cannot be opened with the password the officer tried to set
    intruder = Client()
    assert login(intruder, "admin", NEW).status_code == 200
    assert intruder.get("/sysadmin/").status_code == 302
    # the detail page offers no way to change it either
    page = city.get(f"/accounts/users/{admin.pk}/").content.decode()
    assert f"/accounts/users/{admin.pk}/edit/" not in page and "reset-otp" not in page


def test_city_officer_cannot_manage_another_city_officer_or_create_one(users, make_user, client_for):
    peer = make_user("city2", Role.CITY_OFFICER, "370400")
    device_of(peer)
    city = client_for(users["city"])
    assert city.get(f"/accounts/users/{peer.pk}/edit/").status_code == 404
    assert city.post(f"/accounts/users/{peer.pk}/reset-otp/", {"otp_token": fresh_code(users["city"])}).status_code \
        == 404
    assert TOTPDevice.objects.filter(user=peer).exists()
    # nor raise a district officer to city officer, nor create a new city officer
    target = users["district"]
    r = city.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, role=Role.CITY_OFFICER, region=""))
    assert r.status_code == 200 and "role" in r.context["form"].errors
    target.refresh_from_db()
    assert target.role == Role.DISTRICT_OFFICER
    r = city.post("/accounts/users/add/", {"username": "newboss", "display_name": "新", "role": Role.CITY_OFFICER,
                                           "password": "Quite-new-passw0rd!", "is_active": "on"})
    assert r.status_code == 200 and not User.objects.filter(username="newboss").exists()


def test_superuser_resets_a_city_officer_with_a_fresh_code_only(users, admin, client_for):
    target = users["city"]
    device_of(target)
    su = client_for(admin)
    # without the superuser's own code: refused, nothing changed
    r = su.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, password=NEW))
    assert r.status_code == 200 and "otp_token" in r.context["form"].errors
    assert "动态验证码" in str(r.context["form"].errors["otp_token"])
    r = su.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, password=NEW, otp_token=wrong_code(admin)))
    assert r.status_code == 200
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    # with a fresh code: done, and audited as a re-authenticated reset
    r = su.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, password=NEW, otp_token=fresh_code(admin)))
    assert r.status_code == 302, r.context and r.context["form"].errors
    target.refresh_from_db()
    assert target.check_password(NEW)
    entry = AuditEntry.objects.get(action="action", object_type="accounts.user", object_id=str(target.pk),
                                   after__password_reset=True)
    assert entry.username == "admin" and entry.after["reauthenticated"] is True
    assert su.post(f"/accounts/users/{target.pk}/reset-otp/").status_code == 302
    assert TOTPDevice.objects.filter(user=target).exists()
    assert su.post(f"/accounts/users/{target.pk}/reset-otp/", {"otp_token": fresh_code(admin)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(action="action", object_id=str(target.pk), after__otp_reset=True)
    assert entry.username == "admin" and entry.after["reauthenticated"] is True


def test_city_officer_resets_a_district_officers_authenticator_only_with_a_fresh_code(users, client_for):
    target, officer = users["district"], users["city"]
    device_of(target)
    city = client_for(officer)
    r = city.post(f"/accounts/users/{target.pk}/reset-otp/", follow=True)
    assert "验证码" in r.content.decode() and TOTPDevice.objects.filter(user=target).exists()
    r = city.post(f"/accounts/users/{target.pk}/reset-otp/", {"otp_token": wrong_code(officer)}, follow=True)
    assert TOTPDevice.objects.filter(user=target).exists()
    assert AuditEntry.objects.filter(action="login_failed", username="city", after__stage="reauth").exists()
    assert not AuditEntry.objects.filter(after__otp_reset=True).exists()
    r = city.post(f"/accounts/users/{target.pk}/reset-otp/", {"otp_token": fresh_code(officer)})
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(action="action", object_id=str(target.pk), after__otp_reset=True)
    assert entry.username == "city" and entry.after["reauthenticated"] is True and entry.after["devices_removed"] == 1


def test_city_officer_sets_a_district_officers_password_only_with_a_fresh_code(users, client_for):
    target, officer = users["district"], users["city"]
    city = client_for(officer)
    r = city.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, password=NEW))
    assert r.status_code == 200 and "otp_token" in r.context["form"].errors
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    r = city.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, password=NEW, otp_token=fresh_code(officer)))
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW)
    assert AuditEntry.objects.filter(object_id=str(target.pk), after__password_reset=True,
                                     after__reauthenticated=True, username="city").exists()
    # an edit that leaves the password alone needs no code
    target.refresh_from_db()
    r = city.post(f"/accounts/users/{target.pk}/edit/", edit_data(target, display_name="区局甲"))
    assert r.status_code == 302


def test_the_user_api_has_no_write_path(users, admin, client_for):
    city = client_for(users["city"])
    url = f"/api/users/{admin.pk}/"
    assert city.patch(url, {"is_active": False}, content_type="application/json").status_code in (403, 404, 405)
    assert city.put(url, {"username": "x"}, content_type="application/json").status_code in (403, 404, 405)
    assert city.delete(url).status_code in (403, 404, 405)
    assert city.post("/api/users/", {"username": "x", "role": "city_officer"},
                     content_type="application/json").status_code in (403, 404, 405)
    admin.refresh_from_db()
    assert admin.is_active and User.objects.filter(username="x").count() == 0


# ---- 2. Password changed with the password alone ------------------------------------------------
def test_password_change_needs_the_second_factor_first(users):
    user = users["city"]
    device_of(user)
    thief = Client()
    assert login(thief, "city").status_code == 302
    r = thief.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/")
    assert thief.get("/accounts/password/")["Location"].startswith("/accounts/otp/")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_expired_password_is_changed_after_the_second_factor(users):
    from datetime import timedelta

    from django.utils import timezone
    user = users["city"]
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    client = Client()
    login(client, "city")
    assert client.get("/")["Location"].startswith("/accounts/otp/")
    r = client.post("/accounts/otp/", {"token": fresh_code(user)})
    assert r.status_code == 302
    assert client.get("/")["Location"] == "/accounts/password/?expired=1"
    assert client.get("/accounts/password/?expired=1").status_code == 200
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    assert client.get("/").status_code == 200


# ---- 3. Low items --------------------------------------------------------------------------------
def test_session_key_changes_at_the_second_factor(users):
    user = users["city"]
    client = Client()
    login(client, "city")
    before = client.session.session_key
    assert client.post("/accounts/otp/", {"token": fresh_code(user)}).status_code == 302
    after = client.session.session_key
    assert after != before
    # the pre-OTP key no longer opens anything
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get("/accounts/users/").status_code == 302


def _token(username, **extra):
    r = Client().post("/api/token/", {"username": username, "password": PASSWORD, **extra})
    assert r.status_code == 200, r.content
    return r.json()["token"]


def _api_me(key):
    return Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_api_tokens_are_revoked_when_the_password_changes_by_the_user(users, client_for):
    key = _token("district")
    assert _api_me(key) == 200
    r = client_for(users["district"]).post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW,
                                                                   "new_password2": NEW})
    assert r.status_code == 302
    assert _api_me(key) in (401, 403)
    assert not Token.objects.filter(user=users["district"]).exists()


def test_api_tokens_are_revoked_when_an_officer_sets_the_password(users, client_for):
    target = users["district"]
    key = _token("district")
    city = client_for(users["city"])
    r = city.post(f"/accounts/users/{target.pk}/edit/",
                  edit_data(target, password=NEW, otp_token=fresh_code(users["city"])))
    assert r.status_code == 302
    assert _api_me(key) in (401, 403)


def test_api_tokens_are_revoked_when_the_authenticator_is_reset(users, admin, client_for):
    target = users["city"]
    key = _token("city", otp=fresh_code(target))
    assert _api_me(key) == 200
    su = client_for(admin)
    assert su.post(f"/accounts/users/{target.pk}/reset-otp/", {"otp_token": fresh_code(admin)}).status_code == 302
    assert _api_me(key) in (401, 403)


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    stranger = Client(REMOTE_ADDR="10.66.0.9")
    for _ in range(4):
        login(stranger, "district", "Wrong-passw0rd!")
    assert login(stranger, "district").status_code in (403, 429)       # the stranger's address is locked
    owner = Client(REMOTE_ADDR="10.20.0.5")
    assert login(owner, "district").status_code == 302                 # the owner still signs in


def test_many_addresses_guessing_one_account_reach_the_ceiling(users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_CEILING = 6
    for n in range(3):
        bot = Client(REMOTE_ADDR=f"10.66.1.{n + 1}")
        for _ in range(2):
            login(bot, "district", "Wrong-passw0rd!")
    r = login(Client(REMOTE_ADDR="10.20.0.5"), "district")
    assert r.status_code in (403, 429) and "锁定" in r.content.decode()


def test_a_password_made_of_the_username_is_refused_on_create(users, client_for):
    r = client_for(users["city"]).post("/accounts/users/add/", {
        "username": "zhangsan", "display_name": "张三", "role": Role.LAWYER, "password": "zhangsan@2026A",
        "is_active": "on"})
    assert r.status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()
    message = " ".join(r.context["form"].errors["password"])
    assert "用户名" in message, message


def test_a_longer_password_containing_the_username_is_refused(users, client_for):
    target = users["district"]
    r = client_for(users["city"]).post(f"/accounts/users/{target.pk}/edit/", edit_data(
        target, password="My-district-Passw0rd-2026!", otp_token=fresh_code(users["city"])))
    assert r.status_code == 200 and "用户名" in " ".join(r.context["form"].errors["password"])
    r = Client().post("/accounts/login/", {"username": "district", "password": PASSWORD})
    assert r.status_code == 302
