"""The bulletin reads other modules' figures for all its regions at once (issue 17 item 4: the bulletin's
time went to ~15 finance queries per region): the batched figures equal the per-region ones and a plain
recount of the records, and their number of queries does not grow with the regions."""
import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipdesk.finance.choices import ProjectKind
from ipdesk.finance.indicators import TEN_MILLION_IN_10K, finance_indicators
from ipdesk.finance.models import FundedProject, InsurancePolicy, Pledge
from ipdesk.regions.models import DictionaryEntry
from ipdesk.stats import indicators as ind
from tests.factories import (EnterpriseFactory, FundedProjectFactory, InsurancePolicyFactory, PatentFactory,
                             PledgeFactory)

pytestmark = pytest.mark.django_db
D = dt.date
DISTRICTS = ["370402", "370403", "370404", "370405", "370406", "370481"]


@pytest.fixture
def finance_world(regions):
    """A seeded random set of pledges, policies and projects over the city's districts. Patents are
    shared between enterprises of different districts, so a patent pledged (or insured) in two districts
    counts once in the city and once in each district; one pledge and one policy are voided."""
    rnd = random.Random(17)
    banks = list(DictionaryEntry.objects.filter(dictionary="bank"))
    insurers = list(DictionaryEntry.objects.filter(dictionary="insurer"))
    enterprises = [EnterpriseFactory(region=DISTRICTS[i % len(DISTRICTS)]) for i in range(10)]
    patents = [PatentFactory(region=DISTRICTS[i % len(DISTRICTS)], grant_date=D(2020, 1 + i % 12, 1))
               for i in range(12)]
    days = [D(2021, 1, 1) + dt.timedelta(days=rnd.randrange(3 * 365)) for _ in range(60)]
    for i in range(30):
        PledgeFactory(registration_no=f"Y{i:05d}", pledgor=rnd.choice(enterprises), pledgee=rnd.choice(banks),
                      amount_10k_yuan=Decimal(rnd.choice(["0.5", "300", "999.99", "1000", "700.25"])),
                      registration_date=days[i], patents=rnd.sample(patents, rnd.randint(1, 3)))
    for i in range(20):
        premium = Decimal(rnd.randrange(1000, 90000))
        InsurancePolicyFactory(policy_no=f"P{i:05d}", insurer=rnd.choice(insurers), enterprise=rnd.choice(enterprises),
                               insurance_type="enforcement", premium_yuan=premium, cover_yuan=Decimal("1000000"),
                               start_date=days[30 + i], end_date=days[30 + i] + dt.timedelta(days=365),
                               subsidy_yuan=(premium / 3).quantize(Decimal("0.01")),
                               patents=rnd.sample(patents, rnd.randint(0, 2)))
    for i in range(15):
        FundedProjectFactory(kind=rnd.choice(ProjectKind.values), name=f"项目{i}", recipient_name="x",
                             region=rnd.choice(DISTRICTS + ["370400"]), year=rnd.choice([2021, 2022, 2023]),
                             amount_10k_yuan=Decimal(rnd.randrange(1, 500)) / 4)
    Pledge.objects.filter(registration_no="Y00003").update(voided_at=dt.datetime(2022, 6, 1, tzinfo=dt.timezone.utc))
    InsurancePolicy.objects.filter(policy_no="P00004").update(voided_at=dt.datetime(2022, 6, 1, tzinfo=dt.timezone.utc))
    return [regions["370400"]] + [regions[c] for c in DISTRICTS]


