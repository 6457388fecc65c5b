"""Indicator definitions (SPEC section 3) on hand-made records: boundaries, transfers, lapses and
restorations, foreign and Hong Kong / Macao / Taiwan holders, high-value criteria, YoY."""
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ipdesk.stats import indicators as ind
from tests.factories import PatentAwardFactory, PatentFactory, PctApplicationFactory, PledgeFactory

D = dt.date
pytestmark = pytest.mark.django_db


def figs(region, start, end):
    return ind.patent_figures([region], start, end)[region.pk]


def test_invention_grants_count_the_grant_date_inclusive_period(regions):
    city = regions["370400"]
    PatentFactory(grant_date=D(2022, 1, 1))
    PatentFactory(grant_date=D(2022, 12, 31))
    PatentFactory(grant_date=D(2021, 12, 31))                       # before the period
    PatentFactory(grant_date=D(2023, 1, 1))                         # after it
    PatentFactory(patent_type="utility", grant_date=D(2022, 5, 5))  # another type
    PatentFactory(grant_date=None)                                  # pending application
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert f["invention_grants"] == 2
    assert f["utility_grants"] == 1 and f["patent_grants"] == 3
    assert ind.invention_grants(city, D(2021, 12, 31), D(2021, 12, 31)) == 1


def test_foreign_and_hong_kong_macao_taiwan_holders_are_not_counted(regions):
    city = regions["370400"]
    PatentFactory(grant_date=D(2022, 3, 1))
    for country in ("81", "82", "71", "US"):
        PatentFactory(grant_date=D(2022, 3, 1), is_domestic=False, country_code=country)
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert f["invention_grants"] == 1
    assert f["valid_invention_patents"] == 1


def test_valid_stock_follows_the_holder_through_transfers_between_districts(regions, event):
    p = PatentFactory(region="370481", grant_date=D(2018, 1, 1))   # now in 滕州市
    event(p, "transfer", D(2022, 6, 30), before="370403", after="370481", domestic_after=True)
    xue, teng, city = regions["370403"], regions["370481"], regions["370400"]
    assert ind.valid_invention_patents(xue, D(2022, 6, 29)) == 1
    assert ind.valid_invention_patents(teng, D(2022, 6, 29)) == 0
    assert ind.valid_invention_patents(xue, D(2022, 6, 30)) == 0
    assert ind.valid_invention_patents(teng, D(2022, 6, 30)) == 1
    assert ind.valid_invention_patents(city, D(2022, 6, 29)) == ind.valid_invention_patents(city, D(2022, 6, 30)) == 1
    # the grant counts where the holder was on the grant date
    assert ind.invention_grants(xue, D(2018, 1, 1), D(2018, 12, 31)) == 1
    assert ind.invention_grants(teng, D(2018, 1, 1), D(2018, 12, 31)) == 0


def test_functional_zone_counts_in_its_parent_district(regions):
    PatentFactory(region="370400-GX", grant_date=D(2020, 1, 1))
    assert ind.valid_invention_patents(regions["370400-GX"], D(2022, 1, 1)) == 1
    assert ind.valid_invention_patents(regions["370403"], D(2022, 1, 1)) == 1
    assert ind.valid_invention_patents(regions["370481"], D(2022, 1, 1)) == 0


def test_transfer_out_of_the_city_and_to_a_foreign_holder(regions, event):
    city = regions["370400"]
    out = PatentFactory(region=None, grant_date=D(2016, 1, 1))
    event(out, "transfer", D(2020, 1, 1), before="370402", after=None, domestic_after=True)
    foreign = PatentFactory(region=None, grant_date=D(2016, 1, 1), is_domestic=False, country_code="DE")
    event(foreign, "transfer", D(2021, 7, 1), before="370404", after=None, domestic_after=False)
    came_in = PatentFactory(region="370405", grant_date=D(2016, 1, 1))
    event(came_in, "transfer", D(2021, 3, 1), before=None, after="370405", domestic_after=True)
    assert ind.valid_invention_patents(city, D(2019, 12, 31)) == 2
    assert ind.valid_invention_patents(city, D(2020, 1, 1)) == 1
    assert ind.valid_invention_patents(city, D(2021, 3, 1)) == 2
    assert ind.valid_invention_patents(city, D(2021, 7, 1)) == 1
    assert ind.invention_grants(city, D(2016, 1, 1), D(2016, 12, 31)) == 2   # the one moved in later was not ours


