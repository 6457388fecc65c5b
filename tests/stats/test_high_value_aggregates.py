"""High-value stock from the aggregates (issue 17 item 2): the strategic, overseas-family and "maintained over N
years" criteria are kept as interval measures in FactAggregate (hv_*, hvs_*, hvo_*, hvm_*), stamped with the
configuration they were built for; at a month end the bulletin reads them (plus the few pledge / award patents
counted directly) and gets the same figures as the scan of the intervals, which stays the reference."""
import calendar
import datetime as dt
import random
from decimal import Decimal

import pytest

from ipdesk.stats import facts
from ipdesk.stats import indicators as ind
from ipdesk.stats.models import FactAggregate, FactState, HighValueCriterion
from tests.factories import PatentFactory, PledgeFactory

pytestmark = pytest.mark.django_db
D = dt.date
UNITS = ["370400", "370402", "370403", "370404", "370481"]
KEYS = ("valid_invention_patents", "high_value_invention_patents")
STRATEGIC = {"ipc_main": "G06F 40/30", "title": "一种文本分类方法"}   # a branch of the SEI concordance (registry.sei)


def month_end(year, month):
    return D(year, month, calendar.monthrange(year, month)[1])


def stock(regions, end, monkeypatch, scan, expect=None):
    """{region code: the stock figures} at `end` for the city and its districts — as a reader gets them, or
    (scan) from the intervals as before (hv measures treated as not built for the current criteria).
    `expect`: whether the high-value counts must come from the aggregates (default: unless scan)."""
    units = [regions[c] for c in UNITS]
    used = []
    real = ind._stock_from_aggregates

    def spy(tree, ids, dates, hv_dates):
        used.append(list(hv_dates))
        return real(tree, ids, dates, hv_dates)
    with monkeypatch.context() as m:
        m.setattr(ind, "_stock_from_aggregates", spy)
        if scan:
            m.setattr(ind._Tree, "hv_ready", lambda self: False)
        out = ind.patent_figures(units, D(end.year, 1, 1), end)
    assert bool(any(used)) is (not scan if expect is None else expect), used   # the path taken
    wanted = KEYS + tuple(f"high_value_{c.kind}" for c in ind.criteria())
    return {r.code: {k: out[r.pk][k] for k in wanted} for r in units}


def both(regions, end, monkeypatch):
    aggregated, scanned = stock(regions, end, monkeypatch, False), stock(regions, end, monkeypatch, True)
    assert aggregated == scanned, end
    return aggregated


def built():
    facts.rebuild()
    assert FactState.objects.get().hv_config == facts.current_hv_stamp()


# ---- The rule of "maintained over N years" as a start date --------------------------------------------
@pytest.mark.parametrize("years", [1, 4, 10, 12])
def test_maintained_from_is_the_first_day_the_criterion_holds(years):
    """maintained_from(f, N) is the least D with f < _years_before(D, N) (the rule of _criterion_q), for every
    filing day of 2011–2013 (leap year 2012: 28/29 February and 1 March on both sides)."""
    filing = D(2011, 1, 1)
    while filing < D(2014, 1, 1):
        first = facts.maintained_from(filing, years)
        assert filing < ind._years_before(first, years)
        assert not filing < ind._years_before(first - dt.timedelta(days=1), years)
        filing += dt.timedelta(days=1)
    assert facts.maintained_from(D(2012, 12, 31), 10) == D(2023, 1, 1)
    assert facts.maintained_from(None, 10) is None


def test_the_sql_rule_gives_the_same_start_as_python(regions):
    """_maintained_from_sql in the database (SQLite and PostgreSQL) against maintained_from, around 29 February."""
    from django.db import connection
    filings = [D(2012, 2, 27), D(2012, 2, 28), D(2012, 2, 29), D(2012, 3, 1), D(2013, 2, 28), D(2014, 2, 28),
               D(2015, 2, 28), D(2012, 12, 31), D(2016, 2, 29)]
    value = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"   # SQLite keeps dates as text
    for years in (1, 4, 10, 12):
        for f in filings:
            with connection.cursor() as cur:
                cur.execute(f"SELECT {facts._maintained_from_sql('x.f', years)} FROM (SELECT {value} AS f) x",
                            [f.isoformat()])
                got = facts._as_date(cur.fetchone()[0])
            assert got == facts.maintained_from(f, years), (f, years)


# ---- Worked examples ---------------------------------------------------------------------------------
def test_maintained_over_10_years_from_2023_for_a_filing_of_2012_12_31(regions, monkeypatch):
    PatentFactory(filing_date=D(2012, 12, 31), grant_date=D(2016, 5, 1))
    built()
    assert both(regions, D(2022, 12, 31), monkeypatch)["370400"]["high_value_maintained"] == 0
    assert both(regions, D(2023, 1, 31), monkeypatch)["370400"]["high_value_maintained"] == 1
    assert both(regions, D(2023, 1, 31), monkeypatch)["370400"]["high_value_invention_patents"] == 1


