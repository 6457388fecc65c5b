"""Pure rules: pledge validity per patent, interest and premium subsidies with caps and conditions."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.finance import rules

D = dt.date
REG = D(2022, 6, 1)


def facts(**kw):
    base = dict(application_no="201710601862.3", holder_id=7, holder_name="甲公司", legal_status="valid",
                grant_date=D(2020, 1, 1), lapse_date=None, pledged_in=())
    base.update(kw)
    return rules.PatentFacts(**base)


def test_a_valid_patent_of_the_pledgor_can_be_pledged():
    assert rules.pledge_patent_problems(facts(), 7, REG) == []
    assert rules.check_pledge_patents([facts()], 7, REG) == []


def test_granted_on_the_registration_date_is_enough():
    assert rules.pledge_patent_problems(facts(grant_date=REG), 7, REG) == []


@pytest.mark.parametrize("kw, reason", [
    ({"holder_id": 8, "holder_name": "乙公司"}, "专利权人为“乙公司”，不是出质人"),
    ({"holder_id": None, "holder_name": ""}, "专利权人为“未匹配企业”，不是出质人"),
    ({"legal_status": "pending", "grant_date": None}, "尚未授权，不能质押"),
    ({"legal_status": "rejected", "grant_date": None}, "尚未授权，不能质押"),
    ({"grant_date": D(2022, 6, 2)}, "授权公告日 2022-06-02 晚于登记日 2022-06-01"),
    ({"legal_status": "revoked", "lapse_date": D(2023, 1, 1)}, "已被宣告无效"),
    ({"legal_status": "lapsed", "lapse_date": D(2022, 6, 1)}, "专利权已于 2022-06-01 失效"),
    ({"legal_status": "expired", "lapse_date": None}, "专利权已失效（失效日未知）"),
    ({"pledged_in": ("Y2022000001",)}, "已在质押中（登记号 Y2022000001）"),
])
def test_each_reason_a_patent_cannot_be_pledged(kw, reason):
    assert rules.pledge_patent_problems(facts(**kw), 7, REG) == [reason]


def test_a_patent_that_lapsed_after_the_registration_was_valid_on_it():
    assert rules.pledge_patent_problems(facts(legal_status="lapsed", lapse_date=D(2022, 6, 2)), 7, REG) == []


def test_a_restored_patent_counts_as_never_lapsed():
    assert rules.pledge_patent_problems(facts(legal_status="valid", lapse_date=D(2021, 3, 1)), 7, REG) == []


def test_all_reasons_are_listed_per_patent():
    bad = facts(application_no="201310699744.2", holder_id=8, holder_name="乙公司", legal_status="lapsed",
                lapse_date=D(2021, 1, 1))
    problems = rules.check_pledge_patents([facts(), bad], 7, REG)
    assert problems == [("201310699744.2", ["专利权人为“乙公司”，不是出质人", "专利权已于 2021-01-01 失效"])]
    assert rules.describe_problems(problems) == [
        "专利 201310699744.2：专利权人为“乙公司”，不是出质人；专利权已于 2021-01-01 失效"]


def test_a_pledge_needs_a_patent():
    assert rules.describe_problems(rules.check_pledge_patents([], 7, REG)) == ["至少须质押一件专利"]


def amounts(working):
    return [line["amount"] for line in working.lines]


def test_interest_subsidy_is_the_share_of_interest_when_below_the_cap():
    w = rules.interest_subsidy(Decimal("80000"), Decimal("0.5"), Decimal("200000"))
    assert w.amount == Decimal("40000.00")
    assert [line["label"] for line in w.lines] == ["实付利息", "按贴息比例", "企业年度剩余额度", "核定金额"]
    assert w.lines[1]["formula"] == "80,000.00 元 × 50% = 40,000.00 元"
    assert w.lines[2]["formula"] == "上限 200,000.00 元 − 本年已核定 0.00 元 = 200,000.00 元"
    assert amounts(w) == ["80000.00", "40000.00", "200000.00", "40000.00"]


def test_interest_subsidy_is_capped_by_what_is_left_of_the_year():
    w = rules.interest_subsidy(Decimal("80000"), Decimal("0.5"), Decimal("200000"), already_granted=Decimal("170000"))
    assert w.amount == Decimal("30000.00")
    assert w.lines[-1]["formula"] == "min(40,000.00 元, 30,000.00 元) = 30,000.00 元"


def test_interest_subsidy_is_zero_when_the_cap_is_used_up_or_exceeded():
    assert rules.interest_subsidy(1000, "0.5", 5000, already_granted=6000).amount == Decimal("0.00")


def test_interest_subsidy_rounds_half_up_to_the_fen():
    assert rules.interest_subsidy(Decimal("0.05"), Decimal("0.5"), 100).amount == Decimal("0.03")


def test_an_unmet_condition_gives_no_subsidy_and_says_which():
    w = rules.interest_subsidy(80000, "0.5", 200000, conditions=[("有本企业的专利质押登记", True),
                                                                  ("贷款期内投保知识产权质押融资保证保险", False)])
    assert w.amount == Decimal("0.00")
    assert {"label": "条件：贷款期内投保知识产权质押融资保证保险", "formula": "不满足", "amount": None} in w.lines
    assert w.lines[-1]["formula"] == "不满足条件（贷款期内投保知识产权质押融资保证保险），不予补贴"


def test_negative_interest_is_refused():
    with pytest.raises(ValueError, match="实付利息不能为负数"):
        rules.interest_subsidy(-1, "0.5", 100)


def test_premium_subsidy_share_and_cap_per_type_and_year():
    assert rules.insurance_subsidy(50000, "0.8", 40000).amount == Decimal("40000.00")
    assert rules.insurance_subsidy(52000, "0.8", 40000).amount == Decimal("40000.00")    # capped
    assert rules.insurance_subsidy(25000, "0.8", 40000).amount == Decimal("20000.00")
    second = rules.insurance_subsidy(30000, "0.8", 40000, already_granted=20000)
    assert second.amount == Decimal("20000.00")                                          # what is left of the cap
    assert second.lines[2]["label"] == "该险种企业年度剩余额度"


def test_percent_change():
    assert rules.percent_change(107900, 44587) == Decimal("142.0")
    assert rules.percent_change(5, 0) is None
    assert rules.percent_change(90, 100) == Decimal("-10.0")
