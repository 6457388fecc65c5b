"""Web protections: CSRF on every form endpoint, clickjacking and other headers, formula injection in
exports, and no silent overwrite when two people edit the same record."""
import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ipdesk.core.exports import Column, FORMULA_PREFIXES, export_response, neutralize, workbook_bytes
from tests.security.urlwalk import example, walk

SKIP_PREFIXES = ("/static/", "/media/", "/api/schema", "/api/docs", "/sysadmin/")


def csrf_client(user):
    from tests.conftest import _verified_client
    client = _verified_client(user)
    client.handler.enforce_csrf_checks = True
    return client


# ---- CSRF --------------------------------------------------------------------------------------
def test_every_page_refuses_a_post_without_csrf_token(users):
    client = csrf_client(users["city"])
    checked = []
    for template, callback, name in walk():
        path = example(template)
        if path is None or path.startswith(SKIP_PREFIXES) or path.startswith("/api/"):
            continue
        if getattr(callback, "csrf_exempt", False):
            pytest.fail(f"{path} ({name}) is exempt from CSRF protection")
        r = client.post(path, {"x": "1"})
        assert r.status_code == 403, f"{path} ({name}) answered {r.status_code} to a POST without CSRF token"
        checked.append(path)
    assert len(checked) > 20  # the URLconf was really walked


def test_session_api_writes_need_csrf_but_tokens_do_not(users):
    client = csrf_client(users["city"])
    r = client.post("/api/regions/", {"code": "379999", "name": "测试区", "level": "county"})
    assert r.status_code == 403 and "CSRF" in r.content.decode()
    client.get("/")  # a page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    r = client.post("/api/regions/",
                    {"code": "379999", "name": "测试区", "level": "county"}, HTTP_X_CSRFTOKEN=token)
    assert r.status_code != 403


def test_login_form_itself_is_csrf_protected(users):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/accounts/login/", {"username": "district", "password": "Test-passw0rd!"})
    assert r.status_code == 403 and "_auth_user_id" not in client.session


# ---- Clickjacking and headers ------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/accounts/users/", "/api/me/"])
def test_pages_cannot_be_framed_and_carry_security_headers(clients, path):
    r = clients["city"].get(path)
    assert r["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r["Content-Security-Policy"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_short_lived(users, settings):
    client = Client()
    client.post("/accounts/login/", {"username": "district", "password": "Test-passw0rd!"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and settings.SESSION_COOKIE_AGE <= 1800
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# ---- Formula injection -------------------------------------------------------------------------
ATTACKS = ["=HYPERLINK(\"http://evil\",\"点击\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1", "=cmd|' /C notepad'!'A1'"]


@pytest.mark.parametrize("value", ATTACKS)
def test_neutralize_defuses_formula_prefixes(value):
    assert neutralize(value).startswith("'")


def test_numbers_and_plain_text_are_left_alone():
    assert neutralize(-5) == -5 and neutralize("枣庄市") == "枣庄市" and neutralize(None) == ""


def test_csv_and_xlsx_exports_carry_no_live_formula(users, make_enterprise):
    from ipdesk.registry.models import Enterprise
    for i, attack in enumerate(ATTACKS):
        make_enterprise(attack)
    qs = Enterprise.objects.all()
    columns = [Column("企业名称", "name"), Column("统一社会信用代码", "uscc")]
    r = export_response(qs, columns, "csv", "enterprises", user=users["city"])
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert all(not c.startswith(FORMULA_PREFIXES) for c in cells)
    assert sum(c.startswith("'") for c in cells) == len(ATTACKS)
    r = export_response(qs, columns, "xlsx", "enterprises", user=users["city"])
    ws = load_workbook(io.BytesIO(r.content)).active
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)), cell.value


def test_workbook_bytes_used_by_reports_is_safe_too():
    ws = load_workbook(io.BytesIO(workbook_bytes([["标题"], ["=1+1"], ["@A1"]]))).active
    assert [c.data_type for c in ws["A"]] == ["s", "s", "s"]


def test_every_list_export_is_neutralised(users, clients, make_enterprise):
    """Every list page that exports (discovered from the URLconf) writes no formula cell."""
    from ipdesk.core.views import ObjectListView
    for attack in ATTACKS[:3]:
        make_enterprise(attack)
    seen = 0
    for template, callback, name in walk():
        cls = getattr(callback, "view_class", None)
        if not (cls and issubclass(cls, ObjectListView) and cls.export_columns):
            continue
        path = example(template)
        if path is None:
            continue
        r = clients["city"].get(path, {"export": "xlsx"})
        if r.status_code == 404:
            continue
        assert r.status_code == 200, (path, r.status_code)
        ws = load_workbook(io.BytesIO(r.content)).active
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), path
        seen += 1
    assert seen >= 1


