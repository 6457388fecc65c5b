"""core.notify: one way to tell people — in-app always, e-mail when a mailer (EMAIL_HOST) is configured — and
each step of a workflow reaches the next person: new requests, applications and cases reach the officers of
the enterprise's district, imports their owner."""
import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core import mail

from ipdesk.core.models import Notification
from ipdesk.core.notify import notify, officers_for, to_office
from ipdesk.core.scoping import Role

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def titles(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return list((qs.filter(kind=kind) if kind else qs).values_list("title", flat=True))


def test_a_new_request_notifies_the_commissioner_and_the_district_officers(users, stype):
    from ipdesk.services import actions
    req = actions.submit_request(users["enterprise"], users["enterprise"].enterprise, stype, "申请快速预审")
    for who in ("commissioner", "district"):
        assert len(titles(users[who], "service_request")) == 1, who
        assert Notification.objects.get(recipient=users[who], kind="service_request").link == req.get_absolute_url()
    # another district's officers, the city (a district officer is responsible), the submitter: nothing
    for who in ("other_district", "city", "enterprise", "lawyer", "leader"):
        assert titles(users[who], "service_request") == [], who


def test_the_district_office_entering_a_request_itself_tells_only_the_commissioner(users, stype):
    from ipdesk.services import actions
    actions.submit_request(users["district"], users["enterprise"].enterprise, stype, "代企业提出")
    assert len(titles(users["commissioner"], "service_request")) == 1
    assert titles(users["district"]) == []


def test_without_a_district_officer_the_city_officers_hear(users, make_enterprise, make_user, stype):
    from ipdesk.services import actions
    ent = make_enterprise("山亭某科技有限公司", "370406")
    user = make_user("shanting", Role.ENTERPRISE, enterprise=ent)
    actions.submit_request(user, ent, stype, "无专员无区局")
    assert len(titles(users["city"], "service_request")) == 1
    assert officers_for(ent.region) == [users["city"]]


def test_a_new_assistance_application_reaches_the_district(users, clients):
    from ipdesk.protection.models import AssistanceCase
    r = clients["enterprise"].post("/protection/assistance/apply/", {
        "title": "商标被抢注", "right_type": "trademark", "description": "说明", "other_party": "某公司"})
    assert r.status_code == 302, r.content.decode()[:2000]
    case = AssistanceCase.objects.get()
    note = Notification.objects.get(recipient=users["district"], kind="protection_new_assistancecase")
    assert case.number in note.title and note.link == case.get_absolute_url()
    assert titles(users["other_district"]) == []


def test_a_new_subsidy_application_reaches_the_district(users, regions):
    from ipdesk.finance import actions
    from ipdesk.finance.models import InterestSubsidyApplication, SubsidyRule
    from ipdesk.regions.models import DictionaryEntry
    bank = DictionaryEntry.objects.get(dictionary="bank", code="BOC")
    own = users["enterprise"].enterprise
    SubsidyRule.objects.create(year=2022, name="贴息", interest_share=Decimal("0.5"),
                               cap_per_enterprise_yuan=Decimal("200000"))
    from ipdesk.registry.models import Patent
    patent = Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="专利",
                                   holder=own, holder_name=own.name, region=own.region,
                                   filing_date=dt.date(2017, 8, 1), grant_date=dt.date(2019, 5, 3),
                                   legal_status="valid")
    pledge = actions.register_pledge(registration_no="Y2022000001", pledgor=own, pledgee=bank, patents=[patent],
                                     amount_10k_yuan=Decimal("1200"), registration_date=dt.date(2022, 3, 1))
    app = actions.submit_application(InterestSubsidyApplication(
        enterprise=own, year=2022, pledge=pledge, bank=bank, loan_amount_10k_yuan=Decimal("1200"),
        loan_start=dt.date(2022, 3, 1), loan_end=dt.date(2023, 2, 28), interest_paid_yuan=Decimal("10000")),
        user=users["enterprise"])
    note = Notification.objects.get(recipient=users["district"], kind="finance_subsidy_submitted")
    assert note.link == app.get_absolute_url()
    assert titles(users["other_district"]) == []


