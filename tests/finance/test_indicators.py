"""The indicator provider on hand-made records: region subtree, period, pledgors above 10 million."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.core.indicators import providers
from ipdesk.finance import actions
from ipdesk.finance.indicators import finance_indicators
from tests.factories import FundedProjectFactory, InsurancePolicyFactory, PatentFactory

D = dt.date
pytestmark = pytest.mark.django_db
YEAR_2022 = (D(2022, 1, 1), D(2022, 12, 31))


def test_the_provider_is_registered():
    assert finance_indicators in providers()


def test_pledge_figures_by_region_and_period(world, pledges, regions):
    # A second pledge of the same enterprise below 1000 万 on its own, above it together.
    extra = PatentFactory(holder=world["own"], granted=True)
    actions.register_pledge(registration_no="Y2022000003", pledgor=world["own"], pledgee=world["bank"],
                            patents=[extra, world["own_patents"][2]], amount_10k_yuan=Decimal("0.5"),
                            registration_date=D(2022, 12, 31))
    actions.register_pledge(registration_no="Y2021000001", pledgor=world["other"], pledgee=world["bank"],
                            patents=[PatentFactory(holder=world["other"], granted=True)],
                            amount_10k_yuan=Decimal("5000"),
                            registration_date=D(2021, 12, 31))
    city = finance_indicators(regions["370400"], *YEAR_2022)
    assert city["pledge_count"] == 3
    assert city["pledged_patents"] == 6
    assert city["pledge_amount_10k_yuan"] == Decimal("2000.5")
    assert city["pledge_enterprises"] == 2
    assert city["pledge_enterprises_over_10m"] == 1          # 1200.5 > 1000; 800 is not
    xuecheng = finance_indicators(regions["370403"], *YEAR_2022)
    assert (xuecheng["pledged_patents"], xuecheng["pledge_amount_10k_yuan"]) == (4, Decimal("1200.5"))
    assert finance_indicators(regions["370481"], D(2021, 1, 1), D(2021, 12, 31))["pledge_amount_10k_yuan"] == 5000


def test_exactly_1000_is_not_above_10_million(world, regions):
    actions.register_pledge(registration_no="Y1", pledgor=world["own"], pledgee=world["bank"],
                            patents=[world["own_patents"][0]], amount_10k_yuan=Decimal("1000"),
                            registration_date=D(2022, 5, 1))
    assert finance_indicators(regions["370400"], *YEAR_2022)["pledge_enterprises_over_10m"] == 0


def test_insurance_and_project_figures(world, regions, insurer, bank):
    for no, ent, start, premium in (("P1", world["own"], D(2022, 1, 1), "30000"),
                                    ("P2", world["own"], D(2022, 8, 1), "20000"),
                                    ("P3", world["other"], D(2023, 1, 1), "9999")):
        InsurancePolicyFactory(policy_no=no, insurer=insurer, enterprise=ent, insurance_type="enforcement",
                               premium_yuan=Decimal(premium), cover_yuan=Decimal("1000000"), start_date=start,
                               subsidy_yuan=Decimal(premium) / 2,
                               patents=world["own_patents"][:2] if ent == world["own"] else world["other_patents"])
    FundedProjectFactory(kind="navigation", name="导航", recipient=world["own"], recipient_name="x", region="370403",
                         year=2022, amount_10k_yuan=Decimal("15"))
    FundedProjectFactory(kind="workstation", name="工作站", recipient_name="站", region="370481", year=2022,
                         amount_10k_yuan=Decimal("10"))
    figures = finance_indicators(regions["370400"], *YEAR_2022)
    assert figures["insurance_policies"] == 2 and figures["insurance_enterprises"] == 1
    assert figures["insurance_patents"] == 2 and figures["insurers"] == 1
    assert figures["insurance_premium_10k_yuan"] == Decimal("5")
    assert figures["insurance_subsidy_10k_yuan"] == Decimal("2.5")
    assert figures["projects"] == 2 and figures["project_funds_10k_yuan"] == Decimal("25")
    assert figures["projects_navigation"] == 1 and figures["project_funds_workstation_10k_yuan"] == Decimal("10")
    assert finance_indicators(regions["370403"], *YEAR_2022)["projects"] == 1