def test_filings_of_29_february_and_28_february(regions, monkeypatch):
    PatentFactory(region="370402", filing_date=D(2012, 2, 29), grant_date=D(2014, 1, 1))   # over 10 years: 2022-03-01
    PatentFactory(region="370404", filing_date=D(2014, 2, 28), grant_date=D(2016, 1, 1))   # over 10 years: 2024-03-01
    built()
    at = {d: both(regions, d, monkeypatch) for d in (D(2022, 2, 28), D(2022, 3, 31), D(2024, 2, 29), D(2024, 3, 31))}
    assert [at[d]["370402"]["high_value_maintained"] for d in sorted(at)] == [0, 1, 1, 1]
    assert [at[d]["370404"]["high_value_maintained"] for d in sorted(at)] == [0, 0, 0, 1]
    # 12 years: filed 2012-02-28, over 12 years on 2024-02-29 (a leap day on both sides)
    PatentFactory(region="370481", filing_date=D(2012, 2, 28), grant_date=D(2014, 1, 1))
    HighValueCriterion.objects.filter(kind="maintained").update(threshold=12)
    facts.rebuild_high_value()
    assert both(regions, D(2024, 1, 31), monkeypatch)["370481"]["high_value_maintained"] == 0
    assert both(regions, D(2024, 2, 29), monkeypatch)["370481"]["high_value_maintained"] == 1


def test_transfer_between_regions_moves_the_high_value_stock(regions, event, monkeypatch):
    built()
    from ipdesk.registry.actions import record_event
    p = PatentFactory(region="370403", grant_date=D(2019, 6, 1), overseas_family=True, **STRATEGIC)
    record_event(p, "transfer", D(2021, 2, 3), owner_after="受让人", region_after=regions["370404"])
    before, after = both(regions, D(2021, 1, 31), monkeypatch), both(regions, D(2021, 2, 28), monkeypatch)
    assert (before["370403"]["high_value_strategic"], before["370404"]["high_value_strategic"]) == (1, 0)
    assert (after["370403"]["high_value_overseas"], after["370404"]["high_value_overseas"]) == (0, 1)
    assert after["370400"]["high_value_invention_patents"] == 1
    assert facts.differences(facts.check()) == 0


def test_lapse_and_restoration(regions, event, monkeypatch):
    built()
    p = PatentFactory(region="370481", grant_date=D(2018, 6, 1), overseas_family=True)
    event(p, "lapse", D(2021, 9, 1))
    event(p, "restoration", D(2021, 12, 1))
    counts = [both(regions, month_end(2021, m), monkeypatch)["370481"]["high_value_invention_patents"]
              for m in (8, 9, 10, 11, 12)]
    assert counts == [1, 0, 0, 0, 1]
    assert facts.differences(facts.check()) == 0


def test_strategic_overseas_and_maintained_together_count_once(regions, monkeypatch):
    built()
    PatentFactory(region="370402", filing_date=D(2005, 3, 1), grant_date=D(2009, 1, 1), overseas_family=True,
                  **STRATEGIC)
    PatentFactory(region="370402", filing_date=D(2005, 3, 1), grant_date=D(2009, 1, 1))   # maintained only
    PatentFactory(region="370402", grant_date=D(2020, 1, 1))                              # none
    got = both(regions, D(2022, 12, 31), monkeypatch)["370402"]
    assert (got["high_value_strategic"], got["high_value_overseas"], got["high_value_maintained"]) == (1, 1, 2)
    assert (got["high_value_invention_patents"], got["valid_invention_patents"]) == (2, 3)


def test_pledge_and_award_patents_are_added_to_the_union_once(regions, make_enterprise, monkeypatch):
    from ipdesk.regions.models import DictionaryEntry
    built()
    plain, strategic = PatentFactory(grant_date=D(2020, 1, 1)), PatentFactory(grant_date=D(2020, 1, 1), **STRATEGIC)
    awarded = PatentFactory(grant_date=D(2020, 1, 1))
    firm, bank = make_enterprise(), DictionaryEntry.objects.filter(dictionary="bank").first()
    for no, patent in (("ZLa", plain), ("ZLb", strategic)):
        PledgeFactory(registration_no=no, pledgor=firm, pledgee=bank, amount_10k_yuan=2000,
                      registration_date=D(2022, 5, 1), patents=[patent])
    HighValueCriterion.objects.filter(kind="pledge").update(threshold=1000)
    HighValueCriterion.objects.filter(kind="award").update(application_numbers=f"{awarded.application_no}\n"
                                                                               f"{strategic.application_no}")
    assert facts.stored_hv_stamp() == facts.current_hv_stamp()   # pledge and award are not in the measures
    april = both(regions, D(2022, 4, 30), monkeypatch)["370403"]
    may = both(regions, D(2022, 5, 31), monkeypatch)["370403"]
    assert (april["high_value_pledge"], may["high_value_pledge"], may["high_value_award"]) == (0, 2, 2)
    assert (april["high_value_invention_patents"], may["high_value_invention_patents"]) == (2, 3)