# ---- Concurrency: no silent overwrite ----------------------------------------------------------
def test_second_editor_gets_a_conflict_not_an_overwrite(users, make_user, client_for):
    from ipdesk.core.scoping import Role
    other_city = make_user("city2", Role.CITY_OFFICER, "370400")
    a, b = client_for(users["city"]), client_for(other_city)
    target = users["district"]
    url = f"/accounts/users/{target.pk}/edit/"
    form_a = a.get(url).context["form"]
    form_b = b.get(url).context["form"]

    def data(form, **changes):
        values = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
        values.update({"_version": form.initial.get("_version", target.version)}, **changes)
        values["region"] = target.region_id
        values["is_active"] = "on"
        return values
    r = a.post(url, data(form_a, display_name="甲修改"))
    assert r.status_code == 302
    r = b.post(url, data(form_b, display_name="乙修改"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "已被" in body and "city" in body and "刷新" in body
    target.refresh_from_db()
    assert target.display_name == "甲修改"


def test_api_update_with_a_stale_version_is_refused(clients, regions):
    from ipdesk.regions.models import IndustryChain
    chain = IndustryChain.objects.create(code="T1", name="测试产业链")
    url = f"/api/industry-chains/{chain.pk}/"
    r = clients["city"].patch(url, {"name": "第一次", "version": chain.version}, content_type="application/json")
    assert r.status_code == 200, r.content
    r = clients["city"].patch(url, {"name": "第二次", "version": chain.version}, content_type="application/json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["version"][0]
    chain.refresh_from_db()
    assert chain.name == "第一次"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_api_updates_with_the_same_version_do_not_both_win(regions, users, client_for):
    """Two threads PATCH the same record with the version they both read: exactly one succeeds."""
    import threading

    from django.db import connection

    from ipdesk.regions.models import IndustryChain
    if connection.vendor != "postgresql":
        # the in-memory SQLite test database cannot serve two threads at once ("table is locked");
        # on a file database SQLite serialises writers anyway (IMMEDIATE transactions)
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
    chain = IndustryChain.objects.create(code="T2", name="并发测试")
    url = f"/api/industry-chains/{chain.pk}/"
    clients = [client_for(users["city"]), client_for(users["city"])]
    results = []
    barrier = threading.Barrier(2)

    def edit(client, name):
        barrier.wait()
        results.append(client.patch(url, {"name": name, "version": 1}, content_type="application/json").status_code)
        connection.close()
    threads = [threading.Thread(target=edit, args=(c, f"名称{i}")) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    chain.refresh_from_db()
    assert chain.version == 2


# ---- Bad input is the caller's mistake: 4xx with a message, never a 500 ----------------------------
def test_out_of_range_numbers_and_years_answer_400(clients):
    client = clients["city"]
    client.raise_request_exception = False
    r = client.get("/api/patents/", {"holder": "9" * 30})
    # The holder is chosen from the enterprises in scope (core.filters): an id that is none of them —
    # here one no database column can hold — is refused as a bad choice of that field, on both databases.
    assert r.status_code == 400 and list(r.json()) == ["holder"], r.content
    r = client.get("/registry/patents/", {"holder": "9" * 30})
    assert r.status_code in (200, 400) and r.status_code != 500


def test_deleting_a_referenced_record_answers_409(clients, make_enterprise, regions):
    make_enterprise("引用企业有限公司", "370403")
    client = clients["city"]
    client.raise_request_exception = False
    r = client.delete(f"/api/regions/{regions['370403'].pk}/")
    assert r.status_code == 409 and "引用" in r.json()["detail"]


@pytest.mark.parametrize("exc", [OverflowError("Python int too large"), "year"])
def test_middleware_turns_input_range_errors_into_400(rf, exc):
    from ipdesk.core.middleware import RequestContextMiddleware
    if exc == "year":
        from django.db import connection
        try:
            connection.ops.year_lookup_bounds_for_date_field(0)
        except ValueError as err:
            exc = err
    for path in ("/api/x/", "/registry/x/"):
        response = RequestContextMiddleware(lambda r: None).process_exception(rf.get(path), exc)
        import json
        body = json.loads(response.content)["detail"] if path.startswith("/api/") else response.content.decode()
        assert response.status_code == 400 and "超出允许范围" in body
    assert RequestContextMiddleware(lambda r: None).process_exception(rf.get("/"), ValueError("a real bug")) is None
