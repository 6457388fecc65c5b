"""Security review of the controls in docs/security.md, by a reviewer who had not written them: the
two attacks that still worked (an import linking another district's enterprise, a panel naming another
district's officer) and are now refused, then the attempts that were already refused."""
import csv

import pytest
from docx import Document

from ipdesk.core.scoping import Role
from tests.protection.conftest import adjudication  # noqa: F401  (the 薛城区 case of the protection tests)

ADJ_API = "/api/protection/adjudications/"


def _post_json(client, url, data):
    return client.post(url, data, content_type="application/json")



# ==== ATTACKS THE REVIEW FOUND WORKING (fixed) =======================================================

def test_import_links_own_district_patent_to_another_districts_enterprise(tmp_path, users, make_enterprise,
                                                                         make_user, clients):
    """A 薛城区 district officer imports a patent placed in its own district (行政区划代码 370403) whose
    统一社会信用代码 names a 滕州市 (370481) enterprise. The API refuses that holder (choosable), the
    import does not: the patent is linked to the other district's enterprise and shows up in that
    enterprise's own scope (Patent.scope enterprise="holder")."""
    from ipdesk.core.imports import run_import
    from ipdesk.registry.models import Patent
    victim = make_enterprise("滕州受害科技有限公司", "370481")
    victim_user = make_user("victim", Role.ENTERPRISE, enterprise=victim)

    # the API refuses that link (control in place)
    api = _post_json(clients["district"], "/api/patents/", {
        "application_no": "CN201710601862.3", "title": "一种锂电池隔膜", "holder": victim.pk,
        "region": users["district"].region_id})
    assert api.status_code == 400, api.content

    path = tmp_path / "p.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["申请号", "专利名称", "申请人", "统一社会信用代码", "行政区划代码", "申请日", "法律状态"])
        w.writerow(["CN201710601862.3", "一种锂电池隔膜", victim.name, victim.uscc, "370403", "2017-08-01", "审中"])
    run_import("patents", path, user=users["district"])
    patent = Patent.objects.filter(application_no="201710601862.3").first()
    linked = patent is not None and patent.holder_id == victim.pk
    seen_by_victim = patent is not None and Patent.objects.restrict(victim_user).filter(pk=patent.pk).exists()
    assert not linked and not seen_by_victim, \
        "district import linked a patent to another district's enterprise (holder out of the officer's scope)"
    # the row itself is the officer's to import: it lands in its district, under the name it gives, unlinked
    assert patent.region_id == users["district"].region_id and patent.holder_id is None
    assert patent.holder_name == victim.name


def test_adjudication_panel_names_an_officer_of_another_district(clients, users, adjudication):
    """The step form offers a 薛城区 officer only its own district's officers (plus city officers),
    but /transition/ to `filed` (and the web step) accepts any active officer: a 滕州市 officer is put on
    a 薛城区 panel — a many-to-many link to a user outside the writer's scope (core/scoping.choosable)."""
    from ipdesk.protection.actions import nameable_people
    offered = set(nameable_people(users["district"], "users").values_list("pk", flat=True))
    assert users["other_district"].pk not in offered  # the UI never offers it
    panel = [users["district"].pk, users["other_district"].pk, users["city"].pk]
    response = _post_json(clients["district"], f"{ADJ_API}{adjudication.pk}/transition/",
                          {"to": "filed", "handlers": panel, "date": "2024-05-20"})
    adjudication.refresh_from_db()
    linked = adjudication.handlers.filter(pk=users["other_district"].pk).exists()
    assert response.status_code == 400 and not linked, \
        f"panel accepted an officer of another district ({response.status_code})"


# ==== REFUSED ATTEMPTS (pass) ======================================================================

