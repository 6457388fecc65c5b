"""Attacks on the import pipeline (core/imports.py, core/import_views.py, core/jobs.py): ragged CSV rows,
zip-bomb workbooks, tracebacks leaking through failed jobs, and a long import locking out sign-in."""
import csv
import io
import threading
import time
import zipfile

import pytest
from django.db import connection, connections
from django.test import Client

from ipdesk.core import imports, jobs
from ipdesk.core.imports import ImportFileError, run_import
from ipdesk.core.models import AuditEntry, Job
from ipdesk.registry.models import Patent

HEADER = ["申请号", "专利名称", "申请人", "申请人地址", "申请日", "授权公告日", "法律状态"]
GOOD = ["CN201710601862.3", "一种锂电池隔膜", "枣庄鲁南科技有限公司", "山东省枣庄市薛城区泰山路1号", "2017-08-01",
        "2019/5/3", "有效"]


def write_rows(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---- 3. Ragged CSV rows ---------------------------------------------------------------------------
SHORT = ["201310699744.2", "一种数控夹具", "滕州华威机械有限公司", "山东省滕州市龙泉路8号", "20131220"]  # no 授权日/状态
LONG = ["202110699820.4", "一种涂层", "枣庄恒泰材料有限公司", "山东省枣庄市峄城区", "2021-06-18", "", "审中", "多出的一格"]


def test_a_short_row_counts_its_missing_cells_as_empty_and_a_long_row_is_rejected(tmp_path, regions):
    path = write_rows(tmp_path / "ragged.csv", [GOOD, SHORT, LONG])
    result = run_import("patents", path, keep_good=True)
    assert (result.created, result.rejected) == (2, 1), result.errors
    assert Patent.objects.get(application_no="201310699744.2").grant_date is None
    assert not Patent.objects.filter(application_no="202110699820.4").exists()
    (problem,) = result.errors
    assert problem.line == 4 and "列数多于表头" in problem.reason and "8" in problem.reason and "7" in problem.reason
    # all-or-nothing: the long row stops the file
    Patent.objects.all().delete()
    assert run_import("patents", path).committed is False and not Patent.objects.exists()


def test_ragged_rows_through_the_upload_page(tmp_path, users, clients, settings, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    data = io.StringIO()
    writer = csv.writer(data)
    writer.writerows([HEADER, GOOD, SHORT, LONG])
    upload = io.BytesIO(data.getvalue().encode("utf-8"))
    upload.name = "ragged.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["city"].post("/import/patents/", {"file": upload, "keep_good": "on"})
    assert response.status_code == 302
    job = Job.objects.get(kind="import")
    assert job.status == "done", job.message
    assert (job.result["created"], job.result["rejected"]) == (2, 1)
    assert "列数多于表头" in job.result["errors"][0]["reason"]
    page = clients["city"].get(response["Location"]).content.decode()
    assert "列数多于表头" in page


# ---- 4. A failed job tells the user what happened, never the traceback ------------------------------
@jobs.job_handler("test_leaky_fail")
def _leaky_fail(job):
    open("/srv/ipdesk/secret/config-not-there.ini")  # FileNotFoundError naming a server path


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_shows_a_short_message_and_an_error_id_not_the_traceback(users, client_for, caplog):
    job = jobs.start("test_leaky_fail", "会失败的任务", users["district"])
    job.refresh_from_db()
    assert job.status == "failed"
    client = client_for(users["district"])
    api = client.get(f"/api/jobs/{job.pk}/")
    assert api.status_code == 200
    for body in (api.content.decode(), client.get(f"/jobs/{job.pk}/").content.decode(),
                 client.get(f"/jobs/{job.pk}/status.json").content.decode()):
        assert "Traceback" not in body and "/srv/ipdesk" not in body and "File \"" not in body
        assert "FileNotFoundError" not in body and "jobs.py" not in body
    error_id = api.json()["result"]["error_id"]
    assert error_id in api.json()["message"] and "任务执行出错" in api.json()["message"]
    # the server log keeps the whole story, under the same error id
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records if r.name == "ipdesk.core.jobs")
    assert error_id in logged and any(r.exc_info for r in caplog.records if r.name == "ipdesk.core.jobs")


@pytest.mark.django_db(transaction=True)
def test_a_crashed_import_job_page_shows_no_traceback(tmp_path, users, client_for, monkeypatch, settings):
    settings.VAR_DIR = tmp_path
    path = write_rows(tmp_path / "p.csv", [GOOD])

    def crash(*args, **kwargs):
        raise RuntimeError(f"could not open {tmp_path}/internal/state.db")

    monkeypatch.setattr(imports, "run_import", crash)
    job = jobs.start("import", "专利导入", users["city"], record_type="patents", path=str(path), filename="p.csv")
    job.refresh_from_db()
    assert job.status == "failed"
    client = client_for(users["city"])
    for url in (f"/import/jobs/{job.pk}/", f"/api/jobs/{job.pk}/"):
        body = client.get(url).content.decode()
        assert "Traceback" not in body and str(tmp_path) not in body and "RuntimeError" not in body, url
        assert "任务执行出错" in body, url


# ---- 2. Zip bombs dressed as workbooks --------------------------------------------------------------
def bomb_xlsx(path, rows=100000):
    """A real workbook whose sheet is `rows` identical rows: ~200:1 under ZIP_DEFLATED, so a couple of hundred
    KB unzip to tens of MB (the attack used 299 KB → 300 MB)."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(HEADER)
    small = io.BytesIO()
    wb.save(small)
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in GOOD)
    row = f"<row>{cells}</row>"
    body = head + f"<row>{''.join(f'<c t=\"inlineStr\"><is><t>{h}</t></is></c>' for h in HEADER)}</row>" + \
        row * rows + "</sheetData></worksheet>"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = body.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return path


def test_a_zip_bomb_workbook_is_refused_before_it_is_read(tmp_path, regions, settings):
    path = bomb_xlsx(tmp_path / "bomb.xlsx")
    unzipped = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert path.stat().st_size < 300_000 and unzipped > 30_000_000   # the shape of the reported attack
    settings.IMPORT_MAX_ZIP_RATIO = 10_000                           # so that the total is what refuses
    settings.IMPORT_MAX_UNZIPPED_BYTES = 20 * 2**20
    with pytest.raises(ImportFileError, match="文件解压后过大") as exc:
        run_import("patents", path)
    assert "20.0 MB" in str(exc.value) and not Patent.objects.exists()
    # the ratio alone refuses it under the default size limit (the sheet is ~200:1, real sheets ~10–20:1)
    del settings.IMPORT_MAX_UNZIPPED_BYTES
    settings.IMPORT_MAX_ZIP_RATIO = 100
    with pytest.raises(ImportFileError, match="文件解压后过大.*压缩比"):
        run_import("patents", path)
    assert not Patent.objects.exists() and not AuditEntry.objects.filter(action="import").exists()


def test_too_many_cells_or_members_are_refused(tmp_path, regions, settings):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(HEADER)
    for i in range(50):
        wb.active.append(GOOD)
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    settings.IMPORT_MAX_CELLS = 100
    with pytest.raises(ImportFileError, match="文件解压后过大.*单元格"):
        run_import("patents", path)
    assert not Patent.objects.exists()
    del settings.IMPORT_MAX_CELLS
    settings.IMPORT_MAX_ZIP_MEMBERS = 5
    with pytest.raises(ImportFileError, match="文件解压后过大.*文件数"):
        run_import("patents", path)


def test_a_zip_bomb_upload_fails_cleanly_on_the_import_page(tmp_path, users, clients, settings,
                                                         django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    path = bomb_xlsx(tmp_path / "bomb.xlsx")
    with open(path, "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        response = clients["city"].post("/import/patents/", {"file": fh})
    job = Job.objects.get(kind="import")
    assert response.status_code == 302 and job.status == "done" and "文件解压后过大" in job.result["summary"]
    assert "文件解压后过大" in clients["city"].get(response["Location"]).content.decode()
    assert not Patent.objects.exists()


def test_a_zip_bomb_is_refused_by_upload_sniffing(tmp_path):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ipdesk.core.uploads import DOCUMENTS, validate_upload
    path = bomb_xlsx(tmp_path / "bomb.xlsx")
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("报表.xlsx", path.read_bytes()), allowed=DOCUMENTS)
    assert "文件解压后过大" in exc.value.messages[0]
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(3000):
            zf.writestr(f"x/{i}", "")
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("many.xlsx", many.getvalue()), allowed=DOCUMENTS)
    assert "文件解压后过大" in exc.value.messages[0] and "1000" in exc.value.messages[0]


# ---- 5. A long import must not lock out sign-in ----------------------------------------------------
@pytest.fixture
def shared_database(tmp_path, transactional_db):
    """A database two threads can share as production does. PostgreSQL: the test database itself.
    SQLite: the in-memory test database (shared cache: table locks, no WAL, no busy timeout) is copied to
    a file opened with the production OPTIONS (WAL, IMMEDIATE, timeout); `use()` points the calling
    thread's "default" connection at it. Returns `use`, or None on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield None
        return
    import copy
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper
    target = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy_to:
        connection.connection.backup(copy_to)
    copy_to.close()
    settings_dict = {**connection.settings_dict, "NAME": str(target)}
    assert "WAL" in settings_dict["OPTIONS"].get("init_command", "")  # the production options
    original = connections["default"]

    def use():
        wrapper = DatabaseWrapper(copy.deepcopy(settings_dict), "default")
        connections["default"] = wrapper
        return wrapper

    main = use()
    yield use
    main.close()   # other threads close their own (connections.close_all() in the thread)
    connections["default"] = original


def patent_rows(n):
    from ipdesk.registry.rules import _app_check
    rows = []
    for i in range(n):
        digits = f"20221{i:07d}"
        rows.append([f"{digits}.{_app_check(digits)}", f"一种装置{i}", "枣庄鲁南科技有限公司",
                     "山东省枣庄市薛城区泰山路1号", "2022-03-01", "", "审中"])
    return rows


@pytest.mark.django_db(transaction=True)
def test_sign_in_succeeds_while_a_long_import_runs(tmp_path, users, shared_database, monkeypatch):
    """The attack: a long import held the database's write lock (SQLite) or the audit chain's head
    (PostgreSQL) for the whole file, so a sign-in during it failed ("database is locked", 500) or hung.
    Here the import is slowed per batch; a sign-in started mid-import must finish before the import does."""
    from tests.conftest import PASSWORD
    n = 3000
    path = write_rows(tmp_path / "big.csv", patent_rows(n))
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 100)
    writing = threading.Event()
    original_upsert, original_clean = imports.upsert, spec.clean

    def slow_upsert(*args, **kwargs):
        writing.set()
        time.sleep(0.05)     # a slow disk: each batch's write takes a while
        return original_upsert(*args, **kwargs)

    def slow_clean(values, ctx):
        time.sleep(0.001)    # and so does reading a row
        return original_clean(values, ctx)

    monkeypatch.setattr(imports, "upsert", slow_upsert)
    monkeypatch.setattr(spec, "clean", slow_clean)
    outcome = {}

    def sign_in():
        try:
            if shared_database:
                shared_database()
            if not writing.wait(60):
                outcome["error"] = "the import never started writing"
                return
            response = Client().post("/accounts/login/", {"username": "district", "password": PASSWORD})
            outcome["status"], outcome["at"] = response.status_code, time.monotonic()
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["error"] = repr(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=sign_in)
    thread.start()
    try:
        result = run_import("patents", path, user=users["city"])
        finished = time.monotonic()
    finally:
        writing.set()
        thread.join(120)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["status"] == 302
    assert outcome["at"] < finished, "the sign-in had to wait for the whole import"
    assert (result.created, result.rejected, result.committed) == (n, 0, True)
    assert Patent.objects.count() == n
    assert AuditEntry.objects.filter(action="login", username="district").exists()
    assert AuditEntry.objects.filter(action="import", after__rows=n).exists()


