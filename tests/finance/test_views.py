"""Pages for every role: lists, details in and out of scope, forms, transitions, figures, exports."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipdesk.finance.models import FundedProject, InsurancePolicy, InterestSubsidyApplication, MatchmakingEvent, Pledge
from ipdesk.registry.models import PatentEvent
from tests.factories import FundedProjectFactory, InsuranceSubsidyRuleFactory, SubsidyRuleFactory

D = dt.date
pytestmark = pytest.mark.django_db
ALL = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]
ENTERPRISE_SCOPED = {"city", "district", "other_district", "commissioner", "enterprise", "leader"}
REGION_SCOPED = {"city", "district", "other_district", "leader"}
LISTS = {
    "finance:pledge_list": ENTERPRISE_SCOPED, "finance:interestsubsidyapplication_list": ENTERPRISE_SCOPED,
    "finance:insurancepolicy_list": ENTERPRISE_SCOPED, "finance:fundedproject_list": ENTERPRISE_SCOPED,
    "finance:patentaward_list": ENTERPRISE_SCOPED, "finance:matchmakingevent_list": REGION_SCOPED,
    "finance:standard_list": REGION_SCOPED, "finance:trainingclass_list": REGION_SCOPED,
    "finance:subsidyrule_list": set(ALL), "finance:insurancesubsidyrule_list": set(ALL),
    "finance:figures": REGION_SCOPED,
}


@pytest.mark.parametrize("url_name", LISTS)
def test_list_pages_per_role(clients, url_name):
    for role in ALL:
        response = clients[role].get(reverse(url_name))
        assert response.status_code == (200 if role in LISTS[url_name] else 404), (url_name, role)


def test_pledge_list_shows_only_rows_in_scope(clients, pledges):
    def numbers(role):
        text = clients[role].get(reverse("finance:pledge_list")).content.decode()
        return {no for no in ("Y2022000001", "Y2022000002") if no in text}
    assert numbers("city") == numbers("leader") == {"Y2022000001", "Y2022000002"}
    assert numbers("district") == numbers("enterprise") == numbers("commissioner") == {"Y2022000001"}
    assert numbers("other_district") == {"Y2022000002"}


def test_pledge_detail_in_and_out_of_scope(clients, pledges):
    mine = reverse("finance:pledge_detail", args=[pledges["mine"].pk])
    theirs = reverse("finance:pledge_detail", args=[pledges["theirs"].pk])
    for role in ("city", "leader", "district", "commissioner", "enterprise"):
        assert clients[role].get(mine).status_code == 200, role
    for role in ("district", "commissioner", "enterprise", "lawyer"):
        assert clients[role].get(theirs).status_code == 404, role
    page = clients["district"].get(mine).content.decode()
    assert "解除质押" in page and pledges["mine"].patents.first().application_no in page
    assert "解除质押" not in clients["leader"].get(mine).content.decode()


def test_registering_a_pledge_through_the_form(clients, world, bank):
    url = reverse("finance:pledge_add")
    good = world["own_patents"][0].application_no
    stranger = world["other_patents"][0].application_no
    data = {"registration_no": "Y2022009999", "pledgor": world["own"].pk, "pledgee": bank.pk,
            "amount_10k_yuan": "1500", "registration_date": "2022-07-01", "patent_numbers": f"{good}\n{stranger}"}
    response = clients["district"].post(url, data)
    assert response.status_code == 200
    # The stranger patent belongs to 滕州: outside the 薛城 officer's scope, so not even found.
    assert f"专利 {stranger}：登记簿中没有该专利（或不在您的数据范围内）" in response.content.decode()
    assert not Pledge.objects.exists()
    response = clients["city"].post(url, data)
    assert f"专利 {stranger}：专利权人为“滕州远方机械有限公司”，不是出质人" in response.content.decode()
    assert not Pledge.objects.exists()
    data["patent_numbers"] = good.replace(".", "")
    response = clients["district"].post(url, data)
    pledge = Pledge.objects.get()
    assert response.status_code == 302 and response["Location"] == pledge.get_absolute_url()
    assert PatentEvent.objects.filter(kind="pledge", patent=world["own_patents"][0]).exists()


def test_a_pledge_of_another_district_cannot_be_registered_by_a_district_officer(clients, world, bank):
    data = {"registration_no": "Y1", "pledgor": world["other"].pk, "pledgee": bank.pk, "amount_10k_yuan": "1",
            "registration_date": "2022-07-01", "patent_numbers": world["other_patents"][0].application_no}
    response = clients["district"].post(reverse("finance:pledge_add"), data)
    assert response.status_code == 200 and "pledgor" in response.context["form"].errors
    assert not Pledge.objects.exists()


def test_leaders_and_enterprises_cannot_write(clients, pledges):
    for role in ("leader", "enterprise", "commissioner", "lawyer"):
        assert clients[role].get(reverse("finance:pledge_add")).status_code == 404
        release = reverse("finance:pledge_release", args=[pledges["mine"].pk])
        assert clients[role].post(release, {"date": "2022-09-01"}).status_code == 404
    assert Pledge.objects.get(pk=pledges["mine"].pk).status == "effective"


def test_release_through_the_page_and_bad_dates_are_explained(clients, pledges):
    url = reverse("finance:pledge_release", args=[pledges["mine"].pk])
    response = clients["district"].post(url, {"date": "2022-01-01"}, follow=True)
    assert "解除失败：解除日 2022-01-01 不能早于登记日 2022-03-01" in response.content.decode()
    response = clients["district"].post(url, {"date": "不是日期"}, follow=True)
    assert "请填写正确的解除日" in response.content.decode()
    clients["district"].post(url, {"date": "2022-09-01"})
    assert Pledge.objects.get(pk=pledges["mine"].pk).status == "released"
    assert clients["other_district"].post(reverse("finance:pledge_release", args=[pledges["mine"].pk]),
                                          {"date": "2022-09-02"}).status_code == 404


def test_pledge_edit_keeps_patents_and_date(clients, pledges):
    url = reverse("finance:pledge_edit", args=[pledges["mine"].pk])
    form = clients["district"].get(url).context["form"]
    assert "patent_numbers" not in form.fields and "registration_date" not in form.fields
    assert clients["other_district"].get(url).status_code == 404


def test_subsidy_application_submit_approve_pay(clients, world, pledges):
    SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=200000)
    data = {"enterprise": world["own"].pk, "year": 2022, "pledge": pledges["mine"].pk, "bank": world["bank"].pk,
            "loan_amount_10k_yuan": "1200", "loan_start": "2022-03-01", "loan_end": "2023-02-28",
            "interest_paid_yuan": "52200"}
    response = clients["district"].post(reverse("finance:interestsubsidyapplication_add"), data)
    app = InterestSubsidyApplication.objects.get()
    assert response.status_code == 302 and app.subsidy_yuan == Decimal("26100.00")
    page = clients["enterprise"].get(app.get_absolute_url()).content.decode()
    assert "核算过程" in page and "52,200.00 元 × 50% = 26,100.00 元" in page
    assert "审核通过" not in page  # the enterprise user sees the working, not the review buttons
    decide = reverse("finance:interestsubsidyapplication_decide", args=[app.pk, "pay"])
    response = clients["district"].post(decide, {"date": "2022-12-01"}, follow=True)
    assert "拨付失败：当前状态为“已申报”，只有“审核通过”的申请可以拨付" in response.content.decode()
    clients["district"].post(reverse("finance:interestsubsidyapplication_decide", args=[app.pk, "approve"]))
    clients["district"].post(decide, {"date": "2022-12-01"})
    app.refresh_from_db()
    assert (app.status, app.paid_on) == ("paid", D(2022, 12, 1))
    assert clients["district"].get(reverse("finance:interestsubsidyapplication_edit", args=[app.pk])).status_code == 404
    assert clients["leader"].post(reverse("finance:interestsubsidyapplication_decide",
                                          args=[app.pk, "approve"])).status_code == 404
    assert clients["district"].post(reverse("finance:interestsubsidyapplication_decide",
                                            args=[app.pk, "bogus"])).status_code == 404


def test_an_application_naming_another_enterprises_pledge_is_refused(clients, world, pledges):
    data = {"enterprise": world["own"].pk, "year": 2022, "pledge": pledges["theirs"].pk, "bank": world["bank"].pk,
            "loan_amount_10k_yuan": "100", "loan_start": "2023-03-01", "loan_end": "2022-02-28",
            "interest_paid_yuan": "-5"}
    response = clients["city"].post(reverse("finance:interestsubsidyapplication_add"), data)
    errors = response.context["form"].errors
    assert "不是申请企业" in errors["pledge"][0]
    assert "interest_paid_yuan" in errors
    assert not InterestSubsidyApplication.objects.exists()


def test_policy_form_computes_the_subsidy(clients, world, insurer):
    InsuranceSubsidyRuleFactory(insurance_type="enforcement", premium_share=Decimal("0.8"),
                                cap_per_enterprise_yuan=40000)
    data = {"policy_no": "P-1", "insurer": insurer.pk, "enterprise": world["own"].pk, "insurance_type": "enforcement",
            "premium_yuan": "52000", "cover_yuan": "1000000", "start_date": "2022-03-01", "end_date": "2023-02-28",
            "patent_numbers": "\n".join(p.application_no for p in world["own_patents"])}
    response = clients["district"].post(reverse("finance:insurancepolicy_add"), data)
    policy = InsurancePolicy.objects.get()
    assert response.status_code == 302 and policy.subsidy_yuan == Decimal("40000.00") and policy.patents.count() == 3
    page = clients["commissioner"].get(policy.get_absolute_url()).content.decode()
    assert "min(41,600.00 元, 40,000.00 元) = 40,000.00 元" in page
    edit = reverse("finance:insurancepolicy_edit", args=[policy.pk])
    form = clients["district"].get(edit).context["form"]
    assert form.initial["patent_numbers"].count("\n") == 2
    data.update(premium_yuan="10000", _version=policy.version)
    clients["district"].post(edit, data)
    assert InsurancePolicy.objects.get().subsidy_yuan == Decimal("8000.00")


def test_plain_forms_projects_and_matchmaking(clients, world, regions, bank):
    response = clients["district"].post(reverse("finance:fundedproject_add"), {
        "kind": "navigation", "name": "导航项目", "level": "provincial", "recipient": world["own"].pk,
        "region": regions["370403"].pk, "year": 2022, "amount_10k_yuan": "20", "status": "approved"})
    project = FundedProject.objects.get()
    assert response.status_code == 302 and project.recipient_name == world["own"].name
    response = clients["district"].post(reverse("finance:fundedproject_add"), {
        "kind": "navigation", "name": "无承担单位", "level": "provincial", "region": regions["370403"].pk,
        "year": 2022, "amount_10k_yuan": "20", "status": "approved"})
    assert "请选择承担企业或填写承担单位名称" in response.content.decode()
    clients["district"].post(reverse("finance:projectmilestone_add"), {
        "project": project.pk, "title": "中期检查", "due_date": "2022-10-01"})
    assert "中期检查" in clients["enterprise"].get(project.get_absolute_url()).content.decode()
    response = clients["district"].post(reverse("finance:matchmakingevent_add"), {
        "title": "对接会", "date": "2022-05-01", "region": regions["370481"].pk, "banks": [bank.pk],
        "attendee_count": 10, "intended_amount_10k_yuan": "100"})
    assert response.status_code == 200 and not MatchmakingEvent.objects.exists()  # 滕州 is not the officer's


def test_figures_page(clients, pledges):
    page = clients["city"].get(reverse("finance:figures"), {"region": "370400", "year": "2022"})
    rows = {r["key"]: r for r in page.context["rows"]}
    assert rows["pledged_patents"]["value"] == 4 and rows["pledge_amount_10k_yuan"]["value"] == Decimal("2000")
    assert rows["pledge_enterprises_over_10m"]["value"] == 1
    district = clients["district"].get(reverse("finance:figures"), {"region": "370481", "year": "2022"})
    assert district.context["region"].code == "370403"   # another district is not offered: falls back to own
    assert district.context["rows"][0]["value"] == 2
    bad = clients["city"].get(reverse("finance:figures"), {"year": "abc"})
    assert bad.status_code == 200 and "年度应为" in bad.content.decode()
    first_quarter = clients["city"].get(reverse("finance:figures"), {"region": "370400", "year": "2022", "month": "3"})
    assert first_quarter.context["rows"][0]["value"] == 2      # only the pledge of 1 March is in 1–3月
    breakdown = {row["region"].code: row["values"] for row in page.context["breakdown"]}
    assert breakdown["370403"][:2] == [2, Decimal("1200")] and breakdown["370481"][:2] == [2, Decimal("800")]
    assert "370403" not in {row["region"].code for row in district.context["breakdown"]}


def test_export_is_scoped(clients, pledges):
    response = clients["district"].get(reverse("finance:pledge_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "登记号" and [r[0] for r in rows[1:]] == ["Y2022000001"]
    assert ";" in rows[1][8] or "；" in rows[1][8]


def test_adding_a_milestone_from_its_project_starts_with_the_project(clients, world, regions):
    project = FundedProjectFactory(kind="workstation", name="工作站", recipient_name="站", year=2022, region="370403")
    form = clients["district"].get(reverse("finance:projectmilestone_add"), {"project": project.pk}).context["form"]
    assert str(form["project"].value()) == str(project.pk)
    assert clients["leader"].get(reverse("finance:projectmilestone_add")).status_code == 404


def test_an_enterprise_applies_for_its_own_subsidy_and_officers_decide(clients, users, world, pledges):
    from ipdesk.core.models import Notification
    SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=200000)
    add = reverse("finance:interestsubsidyapplication_add")
    form = clients["enterprise"].get(add).context["form"]
    assert list(form.fields["enterprise"].queryset) == [world["own"]]
    assert list(form.fields["pledge"].queryset) == [pledges["mine"]]
    data = {"enterprise": world["own"].pk, "year": 2022, "pledge": pledges["mine"].pk, "bank": world["bank"].pk,
            "loan_amount_10k_yuan": "1200", "loan_start": "2022-03-01", "loan_end": "2023-02-28",
            "interest_paid_yuan": "10000"}
    assert clients["enterprise"].post(add, {**data, "enterprise": world["other"].pk}).status_code == 200
    assert clients["enterprise"].post(add, data).status_code == 302
    app = InterestSubsidyApplication.objects.get()
    assert app.subsidy_yuan == Decimal("5000.00")
    assert clients["commissioner"].get(add).status_code == 404
    approve = reverse("finance:interestsubsidyapplication_decide", args=[app.pk, "approve"])
    assert clients["enterprise"].post(approve).status_code == 404
    assert "审核通过" not in clients["enterprise"].get(app.get_absolute_url()).content.decode()
    assert clients["enterprise"].post(f"/api/interest-subsidies/{app.pk}/approve/").status_code == 403
    assert InterestSubsidyApplication.objects.get().status == "submitted"
    clients["district"].post(approve)
    note = Notification.objects.get(recipient=users["enterprise"])
    assert note.title == "2022年贴息申请审核通过" and note.link == app.get_absolute_url()
    assert clients["enterprise"].get(reverse("finance:interestsubsidyapplication_edit", args=[app.pk])).status_code \
        == 404


def test_a_pledge_registered_in_between_is_explained_not_a_500(clients, world, bank, monkeypatch):
    """Another officer pledges the same patent between the form check and the save."""
    from django import forms as django_forms

    from ipdesk.finance import actions, forms
    patent = world["own_patents"][0]

    def clean_that_saw_it_free(self):  # the form's own check ran before the other pledge was saved
        data = django_forms.ModelForm.clean(self)
        self.cleaned_patents = self._patents()
        return data
    monkeypatch.setattr(forms.PledgeForm, "clean", clean_that_saw_it_free)
    actions.register_pledge(registration_no="Y0", pledgor=world["own"], pledgee=bank, patents=[patent],
                            amount_10k_yuan=1, registration_date=D(2022, 1, 1))
    response = clients["district"].post(reverse("finance:pledge_add"), {
        "registration_no": "Y1", "pledgor": world["own"].pk, "pledgee": bank.pk, "amount_10k_yuan": "1",
        "registration_date": "2022-07-01", "patent_numbers": patent.application_no})
    assert response.status_code == 200
    assert "已在质押中（登记号 Y0）" in response.content.decode()
    assert list(Pledge.objects.values_list("registration_no", flat=True)) == ["Y0"]
