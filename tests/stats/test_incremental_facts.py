"""Incremental facts (issue 17): every write keeps PatentFact, PatentInterval and FactAggregate equal to a
full rebuild, without a rebuild on the read path."""
import datetime as dt

import pytest

from ipdesk.stats import facts
from ipdesk.stats.models import FactAggregate, FactState, PatentFact, PatentInterval
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db

D = dt.date


def built():
    """Mark the facts as built (as after the first build of a database): ensure_fresh() then never rebuilds."""
    facts.rebuild()


def assert_fresh():
    found = facts.check()
    assert facts.differences(found) == 0, found


def grants(region, month):
    """The aggregate (the sum of its change rows) of invention grants of `region` in `month`."""
    from django.db.models import Sum
    return FactAggregate.objects.filter(region=region.pk, month=month, patent_type="invention",
                                        measure="grants").aggregate(n=Sum("n"))["n"] or 0


def test_refresh_patents_follows_an_orm_edit_without_a_rebuild(regions):
    built()
    rebuilt_at = FactState.objects.get().rebuilt_at
    p = PatentFactory(grant_date=D(2022, 3, 1))
    assert PatentFact.objects.filter(patent_id=p.pk, grant_region_id=regions["370403"].pk).exists()
    assert PatentInterval.objects.filter(patent_id=p.pk).count() == 1
    p.region = regions["370404"]
    p.save()
    assert PatentFact.objects.get(patent_id=p.pk).grant_region_id == regions["370404"].pk
    assert grants(regions["370404"], D(2022, 3, 1)) == 1
    assert grants(regions["370403"], D(2022, 3, 1)) == 0
    facts.ensure_fresh()
    assert FactState.objects.get().rebuilt_at == rebuilt_at   # no rebuild on the read path
    assert_fresh()


