"""The one import pipeline: encodings, header variants, date forms, atomicity, keep-good, dry run,
idempotency, rejected-rows file, the command line and the job."""
import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from ipdesk.core import imports
from ipdesk.core.imports import ImportFileError, parse_bool, parse_date, run_import
from ipdesk.core.models import AuditEntry
from ipdesk.registry.models import Patent

HEADER = ["申请号", "专利名称", "申请人", "申请人地址", "申请日", "授权公告日", "法律状态"]
ROWS = [
    ["CN201710601862.3", "一种锂电池隔膜", "枣庄鲁南科技有限公司", "山东省枣庄市薛城区泰山路1号", "2017-08-01", "2019/5/3", "有效"],
    ["201310699744.2", "一种数控夹具", "滕州华威机械有限公司；某大学", "山东省滕州市龙泉路8号", "20131220", "2015年6月2日", "有效"],
    ["ZL 2021 1 0699820.4", "一种涂层", "枣庄恒泰材料有限公司", "山东省枣庄市峄城区", "2021年6月18日", "", "审中"],
]


def write_csv(tmp_path, rows, header=HEADER, encoding="utf-8", name="patents.csv", pre=()):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        for line in pre:
            writer.writerow(line)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, regions, encoding):
    result = run_import("patents", write_csv(tmp_path, ROWS, encoding=encoding))
    assert (result.created, result.rejected, result.committed) == (3, 0, True)
    assert Patent.objects.get(application_no="201710601862.3").title == "一种锂电池隔膜"


def test_gb18030_detected_even_when_the_sample_ends_mid_character(tmp_path, regions):
    rows = [[r[0], "专" * 40000 if i == 0 else r[1], *r[2:]] for i, r in enumerate(ROWS)]
    path = write_csv(tmp_path, rows, encoding="gb18030")
    assert imports.detect_encoding(path.read_bytes()[:65536]) == "gb18030"
    result = run_import("patents", path)
    assert result.rejected == 1 and "超过最大长度" in result.errors[0].reason  # title > 500 characters
    assert result.errors[0].field == "专利名称"


def test_xlsx_with_date_cells_and_serial_numbers(tmp_path, regions):
    wb = Workbook()
    ws = wb.active
    ws.append(["专利申请号", "标题", "申请(专利权)人", "地址", "申请日", "授权日"])
    ws.append(["201710601862.3", "一种锂电池隔膜", "枣庄鲁南科技有限公司", "山东省枣庄市薛城区", dt.date(2017, 8, 1), 43588])
    ws.append(["201310699744.2", "一种数控夹具", "滕州华威机械有限公司", "山东省滕州市", dt.datetime(2013, 12, 20), "2015-06-02"])
    path = tmp_path / "patents.xlsx"
    wb.save(path)
    result = run_import("patents", path)
    assert (result.created, result.rejected) == (2, 0)
    p = Patent.objects.get(application_no="201710601862.3")
    assert p.filing_date == dt.date(2017, 8, 1) and p.grant_date == dt.date(2019, 5, 3)  # serial 43588
    assert Patent.objects.get(application_no="201310699744.2").filing_date == dt.date(2013, 12, 20)


@pytest.mark.parametrize("header", [
    ["申请号", "名称", "申请人", "申请日"],
    ["application_no", "title", "applicants", "filing_date"],
    ["Application No.", "Title", "Applicants", "Filing Date"],
    ["专利申请号", "专利名称", "申请（专利权）人", "申请日期"],
    ["申请号", "标题", "专利权人", "申请日"],
])
def test_header_variants_map_to_the_same_fields(tmp_path, regions, header):
    path = write_csv(tmp_path, [["201710601862.3", "一种锂电池隔膜", "枣庄鲁南科技有限公司", "2017-08-01"]], header)
    result = run_import("patents", path)
    assert result.created == 1, result.errors
    p = Patent.objects.get()
    assert (p.title, p.holder_name, p.filing_date) == ("一种锂电池隔膜", "枣庄鲁南科技有限公司", dt.date(2017, 8, 1))


def test_title_rows_above_the_header_are_skipped_and_unknown_columns_reported(tmp_path, regions):
    path = write_csv(tmp_path, [ROWS[0] + ["x"]], HEADER + ["发明人"], pre=[["枣庄市2022年专利授权情况表"], []])
    result = run_import("patents", path)
    assert result.created == 1
    assert any("发明人" in w for w in result.warnings)


def test_a_missing_required_column_rejects_the_file(tmp_path, regions):
    path = write_csv(tmp_path, [["一种锂电池", "甲公司", "2017-08-01"]], ["专利名称", "申请人", "申请日"])
    with pytest.raises(ImportFileError, match="申请号"):
        run_import("patents", path)
    assert Patent.objects.count() == 0


