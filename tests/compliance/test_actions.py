"""Models, actions, the detect command, reminders and indicators against the database."""
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ipdesk.compliance import actions
from ipdesk.compliance.choices import ApplicationStatus as S
from ipdesk.compliance.choices import EventKind
from ipdesk.compliance.error_codes import ComplianceErrorCode
from ipdesk.compliance.models import AbnormalApplication, Agency, ApplicationEvent, Candidate, Complaint, Inspection

from tests.factories import application_no as app_no, credit_code as uscc

from .conftest import ABSTRACT, ABSTRACT_VARIANT

pytestmark = pytest.mark.django_db


def test_agency_credit_code_is_validated_and_canonical(regions):
    agency = Agency(name="甲代理所", uscc=" " + uscc(5).lower(), region=regions["370403"])
    agency.full_clean()
    assert agency.uscc == uscc(5)
    bad = Agency(name="乙代理所", uscc="91350203M0001QAY9B", region=regions["370403"])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "校验位" in str(exc.value)


def test_register_assigns_by_enterprise_then_address_then_default(data, regions):
    assert (data["app"].region.code, data["app"].region_basis, data["app"].enterprise) == \
        ("370403", "enterprise", data["enterprise"])
    assert data["app"].agency == data["agency"]
    assert (data["other_app"].region.code, data["other_app"].region_basis) == ("370481", "address")
    third = actions.register_application(data["batch"], None, application_no="CN " + app_no(3)[:4] + " " + app_no(3)[4:].replace(".", ""), applicant="无名厂",
                                         address="山东省", behaviour="other")
    assert third.region.code == "370400" and third.region_basis == "default"
    assert third.status == S.PENDING  # no notice date: waits for the officer
    assert third.application_no == app_no(3)
    kinds = list(data["app"].events.values_list("kind", flat=True))
    assert kinds == [EventKind.REGISTERED, EventKind.NOTIFIED]


def test_register_refuses_a_bad_number_or_unplaceable_applicant_and_saves_nothing(data):
    before = AbnormalApplication.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.register_application(data["batch"], None, application_no="202210123456.7", applicant="某厂",
                                     behaviour="other")
    assert "校验位" in str(exc.value)
    data["batch"].default_region = None
    with pytest.raises(ValidationError) as exc:
        actions.register_application(data["batch"], None, application_no=app_no(4), applicant="某厂", address="某街道",
                                     behaviour="other")
    assert "默认区划" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        actions.register_application(data["batch"], None, application_no=app_no(1), applicant=data["enterprise"].name,
                                     behaviour="other")
    assert "已在本批次" in str(exc.value)
    assert AbnormalApplication.objects.count() == before


def test_transitions_write_events_and_refuse_what_is_not_allowed(data, users):
    app = data["app"]
    actions.transition(app, S.STATEMENT, users["district"], dt.date(2022, 4, 1), "提交研发记录")
    actions.transition(app, S.CLEARED, users["district"], dt.date(2022, 4, 20))
    app.refresh_from_db()
    assert app.status == S.CLEARED and app.closed_on == dt.date(2022, 4, 20)
    assert list(app.events.values_list("kind", flat=True))[-2:] == [EventKind.STATEMENT, EventKind.CLEARED]
    with pytest.raises(ValidationError) as exc:
        actions.transition(app, S.WITHDRAWN, users["district"])
    assert exc.value.error_code == ComplianceErrorCode.INVALID_TRANSITION and "不能变更" in str(exc.value)
    other = data["other_app"]
    with pytest.raises(ValidationError) as exc:
        actions.transition(other, S.DEEMED_WITHDRAWN, None, dt.date(2022, 4, 10))
    assert exc.value.error_code == ComplianceErrorCode.DEADLINE_NOT_PASSED
    actions.transition(other, S.DEEMED_WITHDRAWN, None, dt.date(2022, 4, 16))
    assert ApplicationEvent.objects.filter(application=other, kind=EventKind.DEEMED_WITHDRAWN).exists()


def test_credit_grade_follows_supervision_record(data):
    agency = data["agency"]
    agency.refresh_from_db()
    assert (agency.credit_score, agency.credit_grade) in ((100, "A"), (100, ""))
    Inspection.objects.create(agency=agency, date=dt.date.today(), result="unqualified")
    Complaint.objects.create(agency=agency, received=dt.date.today(), complainant="某公司", summary="包授权",
                             status="substantiated")
    agency.refresh_from_db()
    assert agency.credit_score == 70 and agency.credit_grade == "C"


def test_reminders_are_sent_once_to_the_district_and_the_city(data, users):
    from ipdesk.compliance.tasks import send_deadline_reminders
    from ipdesk.core.models import Notification
    day = data["app"].deadline - dt.timedelta(days=3)
    assert send_deadline_reminders(day) == 4  # two applications × (city officer + its district's officer)
    assert send_deadline_reminders(day) == 0
    recipients = set(Notification.objects.filter(kind="abnormal_deadline").values_list("recipient__username", flat=True))
    assert recipients == {"city", "district", "other_district"}
    assert not Notification.objects.filter(recipient=users["district"], link=data["other_app"].get_absolute_url()).exists()
    assert ApplicationEvent.objects.filter(kind=EventKind.REMINDER, date=day).count() == 2
    assert send_deadline_reminders(day + dt.timedelta(days=1)) == 0  # 2 days before: no reminder


