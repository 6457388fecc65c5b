"""An import's page says what happened to the data: a file rolled back by the all-or-nothing rule, or a
dry run, shows no success wording and says nothing was written; a job nobody picks up says why."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipdesk.core.models import Job, JobStatus
from ipdesk.registry.models import Patent

pytestmark = pytest.mark.django_db
GOOD = ("申请号,名称,申请人,申请人地址\n"
        "201710601862.3,甲,甲公司,山东省枣庄市薛城区\n"
        "201310699744.2,乙,乙公司,山东省滕州市\n")
BAD_ROW = "202210123456.7,丙,丙公司,山东省枣庄市薛城区\n"   # check digit should be 1
SUCCESS_WORDS = ("导入完成", "alert-success", "bg-success", "已完成")


def _import(client, content, capture, **options):
    with capture(execute=True):
        response = client.post("/import/patents/", {"file": SimpleUploadedFile("p.csv", content.encode(), "text/csv"),
                                                     **options})
    assert response.status_code == 302
    job = Job.objects.get(kind="import")
    return job, client.get(response["Location"]).content.decode()


def test_all_or_nothing_import_with_a_bad_row_says_nothing_was_written(clients, django_capture_on_commit_callbacks):
    client = clients["city"]
    job, page = _import(client, GOOD + BAD_ROW, django_capture_on_commit_callbacks)
    assert Patent.objects.count() == 0
    for word in SUCCESS_WORDS:
        assert word not in page, word
    assert "未导入：发现 1 行错误，按“全部或不导入”规则未写入任何数据" in page
    assert "将新增 2 条" in page and "新增 2 条" not in page.replace("将新增 2 条", "")
    assert "alert-warning" in page and "校验位应为 1" in page
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["result"]["outcome"] == "rolled_back" and status["result"]["written"] is False
    assert status["result"]["summary"].startswith("未导入：发现 1 行错误")
    generic = client.get(f"/jobs/{job.pk}/").content.decode()   # the generic job page says the same
    assert "alert-success" not in generic and "bg-success" not in generic and "未写入任何数据" in generic


def test_dry_run_says_nothing_was_written(clients, django_capture_on_commit_callbacks):
    client = clients["city"]
    job, page = _import(client, GOOD, django_capture_on_commit_callbacks, dry_run="on")
    assert Patent.objects.count() == 0
    for word in SUCCESS_WORDS:
        assert word not in page, word
    assert "试导入" in page and "未写入任何数据" in page and "将新增 2 条" in page
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["result"]["outcome"] == "dry_run" and status["result"]["written"] is False


def test_a_committed_import_still_reads_as_done(clients, django_capture_on_commit_callbacks):
    job, page = _import(clients["city"], GOOD, django_capture_on_commit_callbacks)
    assert Patent.objects.count() == 2
    assert "导入完成" in page and "alert-success" in page and "新增 2 条" in page and "未写入" not in page
    assert job.pk and Job.objects.get(pk=job.pk).result["outcome"] == "committed"


def test_a_job_queued_for_a_minute_shows_the_no_worker_hint(users, clients):
    job = Job.objects.create(kind="import", title="专利导入：p.csv", created_by=users["city"],
                             params={"record_type": "patents", "path": "/nonexistent", "filename": "p.csv"})
    fresh = clients["city"].get(f"/import/jobs/{job.pk}/").content.decode()
    assert 'data-testid="worker-hint"' not in fresh      # a job just queued: no alarm yet
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=60))
    page = clients["city"].get(f"/import/jobs/{job.pk}/").content.decode()
    assert 'data-testid="worker-hint"' in page and "ipdesk run_huey" in page and "make run" in page
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    partial = clients["city"].get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="worker-hint"' in partial     # the polled fragment shows it too