def test_files_that_are_not_csv_or_xlsx_are_refused(tmp_path, regions):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(ImportFileError, match="xls"):
        run_import("patents", path)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("申请号\n1")
    with pytest.raises(ImportFileError, match="不是 Excel"):
        run_import("patents", fake)


@pytest.mark.parametrize("raw,expected", [
    ("2022-01-05", dt.date(2022, 1, 5)), ("2022/1/5", dt.date(2022, 1, 5)), ("20220105", dt.date(2022, 1, 5)),
    ("2022年1月5日", dt.date(2022, 1, 5)), ("2022.01.05", dt.date(2022, 1, 5)), (44566, dt.date(2022, 1, 5)),
    ("44566", dt.date(2022, 1, 5)), (44566.0, dt.date(2022, 1, 5)), (dt.datetime(2022, 1, 5, 8, 0), dt.date(2022, 1, 5)),
    ("2022-01-05 00:00:00", dt.date(2022, 1, 5)), ("２０２２年１月５日", dt.date(2022, 1, 5)), ("", None), (None, None),
    # "no date" as real exports write it (issue 15)
    ("0", None), (0, None), ("N/A", None), ("-", None), ("无", None),
])
def test_date_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw,reason", [("2022-02-30", "日期不存在"), ("5 Jan 2022", "无法识别"),
                                        (3000000, "超出范围")])
def test_bad_dates_say_why(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(raw)


def test_booleans():
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("") is False
    with pytest.raises(ValueError, match="是/否"):
        parse_bool("也许")


BAD = [
    ["202210123456.7", "坏号", "甲公司", "", "2022-01-05", "", ""],          # check digit
    ["201010110545.X", "", "乙公司", "", "2010-01-01", "", ""],              # title missing
    ["95115608.X", "旧专利", "丙公司", "", "1995-13-01", "", ""],            # no such date
    ["97101765.4", "旧专利", "丁公司", "", "1997-01-01", "1996-01-01", ""],  # granted before filing
]


def test_all_or_nothing_reports_every_rejected_row(tmp_path, regions):
    path = write_csv(tmp_path, ROWS + BAD)
    result = run_import("patents", path)
    assert (result.rejected, result.committed) == (4, False)
    assert Patent.objects.count() == 0
    got = [(e.line, e.field) for e in result.errors]
    assert got == [(5, "申请号"), (6, "专利名称"), (7, "申请日"), (8, "授权公告日")]
    assert "校验位应为 1" in result.errors[0].reason and "必填" in result.errors[1].reason
    assert result.summary_line() == "imported 0, unchanged 0, rejected 4, outside 0"
    with open(result.rejected_path, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["行号", "字段", "原因", "申请号"]
    assert [r[0] for r in rows[1:]] == ["5", "6", "7", "8"] and rows[1][3] == "202210123456.7"


def test_keep_good_imports_the_good_rows(tmp_path, regions):
    result = run_import("patents", write_csv(tmp_path, ROWS + BAD), keep_good=True)
    assert (result.created, result.rejected, result.committed) == (3, 4, True)
    assert Patent.objects.count() == 3
    assert result.summary_line() == "imported 3, unchanged 0, rejected 4, outside 0"


def test_dry_run_writes_nothing(tmp_path, regions):
    result = run_import("patents", write_csv(tmp_path, ROWS), dry_run=True)
    assert result.created == 3 and not result.committed and Patent.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(tmp_path, regions):
    path = write_csv(tmp_path, ROWS)
    first = run_import("patents", path)
    before = {p.pk: (p.version, p.updated_at) for p in Patent.objects.all()}
    entries = AuditEntry.objects.count()
    second = run_import("patents", path)
    assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert {p.pk: (p.version, p.updated_at) for p in Patent.objects.all()} == before
    assert AuditEntry.objects.count() == entries + 1  # only the file's own import entry


def test_a_changed_row_is_updated_and_audited_with_before_and_after(tmp_path, regions):
    run_import("patents", write_csv(tmp_path, ROWS))
    changed = [list(r) for r in ROWS]
    changed[2][6] = "驳回"
    result = run_import("patents", write_csv(tmp_path, changed, name="again.csv"))
    assert (result.updated, result.unchanged) == (1, 2)
    p = Patent.objects.get(application_no="202110699820.4")
    assert p.legal_status == "rejected" and p.version == 2
    entry = AuditEntry.objects.filter(action="update", object_id=str(p.pk)).get()
    assert entry.before == {"legal_status": "pending"} and entry.after == {"legal_status": "rejected"}


def test_the_same_key_twice_in_one_file_the_later_row_wins(tmp_path, regions):
    rows = [ROWS[0], [*ROWS[0][:6], "失效"]]
    result = run_import("patents", write_csv(tmp_path, rows))
    assert (result.created, result.updated) == (1, 1)
    assert Patent.objects.get().legal_status == "lapsed"


def test_semicolon_and_tab_separated_files(tmp_path, regions):
    path = tmp_path / "tab.csv"
    path.write_text("\t".join(HEADER) + "\n" + "\t".join(ROWS[0]) + "\n", encoding="utf-8")
    assert run_import("patents", path).created == 1


def test_import_is_audited_as_one_entry_per_file_and_batch(tmp_path, regions):
    run_import("patents", write_csv(tmp_path, ROWS))
    entries = AuditEntry.objects.filter(action="import", object_type="registry.patent")
    assert entries.count() == 2
    assert any(e.after.get("created") == ["201710601862.3", "201310699744.2", "202110699820.4"] for e in entries)
    assert any(e.after.get("sha256") and e.after["rows"] == 3 for e in entries)


def test_command_line_last_line_and_exit_status(tmp_path, regions, capsys):
    good = write_csv(tmp_path, ROWS)
    call_command("import", "patents", str(good))
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "imported 3, unchanged 0, rejected 0, outside 0"
    call_command("import", "patents", str(good))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "imported 0, unchanged 3, rejected 0, outside 0"
    bad = write_csv(tmp_path, ROWS + BAD[:1], name="bad.csv")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "patents", str(bad), "--dry-run")
    captured = capsys.readouterr()
    assert exit_info.value.code == 1
    assert captured.out.strip().splitlines()[-1] == "imported 0, unchanged 0, rejected 1, outside 0"
    assert "bad.csv:5: 申请号: 申请号校验位错误" in captured.err
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "patents", str(bad), "--keep-good")
    assert exit_info.value.code == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == "imported 0, unchanged 3, rejected 1, outside 0"


