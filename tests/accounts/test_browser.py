"""Main security paths in a real browser: a city officer enrols an authenticator on first sign-in,
a locked account is refused, the officer unlocks it from the user page, the user signs in again,
and an expired password is changed before anything else."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_login(page, username, password):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_lockout_then_officer_unlocks_from_the_user_page(page, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    target = users["district"]
    for _ in range(3):
        fill_login(page, target.username, "Wrong-passw0rd!")
    fill_login(page, target.username, PASSWORD)
    assert "锁定" in page.inner_text("[data-testid=locked]")

    page.context.clear_cookies()
    login(page, users["city"])  # first sign-in of a city officer: scan the QR code, enter the code
    page.goto(f"{page.base_url}/accounts/users/{target.pk}/")
    assert page.locator("[data-testid=locked-badge]").is_visible()
    page.click("[data-testid=unlock]")
    page.wait_for_load_state()
    assert "已解锁" in page.content()
    assert page.locator("[data-testid=locked-badge]").count() == 0

    page.context.clear_cookies()
    login(page, target)
    assert page.url.rstrip("/") == page.base_url


def test_expired_password_is_changed_first(page, users):
    user = users["district"]
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    fill_login(page, user.username, PASSWORD)
    assert "/accounts/password/" in page.url and "有效期" in page.content()
    page.goto(f"{page.base_url}/accounts/users/")
    assert "/accounts/password/" in page.url  # nothing else opens until the password is changed
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Brand-new-passw0rd!")
    page.fill("#id_new_password2", "Brand-new-passw0rd!")
    page.click("form button.btn-primary")
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/accounts/users/")
    assert "/accounts/users/" in page.url
