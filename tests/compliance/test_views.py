"""Every page for every role: officers and leaders read within their scope, out of scope is 404,
leaders and non-officers never write."""
import datetime as dt

import pytest
from django.urls import reverse

from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.models import AbnormalApplication, AbnormalBatch, Agency, Candidate

pytestmark = pytest.mark.django_db

LISTS = ["agency_list", "agent_list", "inspection_list", "complaint_list", "penalty_list",
         "abnormalbatch_list", "abnormalapplication_list", "withdrawal_rates", "candidate_list"]
OFFICIALS = ("city", "district", "other_district", "leader")
OTHERS = ("commissioner", "lawyer")


@pytest.mark.parametrize("name", LISTS)
def test_list_pages_for_every_role(clients, data, name):
    url = reverse(f"compliance:{name}")
    for role in OFFICIALS:
        assert clients[role].get(url).status_code == 200, role
    for role in OTHERS:
        assert clients[role].get(url).status_code == 404, role


def test_credit_rules_are_public_but_only_the_city_office_changes_them(clients):
    url = reverse("compliance:creditgraderule_list")
    for role in OFFICIALS + OTHERS:
        assert clients[role].get(url).status_code == 200, role
    assert clients["city"].get(reverse("compliance:creditgraderule_add")).status_code == 200
    for role in ("district", "leader", "commissioner"):
        assert clients[role].get(reverse("compliance:creditgraderule_add")).status_code == 404, role


def test_lists_show_only_what_is_in_scope(clients, data):
    url = reverse("compliance:abnormalapplication_list")
    page = clients["district"].get(url).content.decode()
    assert data["app"].application_no in page and data["other_app"].application_no not in page
    page = clients["city"].get(url).content.decode()
    assert data["app"].application_no in page and data["other_app"].application_no in page
    page = clients["district"].get(reverse("compliance:candidate_list")).content.decode()
    assert "薛城线索" in page and "滕州线索" not in page
    page = clients["district"].get(reverse("compliance:agency_list")).content.decode()
    assert data["agency"].name in page and data["other_agency"].name not in page
    assert clients["enterprise"].get(url).content.decode().count("2022100000") == 0  # its own only: none here


def test_detail_pages_in_and_out_of_scope(clients, data):
    pages = [("agency_detail", data["agency"], data["other_agency"]),
             ("abnormalapplication_detail", data["app"], data["other_app"]),
             ("candidate_detail", data["candidate"], data["other_candidate"])]
    for name, own, other in pages:
        assert clients["district"].get(reverse(f"compliance:{name}", args=[own.pk])).status_code == 200, name
        assert clients["district"].get(reverse(f"compliance:{name}", args=[other.pk])).status_code == 404, name
        assert clients["other_district"].get(reverse(f"compliance:{name}", args=[own.pk])).status_code == 404, name
        for role in ("city", "leader"):
            assert clients[role].get(reverse(f"compliance:{name}", args=[other.pk])).status_code == 200, name
        assert clients["lawyer"].get(reverse(f"compliance:{name}", args=[own.pk])).status_code == 404
    batch_url = reverse("compliance:abnormalbatch_detail", args=[data["batch"].pk])
    page = clients["district"].get(batch_url).content.decode()
    assert data["app"].application_no in page and data["other_app"].application_no not in page
    assert "撤回率" in page
    agency_page = clients["city"].get(reverse("compliance:agency_detail", args=[data["agency"].pk])).content.decode()
    assert "信用等级" in agency_page


def test_transition_through_the_page(clients, data):
    url = reverse("compliance:abnormalapplication_transition", args=[data["app"].pk])
    r = clients["district"].post(url, {"target": S.WITHDRAWN, "date": "2022-03-20", "note": "已撤回"})
    assert r.status_code == 302
    data["app"].refresh_from_db()
    assert data["app"].status == S.WITHDRAWN
    # Not allowed any more: a clear message, nothing changed.
    r = clients["district"].post(url, {"target": S.STATEMENT, "date": "2022-03-21"}, follow=True)
    assert "不能变更" in r.content.decode()
    # Bad input: says which field.
    r = clients["district"].post(url, {"target": S.STATEMENT, "date": "2022年13月"}, follow=True)
    assert "日期" in r.content.decode()
    other = reverse("compliance:abnormalapplication_transition", args=[data["other_app"].pk])
    assert clients["district"].post(other, {"target": S.WITHDRAWN, "date": "2022-03-20"}).status_code == 404
    for role in ("leader", "enterprise", "lawyer"):
        assert clients[role].post(other, {"target": S.WITHDRAWN, "date": "2022-03-20"}).status_code == 404
    data["other_app"].refresh_from_db()
    assert data["other_app"].status == S.NOTIFIED