# ---- Configuration: stamp, fallback, job ------------------------------------------------------------
def test_editing_a_criterion_falls_back_to_the_scan_until_the_job_has_run(regions, django_capture_on_commit_callbacks,
                                                                        monkeypatch):
    from ipdesk.core.jobs import execute
    from ipdesk.core.models import Job
    PatentFactory(region="370402", filing_date=D(2010, 6, 1), grant_date=D(2013, 1, 1))
    built()
    crit = HighValueCriterion.objects.get(kind="maintained")
    with django_capture_on_commit_callbacks() as callbacks:   # committed, the job not yet started
        crit.threshold = Decimal("13")
        crit.save()
    assert facts.stored_hv_stamp() != facts.current_hv_stamp()
    assert ind._Tree().hv_ready() is False
    # a reader meanwhile scans (the stale measures, for 10 years, would count the patent)
    assert stock(regions, D(2022, 12, 31), monkeypatch, False, expect=False)["370402"]["high_value_maintained"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job = Job.objects.get(kind="stats.rebuild_high_value")
    if job.status == "queued":   # a worker's work (huey); immediate in some settings
        execute(job)
    assert facts.stored_hv_stamp() == facts.current_hv_stamp()
    assert both(regions, D(2022, 12, 31), monkeypatch)["370402"]["high_value_maintained"] == 0
    assert both(regions, D(2023, 6, 30), monkeypatch)["370402"]["high_value_maintained"] == 1
    # a change the measures do not depend on (the award list) starts no job
    with django_capture_on_commit_callbacks(execute=True):
        award = HighValueCriterion.objects.get(kind="award")
        award.application_numbers = "2019100000001"
        award.save()
    assert Job.objects.filter(kind="stats.rebuild_high_value").count() == 1


def test_the_check_covers_the_high_value_measures(regions):
    PatentFactory(grant_date=D(2020, 1, 1), overseas_family=True)
    built()
    assert FactAggregate.objects.filter(measure="hvo_in").exists()
    assert facts.differences(facts.check()) == 0
    FactAggregate.objects.create(region=regions["370403"].pk, month=D(2020, 1, 1), patent_type="invention",
                                 measure="hv_in", n=1)
    assert facts.check()["aggregates"] == 2   # the key's stored sum and its recomputed sum, each unmatched


# ---- Randomised: the aggregate path equals the scan --------------------------------------------------
def prefetched(regions, dates, criteria_dates, monkeypatch, scan):
    """prefetch_stock over several month ends at once (as a bulletin asks: a base sum and the months after it)
    — {date: {region id: counts}} without the regions whose counts are all 0 — or the scan of every date."""
    tree = ind._Tree()
    ids = tree.subtree_ids([regions["370400"]])
    with monkeypatch.context() as m:
        if scan:
            m.setattr(ind, "_is_month_end", lambda d: False)
        ind.prefetch_stock(tree, ids, dates, criteria_dates)
    assert all(tree.stock[d][1] is (d in criteria_dates) for d in dates)
    return {d: {rid: v for rid, v in tree.stock[d][2].items() if any(v.values())} for d in dates}


def _random_data(rnd, regions, event, firm, bank):
    from ipdesk.registry.actions import record_event
    codes = UNITS[1:]
    patents = []
    for i in range(36):
        filing = D(2000, 1, 1) + dt.timedelta(days=rnd.randrange(0, 8000))
        filing = rnd.choice([filing, D(2012, 2, 29), D(2012, 2, 28), D(2013, 3, 1), D(2012, 12, 31)])
        grant = filing + dt.timedelta(days=rnd.randrange(200, 2000)) if rnd.random() < 0.9 else None
        extra = STRATEGIC if rnd.random() < 0.3 else {}
        status = {}
        if grant and rnd.random() < 0.15:
            status = {"legal_status": "lapsed", "lapse_date": grant + dt.timedelta(days=rnd.randrange(30, 3000))}
        patents.append(PatentFactory(region=rnd.choice(codes), filing_date=filing, grant_date=grant,
                                     overseas_family=rnd.random() < 0.3, is_domestic=rnd.random() < 0.93,
                                     **status, **extra))
    granted = [p for p in patents if p.grant_date and p.legal_status != "lapsed"]
    for i, p in enumerate(rnd.sample(granted, 8)):
        day = p.grant_date + dt.timedelta(days=rnd.randrange(30, 2500))
        kind = rnd.choice(["transfer", "transfer", "lapse", "lapse_restore"])
        if kind == "transfer":
            record_event(p, "transfer", day, owner_after=f"受让人{i}", region_after=regions[rnd.choice(codes)])
        else:
            event(p, "lapse", day)
            if kind == "lapse_restore":
                event(p, "restoration", day + dt.timedelta(days=rnd.randrange(20, 300)))
    for i, p in enumerate(rnd.sample(granted, 4)):
        PledgeFactory(registration_no=f"R{rnd.randrange(10**6)}{i}", pledgor=firm, pledgee=bank,
                      amount_10k_yuan=rnd.choice([300, 800, 2000]),
                      registration_date=D(2012, 1, 1) + dt.timedelta(days=rnd.randrange(0, 4000)), patents=[p])
    return patents


CONFIGS = [
    {},                                                         # the defaults
    {"maintained": {"threshold": 5}},
    {"maintained": {"threshold": 12}, "pledge": {"threshold": 500}},
    {"strategic": {"enabled": False}, "pledge": {"threshold": 1000}},
    {"overseas": {"enabled": False}, "maintained": {"enabled": False}},
    {"strategic": {"enabled": False}, "overseas": {"enabled": False}, "maintained": {"enabled": False}},
    {"strategic": {"enabled": False}, "overseas": {"enabled": False}, "award": {"enabled": False}},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_data_the_aggregates_equal_the_scan_for_every_configuration(seed, regions, event, make_enterprise,
                                                                         monkeypatch):
    from ipdesk.regions.models import DictionaryEntry
    rnd = random.Random(seed)
    built()
    firm, bank = make_enterprise(), DictionaryEntry.objects.filter(dictionary="bank").first()
    patents = _random_data(rnd, regions, event, firm, bank)
    HighValueCriterion.objects.filter(kind="award").update(
        application_numbers="\n".join(p.application_no for p in rnd.sample(patents, 3)))
    assert facts.differences(facts.check()) == 0      # kept by every write, hv measures included
    ends = [month_end(rnd.randrange(2008, 2031), rnd.randrange(1, 13)) for _ in range(5)] + [D(2024, 2, 29)]
    defaults = {c.kind: (c.enabled, c.threshold) for c in HighValueCriterion.objects.all()}
    seen_union = 0
    for config in CONFIGS:
        for kind, (enabled, threshold) in defaults.items():
            change = {"enabled": enabled, "threshold": threshold, **config.get(kind, {})}
            HighValueCriterion.objects.filter(kind=kind).update(**change)   # no signal: the stamp alone tells
        if facts.stored_hv_stamp() != facts.current_hv_stamp():
            assert ind._Tree().hv_ready() is False
            for end in ends[:2]:     # stale measures: a reader scans (the reference), never reads them
                assert stock(regions, end, monkeypatch, False, expect=False) == stock(regions, end, monkeypatch, True)
            facts.rebuild_high_value()
        for end in ends:
            got = both(regions, end, monkeypatch)
            seen_union += got["370400"]["high_value_invention_patents"]
        # month ends of months where stock starts or ends (the first of them is the base of the sums)
        months = sorted(set(FactAggregate.objects.filter(measure__in=["valid_in", "hv_out", "hvm_in"])
                            .values_list("month", flat=True)))
        dates = sorted({month_end(m.year, m.month) for m in rnd.sample(months, 4)} | set(ends))
        with_criteria = set(rnd.sample(dates, 4))
        assert prefetched(regions, dates, with_criteria, monkeypatch, False) == \
            prefetched(regions, dates, with_criteria, monkeypatch, True)
        assert facts.differences(facts.check()) == 0, config
    assert seen_union > 0


def test_the_nightly_job_builds_measures_left_stale(regions, monkeypatch):
    """An upgraded database (no stamp) or a criterion changed without its job (a queryset update): the nightly
    task builds the hv measures for the current criteria before its check; readers scanned until then."""
    from ipdesk.stats.tasks import nightly_facts_check
    PatentFactory(region="370402", filing_date=D(2008, 1, 1), grant_date=D(2011, 1, 1))
    built()
    FactState.objects.update(hv_config="")
    FactAggregate.objects.filter(measure__in=facts.HV_MEASURES).delete()
    assert stock(regions, D(2022, 12, 31), monkeypatch, False, expect=False)["370402"]["high_value_maintained"] == 1
    assert nightly_facts_check.call_local() == 0
    assert facts.stored_hv_stamp() == facts.current_hv_stamp()
    assert both(regions, D(2022, 12, 31), monkeypatch)["370402"]["high_value_maintained"] == 1
