"""The main path of every user: the Chinese login page, signing in (with TOTP where the role needs it)."""
import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_role_signs_in_through_the_login_form(page, users):
    for role, user in users.items():
        page.context.clear_cookies()
        login(page, user)
        assert page.url.rstrip("/") == page.base_url, f"{role} landed on {page.url}"
        assert user.display_name in page.inner_text("[data-testid=current-user]"), role


def test_wrong_password_says_so_in_chinese(page, users):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", users["district"].username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[data-testid=login-error]")
