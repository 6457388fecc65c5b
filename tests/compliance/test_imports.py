"""The province's file through the one import pipeline: assignment, all-or-nothing, idempotence, scope."""
import pytest

from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.choices import EventKind
from ipdesk.compliance.models import AbnormalApplication, AbnormalBatch
from ipdesk.core.imports import run_import

from tests.factories import application_no as app_no

pytestmark = pytest.mark.django_db

HEADER = "申请号,发明名称,申请(专利权)人,申请人地址,专利代理机构,行为类型,发文日,答复期限,批次\n"


def _file(tmp_path, rows, name="2023年第二批.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(rows)).encode(encoding))
    return path


def _rows(data):
    return [
        f"CN{app_no(31).replace('.', '')},一种夹具,{data['enterprise'].name},,枣庄众诚知识产权代理有限公司,重复申请,2023/3/15,2023年4月15日,\n",
        f"ZL {app_no(32)},一种烘干机,滕州某厂,山东省滕州市北辛街道,滕州市墨子专利代理事务所,6,20230315,2023-04-15,\n",
        f"{app_no(33)},一种支架,无名厂,山东省,,编造伪造变造抄袭,,,\n",
    ]


def test_import_assigns_region_and_agency_and_is_idempotent(tmp_path, data, users):
    path = _file(tmp_path, _rows(data), encoding="gb18030")
    result = run_import("abnormal_applications", path, user=users["city"])
    assert result.committed and (result.created, result.rejected) == (3, 0), result.errors
    batch = AbnormalBatch.objects.get(name="2023年第二批")
    apps = {a.application_no: a for a in batch.applications.all()}
    first, second, third = apps[app_no(31)], apps[app_no(32)], apps[app_no(33)]
    assert (first.region.code, first.region_basis, first.enterprise, first.agency) == \
        ("370403", "enterprise", data["enterprise"], data["agency"])
    assert (second.region.code, second.region_basis, second.behaviour, second.agency) == \
        ("370481", "address", "scattered", data["other_agency"])
    assert (third.region.code, third.region_basis, third.status) == ("370400", "default", S.PENDING)
    assert first.status == S.NOTIFIED and str(first.deadline) == "2023-04-15"
    assert sorted(first.events.values_list("kind", flat=True)) == sorted([EventKind.REGISTERED, EventKind.NOTIFIED])
    # A status moved on is not reset by importing the same file again; nothing changes.
    from ipdesk.compliance import actions
    actions.transition(first, S.WITHDRAWN, None)
    again = run_import("abnormal_applications", path, user=users["city"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    first.refresh_from_db()
    assert first.status == S.WITHDRAWN and first.events.count() == 3


def test_a_bad_row_rejects_the_file_with_line_field_and_reason(tmp_path, data, users):
    rows = _rows(data) + ["202210123456.7,一种架,某厂,滕州市,,重复申请,2023/3/15,2023/3/1,\n",
                          f"{app_no(35)},一种轮,某厂,滕州市,,乱写的类型,,,\n"]
    result = run_import("abnormal_applications", _file(tmp_path, rows), user=users["city"])
    assert not result.committed and result.rejected == 2
    problems = [(p.line, p.field, p.reason) for p in result.errors]
    assert problems[0][0] == 5 and problems[0][1] == "申请号" and "校验位" in problems[0][2]
    assert problems[1][0] == 6 and problems[1][1] == "行为类型" and "无法识别" in problems[1][2]
    assert not AbnormalApplication.objects.filter(application_no=app_no(31)).exists()
    assert not AbnormalBatch.objects.filter(name="2023年第二批").exists()


def test_district_officer_imports_only_into_its_district(tmp_path, data, users):
    result = run_import("abnormal_applications", _file(tmp_path, _rows(data)[:2]), user=users["district"])
    assert result.rejected == 1 and result.errors[0].line == 3 and "数据权限" in result.errors[0].reason
    assert not AbnormalApplication.objects.filter(application_no=app_no(31)).exists()


def test_exported_list_imports_back(tmp_path, clients, data, users):
    from django.urls import reverse
    r = clients["city"].get(reverse("compliance:abnormalapplication_list") + "?export=csv")
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(r.streaming_content))
    result = run_import("abnormal_applications", path, user=users["city"])
    assert result.committed and (result.created, result.updated, result.rejected) == (0, 0, 0), result.errors
    assert result.unchanged == 2


def test_import_page_is_offered_to_officers(clients, data):
    from django.urls import reverse
    url = reverse("compliance:abnormalapplication_import")
    assert clients["city"].get(url).status_code == 200
    assert clients["leader"].get(url).status_code in (403, 404)