def test_indicators_count_notified_withdrawn_and_rate(data, regions):
    from ipdesk.compliance.indicators import abnormal_applications
    actions.transition(data["app"], S.WITHDRAWN, None, dt.date(2022, 3, 20))
    city = abnormal_applications(regions["370400"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert city == {"abnormal_notified": 2, "abnormal_withdrawn": 1, "abnormal_withdrawal_rate": 50.0}
    xue = abnormal_applications(regions["370403"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert xue["abnormal_withdrawal_rate"] == 100.0


def test_batch_from_candidates_is_pending_and_marks_them(data, users):
    batch = actions.create_batch_from_candidates([data["candidate"]], users["city"], "筛查批次", None)
    apps = list(batch.applications.all())
    assert [a.application_no for a in apps] == [app_no(11), app_no(12)]
    assert all(a.status == S.PENDING and a.behaviour == "duplicate" for a in apps)
    data["candidate"].refresh_from_db()
    assert data["candidate"].status == "batched" and data["candidate"].batch == batch
    with pytest.raises(ValidationError):
        actions.create_batch_from_candidates([data["candidate"]], users["city"], "再来一次", None)


def _patent(seq, title, abstract, applicant, filed, region, address="", agency=""):
    from ipdesk.registry.models import Patent
    return Patent.objects.create(application_no=app_no(seq, year=str(filed.year)), patent_type="invention", title=title,
                                 abstract=abstract, applicants=applicant, holder_name=applicant, address=address,
                                 agency=agency, filing_date=filed, region=region)


def test_detect_command_prints_candidates_with_evidence(regions):
    _patent(101, "一种智能灌溉装置", ABSTRACT, "甲公司", dt.date(2023, 3, 1), regions["370403"])
    _patent(102, "智能灌溉装置", ABSTRACT_VARIANT, "乙公司", dt.date(2023, 3, 5), regions["370481"])
    _patent(103, "一种汽车座椅", "本实用新型涉及一种汽车座椅调节机构，包括滑轨、锁止块和弹簧，调节方便可靠，结构紧凑。",
            "丙公司", dt.date(2023, 3, 6), regions["370403"])
    _patent(104, "一种旧装置", ABSTRACT, "丁公司", dt.date(2022, 3, 6), regions["370403"])  # before --since
    for k in range(12):  # a burst by 戊公司, which filed one application in the two years before
        _patent(200 + k, f"一种零件{k}", "", "戊公司", dt.date(2023, 2, 1 + k), regions["370481"])
    _patent(300, "一种零件", "", "戊公司", dt.date(2022, 6, 1), regions["370481"])
    out = io.StringIO()
    call_command("detect", "--since", "2023-01-01", "--until", "2023-03-31", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["applications"] == 15
    kinds = {c["kind"]: c for c in result["candidates"]}
    dup = kinds["near_duplicate"]
    assert dup["application_nos"] == [app_no(101, year="2023"), app_no(102, year="2023")]
    pair = dup["evidence"]["pairs"][0]
    assert pair["similarity"] == 1.0 and pair["fields"]["摘要"] == 1.0
    burst = kinds["burst_applicant"]
    assert burst["subject"] == "戊公司" and burst["evidence"]["window_filings"] == 12
    assert "history" in burst["evidence"]["reasons"]
    assert Candidate.objects.filter(run_id=result["run"]).count() == len(result["candidates"])
    assert Candidate.objects.get(run_id=result["run"], kind="near_duplicate").region.code == dup["region"] == "370403"


def test_detect_command_says_what_is_wrong_with_the_date(db):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError) as exc:
        call_command("detect", "--since", "2023/01/01", "--json")
    assert "YYYY-MM-DD" in str(exc.value)


def test_demo_outcomes_are_over_98_percent():
    from ipdesk.compliance import demo
    from ipdesk.compliance.rules import withdrawal_rate
    rate = withdrawal_rate(demo.OUTCOMES)
    assert rate.total == 200 and rate.rate > 0.98


def test_demo_loads_its_batch_once(regions, monkeypatch):
    from ipdesk.compliance import demo
    from ipdesk.compliance.models import AbnormalBatch
    from ipdesk.compliance.rules import withdrawal_rate
    small = [S.WITHDRAWN] * 7 + [S.DEEMED_WITHDRAWN, S.UPHELD, S.CLEARED]  # the same paths, ten rows
    monkeypatch.setattr(demo, "OUTCOMES", small)
    demo.load()
    demo.load()
    batch = AbnormalBatch.objects.get(name=demo.BATCH_NAME)
    assert sorted(batch.applications.values_list("status", flat=True)) == sorted(small)
    assert withdrawal_rate(batch.applications.values_list("status", flat=True)).withdrawn == 8
    assert Agency.objects.count() == 4 and Agency.objects.exclude(credit_grade="").count() == 4
    assert "default" in set(batch.applications.values_list("region_basis", flat=True))


def test_a_batch_from_leads_keeps_their_regions_through_a_list_without_addresses(data, users, regions, tmp_path):
    """An application of a batch made from detection leads that nothing else places takes the lead's district, with
    its own basis ("record"), not the batch's default: a list of the batch without addresses imported later keeps
    that district, while it would replace a batch default (core.imports.ImportSpec.keeps_placement)."""
    from ipdesk.compliance.models import AbnormalBatch
    from ipdesk.core.imports import run_import
    from tests.factories.files import csv_file
    batch = actions.create_batch_from_candidates([data["candidate"]], users["city"], "筛查批次", None)
    assert {(a.region_id, a.region_basis) for a in batch.applications.all()} == {(regions["370403"].pk, "record")}
    AbnormalBatch.objects.filter(pk=batch.pk).update(default_region=regions["370481"])
    result = run_import("abnormal_applications", csv_file(tmp_path, ["申请号", "申请(专利权)人", "行为类型", "批次"],
                                                           [[app_no(11), "未知", "重复申请", "筛查批次"]], name="l.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1), [e.reason for e in result.errors]
    app = AbnormalApplication.objects.get(batch=batch, application_no=app_no(11))
    assert (app.region_id, app.region_basis) == (regions["370403"].pk, "record")
