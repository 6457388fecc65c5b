"""`ipdesk export KIND FILE`: the list page's export from the command line — the import headers, so the file
imports back unchanged; the whole city as the system, or a user's scope, or one region."""
import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from ipdesk.core.imports import run_import
from ipdesk.registry.models import Enterprise, Patent, Trademark
from ipdesk.registry.views import ENTERPRISE_COLUMNS, PATENT_COLUMNS


@pytest.fixture
def records(make_enterprise, regions):
    a = make_enterprise("枣庄甲锂电科技有限公司", "370403", address="山东省枣庄市薛城区泰山南路1号", employees=120,
                        rd_staff=0, established=dt.date(2015, 3, 2))
    b = make_enterprise("滕州乙机械有限公司", "370481", address="山东省滕州市北辛街道", employees=35)
    for number, holder, granted in (("201710601862.3", a, dt.date(2019, 5, 3)), ("201310699744.2", b, None),
                                    ("97101765.4", a, dt.date(1999, 1, 6))):
        Patent.objects.create(application_no=number, patent_type="invention", title=f"{holder.name}的专利",
                              applicants=f"{holder.name}；枣庄学院", current_owner=holder.name, holder=holder,
                              holder_name=holder.name, address=holder.address, region=holder.region,
                              country_code="37", ipc_main="H01M 10/0525", filing_date=dt.date(int(number[:4]) if
                                                                                               len(number) > 10 else 1997, 8, 1),
                              grant_date=granted, legal_status="valid" if granted else "pending")
    Trademark.objects.create(registration_no="12345678", name="鲁南", nice_class=9, owner_name=a.name, owner=a,
                             region=a.region, registration_date=dt.date(2015, 1, 7))
    return {"a": a, "b": b}


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("kind,count", [("patents", 3), ("enterprises", 3), ("trademarks", 1)])
def test_export_then_import_changes_nothing(tmp_path, records, users, kind, count):
    # users: the enterprise user's own enterprise is a third enterprise
    path = tmp_path / f"{kind}.csv"
    call_command("export", kind, str(path))
    result = run_import(kind, path)
    assert (result.created, result.updated, result.rejected, result.outside) == (0, 0, 0, 0), result.errors
    assert result.unchanged == count
    assert result.summary_line() == f"imported 0, unchanged {count}, rejected 0, outside 0"


def test_the_csv_has_the_list_pages_import_headers(tmp_path, records):
    path = tmp_path / "p.csv"
    call_command("export", "patents", str(path))
    rows = _csv_rows(path)
    assert rows[0] == [c.header for c in PATENT_COLUMNS]
    assert sorted(r[0] for r in rows[1:]) == ["201310699744.2", "201710601862.3", "97101765.4"]


def test_xlsx_by_extension_keeps_numbers_as_numbers_and_reimports(tmp_path, records):
    path = tmp_path / "e.xlsx"
    call_command("export", "enterprises", str(path))
    sheet = load_workbook(path, read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == [c.header for c in ENTERPRISE_COLUMNS]
    row = dict(zip(table[0], next(r for r in table[1:] if r[1] == "枣庄甲锂电科技有限公司")))
    assert row["员工人数"] == 120 and isinstance(row["员工人数"], int)
    assert row["研发人员"] == 0
    assert row["成立日期"].date() == dt.date(2015, 3, 2)
    result = run_import("enterprises", path)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 2, 0), result.errors


def test_region_and_user_narrow_the_export(tmp_path, records, users):
    path = tmp_path / "r.csv"
    call_command("export", "patents", str(path), "--region", "370481")
    assert [r[0] for r in _csv_rows(path)[1:]] == ["201310699744.2"]
    call_command("export", "patents", str(path), "--user", users["district"].username)  # 薛城区's officer
    assert sorted(r[0] for r in _csv_rows(path)[1:]) == ["201710601862.3", "97101765.4"]
    call_command("export", "patents", str(path), "--user", users["district"].username, "--region", "370481")
    assert _csv_rows(path)[1:] == []


def test_every_list_with_an_export_has_a_kind(capsys):
    call_command("export", "--list")
    out = capsys.readouterr().out
    for kind in ("patents", "enterprises", "trademarks", "events", "gi_products", "registry.contact"):
        assert f"{kind}\t" in out


def test_unknown_kind_region_or_user_is_refused(tmp_path, records):
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("export", "nothing", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no such region"):
        call_command("export", "patents", str(tmp_path / "x.csv"), "--region", "999999")
    with pytest.raises(CommandError, match="no such user"):
        call_command("export", "patents", str(tmp_path / "x.csv"), "--user", "nobody")
    assert Enterprise.objects.count() == 2