def recount(region, start, end):
    """The figures by their definitions (ipdesk.finance.indicators' docstring), record by record in Python."""
    def inside(r):
        return r is not None and r.path.startswith(region.path)
    pledges = [p for p in Pledge.objects.all() if inside(p.pledgor.region) and start <= p.registration_date <= end]
    per_pledgor = {}
    for p in pledges:
        per_pledgor[p.pledgor_id] = per_pledgor.get(p.pledgor_id, 0) + p.amount_10k_yuan
    policies = [p for p in InsurancePolicy.objects.all() if inside(p.enterprise.region) and start <= p.start_date <= end]
    projects = [p for p in FundedProject.objects.all() if inside(p.region) and start.year <= p.year <= end.year]
    out = {"pledge_count": len(pledges),
           "pledged_patents": len({pt.pk for p in pledges for pt in p.patents.all()}),
           "pledge_amount_10k_yuan": sum((p.amount_10k_yuan for p in pledges), Decimal(0)),
           "pledge_enterprises": len(per_pledgor),
           "pledge_enterprises_over_10m": sum(1 for v in per_pledgor.values() if v > TEN_MILLION_IN_10K),
           "insurance_policies": len(policies),
           "insurance_enterprises": len({p.enterprise_id for p in policies}),
           "insurance_patents": len({pt.pk for p in policies for pt in p.patents.all()}),
           "insurance_premium_10k_yuan": sum((p.premium_yuan for p in policies), Decimal(0)) / 10000,
           "insurance_subsidy_10k_yuan": sum((p.subsidy_yuan for p in policies), Decimal(0)) / 10000,
           "insurers": len({p.insurer_id for p in policies}),
           "projects": len(projects),
           "project_funds_10k_yuan": sum((p.amount_10k_yuan for p in projects), Decimal(0))}
    for kind in ProjectKind.values:
        mine = [p for p in projects if p.kind == kind]
        out[f"projects_{kind}"] = len(mine)
        out[f"project_funds_{kind}_10k_yuan"] = sum((p.amount_10k_yuan for p in mine), Decimal(0))
    return out


@pytest.mark.parametrize("start,end", [(D(2022, 1, 1), D(2022, 12, 31)), (D(2021, 6, 15), D(2023, 2, 10))])
def test_batched_finance_figures_equal_the_per_region_ones(finance_world, start, end):
    batched = finance_indicators.many(finance_world, start, end)
    assert set(batched) == {r.pk for r in finance_world}
    for region in finance_world:
        assert batched[region.pk] == finance_indicators(region, start, end) == recount(region, start, end), region.code
    city = batched[finance_world[0].pk]
    assert city["pledge_count"] > 0 and city["insurance_policies"] > 0 and city["projects"] > 0
    # a patent pledged in two districts: once in the city, once in each district
    assert city["pledged_patents"] < sum(batched[r.pk]["pledged_patents"] for r in finance_world[1:])


def test_the_bulletins_figures_take_the_same_queries_for_one_region_or_seven(finance_world):
    """raw_figures asks a provider with `many` once for all regions, so the bulletin's query count does not
    grow with the number of units it ranks."""
    def queries(regions):
        with CaptureQueriesContext(connection) as ctx:
            values = ind.raw_figures(regions, D(2022, 1, 1), D(2022, 12, 31), keys=set(ind.BULLETIN_KEYS))
        return len(ctx.captured_queries), values
    ind.raw_figures(finance_world, D(2022, 1, 1), D(2022, 12, 31))   # facts built, providers discovered
    one, _ = queries(finance_world[:1])
    seven, values = queries(finance_world)
    assert seven == one
    for region in finance_world:
        assert values[region.pk]["pledge_amount_10k_yuan"] == ind._number(
            recount(region, D(2022, 1, 1), D(2022, 12, 31))["pledge_amount_10k_yuan"])


def test_figures_asked_by_key_after_others_are_still_answered(finance_world):
    """A caller naming its keys gets at least those (only their family is computed), and a later caller
    asking for other keys of the same module still gets them."""
    year = (D(2022, 1, 1), D(2022, 12, 31))
    for region in finance_world:
        expected = recount(region, *year)
        assert finance_indicators.many(finance_world, *year, {"pledge_amount_10k_yuan"})[region.pk][
            "pledge_amount_10k_yuan"] == expected["pledge_amount_10k_yuan"]
    ind.raw_figures(finance_world, *year, keys={"pledge_amount_10k_yuan"})
    projects = ind.raw_figures(finance_world, *year, keys={"projects"})
    assert [projects[r.pk]["projects"] for r in finance_world] == [recount(r, *year)["projects"] for r in finance_world]


def test_a_bulletin_reads_the_high_value_criteria_once(finance_world):
    """The criteria are read once per bulletin (the stock at two dates, the figures and the criteria list
    beside the high-value figure all use the computation's copy), not once per place that asks."""
    from ipdesk.stats import bulletin
    from ipdesk.stats.models import HighValueCriterion
    table = HighValueCriterion._meta.db_table
    bulletin.build(finance_world[0], 2022, 12)   # facts built, providers discovered
    with CaptureQueriesContext(connection) as ctx:
        data = bulletin.build(finance_world[0], 2022, 12)
    assert sum(table in q["sql"] for q in ctx.captured_queries) == 1
    assert {c["kind"] for c in data["high_value_criteria"]} == {c.kind for c in ind.all_criteria()}