def test_write_pages_refused_to_leaders(clients, data):
    for name in ("agency_add", "inspection_add", "complaint_add", "penalty_add", "abnormalbatch_add"):
        assert clients["leader"].get(reverse(f"compliance:{name}")).status_code == 404, name
    assert clients["leader"].get(reverse("compliance:agency_edit", args=[data["agency"].pk])).status_code == 404
    assert clients["leader"].post(reverse("compliance:candidate_review", args=[data["candidate"].pk]),
                                  {"status": "dismissed"}).status_code == 404
    assert clients["leader"].post(reverse("compliance:candidate_create_batch"),
                                  {"candidates": [data["candidate"].pk], "name": "x"}).status_code == 404
    assert clients["leader"].post(reverse("compliance:run_detection"), {"since": "2022-01-01"}).status_code == 404
    assert clients["district"].get(reverse("compliance:abnormalbatch_add")).status_code == 404  # batches: city office
    assert clients["city"].get(reverse("compliance:abnormalbatch_add")).status_code == 200


def test_agency_form_says_what_is_wrong_with_the_credit_code(clients, regions):
    r = clients["city"].post(reverse("compliance:agency_add"), {"name": "新代理所", "uscc": "91350203M0001QAY9B",
                                                                 "region": regions["370403"].pk, "is_active": "on"})
    assert r.status_code == 200 and "校验位" in r.content.decode()
    assert not Agency.objects.filter(name="新代理所").exists()


def test_district_adds_an_application_only_into_its_district(clients, data):
    url = reverse("compliance:abnormalapplication_add", args=[data["batch"].pk])
    r = clients["district"].post(url, {"application_no": "202210000005", "applicant": "某厂",
                                       "address": "枣庄市薛城区临山路1号", "behaviour": "other",
                                       "notice_date": "2022-03-15", "deadline": "2022-04-15"})
    assert r.status_code == 200 and "校验位" in r.content.decode()  # 12 digits with no check digit
    from tests.factories import application_no as app_no
    r = clients["district"].post(url, {"application_no": app_no(5), "applicant": "某厂", "address": "枣庄市薛城区临山路1号",
                                       "behaviour": "other", "notice_date": "2022-03-15", "deadline": "2022-04-15"})
    assert r.status_code == 302
    assert AbnormalApplication.objects.get(application_no=app_no(5)).region.code == "370403"
    r = clients["district"].post(url, {"application_no": app_no(6), "applicant": "某厂", "address": "滕州市北辛街道",
                                       "behaviour": "other"})
    assert r.status_code == 200 and "辖区" in r.content.decode()
    assert not AbnormalApplication.objects.filter(application_no=app_no(6)).exists()
    assert clients["leader"].get(url).status_code == 404


def test_review_and_create_batch_from_the_review_page(clients, data, regions):
    review = reverse("compliance:candidate_review", args=[data["candidate"].pk])
    assert clients["district"].post(review, {"status": "reviewed", "note": "疑似"}).status_code == 302
    data["candidate"].refresh_from_db()
    assert data["candidate"].status == "reviewed"
    other_review = reverse("compliance:candidate_review", args=[data["other_candidate"].pk])
    assert clients["district"].post(other_review, {"status": "dismissed"}).status_code == 404
    url = reverse("compliance:candidate_create_batch")
    assert clients["district"].post(url, {"candidates": [data["other_candidate"].pk], "name": "越权"}).status_code == 404
    r = clients["district"].post(url, {"candidates": [data["candidate"].pk], "name": ""}, follow=True)
    assert "批次名称" in r.content.decode()
    r = clients["district"].post(url, {"candidates": [data["candidate"].pk], "name": "薛城筛查批次"})
    assert r.status_code == 302
    batch = AbnormalBatch.objects.get(name="薛城筛查批次")
    assert batch.applications.count() == 2 and set(batch.applications.values_list("status", flat=True)) == {S.PENDING}
    assert Candidate.objects.get(pk=data["candidate"].pk).status == "batched"


def test_run_detection_starts_a_job(clients, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = clients["city"].post(reverse("compliance:run_detection"), {"since": "2022-01-01", "threshold": "0.8"})
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    from ipdesk.core.models import Job
    job = Job.objects.get(kind="compliance.detect")
    assert job.status == "done" and job.result["run"]
    r = clients["city"].post(reverse("compliance:run_detection"), {"since": "去年", "threshold": "0.8"}, follow=True)
    assert "申请日起" in r.content.decode()


def test_exports_are_scoped(clients, data):
    r = clients["district"].get(reverse("compliance:abnormalapplication_list") + "?export=csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert data["app"].application_no in body and data["other_app"].application_no not in body
    assert body.splitlines()[0].startswith("申请号,名称,申请人")
