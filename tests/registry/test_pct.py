"""PCT international applications as their own records (issue 16 item 5, issue 15 item 4): numbers, the
import (its own file, and rows of a patent file numbered PCT/…), pages, API, export and data scope."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ipdesk.core.imports import run_import
from ipdesk.registry import pct
from ipdesk.registry.models import Patent, PctApplication
from ipdesk.registry.rules import InvalidIdentifier
from tests.factories.files import csv_file

D = dt.date
pytestmark = pytest.mark.django_db


# ---- Numbers (PCT Administrative Instructions, Sections 307 and 404) --------------------------------
@pytest.mark.parametrize("raw, canonical", [
    ("PCT/CN2025/137406", "PCT/CN2025/137406"),
    ("PCTCN2025137406", "PCT/CN2025/137406"),
    ("pct/cn2025/137406", "PCT/CN2025/137406"),
    ("ＰＣＴ／ＣＮ２０２５／１３７４０６", "PCT/CN2025/137406"),
    ("PCT CN 2025 137406", "PCT/CN2025/137406"),
    ("PCT/CN25/137406", "PCT/CN2025/137406"),
    ("PCT/CN03/00123", "PCT/CN2003/000123"),    # before 2004: two-digit year, five-digit serial
    ("PCT/US99/12345", "PCT/US1999/012345"),
    ("PCT/IB2004/000001", "PCT/IB2004/000001"),  # the International Bureau as receiving Office
])
def test_international_application_numbers_are_normalised(raw, canonical):
    assert pct.normalize_pct_no(raw, today=D(2026, 1, 1)) == canonical
    assert pct.receiving_office(canonical) == canonical[4:6]


@pytest.mark.parametrize("raw, says", [
    ("PCT/C12025/137406", "格式不正确"),     # receiving office must be two letters
    ("PCT/CN2027/137406", "年份不正确"),      # a year not yet begun
    ("PCT/CN1977/000001", "年份不正确"),      # before the PCT
    ("PCT/CN2025/37406", "序号应为6位"),     # since 2004 the serial has six digits
    ("PCT/CN2025/000000", "不能为0"),
    ("PCT/CN2025", "格式不正确"),
    ("201710601862.3", "格式不正确"),
])
def test_wrong_international_numbers_are_named(raw, says):
    with pytest.raises(InvalidIdentifier, match=says):
        pct.normalize_pct_no(raw, today=D(2026, 1, 1))


def test_publication_numbers():
    assert pct.normalize_wo_no("WO2025123456A1", today=D(2026, 1, 1)) == "WO2025/123456"
    assert pct.normalize_wo_no("WO 2004/123456") == "WO2004/123456"
    with pytest.raises(InvalidIdentifier):
        pct.normalize_wo_no("CN105555555A")


# ---- Import ---------------------------------------------------------------------------------------
PCT_HEADER = ["国际申请号", "国际申请日", "发明名称", "申请人", "统一社会信用代码", "地址", "国际公布号", "优先权"]


def test_pct_file_imports_places_by_first_applicant_and_counts_outside(tmp_path, make_enterprise, regions):
    e = make_enterprise("枣庄鲁南锂电有限公司", "370481")
    rows = [
        ["PCTCN2022123456", "2022-03-01", "一种锂电池", f"{e.name}；清华大学", "", "", "WO2022/234567A1",
         "CN202110699820.4 2021-06-18"],
        ["PCT/CN2022/000777", "2022/5/6", "一种机床", "枣庄某新材料有限公司", "", "山东省枣庄市薛城区光明路1号", "", ""],
        ["PCT/CN2022/000888", "2022-05-06", "一种阀门", "济南某科技有限公司", "", "山东省济南市历下区经十路1号", "", ""],
        ["PCT/CN2022/00088", "2022-05-06", "坏号码", "某公司", "", "", "", ""],
    ]
    result = run_import("pct_applications", csv_file(tmp_path, PCT_HEADER, rows), keep_good=True)
    assert (result.created, result.rejected, result.outside) == (2, 1, 1), result.errors
    assert result.errors[0].line == 5 and "序号应为6位" in result.errors[0].reason
    a = PctApplication.objects.get(international_application_no="PCT/CN2022/123456")
    assert (a.applicant_id, a.region.code, a.first_applicant, a.publication_no, a.is_domestic) == \
        (e.pk, "370481", e.name, "WO2022/234567", True)
    assert a.region_signal == "enterprise" and a.priority_data.startswith("CN202110699820.4")
    b = PctApplication.objects.get(international_application_no="PCT/CN2022/000777")
    assert (b.region.code, b.region_signal, b.applicant_id) == ("370403", "address", None)
    # the same file again changes nothing
    again = run_import("pct_applications", csv_file(tmp_path, PCT_HEADER, rows), keep_good=True)
    assert (again.created, again.updated, again.unchanged, again.outside) == (0, 0, 2, 1)
    assert again.summary_line() == "imported 0, unchanged 2, rejected 1, outside 1"


PATENT_HEADER = ["申请号", "名称", "申请人", "申请人地址", "申请日", "授权公告日"]


@pytest.mark.parametrize("keep_good", [False, True])
def test_patent_file_imports_pct_numbers_as_pct_applications_not_as_malformed_patents(tmp_path, regions, keep_good):
    rows = [
        ["201710601862.3", "一种电池", "枣庄甲有限公司", "山东省枣庄市滕州市龙泉路1号", "2017-08-01", "2019-05-03"],
        ["PCT/CN2022/137406", "一种电池管理系统", "枣庄甲有限公司；乙大学", "山东省枣庄市滕州市龙泉路1号", "2022-02-03", ""],
        ["PCTCN2021000123", "一种外地发明", "青岛某有限公司", "山东省青岛市市南区香港中路1号", "2021-02-03", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, PATENT_HEADER, rows), keep_good=keep_good)
    assert (result.created, result.rejected, result.outside) == (2, 0, 1), result.errors
    assert list(Patent.objects.values_list("application_no", flat=True)) == ["201710601862.3"]
    assert any("第3行" in w and "已导入为PCT国际申请" in w for w in result.warnings), result.warnings
    a = PctApplication.objects.get()
    assert (a.international_application_no, a.international_filing_date, a.first_applicant, a.region.code) == \
        ("PCT/CN2022/137406", D(2022, 2, 3), "枣庄甲有限公司", "370481")
    again = run_import("patents", csv_file(tmp_path, PATENT_HEADER, rows), keep_good=keep_good)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_patent_file_with_a_bad_row_writes_neither_patents_nor_pct_applications(tmp_path, regions):
    rows = [
        ["PCT/CN2022/137406", "一种电池管理系统", "枣庄甲有限公司", "山东省枣庄市滕州市龙泉路1号", "2022-02-03", ""],
        ["201710601862.3", "一种电池", "枣庄甲有限公司", "山东省枣庄市滕州市龙泉路1号", "2017-08-01", "2019-05-03"],
        ["202210123456.7", "校验位错", "枣庄甲有限公司", "", "2022-01-01", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, PATENT_HEADER, rows))
    assert result.rejected == 1 and not result.committed
    assert not PctApplication.objects.exists() and not Patent.objects.exists()


def test_patent_file_pct_row_out_of_a_district_officers_scope_is_refused(tmp_path, users):
    rows = [["PCT/CN2022/137406", "一种电池管理系统", "枣庄甲有限公司", "山东省枣庄市滕州市龙泉路1号", "2022-02-03", ""]]
    result = run_import("patents", csv_file(tmp_path, PATENT_HEADER, rows), user=users["district"])  # 薛城区
    assert result.rejected == 1 and "数据权限" in result.errors[0].reason
    assert not PctApplication.objects.exists()


# ---- Pages, API, export, scope ---------------------------------------------------------------------
@pytest.fixture
def applications(users, make_enterprise, regions):
    own = users["enterprise"].enterprise                       # 薛城区
    other = make_enterprise("滕州其他科技有限公司", "370481")
    make = lambda number, e: PctApplication.objects.create(  # noqa: E731
        international_application_no=number, international_filing_date=D(2022, 3, 1), title=f"{e.name}<b>发明</b>",
        applicants=e.name, first_applicant=e.name, applicant=e, region=e.region)
    return {"own": make("PCT/CN2022/000001", own), "other": make("PCT/CN2022/000002", other)}


def test_list_and_detail_are_scoped_and_escaped(clients, applications):
    page = clients["city"].get("/registry/pct/").content.decode()
    assert "PCT/CN2022/000001" in page and "PCT/CN2022/000002" in page
    assert "<b>发明</b>" not in page and "&lt;b&gt;" in page
    for role in ("district", "enterprise", "commissioner"):
        page = clients[role].get("/registry/pct/").content.decode()
        assert "PCT/CN2022/000001" in page and "PCT/CN2022/000002" not in page, role
        assert clients[role].get(f"/registry/pct/{applications['other'].pk}/").status_code == 404, role
    assert clients["district"].get(f"/registry/pct/{applications['own'].pk}/").status_code == 200
    assert clients["lawyer"].get(f"/registry/pct/{applications['own'].pk}/").status_code == 404


def test_export_is_scoped_and_imports_back(clients, applications, tmp_path):
    r = clients["district"].get("/registry/pct/", {"export": "xlsx"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
                .iter_rows(values_only=True))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == ["PCT/CN2022/000001"] and rows[0][0] == "国际申请号"
    path = tmp_path / "back.xlsx"
    path.write_bytes(b"".join(r.streaming_content) if r.streaming else r.content)
    result = run_import("pct_applications", path)
    assert (result.created, result.updated, result.rejected) == (0, 0, 0) and result.unchanged == 1, result.errors


def test_form_offers_only_enterprises_in_scope_and_normalises(clients, applications, users):
    page = clients["district"].get("/registry/pct/add/").content.decode()
    assert "本企业科技有限公司" in page and "滕州其他科技有限公司" not in page
    other = applications["other"].applicant
    data = {"international_application_no": "PCTCN2023000009", "international_filing_date": "2023-01-05",
            "title": "一种装置", "applicants": "本企业科技有限公司；某大学", "applicant": other.pk,
            "region": applications["own"].region_id}
    r = clients["district"].post("/registry/pct/add/", data)
    assert r.status_code == 200 and not PctApplication.objects.filter(international_filing_date=D(2023, 1, 5)).exists()
    data["applicant"] = users["enterprise"].enterprise.pk
    r = clients["district"].post("/registry/pct/add/", data)
    assert r.status_code == 302
    created = PctApplication.objects.get(international_application_no="PCT/CN2023/000009")
    assert created.first_applicant == "本企业科技有限公司" and created.region.code == "370403"


def test_api_is_scoped_and_validates(clients, applications, users):
    r = clients["district"].get("/api/pct-applications/")
    assert r.status_code == 200
    body = r.json()
    results = body["results"] if isinstance(body, dict) else body
    assert [a["international_application_no"] for a in results] == ["PCT/CN2022/000001"]
    assert clients["enterprise"].get(f"/api/pct-applications/{applications['other'].pk}/").status_code == 404
    bad = clients["city"].post("/api/pct-applications/", {"international_application_no": "PCT/CN2025/1",
                                                          "international_filing_date": "2025-01-01", "title": "x",
                                                          "applicants": "甲公司"}, content_type="application/json")
    assert bad.status_code == 400 and "international_application_no" in bad.json()
    ok = clients["city"].post("/api/pct-applications/", {"international_application_no": "pctcn2025137406",
                                                         "international_filing_date": "2025-01-01", "title": "x",
                                                         "applicants": "甲公司；乙公司"}, content_type="application/json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["international_application_no"] == "PCT/CN2025/137406" and ok.json()["first_applicant"] == "甲公司"


def test_changes_are_audited(clients, applications):
    from ipdesk.core.models import AuditEntry
    a = applications["own"]
    a.title = "改名"
    a.save()
    assert AuditEntry.objects.filter(object_type="registry.pctapplication", object_id=str(a.pk),
                                     action="update").exists()


def test_the_enterprise_page_lists_its_pct_applications(clients, applications, users):
    """The enterprise page shows the enterprise's PCT applications beside its other records (carried in the
    notes: PCT was not on the enterprise page), in scope, escaped, with the list filtered to it."""
    own = users["enterprise"].enterprise
    page = clients["district"].get(own.get_absolute_url()).content.decode()
    assert "PCT国际申请" in page and "PCT/CN2022/000001" in page and "PCT/CN2022/000002" not in page
    assert "<b>发明</b>" not in page
    assert f"/registry/pct/?applicant={own.pk}" in page
    assert "PCT/CN2022/000001" in clients["enterprise"].get(own.get_absolute_url()).content.decode()