def test_a_refresh_logged_as_under_debug_keeps_its_sql_intact(regions):
    """Under DEBUG (make run) every statement is also formatted for the query log: the term rule's
    strftime('%m-%d') once broke that formatting on SQLite and with it the demo data load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    built()
    with CaptureQueriesContext(connection) as ctx:
        p = PatentFactory(grant_date=D(2022, 3, 1))
    assert PatentInterval.objects.filter(patent_id=p.pk).count() == 1
    assert any("INSERT INTO" in q["sql"] and "stats_patentinterval" in q["sql"] for q in ctx.captured_queries)
    assert_fresh()


def test_events_transfer_lapse_restore_and_delete(event, regions):
    built()
    p = PatentFactory(grant_date=D(2020, 5, 1))
    t = event(p, "transfer", D(2021, 2, 3), before="370403", after="370404", domestic_after=True)
    assert_fresh()
    assert PatentInterval.objects.filter(patent_id=p.pk).count() == 2
    event(p, "lapse", D(2021, 9, 1))
    event(p, "restoration", D(2021, 12, 1))
    assert_fresh()
    t.delete()
    assert_fresh()
    p.delete()
    assert not PatentFact.objects.filter(patent_id=p.pk).exists()
    assert not PatentInterval.objects.filter(patent_id=p.pk).exists()
    assert_fresh()


def test_refresh_patents_after_a_bulk_update(regions):
    from ipdesk.registry.models import Patent
    built()
    a = PatentFactory(grant_date=D(2022, 1, 5))
    b = PatentFactory(grant_date=D(2022, 2, 5))
    Patent.objects.filter(pk__in=[a.pk, b.pk]).update(region=regions["370402"])   # no signal
    assert facts.differences(facts.check()) > 0
    assert facts.check()["patents"] == [a.pk, b.pk]
    facts.refresh_patents([a.pk, b.pk])
    assert_fresh()


def test_check_changes_nothing(regions):
    built()
    p = PatentFactory(grant_date=D(2022, 1, 5))
    PatentFact.objects.filter(patent_id=p.pk).update(pct=True)
    before = list(PatentFact.objects.values_list("patent_id", "pct"))
    assert facts.check()["facts"] == 2
    assert list(PatentFact.objects.values_list("patent_id", "pct")) == before


def test_collecting_refreshes_once_at_the_end(regions, django_assert_max_num_queries):
    built()
    with facts.collecting() as pending:
        p = PatentFactory(grant_date=D(2022, 1, 5))
        assert not PatentFact.objects.filter(patent_id=p.pk).exists()
    assert pending == {p.pk}
    assert PatentFact.objects.filter(patent_id=p.pk).exists()
    assert_fresh()


def test_rebuild_facts_check_command_reports_and_exits_non_zero(regions, users):
    from django.core.management import CommandError, call_command

    from ipdesk.core.models import Notification
    built()
    p = PatentFactory(grant_date=D(2022, 1, 5))
    call_command("rebuild_facts", "--check")
    assert FactState.objects.get().check_differences == 0
    PatentFact.objects.filter(patent_id=p.pk).update(grant_domestic=False)   # SQL beside the application
    with pytest.raises(CommandError):
        call_command("rebuild_facts", "--check")
    state = FactState.objects.get()
    assert state.check_differences > 0 and state.checked_at is not None
    assert PatentFact.objects.get(patent_id=p.pk).grant_domestic is False   # --check repaired nothing
    assert Notification.objects.filter(kind="facts_check", recipient__role="city_officer").exists()
    call_command("rebuild_facts")
    call_command("rebuild_facts", "--check")



def test_aggregates_give_the_numbers_the_facts_give(event, regions, monkeypatch):
    """Whole months read FactAggregate; the same figures read from the facts themselves are equal."""
    from ipdesk.stats import indicators
    from ipdesk.stats.bulletin import monthly_trend
    built()
    for i, code in enumerate(["370402", "370403", "370403", "370481"]):
        PatentFactory(region=code, grant_date=D(2022, 1 + 3 * i, 10), filing_date=D(2020, 2 + i, 1))
        PatentFactory(region=code, patent_type="utility", grant_date=D(2021, 5 + i, 3), filing_date=D(2021, 1 + i, 9))
    moved = PatentFactory(region="370404", grant_date=D(2019, 6, 1))
    event(moved, "transfer", D(2022, 4, 2), before="370404", after="370402", domestic_after=True)
    event(moved, "lapse", D(2022, 8, 9))
    city = regions["370400"]
    units = [city] + list(city.children.all())
    for start, end in ((D(2022, 1, 1), D(2022, 12, 31)), (D(2021, 1, 1), D(2021, 6, 30))):
        tree = indicators._Tree()
        indicators.prefetch_stock(tree, tree.subtree_ids(units), [end, D(2022, 5, 31)])
        aggregated = (indicators.patent_figures(units, start, end), monthly_trend(city, 2022, 12, tree))
        monkeypatch.setattr(indicators, "whole_months", lambda a, b: False)
        monkeypatch.setattr(indicators, "_is_month_end", lambda d: False)
        from_facts = (indicators.patent_figures(units, start, end), monthly_trend(city, 2022, 12, indicators._Tree()))
        monkeypatch.undo()
        assert aggregated[0] == from_facts[0]
        assert aggregated[1]["valid_2022"] == from_facts[1]["valid_2022"]
    assert aggregated[0][city.pk]["invention_grants"] == 0   # 2021 H1: none; 2022 asserted equal above


def test_the_dashboards_trends_read_the_aggregates_and_give_the_numbers_the_facts_give(event, regions, monkeypatch):
    """The dashboard is computed afresh after every write (its cache key follows the data): its yearly and
    monthly trends read the aggregates at month ends — no scan of the facts or intervals — and equal the same
    trends read from the facts (a transfer between districts, a lapse, grants over several years)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ipdesk.stats import indicators
    from ipdesk.stats.bulletin import monthly_trend, yearly_trend
    built()
    for i, code in enumerate(["370402", "370403", "370403", "370481", "370404"]):
        PatentFactory(region=code, grant_date=D(2016 + 2 * i, 1 + 2 * i, 10), filing_date=D(2014 + 2 * i, 2, 1))
    moved = PatentFactory(region="370402", grant_date=D(2019, 6, 1), filing_date=D(2015, 3, 3))   # held there now
    event(moved, "transfer", D(2022, 4, 2), before="370404", after="370402", domestic_after=True)
    event(moved, "lapse", D(2023, 8, 9))
    city, district = regions["370400"], regions["370402"]
    as_of = D(2024, 9, 30)
    for region in (city, district):
        with CaptureQueriesContext(connection) as queries:
            aggregated = (yearly_trend(region, as_of), monthly_trend(region, 2024, 9))
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert "stats_patentinterval" not in read and "stats_patentfact" not in read
        monkeypatch.setattr(indicators, "whole_months", lambda a, b: False)
        monkeypatch.setattr(indicators, "_is_month_end", lambda d: False)
        from_facts = (yearly_trend(region, as_of), monthly_trend(region, 2024, 9))
        monkeypatch.undo()
        assert aggregated == from_facts
    city_trend = yearly_trend(city, as_of)
    assert sum(city_trend["grants"]) == 6 and city_trend["valid"][-1] == 5   # the moved one lapsed in 2023
    assert yearly_trend(district, as_of)["valid"][-3:] == [2, 1, 1]   # held from 2022-04-02, lapsed 2023-08-09