def test_lapse_and_restoration(regions, event):
    city = regions["370400"]
    p = PatentFactory(grant_date=D(2015, 1, 1))
    event(p, "lapse", D(2022, 3, 1))
    event(p, "restoration", D(2022, 5, 1))
    q = PatentFactory(grant_date=D(2015, 1, 1), legal_status="lapsed",
                      lapse_date=D(2022, 3, 1))                                 # status only, no event
    r = PatentFactory(grant_date=D(2015, 1, 1), legal_status="expired")                            # dead since unknown
    assert ind.valid_invention_patents(city, D(2022, 2, 28)) == 2
    assert ind.valid_invention_patents(city, D(2022, 3, 1)) == 0
    assert ind.valid_invention_patents(city, D(2022, 4, 30)) == 0
    assert ind.valid_invention_patents(city, D(2022, 5, 1)) == 1
    assert p and q and r


def test_pct_applications_and_applications_by_type(regions):
    city = regions["370400"]
    # PCT applications are their own records (tests/stats/test_pct_indicator.py); a patent naming a PCT number
    # is a national-phase entry and is not one of them
    PctApplicationFactory(international_application_no="PCT/CN2022/000001", title="x", first_applicant="甲",
                          international_filing_date=D(2022, 2, 1), region="370403")
    PatentFactory(filing_date=D(2022, 2, 1), pct_application_no="PCT/CN2022/000001")
    PatentFactory(filing_date=D(2022, 2, 1))
    PatentFactory(filing_date=D(2022, 2, 1), patent_type="design")
    PatentFactory(filing_date=D(2022, 2, 1), pct_application_no="PCT/US2022/000002", is_domestic=False,
                  country_code="US")
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert f["pct_applications"] == 1
    assert f["invention_applications"] == 2 and f["design_applications"] == 1 and f["patent_applications"] == 3


def test_high_value_counts_each_criterion_and_criteria_are_configuration(regions, event):
    from ipdesk.stats.models import HighValueCriterion
    city = regions["370400"]
    PatentFactory(grant_date=D(2015, 1, 1), filing_date=D(2011, 6, 1))                       # maintained > 10 years
    # strategic by the patent's own IPC (registry.sei): G06F40* is 1.5 人工智能; an officer's "3.4" names a branch
    PatentFactory(grant_date=D(2020, 1, 1), ipc_main="G06F 40/30")                     # strategic
    PatentFactory(grant_date=D(2020, 1, 1), overseas_family=True, strategic_class="3.4 先进无机非金属材料")  # two, counted once
    pledged = PatentFactory(grant_date=D(2020, 1, 1))
    event(pledged, "pledge", D(2022, 4, 1))           # the pledge criterion has no threshold: off (issue 16 item 4)
    awarded = PatentFactory(grant_date=D(2019, 1, 1))
    PatentFactory(grant_date=D(2020, 1, 1), strategic_class="新一代信息技术产业")           # free text names no branch: ordinary
    HighValueCriterion.objects.filter(kind="award").update(application_numbers=awarded.application_no)
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert f["valid_invention_patents"] == 6
    assert (f["high_value_maintained"], f["high_value_strategic"], f["high_value_overseas"],
            f["high_value_award"]) == (1, 2, 1, 1)
    assert "high_value_pledge" not in f
    assert f["high_value_invention_patents"] == 4
    assert f["high_value_per_10k"] == round(4 * 10000 / 3855601, 2)
    # a longer maintenance threshold drops the old patent
    HighValueCriterion.objects.filter(kind="maintained").update(threshold=12)
    assert figs(city, D(2022, 1, 1), D(2022, 12, 31))["high_value_maintained"] == 0
    HighValueCriterion.objects.filter(kind="strategic").update(enabled=False)
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert "high_value_strategic" not in f and f["high_value_invention_patents"] == 2


