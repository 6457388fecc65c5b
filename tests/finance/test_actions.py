"""Pledge registration and release, subsidy applications and policies on hand-made records."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ipdesk.finance import actions
from ipdesk.finance.error_codes import FinanceErrorCode
from ipdesk.finance.models import InsurancePolicy, InterestSubsidyApplication, Pledge
from ipdesk.registry.models import PatentEvent
from tests.factories import InsurancePolicyFactory, InsuranceSubsidyRuleFactory, PatentFactory, SubsidyRuleFactory

D = dt.date
pytestmark = pytest.mark.django_db


def test_registering_writes_a_pledge_event_on_each_patent(world, pledges):
    pledge = pledges["mine"]
    assert pledge.status == "effective"
    assert set(pledge.patents.all()) == set(world["own_patents"][:2])
    events = PatentEvent.objects.filter(kind="pledge", patent__in=world["own_patents"])
    assert events.count() == 2
    assert {e.date for e in events} == {D(2022, 3, 1)}
    assert all("Y2022000001" in e.note and e.source == "pledge" for e in events)
    assert list(pledge.events.values_list("kind", flat=True)) == ["registered"]


def test_a_patent_of_another_holder_is_refused_with_its_reason_and_nothing_is_saved(world):
    stranger = world["other_patents"][0]
    with pytest.raises(ValidationError) as exc:
        actions.register_pledge(registration_no="Y1", pledgor=world["own"], pledgee=world["bank"],
                                patents=[world["own_patents"][0], stranger], amount_10k_yuan=Decimal("100"),
                                registration_date=D(2022, 3, 1))
    assert exc.value.message_dict["patents"] == [
        f"专利 {stranger.application_no}：专利权人为“滕州远方机械有限公司”，不是出质人"]
    assert not Pledge.objects.exists()
    assert not PatentEvent.objects.filter(kind="pledge").exists()


def test_lapsed_and_not_yet_granted_patents_are_refused(world):
    lapsed = PatentFactory(holder=world["own"], legal_status="lapsed", lapse_date=D(2021, 12, 1), granted=True)
    late = PatentFactory(holder=world["own"], filing_date=D(2019, 1, 1), grant_date=D(2022, 5, 1))
    with pytest.raises(ValidationError) as exc:
        actions.register_pledge(registration_no="Y1", pledgor=world["own"], pledgee=world["bank"],
                                patents=[lapsed, late], amount_10k_yuan=Decimal("100"), registration_date=D(2022, 3, 1))
    assert exc.value.message_dict["patents"] == [
        f"专利 {lapsed.application_no}：专利权已于 2021-12-01 失效",
        f"专利 {late.application_no}：授权公告日 2022-05-01 晚于登记日 2022-03-01"]


def test_a_patent_already_pledged_cannot_be_pledged_again_until_released(world, pledges):
    patent = world["own_patents"][0]
    kwargs = dict(registration_no="Y3", pledgor=world["own"], pledgee=world["bank"], patents=[patent],
                  amount_10k_yuan=Decimal("100"), registration_date=D(2022, 5, 1))
    with pytest.raises(ValidationError, match="已在质押中（登记号 Y2022000001）"):
        actions.register_pledge(**kwargs)
    actions.release_pledge(pledges["mine"], D(2022, 4, 30))
    assert actions.register_pledge(**kwargs).status == "effective"


def test_release_writes_release_events_and_only_once(world, pledges):
    pledge = actions.release_pledge(pledges["mine"], D(2022, 9, 1), note="已还款")
    assert pledge.status == "released" and pledge.released_on == D(2022, 9, 1)
    assert PatentEvent.objects.filter(kind="pledge_release", date=D(2022, 9, 1)).count() == 2
    assert list(pledge.events.values_list("kind", flat=True)) == ["registered", "released"]
    with pytest.raises(ValidationError) as exc:
        actions.release_pledge(pledge, D(2022, 9, 2))
    assert exc.value.error_code == FinanceErrorCode.PLEDGE_NOT_EFFECTIVE


def test_release_cannot_predate_registration(pledges):
    with pytest.raises(ValidationError) as exc:
        actions.release_pledge(pledges["mine"], D(2022, 2, 1))
    assert exc.value.error_code == FinanceErrorCode.RELEASE_BEFORE_REGISTRATION


def test_duplicate_registration_number_and_wrong_pledgee_are_refused(world, pledges, insurer):
    with pytest.raises(ValidationError, match="登记号 Y2022000001 已存在"):
        actions.register_pledge(registration_no="Y2022000001", pledgor=world["own"], pledgee=world["bank"],
                                patents=[world["own_patents"][2]], amount_10k_yuan=1, registration_date=D(2022, 5, 1))
    with pytest.raises(ValidationError, match="质权人须为"):
        actions.register_pledge(registration_no="Y9", pledgor=world["own"], pledgee=insurer,
                                patents=[world["own_patents"][2]], amount_10k_yuan=1, registration_date=D(2022, 5, 1))


def test_patent_numbers_are_parsed_and_unknown_ones_named(world):
    no = world["own_patents"][0].application_no
    assert actions.patents_from_numbers(f"ZL{no.replace('.', '')}\n{no}") == [world["own_patents"][0]]
    with pytest.raises(ValidationError) as exc:
        actions.patents_from_numbers("202210123456.7, 201710601862.3")
    assert exc.value.messages == ["申请号校验位错误：202210123456.7（校验位应为 1）",
                                  "专利 201710601862.3：登记簿中没有该专利（或不在您的数据范围内）"]


# ---- Interest subsidies ------------------------------------------------------------------------
@pytest.fixture
def rule(db):
    return SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=50000,
                              requires_pledge=True)


def application(world, pledge, interest, **kw):
    return InterestSubsidyApplication(enterprise=world["own"], year=2022, pledge=pledge, bank=world["bank"],
                                      loan_amount_10k_yuan=Decimal("1200"), loan_start=D(2022, 3, 1),
                                      loan_end=D(2023, 2, 28), interest_paid_yuan=Decimal(interest), **kw)


def test_subsidy_is_computed_line_by_line_and_the_cap_counts_earlier_approvals(world, pledges, rule):
    first = actions.submit_application(application(world, pledges["mine"], "60000"))
    assert first.subsidy_yuan == Decimal("30000.00") and first.rule == rule
    assert [line["label"] for line in first.working] == ["实付利息", "按贴息比例", "企业年度剩余额度",
                                                         "条件：有本企业的专利质押登记", "核定金额"]
    second = actions.submit_application(application(world, pledges["mine"], "60000"))
    actions.approve_application(first)
    second = actions.approve_application(second)
    assert second.subsidy_yuan == Decimal("20000.00")   # 50,000 cap − 30,000 already approved
    assert second.working[2]["formula"] == "上限 50,000.00 元 − 本年已核定 30,000.00 元 = 20,000.00 元"
    assert list(second.events.values_list("kind", flat=True)) == ["submitted", "approved"]


def test_a_rejected_application_does_not_use_the_cap(world, pledges, rule):
    first = actions.submit_application(application(world, pledges["mine"], "60000"))
    with pytest.raises(ValidationError) as exc:
        actions.reject_application(first, note=" ")
    assert exc.value.error_code == FinanceErrorCode.REASON_REQUIRED
    actions.reject_application(first, note="材料不全")
    second = actions.approve_application(actions.submit_application(application(world, pledges["mine"], "60000")))
    assert second.subsidy_yuan == Decimal("30000.00")


def test_conditions_insurance_and_pledge(world, pledges, rule, insurer):
    rule.requires_insurance = True
    rule.save()
    # Without a pledge there is no application at all (test_subsidy_guards.py); without the insurance
    # the working says which condition is unmet and the subsidy is 0.
    with pytest.raises(ValidationError, match="专利质押登记"):
        actions.submit_application(application(world, None, "10000"))
    uninsured = actions.submit_application(application(world, pledges["mine"], "10000"))
    assert uninsured.subsidy_yuan == 0
    assert "不满足条件（贷款期内投保知识产权质押融资保证保险）" in uninsured.working[-1]["formula"]
    InsurancePolicyFactory(policy_no="P1", insurer=insurer, enterprise=world["own"], insurance_type="pledge_guarantee",
                           premium_yuan=1000, cover_yuan=100000, start_date=D(2022, 2, 1), end_date=D(2023, 1, 31))
    insured = actions.submit_application(application(world, pledges["mine"], "10000"))
    assert insured.subsidy_yuan == Decimal("5000.00")


def test_no_rule_for_the_year_is_refused_and_says_so(world, pledges):
    with pytest.raises(ValidationError, match="2022年未配置贴息规则"):
        actions.submit_application(application(world, pledges["mine"], "10000"))
    assert not InterestSubsidyApplication.objects.exists()
    working, rule = actions.application_working(application(world, pledges["mine"], "10000"))
    assert rule is None and working.amount == 0 and working.as_list()[0]["formula"] == "2022年未配置贴息规则，暂不核定"


def test_transitions_are_checked(world, pledges, rule):
    app = actions.submit_application(application(world, pledges["mine"], "10000"))
    with pytest.raises(ValidationError) as exc:
        actions.pay_application(app, D(2022, 12, 1))
    assert exc.value.error_code == FinanceErrorCode.NOT_APPROVED
    actions.approve_application(app)
    with pytest.raises(ValidationError) as exc:
        actions.approve_application(app)
    assert exc.value.error_code == FinanceErrorCode.NOT_SUBMITTED
    with pytest.raises(ValidationError, match="已审核的贴息申请不能修改"):
        actions.submit_application(InterestSubsidyApplication.objects.get(pk=app.pk))
    paid = actions.pay_application(app, D(2022, 12, 1))
    assert paid.status == "paid" and paid.paid_on == D(2022, 12, 1)


def test_loan_dates_in_the_wrong_order_are_refused(world, pledges, rule):
    app = application(world, pledges["mine"], "100")
    app.loan_end = D(2021, 1, 1)
    with pytest.raises(ValidationError) as exc:
        actions.submit_application(app)
    assert "贷款到期日（2021-01-01）不能早于贷款起始日（2022-03-01）" in exc.value.message_dict["loan_end"]
    assert not InterestSubsidyApplication.objects.exists()


# ---- Insurance ---------------------------------------------------------------------------------
def policy(world, insurer, no, premium, start=D(2022, 3, 1), kind="enforcement"):
    return InsurancePolicy(policy_no=no, insurer=insurer, enterprise=world["own"], insurance_type=kind,
                           premium_yuan=Decimal(premium), cover_yuan=Decimal(premium) * 20, start_date=start,
                           end_date=start.replace(year=start.year + 1))


def test_premium_subsidy_caps_per_enterprise_type_and_year(world, insurer):
    InsuranceSubsidyRuleFactory(insurance_type="enforcement", premium_share=Decimal("0.8"),
                                cap_per_enterprise_yuan=40000)
    first = actions.save_policy(policy(world, insurer, "P1", "25000"), world["own_patents"])
    second = actions.save_policy(policy(world, insurer, "P2", "30000", start=D(2022, 6, 1)), world["own_patents"][:1])
    other_type = actions.save_policy(policy(world, insurer, "P3", "30000", kind="overseas"), [])
    assert first.subsidy_yuan == Decimal("20000.00")
    assert second.subsidy_yuan == Decimal("20000.00")          # 24,000 capped at what is left: 20,000
    assert other_type.subsidy_yuan == 0                       # no rule for this type
    assert first.patents.count() == 3
    # Raising the first premium moves the later policy down: the group is recomputed in start order.
    first.premium_yuan = Decimal("45000")
    actions.save_policy(first)
    second.refresh_from_db()
    assert (InsurancePolicy.objects.get(pk=first.pk).subsidy_yuan, second.subsidy_yuan) == (Decimal("36000.00"),
                                                                                            Decimal("4000.00"))


def test_covered_patents_must_be_the_insureds(world, insurer):
    with pytest.raises(ValidationError) as exc:
        actions.save_policy(policy(world, insurer, "P1", "1000"), world["other_patents"][:1])
    assert exc.value.message_dict["patents"] == [
        f"专利 {world['other_patents'][0].application_no}：专利权人为“滕州远方机械有限公司”，不是投保企业"]
    assert not InsurancePolicy.objects.exists()