def test_a_dashboard_of_a_day_inside_a_month_reads_the_facts_of_that_month_only(event, regions, monkeypatch):
    """The dashboard's as_of is today, mostly not a month end: the yearly trend's whole months come from the
    aggregates and only the days of the running month from the facts (ten years of facts were scanned after every
    write); the year ends' stock comes from the aggregates, today's with the figures' own scan. The numbers equal the
    ones read from the facts and intervals alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ipdesk.stats import indicators
    from ipdesk.stats.bulletin import yearly_trend
    from ipdesk.stats.views import dashboard_data
    built()
    for i, code in enumerate(["370402", "370403", "370403", "370481", "370404"]):
        PatentFactory(region=code, grant_date=D(2016 + 2 * i, 1 + 2 * i, 10), filing_date=D(2014 + 2 * i, 2, 1))
    PatentFactory(region="370403", grant_date=D(2024, 9, 3), filing_date=D(2020, 1, 2))      # in the running month
    PatentFactory(region="370403", grant_date=D(2024, 9, 20), filing_date=D(2020, 1, 3))     # after as_of
    moved = PatentFactory(region="370402", grant_date=D(2019, 6, 1), filing_date=D(2015, 3, 3))
    event(moved, "transfer", D(2022, 4, 2), before="370404", after="370402", domestic_after=True)
    event(moved, "lapse", D(2024, 9, 5))                                                       # in the running month
    city, district = regions["370400"], regions["370402"]
    as_of = D(2024, 9, 17)
    for region in (city, district):
        with CaptureQueriesContext(connection) as queries:
            trend = yearly_trend(region, as_of)
        on_facts = [q["sql"] for q in queries.captured_queries if "stats_patentfact" in q["sql"]]
        assert len(on_facts) == 1 and "2024-08-31" in on_facts[0] and "2015-01-01" not in on_facts[0], on_facts
        on_intervals = [q["sql"] for q in queries.captured_queries if "stats_patentinterval" in q["sql"]]
        assert len(on_intervals) == 1 and on_intervals[0].count("FILTER") == 1, on_intervals   # today alone
        monkeypatch.setattr(indicators, "whole_months", lambda a, b: False)
        monkeypatch.setattr(indicators, "_is_month_end", lambda d: False)
        assert trend == yearly_trend(region, as_of)
        monkeypatch.undo()
    trend = yearly_trend(city, as_of)
    assert trend["grants"][-1] == 2 and sum(trend["grants"]) == 7   # 2024: the 10th and the 3rd, not the 20th
    assert trend["valid"][-2:] == [5, 6]   # today: two more granted, the moved one lapsed
    units = [regions[c] for c in ("370402", "370403")]
    with CaptureQueriesContext(connection) as queries:
        shared = dashboard_data(city, units, as_of)
    scans = [q["sql"] for q in queries.captured_queries if "stats_patentinterval" in q["sql"]]
    assert len(scans) == 1, scans   # today's stock: the figures' scan, read again by the yearly trend from the tree
    from django.core.cache import cache
    cache.clear()
    alone = indicators.figures_many([city] + units, as_of, keys=set(indicators.BULLETIN_KEYS))   # a tree of its own
    assert shared["trend_year"] == yearly_trend(city, as_of)
    for region in [city] + units:
        assert shared["values"][region.pk]["valid_invention_patents"] == alone[region.pk]["valid_invention_patents"]
    assert shared["values"][city.pk]["valid_invention_patents"] == trend["valid"][-1] == 6


def test_compact_aggregates_folds_change_rows_and_keeps_the_sums(regions):
    built()
    p = PatentFactory(grant_date=D(2022, 3, 1))
    for code in ("370402", "370404", "370403"):
        p.region = regions[code]
        p.save()
    before = facts.check()
    assert facts.differences(before) == 0
    assert facts.compact_aggregates() > 0
    assert FactAggregate.objects.filter(measure="grants", month=D(2022, 3, 1)).count() == 1
    assert_fresh()


# ---- Property: any sequence of writes keeps the facts equal to a full rebuild ---------------------------
from hypothesis import HealthCheck, Phase, given, settings, strategies as st  # noqa: E402

REGION_CODES = ["370402", "370403", "370404", "370481"]
days = st.integers(min_value=0, max_value=3000).map(lambda n: D(2014, 1, 1) + dt.timedelta(days=n))
pick = st.integers(min_value=0, max_value=50)
steps = st.lists(st.one_of(
    st.tuples(st.just("create"), st.sampled_from(["invention", "utility", "design"]), st.sampled_from(REGION_CODES),
              days, st.booleans()),
    st.tuples(st.just("edit"), pick, st.sampled_from(["region", "grant", "sei", "overseas", "domestic", "status"]),
              st.sampled_from(REGION_CODES), days),
    st.tuples(st.just("transfer"), pick, st.sampled_from(REGION_CODES), days),
    st.tuples(st.just("lapse"), pick, days),
    st.tuples(st.just("restoration"), pick, days),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("delete_event"), pick),
    st.tuples(st.just("import"), pick, st.sampled_from(REGION_CODES), days),
), min_size=1, max_size=5)

DISTRICT_NAMES = {"370402": "市中区", "370403": "薛城区", "370404": "峄城区", "370481": "滕州市"}


def _apply(step, regions, tmp_path, counter):
    from ipdesk.core.imports import run_import
    from ipdesk.registry.actions import record_event
    from ipdesk.registry.models import Patent, PatentEvent
    patents = list(Patent.objects.order_by("pk"))
    kind = step[0]
    if kind == "create":
        _, ptype, code, filing, granted = step
        PatentFactory(region=code, patent_type=ptype, filing_date=filing,
                      grant_date=filing + dt.timedelta(days=400) if granted else None)
        return
    if kind == "import":
        _, n, code, filing = step
        counter["import"] += 1
        path = tmp_path / f"import{counter['import']}.csv"
        number = patents[n % len(patents)].application_no if patents and n % 2 else \
            f"2019{1}{counter['import'] + 9000000:07d}"
        if not (patents and n % 2):
            from ipdesk.registry.rules import _app_check
            number = f"{number}.{_app_check(number)}"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("申请号,名称,申请人,申请人地址,申请日,授权公告日\n")
            fh.write(f"{number},导入专利,导入科技有限公司,山东省枣庄市{DISTRICT_NAMES[code]},{filing.isoformat()},"
                     f"{(filing + dt.timedelta(days=500)).isoformat()}\n")
        run_import("patents", path, keep_good=True)
        return
    if kind == "delete_event":
        events = list(PatentEvent.objects.order_by("pk"))
        if events:
            events[step[1] % len(events)].delete()
        return
    if not patents:
        return
    p = patents[step[1] % len(patents)]
    if kind == "edit":
        _, _, what, code, date = step
        if what == "region":
            p.region = regions[code]
        elif what == "grant":
            p.grant_date = None if p.grant_date else date
        elif what == "sei":
            p.ipc_main, p.title = ("", "一种装置") if p.ipc_main else ("G06F 40/30", "一种文本分类方法")
        elif what == "overseas":
            p.overseas_family = not p.overseas_family
        elif what == "domestic":
            p.is_domestic = not p.is_domestic
        else:
            p.legal_status, p.lapse_date = ("lapsed", date) if p.legal_status != "lapsed" else ("valid", None)
        p.save()
    elif kind == "transfer":
        _, _, code, date = step
        if p.filing_date is None or date >= p.filing_date:
            record_event(p, "transfer", date, owner_after=f"受让人{date}", region_after=regions[code])
    elif kind in ("lapse", "restoration"):
        date = step[2]
        if p.filing_date is None or date >= p.filing_date:
            record_event(p, kind, date)
    elif kind == "delete":
        p.delete()


# Modest: each step is checked against a full rebuild; no shrinking (the failing step is in the message).
@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=steps)
def test_any_sequence_of_writes_keeps_facts_equal_to_a_rebuild(sequence, regions, tmp_path):
    """Creates, edits, transfers, lapses, restorations, deletes and imports (core.imports.run_import on a small
    CSV): after each step the stored facts and aggregates equal a full rebuild (stats.facts.check)."""
    built()
    counter = {"import": 0}
    for step in sequence:
        _apply(step, regions, tmp_path, counter)
        found = facts.check()
        assert facts.differences(found) == 0, (step, found)


def test_reclassification_refreshes_the_facts_it_changes(regions):
    """registry.sei.reclassify writes with bulk_update (no signal) and refreshes the facts itself."""
    from ipdesk.registry import sei
    from ipdesk.registry.models import Patent
    built()
    p = PatentFactory(grant_date=D(2022, 1, 5))
    Patent.objects.filter(pk=p.pk).update(ipc_main="G06F 40/30", title="一种文本分类方法")   # sei_* now stale
    assert sei.reclassify() >= 1
    p.refresh_from_db()
    assert p.sei_branch
    assert PatentFact.objects.get(patent_id=p.pk).strategic is True
    assert_fresh()
