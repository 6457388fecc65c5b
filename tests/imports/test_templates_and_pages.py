"""Import templates per record type (issue 15 item 6, issue 19 item 8), and the upload page's part of the layouts
work: the template link, the column mapping, the layout named on the job page, files that are no table."""
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from ipdesk.core.imports import _fold, _header_columns, run_import, specs
from ipdesk.core.models import Job
from ipdesk.core.templates_xlsx import build_template
from ipdesk.registry.models import Patent

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize("kind", sorted(specs()))
def test_every_record_type_has_a_template_whose_headers_read_back(kind):
    spec = specs()[kind]
    wb = load_workbook(BytesIO(build_template(spec)))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers == [f.header for f in spec.fields]
    by_header = {}
    for f in spec.fields:
        for alias in f.aliases:
            by_header.setdefault(_fold(alias), f)
    assert [f.name for _, f in _header_columns(headers, by_header)] == [f.name for f in spec.fields]
    notes = wb["说明"]
    described = {row[0].value: row for row in notes.iter_rows(min_row=2) if row[0].value in headers}
    assert set(described) == set(headers)
    for f in spec.fields:
        assert described[f.header][1].value == ("是" if f.required else "否")


def test_the_patent_template_describes_formats_examples_and_vocabulary():
    notes = {row[0]: row for row in load_workbook(BytesIO(build_template(specs()["patents"])))["说明"]
             .iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["申请号"][3] == "201710601862.3"
    assert notes["申请日"][2].startswith("日期")
    assert "实用新型" in notes["专利类型"][2] and "A/B/C/U/Y/S/D" in notes["专利类型"][2]
    assert "审中" in notes["法律状态"][2]             # the field's help
    trademark = {row[0]: row for row in load_workbook(BytesIO(build_template(specs()["trademarks"])))["说明"]
                 .iter_rows(min_row=2, values_only=True) if row[0]}
    assert {"注册", "注销", "审查中"} <= set(trademark["状态"][4].split("、"))   # a choice field's vocabulary


def test_an_empty_template_imports_as_nothing(tmp_path, regions):
    path = tmp_path / "t.xlsx"
    path.write_bytes(build_template(specs()["patents"]))
    result = run_import("patents", path)
    assert (result.rows, result.rejected) == (0, 0) and result.warnings == []


def test_cli_writes_the_template(tmp_path):
    out = tmp_path / "enterprises.xlsx"
    call_command("import", "enterprises", template=str(out), stdout=StringIO())
    assert load_workbook(out).sheetnames == ["企业导入", "说明"]


def test_upload_page_links_the_template_and_offers_a_column_mapping(clients):
    page = clients["city"].get("/import/patents/").content.decode()
    assert 'href="/import/patents/template.xlsx"' in page and 'name="columns"' in page
    response = clients["city"].get("/import/patents/template.xlsx")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).worksheets[0]["A1"].value == "申请号"


def test_template_of_a_kind_the_user_may_not_import_does_not_exist(clients):
    assert clients["enterprise"].get("/import/patents/template.xlsx").status_code == 404


def _upload(client, capture, name, content, **data):
    with capture(execute=True):
        response = client.post("/import/patents/", {"file": SimpleUploadedFile(name, content), **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.latest("pk"), client.get(response["Location"]).content.decode()


def test_job_page_names_the_layout(clients, django_capture_on_commit_callbacks):
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, "cnipr.csv",
                        (SAMPLES / "cnipr.csv").read_bytes())
    assert Patent.objects.count() == 3
    assert "识别为：CNIPR 导出" in page and job.result["layout"] == "CNIPR 导出"


def test_upload_without_header_then_with_a_mapping(clients, django_capture_on_commit_callbacks):
    content = (SAMPLES / "no_header.csv").read_bytes()
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, "n.csv", content)
    assert "第1行看起来是数据而不是表头" in page and 'name="col0"' in page and 'name="col5"' in page
    assert "201810111111.8" in page   # row 1's values shown beside the selects
    assert Patent.objects.count() == 0
    chosen = {"no_header": "1", "col0": "申请号", "col1": "申请日", "col2": "名称", "col3": "申请人", "col4": "申请人地址",
              "col5": ""}
    form = clients["city"].get("/import/patents/", chosen).content.decode()
    assert 'value="申请号,申请日,名称,申请人,申请人地址"' in form and 'data-testid="no-header-hint"' in form
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, "n.csv", content,
                        columns="申请号，申请日，名称，申请人，申请人地址，")
    assert Patent.objects.count() == 2 and "识别为：无表头文件" in page


def test_a_mapping_with_an_unknown_column_name_is_refused_on_the_form(clients):
    response = clients["city"].post("/import/patents/", {
        "file": SimpleUploadedFile("n.csv", (SAMPLES / "no_header.csv").read_bytes()), "columns": "申请号,出生地"})
    assert response.status_code == 400 and "无法识别的列名：出生地" in response.content.decode()


@pytest.mark.parametrize("name,said", [("dump.sql", "这是一个 SQL 文件"), ("a.pdf", "这是一个 PDF 文件"),
                                       ("rows.jsonl", "这是一个 JSON Lines 文件")])
def test_upload_of_a_file_that_is_no_table_is_named(clients, name, said):
    response = clients["city"].post("/import/patents/", {"file": SimpleUploadedFile(name, b"x")})
    assert response.status_code == 400 and said in response.content.decode()


def test_xls_upload_is_read(clients, django_capture_on_commit_callbacks, tmp_path):
    from .test_layouts import as_xls, rows_of
    path = as_xls(rows_of("incopat.csv"), tmp_path / "i.xls", dates=(3, 5))
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, "incoPat.xls", path.read_bytes())
    assert Patent.objects.count() == 3 and "识别为：incoPat 导出" in page


def test_api_takes_a_column_mapping_and_names_the_layout(clients):
    upload = SimpleUploadedFile("n.csv", (SAMPLES / "no_header.csv").read_bytes())
    response = clients["city"].post("/api/imports/patents/", {"file": upload, "columns": "申请号,申请日,名称,申请人,申请人地址"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["created"] == 2 and response.json()["layout_text"].startswith("识别为：无表头文件")