def test_command_line_unreadable_file_exits_2(tmp_path, regions, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("nothing,here\n1,2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "patents", str(path))
    assert exit_info.value.code == 2
    assert "找不到表头行" in capsys.readouterr().err


def test_district_officer_imports_only_into_their_district(tmp_path, users):
    result = run_import("patents", write_csv(tmp_path, ROWS), user=users["district"], keep_good=True)
    assert result.created == 1 and result.rejected == 2   # 薛城区 only; 滕州 and 峄城 refused
    assert all("数据权限" in e.reason for e in result.errors)
    with pytest.raises(ImportFileError, match="权限"):
        run_import("patents", write_csv(tmp_path, ROWS), user=users["leader"])


@pytest.mark.django_db(transaction=True)
def test_import_job_reports_progress_and_result(tmp_path, users):
    from ipdesk.core import jobs
    from ipdesk.core.models import Job
    path = write_csv(tmp_path, ROWS + BAD[:1])
    job = jobs.start("import", "专利导入", users["city"], record_type="patents", path=str(path), filename="p.csv",
                     keep_good=True)
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 3 and job.result["rejected"] == 1
    assert job.result["errors"][0]["line"] == 5 and job.result["links"]
    assert json.loads(imports.progress_path(job.pk).read_text())["percent"] == 100
    assert not path.exists()  # the upload is removed once imported
    assert Job.objects.get(pk=job.pk).result["summary"].startswith("导入完成")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_file_is_still_all_or_nothing(tmp_path, regions):
    """On PostgreSQL this is the two-thread path (reader + writer on its own connection)."""
    path = write_csv(tmp_path, ROWS * 2 + BAD[:1])
    imports.get_spec("patents").batch_size = 2   # several batches before the bad row
    try:
        result = run_import("patents", path)
        assert (result.rejected, result.committed, Patent.objects.count()) == (1, False, 0)
        result = run_import("patents", path, keep_good=True)
        assert (result.created, result.updated, result.rejected, Patent.objects.count()) == (3, 0, 1, 3)
        assert (result.unchanged) == 3   # the second copy of each row, in later batches
    finally:
        imports.get_spec("patents").batch_size = 5000


@pytest.mark.django_db(transaction=True)
def test_a_database_error_while_writing_rolls_the_whole_file_back(tmp_path, regions, monkeypatch):
    spec = imports.get_spec("patents")
    calls = {"n": 0}
    original = imports.upsert

    def failing(spec_, records, ctx, outcome):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(spec_, records, ctx, outcome)

    monkeypatch.setattr(spec, "batch_size", 1)
    monkeypatch.setattr(imports, "upsert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write_csv(tmp_path, ROWS))
    assert Patent.objects.count() == 0