def _docx(*paragraphs):
    import io
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("text", [
    "{% if ''.__class__ %}x{% endif %}",
    "{{ ('a' ~ 'b').__class__ }}",
    "{{ case.number|upper }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{% set ns = namespace(a=1) %}",
    "{{ self }}",
    "{{ loop }}",
    "{{ case['number'] }}",
    "{{ case }}",
    "{{ [case.number][0] }}",
    "{% if case.number is sameas case.title %}x{% endif %}",
    "{% if case.number is defined(1) %}x{% endif %}",
    "{{ lipsum }}",
    "{%p if ''.__class__ %}x{%p endif %}",
    "{{r case.number.__class__ }}",
    "{% if (case.number).__len__ %}x{% endif %}",
    "{{ case.number.__class__.__mro__ }}",
    "{% include 'x' %}",
    "{% macro m() %}{% endmacro %}",
    "{{ 'a' * 100000000 }}",
    "{{ case.number if case.title else cycler }}",
])
def test_template_escapes_are_refused(text):
    from django.core.exceptions import ValidationError
    from ipdesk.protection.documents import validate_template
    with pytest.raises(ValidationError):
        validate_template(_docx(text))


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "https://ipdesk.invalid/static/../settings.py",
    "https://ipdesk.invalid/static/%2e%2e/settings.py", "https://ipdesk.invalid/static/css/%2e%2e%2f%2e%2e%2fsettings.py",
    "static:../settings.py", "static:/etc/passwd", "static:css/../../settings.py",
    "https://user@ipdesk.invalid/static/css/x.css", "http://ipdesk.invalid/static/css/x.css",
    "https://ipdesk.invalid/media/x", "data:text/plain,hi", "https://ipdesk.invalid/static/..%5csettings.py",
    "static:%2e%2e/settings.py",
])
def test_pdf_fetcher_refuses(url, settings):
    from ipdesk.core.pdf import static_file
    assert static_file(url) is None


def test_pdf_css_import_of_a_local_file_is_not_embedded(settings):
    from ipdesk.core.pdf import render_pdf
    pdf = render_pdf('<html><head><style>@import url("file:///etc/passwd");'
                     'body{background:url(/static/../../../../etc/passwd)}</style></head>'
                     '<body><a rel="attachment" href="file:///etc/hostname">x</a>'
                     '<a rel="attachment" href="data:text/plain,EVIL">y</a></body></html>')
    assert b"root:" not in pdf and b"EVIL" not in pdf


def test_city_officer_cannot_grant_city_officer_or_edit_self(clients, users):
    r = clients["city"].post("/accounts/users/add/", {"username": "mole", "display_name": "m", "role": "city_officer",
                                                   "region": users["city"].region_id, "password": "Xy7#kLm!pq29Zr",
                                                   "is_active": "on", "is_superuser": "on", "is_staff": "on"})
    from ipdesk.accounts.models import User
    assert not User.objects.filter(username="mole", role="city_officer").exists()
    r = clients["city"].get(f"/accounts/users/{users['city'].pk}/edit/")
    assert r.status_code == 404


def test_district_officer_and_enterprise_cannot_edit_users(clients, users):
    for who in ("district", "enterprise"):
        r = clients[who].post(f"/accounts/users/{users['lawyer'].pk}/edit/", {"role": "leader"})
        assert r.status_code in (403, 404)
    r = clients["district"].post(f"/accounts/users/{users['lawyer'].pk}/reset-otp/", {"otp_token": "123456"})
    assert r.status_code in (403, 404)


def test_user_api_is_read_only(clients, users):
    r = _post_json(clients["city"], "/api/users/", {"username": "x", "role": "city_officer"})
    assert r.status_code in (403, 405)
    r = clients["city"].patch(f"/api/users/{users['district'].pk}/", {"role": "city_officer"},
                              content_type="application/json")
    assert r.status_code in (403, 405)


def test_reset_otp_without_a_fresh_code_is_refused(clients, users):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.create(user=users["district"], name="d", confirmed=True)
    for code in ("", "000000"):
        clients["city"].post(f"/accounts/users/{users['district'].pk}/reset-otp/", {"otp_token": code})
    assert TOTPDevice.objects.filter(user=users["district"]).exists()


def test_api_patch_without_version_is_refused(clients, users, make_enterprise):
    ent = make_enterprise("版本测试有限公司", "370403")
    r = clients["district"].patch(f"/api/enterprises/{ent.pk}/", {"name": "改名有限公司"},
                                  content_type="application/json")
    assert r.status_code == 428


def test_no_inline_script_in_templates():
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2] / "ipdesk"
    bad = []
    for p in root.rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            bad.append(f"{p}:{m.group(0)}")
        if re.search(r"\son[a-z]+\s*=\s*\"", text):
            bad.append(f"{p}: inline handler")
    assert not bad, bad