def test_figures_add_yoy_and_per_10k_and_see_new_records_at_once(regions):
    city = regions["370400"]
    for _ in range(4):
        PatentFactory(grant_date=D(2021, 6, 1))
    result = ind.figures(city, D(2022, 6, 30))
    assert result["invention_grants"] == 0 and result["invention_grants_yoy"] == -1.0
    for _ in range(5):
        PatentFactory(grant_date=D(2022, 6, 1))
    result = ind.figures(city, D(2022, 6, 30))   # facts are rebuilt when the registry changed
    assert result["invention_grants"] == 5 and result["invention_grants_yoy"] == 0.25
    assert result["valid_invention_patents"] == 9 and result["valid_invention_patents_yoy"] == 1.25
    assert result["valid_invention_per_10k"] == 0.02
    assert result["from"] == "2022-01-01"


def test_indicators_command_prints_one_json_object(regions):
    PatentFactory(grant_date=D(2022, 3, 1))
    PatentFactory(grant_date=D(2021, 3, 1))
    PatentFactory(grant_date=D(2021, 4, 1))
    out = StringIO()
    call_command("indicators", "--region", "370400", "--as-of", "2022-12-31", "--json", stdout=out)
    data = json.loads(out.getvalue())
    for key in ("invention_grants", "invention_grants_yoy", "valid_invention_patents", "valid_invention_patents_yoy",
                "valid_invention_per_10k", "high_value_invention_patents", "high_value_per_10k", "pct_applications"):
        assert key in data
    assert data["invention_grants"] == 1 and data["invention_grants_yoy"] == -0.5
    out = StringIO()
    call_command("indicators", "--region", "370403", "--as-of", "2022-12-31", "--from", "2022-03-01", "--json", stdout=out)
    assert json.loads(out.getvalue())["invention_grants"] == 1
    with pytest.raises(CommandError, match="区划代码不存在"):
        call_command("indicators", "--region", "999999", "--as-of", "2022-12-31", "--json", stdout=StringIO())
    with pytest.raises(CommandError, match="--as-of"):
        call_command("indicators", "--region", "370400", "--as-of", "2022/12/31", stdout=StringIO())


def test_pledge_threshold_and_awards_come_from_the_finance_records(regions, make_enterprise):
    from ipdesk.regions.models import DictionaryEntry
    from ipdesk.stats.models import HighValueCriterion
    city = regions["370400"]
    big, small, awarded = (PatentFactory(grant_date=D(2020, 1, 1)) for _ in range(3))
    firm = make_enterprise()
    bank = DictionaryEntry.objects.filter(dictionary="bank").first()
    for no, patent, amount in (("ZL1", big, 1500), ("ZL2", small, 200)):
        PledgeFactory(registration_no=no, pledgor=firm, pledgee=bank, amount_10k_yuan=amount,
                      registration_date=D(2022, 5, 1), patents=[patent])
    for kind, patent in (("china", awarded), ("provincial", small)):   # only the China Patent Award counts
        PatentAwardFactory(kind=kind, grade="gold", year=2022, enterprise=firm, region="370403", patent=patent)
    f = figs(city, D(2022, 1, 1), D(2022, 12, 31))
    assert "high_value_pledge" not in f and f["high_value_award"] == 1   # no pledge threshold: off
    HighValueCriterion.objects.filter(kind="pledge").update(threshold=1000)       # "relatively high": ≥ 10 million
    assert figs(city, D(2022, 1, 1), D(2022, 12, 31))["high_value_pledge"] == 1
    assert figs(city, D(2022, 1, 1), D(2022, 4, 30))["high_value_pledge"] == 0


def test_rebuild_job_reports_progress(regions, event, users):
    from ipdesk.core.jobs import execute, start
    from ipdesk.stats.models import FactState, PatentInterval
    p = PatentFactory(grant_date=D(2019, 1, 1))
    event(p, "transfer", D(2020, 1, 1), before="370402", after="370403", domestic_after=True)
    job = start("stats.rebuild_facts", "重建指标事实表", users["city"])
    result = execute(job)
    job.refresh_from_db()
    assert result == {"patents": 1, "intervals": 2} and job.status == "done" and job.progress == job.total == 1
    assert PatentInterval.objects.count() == 2 and FactState.objects.count() == 1
