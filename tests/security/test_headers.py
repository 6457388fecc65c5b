"""HTTP security headers and what the site serves to strangers: a content security policy that runs no
inline script, HSTS in production, the API description for signed-in users only, and no media files
served by path."""
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches

from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


# ---- Content security policy -----------------------------------------------------------------------
def _csp(response):
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split(";") if d.strip()}


@pytest.mark.parametrize("who, path", [(None, "/accounts/login/"), ("city", "/"), ("city", "/stats/")])
def test_the_policy_runs_only_the_sites_own_script_files(clients, who, path):
    r = (clients[who] if who else Client()).get(path)
    assert r.status_code == 200
    policy = _csp(r)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in r["Content-Security-Policy"]
    assert "'unsafe-eval'" not in r["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
HTMX_ON = re.compile(r"\shx-on[:\-]", re.I)


def _pages(users, regions, make_enterprise):
    """Pages that used to carry inline script, and a few ordinary ones."""
    from ipdesk.stats.actions import prepare_bulletin
    enterprise = make_enterprise("页面测试有限公司", "370403")
    bulletin = prepare_bulletin(regions["370400"], 2022, 6)
    return ["/", "/stats/?as_of=2022-06-30", f"/stats/bulletins/{bulletin.pk}/", "/services/figures/",
            "/finance/figures/", "/protection/figures/", f"/accounts/users/{users['district'].pk}/",
            f"/accounts/users/{users['district'].pk}/edit/", "/accounts/users/add/",
            f"/registry/enterprises/{enterprise.pk}/", "/accounts/password/"]


def test_rendered_pages_carry_no_inline_script(users, regions, make_enterprise, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.create(user=users["district"], name="phone", confirmed=True)  # shows the reset form
    client = client_for(users["city"])
    checked = 0
    for path in _pages(users, regions, make_enterprise):
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        html = r.content.decode()
        assert not INLINE_SCRIPT.findall(html), (path, INLINE_SCRIPT.findall(html))
        assert not INLINE_HANDLER.findall(html), (path, INLINE_HANDLER.findall(html)[:3])
        assert not SCRIPT_URL.findall(html), path
        assert not HTMX_ON.findall(html), path
        checked += 1
    assert checked >= 10


def test_confirmations_use_the_shared_script(users, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.create(user=users["district"], name="phone", confirmed=True)
    html = client_for(users["city"]).get(f"/accounts/users/{users['district'].pk}/").content.decode()
    assert 'data-confirm="确定重置该用户的动态验证码绑定？"' in html
    assert re.search(r'<script src="/static/js/ipdesk\.js(\?[^"]*)?" defer>', html)


def test_print_page_uses_the_shared_script():
    source = (ROOT / "ipdesk/protection/templates/protection/case_print.html").read_text(encoding="utf-8")
    assert "data-print" in source and "onclick" not in source and "js/ipdesk.js" in source


def test_every_template_is_free_of_inline_script():
    """All templates of the project, also those no test renders."""
    offenders = []
    for path in (ROOT / "ipdesk").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or SCRIPT_URL.search(text) or \
                HTMX_ON.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_the_api_docs_page_loads_its_script_as_a_file(clients):
    r = clients["leader"].get("/api/docs/")
    html = r.content.decode()
    assert r.status_code == 200 and "swagger-ui" in html
    assert not INLINE_SCRIPT.findall(html)
    script = clients["leader"].get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# ---- API description -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_the_api_description_is_for_signed_in_users(db, path):
    r = Client().get(path)
    assert r.status_code in (401, 403) or (r.status_code == 302 and "/accounts/login/" in r["Location"])
    assert b"/api/regions/" not in r.content


# ---- HSTS ---------------------------------------------------------------------------------------------
def _settings_in_subprocess(tmp_path, **env):
    """Import the production settings module with the given environment (a fresh interpreter)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "HSTS_SECONDS",
                                                              "HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD",
                                                              "PROXY_SSL_HEADER", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"SECRET_KEY": "x", "IPDESK_VAR_DIR": str(tmp_path)}, **env)
    code = ("import json, ipdesk.settings as s; print(json.dumps([s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))")
    out = subprocess.run([sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_hsts_is_on_in_production_and_off_in_development(tmp_path):
    seconds, subdomains, preload, proxy = _settings_in_subprocess(tmp_path)
    assert seconds == 31536000 and subdomains is False and preload is False and proxy is None
    assert _settings_in_subprocess(tmp_path, DEBUG="1", SECURE_COOKIES="0")[0] == 0
    assert _settings_in_subprocess(tmp_path, SECURE_COOKIES="0")[0] == 0       # plain HTTP: no HSTS
    seconds, subdomains, _preload, proxy = _settings_in_subprocess(
        tmp_path, HSTS_SECONDS="600", HSTS_INCLUDE_SUBDOMAINS="1", PROXY_SSL_HEADER="1")
    assert seconds == 600 and subdomains is True and proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=False)
def test_hsts_header_is_sent_over_https(db):
    r = Client().get("/accounts/login/", secure=True)
    assert r["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")  # never over plain HTTP


# ---- Media files ---------------------------------------------------------------------------------------
@pytest.fixture
def debug_urlconf(settings, tmp_path):
    """The URLconf as it is built under DEBUG=True, with a file in MEDIA_ROOT."""
    import ipdesk.urls
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    importlib.reload(ipdesk.urls)
    clear_url_caches()
    yield ipdesk.urls
    settings.DEBUG = False
    importlib.reload(ipdesk.urls)
    clear_url_caches()


def test_media_files_are_not_served_by_path_even_under_debug(db, debug_urlconf, users):
    routes = [str(p.pattern) for p in debug_urlconf.urlpatterns]
    assert not any("media" in route for route in routes), routes
    r = Client().get("/media/attachments/secret.pdf")
    assert r.status_code == 404 or (r.status_code == 302 and "/accounts/login/" in r["Location"])
    assert b"%PDF" not in r.content
    # nor to a signed-in user: files go through the scoped download view only
    signed_in = Client()
    signed_in.force_login(users["district"])
    assert signed_in.get("/media/attachments/secret.pdf").status_code == 404


# ---- In a browser: charts still draw under the policy -----------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_draws_its_charts_without_policy_violations(page, users, regions):
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(str(e)))
    login(page, users["city"])
    page.goto(f"{page.base_url}/stats/?as_of=2022-06-30")
    page.wait_for_selector("#chart-year canvas")
    page.wait_for_selector("#chart-month canvas")
    # an injected inline script is refused by the policy, so the check below really watches the policy
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran") is None
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert len(violations) == 1 and "inline" in violations[0], violations   # only the probe above
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert len(violations) == 1, violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_confirmation_prompt_still_guards_the_authenticator_reset(page, users, regions):
    """data-confirm (static/js/ipdesk.js) replaces onsubmit="return confirm(…)": cancel keeps, OK submits."""
    import base64

    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    target = users["district"]
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    login(page, users["city"])

    def own_code():
        device = TOTPDevice.objects.get(user=users["city"], confirmed=True)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the sign-in just used this window's code
        return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()

    page.goto(f"{page.base_url}/accounts/users/{target.pk}/")
    page.fill("[data-testid=reset-otp] input[name=otp_token]", own_code())
    page.once("dialog", lambda d: d.dismiss())
    page.click("[data-testid=reset-otp] button")
    page.wait_for_timeout(500)
    assert TOTPDevice.objects.filter(user=target).exists()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.click("[data-testid=reset-otp] button")
    assert "已重置" in page.content()
    assert not TOTPDevice.objects.filter(user=target).exists()