def test_email_goes_out_when_a_mailer_is_configured(users, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = LOCMEM
    users["district"].email = "district@example.gov.cn"
    users["district"].save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([users["district"], users["other_district"]], "新的服务申请：测试", "/services/requests/1/",
                      "service_request", body="说明") == 2
    assert len(mail.outbox) == 1     # the other officer has no address
    message = mail.outbox[0]
    assert message.to == ["district@example.gov.cn"] and message.subject == "新的服务申请：测试"
    assert "/services/requests/1/" in message.body and "说明" in message.body


def test_no_email_without_a_mailer(users, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {}
    users["district"].email = "district@example.gov.cn"
    users["district"].save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users["district"], "提醒", "/", "reminder") == 1
    assert mail.outbox == []
    assert titles(users["district"]) == ["提醒"]


def test_a_failing_mail_server_never_fails_the_step(users, settings, django_capture_on_commit_callbacks, caplog,
                                                    monkeypatch):
    settings.MAILERS = LOCMEM
    users["district"].email = "district@example.gov.cn"
    users["district"].save()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")
    monkeypatch.setattr("ipdesk.core.notify.send_mail", refuse)
    with caplog.at_level(logging.ERROR, logger="ipdesk.core.notify"), \
            django_capture_on_commit_callbacks(execute=True):
        assert notify(users["district"], "提醒", "/", "reminder") == 1
    assert "district@example.gov.cn" in caplog.text
    assert titles(users["district"]) == ["提醒"]


def test_a_key_makes_it_once_per_recipient_and_inactive_users_are_skipped(users):
    assert notify([users["district"], users["city"]], "临期", "/", "due", key="k-1") == 2
    assert notify([users["district"], users["city"]], "临期", "/", "due", key="k-1") == 0
    users["city"].is_active = False
    users["city"].save()
    assert notify(users["city"], "x", "/", "x") == 0
    assert notify(None, "x", "/", "x") == 0


def test_to_office_is_nobody_for_the_district_itself_or_an_anonymous_actor(users, regions):
    region = regions["370403"]
    assert to_office(region, users["district"]) == []
    assert to_office(region, None) == []
    assert to_office(region, users["enterprise"]) == [users["district"]]
    assert to_office(region, users["city"]) == [users["district"]]


def test_an_import_tells_its_owner_how_it_ended(users):
    from ipdesk.core import jobs
    from ipdesk.core.models import Job

    @jobs.job_handler("test.ok")
    def ok(job):
        return {"summary": "新增 3 条"}

    @jobs.job_handler("test.boom")
    def boom(job):
        raise jobs.JobError("文件无法读取")

    done = Job.objects.create(kind="test.ok", title="测试任务", created_by=users["district"])
    failed = Job.objects.create(kind="test.boom", title="失败任务", created_by=users["district"])
    jobs.execute(done)
    jobs.execute(failed)
    notes = {n.link: n for n in Notification.objects.filter(recipient=users["district"])}
    assert notes[f"/jobs/{done.pk}/"].kind == "job_done" and "新增 3 条" in notes[f"/jobs/{done.pk}/"].body
    assert notes[f"/jobs/{failed.pk}/"].kind == "job_failed" and "文件无法读取" in notes[f"/jobs/{failed.pk}/"].body


@pytest.mark.parametrize("host, configured", [("smtp.example.gov.cn", True), ("", False)])
def test_email_host_in_the_environment_names_the_mailer(monkeypatch, host, configured):
    import runpy

    import ipdesk.settings
    monkeypatch.setenv("EMAIL_HOST", host)
    monkeypatch.setenv("EMAIL_PORT", "465")
    monkeypatch.setenv("EMAIL_USE_SSL", "1")
    values = runpy.run_path(ipdesk.settings.__file__)
    assert ("default" in values["MAILERS"]) is configured
    if configured:
        options = values["MAILERS"]["default"]["OPTIONS"]
        assert options["host"] == host and options["port"] == 465 and options["use_ssl"] is True


def test_the_assigned_lawyer_hears_of_the_case_and_the_district_of_its_closing(users, regions):
    """指派 tells the handler; 办结 by the handler tells the district, whose next step is the 回访."""
    from ipdesk.protection import actions
    from ipdesk.protection.models import AssistanceCase
    ent = users["enterprise"].enterprise
    case = AssistanceCase.objects.create(title="商标被抢注维权", source="outreach", right_type="trademark",
                                         enterprise=ent, region=ent.region, received_on=dt.date(2024, 5, 6))
    actions.register(case, users["district"])
    actions.transition(case, "handling", users["district"], handler=users["lawyer"].pk, date=dt.date(2024, 5, 7))
    note = Notification.objects.get(recipient=users["lawyer"], kind="protection_assigned")
    assert case.number in note.title and note.link == case.get_absolute_url()
    assert titles(users["district"], "protection_assigned") == []
    actions.transition(case, "closed", users["lawyer"], outcome="settled", date=dt.date(2024, 5, 20))
    closed = Notification.objects.get(recipient=users["district"], kind="protection_closed")
    assert case.number in closed.title and "回访" in closed.title
    assert titles(users["other_district"], "protection_closed") == []
    assert titles(users["lawyer"], "protection_closed") == []


def test_a_published_bulletin_reaches_its_readers_not_the_publisher(users, regions):
    from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
    bulletin = publish_bulletin(prepare_bulletin(regions["370400"], 2022, 5), users["city"])
    for who in ("leader", "district", "other_district"):
        note = Notification.objects.get(recipient=users[who], kind="stats_bulletin_published")
        assert bulletin.title in note.title and note.link == bulletin.get_absolute_url()
    for who in ("city", "enterprise", "lawyer", "commissioner"):
        assert titles(users[who], "stats_bulletin_published") == [], who
