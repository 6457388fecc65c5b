"""The targets upload (考核指标分解, /stats/targets/import/) goes through the one import pipeline
(stats.imports.TargetImport): all rows or none, every error of a row with its line and column, dry run,
audit; only city officers may use it (Target's scope: changed by the city only)."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipdesk.core.models import AuditAction, AuditEntry, Job
from ipdesk.stats.models import Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db
URL = "/stats/targets/import/"
HEADER = ("区划代码", "年度", "指标", "目标值", "备注")


def _xlsx(*rows):
    wb = Workbook()
    for row in (HEADER, *rows):
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("targets.xlsx", out.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _upload(client, capture, upload, **options):
    with capture(execute=True):
        response = client.post(URL, {"file": upload, **options})
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get(kind="import")
    return job, client.get(response["Location"]).content.decode()


def test_the_page_is_the_import_form(clients):
    page = clients["city"].get(URL).content.decode()
    assert "区划代码" in page and "目标值" in page and "试导入" in page


def test_a_good_file_creates_and_updates_targets_with_audit(clients, regions, django_capture_on_commit_callbacks):
    kept = TargetFactory(region="370403", year=2023, indicator="invention_grants", value=10)
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, _xlsx(
        (370403, 2023, "发明专利授权量", 120, "区考核"),           # a label, the code as an Excel number: an update
        ("370481", "2023年", "patent_grants", "1,500.5", ""),    # a key, a year with 年, a thousands separator
    ))
    assert job.result["outcome"] == "committed", job.result
    got = {(t.region.code, t.year, t.indicator): (t.value, t.note) for t in Target.objects.all()}
    assert got == {("370403", 2023, "invention_grants"): (Decimal("120"), "区考核"),
                   ("370481", 2023, "patent_grants"): (Decimal("1500.5"), "")}
    assert "导入完成" in page and "新增 1 条" in page and "更新 1 条" in page
    audit = AuditEntry.objects.filter(object_type="stats.target")
    assert audit.filter(action=AuditAction.UPDATE, object_id=str(kept.pk)).count() == 1   # the change, row by row
    assert audit.filter(action=AuditAction.IMPORT, object_repr__contains="新增 1 条").count() == 1   # the file


def test_a_bad_file_writes_nothing_and_names_every_error_by_line_and_column(clients, regions,
                                                                            django_capture_on_commit_callbacks):
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks, _xlsx(
        ("370403", 2023, "invention_grants", 5, ""),          # good, but the file has errors: not written
        ("999999", 2023, "invention_grants", 5, ""),          # line 3: no such region
        ("370403", 1900, "invention_grants", 5, ""),          # line 4: not a year a target is set for
        ("370403", 2023, "nonsense", 5, ""),                  # line 5: unknown figure
        ("370403", 2023, "patent_grants", -1, ""),            # line 6: negative target
        ("370403", 2023, "pledged_patents", "1e15", ""),      # line 7: more than the column holds
    ))
    assert Target.objects.count() == 0
    assert job.result["outcome"] == "rolled_back"
    errors = {(e["line"], e["field"]) for e in job.result["errors"]}
    assert {(3, "区划代码"), (4, "年度"), (5, "指标"), (6, "目标值"), (7, "目标值")} <= errors, job.result["errors"]
    assert "不存在的区划代码" in page and "未知指标" in page and "未写入任何数据" in page


def test_the_same_file_again_changes_nothing(clients, regions, django_capture_on_commit_callbacks):
    row = ("370481", 2023, "发明专利授权量", 250, "市定")
    _upload(clients["city"], django_capture_on_commit_callbacks, _xlsx(row))
    Job.objects.all().delete()
    job, _page = _upload(clients["city"], django_capture_on_commit_callbacks, _xlsx(row))
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (0, 0, 1), job.result
    assert Target.objects.get().value == 250


@pytest.mark.parametrize("content, said", [
    (None, "找不到表头行"),                                    # a table without the target columns
    (b"not a spreadsheet", "内容不是 Excel 工作簿"),           # no table at all
])
def test_a_file_that_is_no_targets_table_says_so(clients, regions, django_capture_on_commit_callbacks, content, said):
    if content is None:
        wb = Workbook()
        wb.active.append(["名称"])
        wb.active.append(["x"])
        out = io.BytesIO()
        wb.save(out)
        content = out.getvalue()
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks,
                        SimpleUploadedFile("targets.xlsx", content))
    assert said in page and Target.objects.count() == 0


def test_every_error_of_one_row_is_reported(clients, regions, django_capture_on_commit_callbacks):
    job, _page = _upload(clients["city"], django_capture_on_commit_callbacks,
                         _xlsx(("370403", "二〇二三", "nonsense", "很多", "")))
    fields = {e["field"] for e in job.result["errors"] if e["line"] == 2}
    assert {"年度", "指标", "目标值"} <= fields, job.result["errors"]


def test_a_dry_run_writes_nothing(clients, regions, django_capture_on_commit_callbacks):
    job, page = _upload(clients["city"], django_capture_on_commit_callbacks,
                        _xlsx(("370403", 2023, "invention_grants", 5, "")), dry_run="on")
    assert Target.objects.count() == 0 and job.result["outcome"] == "dry_run" and "将新增 1 条" in page


@pytest.mark.parametrize("role", ["district", "leader", "commissioner", "enterprise", "lawyer"])
def test_other_roles_are_refused(clients, regions, role):
    assert clients[role].get(URL).status_code == 404
    response = clients[role].post(URL, {"file": _xlsx(("370403", 2023, "invention_grants", 5, ""))})
    assert response.status_code == 404
    assert Target.objects.count() == 0 and not Job.objects.exists()
