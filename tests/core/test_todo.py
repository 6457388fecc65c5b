"""The 工作台 to-do list (core.todo): each role sees the steps waiting for it, its deadlines, its imports
and fees — and only within its scope (a district officer never sees another district's item)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ipdesk.core import todo
from ipdesk.core.scoping import Role

TODAY = dt.date(2024, 7, 1)


@pytest.fixture
def world(users, make_enterprise, make_user, regions):
    """The same records in 薛城区 (370403, the district officer's, the enterprise user's own enterprise) and in
    滕州市 (370481, the other district officer's): a service request, an assistance application, an
    adjudication request, a subsidy application and an abnormal application close to its deadline."""
    from ipdesk.compliance.models import AbnormalApplication, AbnormalBatch
    from ipdesk.finance.models import InterestSubsidyApplication
    from ipdesk.protection import actions as pactions
    from ipdesk.protection.models import AdjudicationCase, AssistanceCase
    from ipdesk.regions.models import DictionaryEntry
    from ipdesk.services.models import ServiceRequest, ServiceType

    own = users["enterprise"].enterprise
    other_commissioner = make_user("other_commissioner", Role.COMMISSIONER)
    other = make_enterprise("滕州他人科技有限公司", "370481", commissioner=other_commissioner)
    stype = ServiceType.objects.create(code="prexam", name="快速预审主体备案", promised_days=5, former_days=30,
                                       day_unit="workday")
    bank = DictionaryEntry.objects.get(dictionary="bank", code="BOC")
    batch = AbnormalBatch.objects.create(name="2024年第1批", received=dt.date(2024, 6, 1))
    data = {"other": other, "other_commissioner": other_commissioner}
    for key, ent, title in (("own", own, "薛城"), ("other", other, "滕州")):
        data[f"{key}_request"] = ServiceRequest.objects.create(
            enterprise=ent, service_type=stype, title=f"{title}预审申请", submitted_at=timezone.now(),
            promised_days=5, former_days=30, day_unit="workday", due_date=TODAY + dt.timedelta(days=20))
        data[f"{key}_late_request"] = ServiceRequest.objects.create(
            enterprise=ent, service_type=stype, title=f"{title}超期申请", status="accepted",
            submitted_at=timezone.now(), promised_days=5, former_days=30, day_unit="workday",
            due_date=TODAY - dt.timedelta(days=3))
        data[f"{key}_assistance"] = AssistanceCase.objects.create(
            title=f"{title}商标维权", source="application", status="applied", right_type="trademark",
            enterprise=ent, received_on=TODAY)
        case = AdjudicationCase.objects.create(
            title=f"{title}专利侵权纠纷", requester=ent, requester_name=ent.name, respondent_name="某经营部",
            patent_no="201710601862.3", region=ent.region, received_on=TODAY - dt.timedelta(days=40))
        pactions.register(case, None)
        data[f"{key}_adjudication"] = case
        data[f"{key}_subsidy"] = InterestSubsidyApplication.objects.create(
            enterprise=ent, year=2023, bank=bank, loan_amount_10k_yuan=Decimal("100"), loan_start=dt.date(2023, 1, 1),
            loan_end=dt.date(2023, 12, 31), interest_paid_yuan=Decimal("30000"))
        data[f"{key}_abnormal"] = AbnormalApplication.objects.create(
            batch=batch, application_no="202110699820.4" if key == "own" else "201310699744.2", applicant=ent.name,
            region=ent.region, behaviour="duplicate", notice_date=dt.date(2024, 6, 1),
            deadline=TODAY + dt.timedelta(days=2))
    return data


def keys(user, today=TODAY):
    return {i.key: i for i in todo.collect(user, today)}


def has(items, prefix, obj):
    return any(k == f"{prefix}:{obj.pk}" or k.startswith(f"{prefix}:{obj.pk}:") for k in items)


def test_district_officer_sees_its_district_and_never_the_other(world, users):
    mine = keys(users["district"])
    for name, prefix in (("request", "services.request"), ("late_request", "services.request"),
                         ("assistance", "protection.assistance"), ("adjudication", "protection.adjudication"),
                         ("subsidy", "finance.subsidy")):
        assert has(mine, prefix, world[f"own_{name}"]), name
        assert not has(mine, prefix, world[f"other_{name}"]), name
    theirs = keys(users["other_district"])
    assert has(theirs, "services.request", world["other_request"])
    assert not has(theirs, "services.request", world["own_request"])
    # the abnormal applications: one line per batch, counting only the officer's own district
    line = next(i for k, i in mine.items() if k.startswith("compliance.batch:"))
    assert line.kind == "due_soon" and line.extra["count"] == 1 and line.due == TODAY + dt.timedelta(days=2)


def test_kinds_and_deadlines(world, users):
    mine = keys(users["district"])
    assert mine[f"services.request:{world['own_request'].pk}"].kind == "new"
    late = mine[f"services.request:{world['own_late_request'].pk}"]
    assert late.kind == "overdue" and late.due == TODAY - dt.timedelta(days=3)
    assert mine[f"protection.assistance:{world['own_assistance'].pk}"].kind == "new"
    assert mine[f"finance.subsidy:{world['own_subsidy'].pk}"].kind == "new"
    # the filing decision (5 working days from the request) is long past: a statutory deadline overdue
    overdue = [i for k, i in mine.items() if k.startswith(f"protection.adjudication:{world['own_adjudication'].pk}:")]
    assert overdue and all(i.kind == "overdue" for i in overdue)
    assert all(i.link for i in mine.values())
    # a longer window makes a later deadline 临期
    assert todo.deadline_kind(TODAY + dt.timedelta(days=20), TODAY) is None
    assert todo.deadline_kind(TODAY + dt.timedelta(days=20), TODAY, days=30) == "due_soon"


def test_city_officer_sees_both_districts_and_the_targets(world, users, regions, settings):
    from ipdesk.stats.models import Target
    Target.objects.create(region=regions["370400"], year=TODAY.year, indicator="invention_grants", value=100)
    mine = keys(users["city"])
    assert has(mine, "services.request", world["own_request"]) and has(mine, "services.request", world["other_request"])
    target = [i for i in mine.values() if i.kind == "target"]
    assert len(target) == 1 and "发明专利授权量" in target[0].title and target[0].extra["percent"] == 0
    assert not [i for i in keys(users["district"]).values() if i.kind == "target"]


def test_commissioner_sees_only_the_requests_of_its_enterprises(world, users):
    mine = keys(users["commissioner"])
    assert has(mine, "services.request", world["own_request"])
    assert not has(mine, "services.request", world["other_request"])
    assert not any(k.startswith(("protection.", "finance.", "compliance.")) for k in mine)
    assert has(keys(world["other_commissioner"]), "services.request", world["other_request"])


def test_lawyer_sees_the_cases_assigned_to_it_and_the_leader_has_no_steps(world, users):
    case = world["own_assistance"]
    case.status, case.handler = "handling", users["lawyer"]
    case.save()
    mine = keys(users["lawyer"])
    assert list(mine) == [f"protection.assistance:{case.pk}"]
    assert mine[f"protection.assistance:{case.pk}"].kind == "step"
    assert not [i for i in keys(users["leader"]).values() if i.kind != "target"]


def test_enterprise_user_sees_its_fee_deadline_and_its_requests_to_rate(world, users):
    from ipdesk.registry.models import Patent
    own, other = users["enterprise"].enterprise, world["other"]
    mine_patent = Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="锂电池",
                                        holder=own, holder_name=own.name, region=own.region,
                                        filing_date=dt.date(2017, 8, 1), grant_date=dt.date(2019, 5, 3),
                                        legal_status="valid")
    Patent.objects.create(application_no="201310699744.2", patent_type="invention", title="他人专利", holder=other,
                          holder_name=other.name, region=other.region, filing_date=dt.date(2013, 8, 1),
                          grant_date=dt.date(2015, 5, 3), legal_status="valid")
    req = world["own_request"]
    req.status = "completed"
    req.save()
    mine = keys(users["enterprise"])
    fee = mine[f"registry.fee:{mine_patent.pk}:20240801"]       # the 2024-08-01 anniversary, 31 days ahead
    assert fee.kind == "fee" and fee.due == dt.date(2024, 8, 1)
    assert not any(k.startswith("registry.fee:") and k != fee.key for k in mine)   # never the other's patent
    assert mine[f"services.request:{req.pk}"].kind == "step"
    assert not has(mine, "services.request", world["other_request"])
    assert not any(k.startswith(("protection.", "finance.", "compliance.")) for k in mine)


def test_key_enterprise_fees_reach_the_district_officer(world, users):
    from ipdesk.registry.models import Patent
    own = users["enterprise"].enterprise
    patent = Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="锂电池",
                                   holder=own, holder_name=own.name, region=own.region,
                                   filing_date=dt.date(2017, 7, 5), grant_date=dt.date(2019, 5, 3),
                                   legal_status="valid")
    assert not any(k.startswith("registry.fee:") for k in keys(users["district"]))  # not a key enterprise
    own.is_key_enterprise = True
    own.save()
    assert f"registry.fee:{patent.pk}:20240705" in keys(users["district"])
    assert not any(k.startswith("registry.fee:") for k in keys(users["other_district"]))
    # paid up to last year's anniversary and this year's due date passed: in the grace period, overdue
    patent.fee_paid_until = dt.date(2023, 7, 5)
    patent.save()
    late = keys(users["district"], dt.date(2024, 8, 1))[f"registry.fee:{patent.pk}:20240705"]
    assert late.kind == "overdue" and "滞纳金" in late.detail


def test_own_finished_and_failed_imports(users):
    from ipdesk.core.models import Job
    now = timezone.now()
    done = Job.objects.create(kind="import", title="导入专利", status="done", created_by=users["district"],
                              finished_at=now, result={"summary": "新增 3 条", "outcome": "committed"})
    failed = Job.objects.create(kind="import", title="导入商标", status="failed", created_by=users["district"],
                                finished_at=now, message="文件无法读取")
    Job.objects.create(kind="import", title="他人的导入", status="done", created_by=users["city"], finished_at=now)
    today = timezone.localdate()
    mine = keys(users["district"], today)
    assert {f"core.job:{done.pk}", f"core.job:{failed.pk}"} <= set(mine)
    assert mine[f"core.job:{failed.pk}"].extra["outcome"] == "failed"
    city = keys(users["city"], today)   # the city officer may see every job, but lists only its own
    own = Job.objects.get(created_by=users["city"])
    assert [k for k in city if k.startswith("core.job:")] == [f"core.job:{own.pk}"]


def test_home_and_portal_show_the_items(world, users, clients):
    from ipdesk.registry.models import Patent
    own = users["enterprise"].enterprise
    today = timezone.localdate()
    filing = dt.date(2015, today.month, 1) if today.day < 20 else dt.date(2015, today.month % 12 + 1, 1)
    Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="锂电池",
                          holder=own, holder_name=own.name, region=own.region, filing_date=filing,
                          grant_date=dt.date(2018, 5, 3), legal_status="valid")
    html = clients["district"].get("/").content.decode()
    assert "data-testid=\"todo\"" in html and world["own_request"].title in html
    assert world["other_request"].title not in html
    portal = clients["enterprise"].get("/services/portal/").content.decode()
    assert "201710601862.3" in portal and "portal-todo" in portal
    home = clients["enterprise"].get("/").content.decode()
    assert "201710601862.3" in home and "/services/portal/" in home


def test_a_failing_provider_does_not_take_the_page_down(users, monkeypatch):
    def broken(user, today):
        raise RuntimeError("boom")
    monkeypatch.setattr(todo, "_providers", [broken, todo.todo_items])
    assert todo.collect(users["district"]) == []


def test_a_year_without_holidays_is_on_the_city_officers_list(users, regions):
    """From November, next year's holidays must be entered (the limits of every case count over them); this
    year's when they are missing at all. Only for those who keep the calendar (city officers)."""
    from ipdesk.protection.models import CalendarDay
    november = dt.date(2026, 11, 30)          # the seeded calendar (chinese-calendar 1.11.0) ends with 2026
    assert "protection.calendar:2027" in keys(users["city"], november)
    assert "protection.calendar:2026" not in keys(users["city"], november)
    assert not any(k.startswith("protection.calendar") for k in keys(users["city"], dt.date(2026, 10, 31)))
    for role in ("district", "lawyer", "leader", "enterprise", "commissioner"):
        assert not any(k.startswith("protection.calendar") for k in keys(users[role], november)), role
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    assert "protection.calendar:2027" not in keys(users["city"], november)
    CalendarDay.objects.filter(date__year=2026, kind="holiday").delete()
    assert "protection.calendar:2026" in keys(users["city"], dt.date(2026, 3, 1))