@pytest.mark.django_db(transaction=True)
def test_all_or_nothing_outside_a_transaction_writes_nothing_at_all(tmp_path, regions, monkeypatch):
    """A bad last row in all-or-nothing mode: no record and no audit entry, however many batches came before;
    a dry run writes nothing either."""
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 50)
    bad = ["202210123456.7", "坏号", "甲公司", "", "2022-01-05", "", ""]
    path = write_rows(tmp_path / "bad.csv", patent_rows(500) + [bad])
    entries = AuditEntry.objects.count()
    result = run_import("patents", path)
    assert (result.rejected, result.committed, result.rows) == (1, False, 501)
    assert result.errors[0].line == 502 and not Patent.objects.exists() and AuditEntry.objects.count() == entries
    result = run_import("patents", write_rows(tmp_path / "good.csv", patent_rows(500)), dry_run=True)
    assert (result.created, result.committed) == (500, False)
    assert not Patent.objects.exists() and AuditEntry.objects.count() == entries
    result = run_import("patents", path, keep_good=True)
    assert (result.created, result.rejected, result.committed) == (500, 1, True) and Patent.objects.count() == 500


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_a_later_batch_undoes_the_earlier_ones(tmp_path, regions, monkeypatch):
    """Written batch by batch (SQLite) or in one transaction (PostgreSQL): either way a database error in
    the third batch leaves the stored rows as they were — new rows gone, changed rows restored."""
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 10)
    rows = patent_rows(40)
    run_import("patents", write_rows(tmp_path / "first.csv", rows[:15]))
    before = {p.application_no: (p.title, p.legal_status) for p in Patent.objects.all()}
    changed = [[r[0], r[1] + "（修订）", *r[2:]] for r in rows[:15]] + rows[15:]
    calls = {"n": 0}
    original = imports.upsert

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "upsert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write_rows(tmp_path / "second.csv", changed))
    assert {p.application_no: (p.title, p.legal_status) for p in Patent.objects.all()} == before
