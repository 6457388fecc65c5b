"""Year-end forecasts (stats.forecast): the arithmetic on hand-made series, and the forecasts of a
bulletin's units read from records through the indicator functions."""
import datetime as dt

import pytest

from ipdesk.stats import forecast as fc
from tests.factories import PatentFactory, TargetFactory

D = dt.date
PAST = (2019, 2020, 2021)


def flat(per_month=10, months=6):
    history = {(y, m): per_month for y in PAST for m in range(1, 13)}
    history.update({(2022, m): per_month for m in range(1, months + 1)})
    return history


def ordered(f):
    """so far ≤ low ≤ expected ≤ high — for a tiny count the mean (say 0.1) may pass the 90% quantile (0),
    so `expected` is only held below `high80` to within one."""
    return f.so_far <= f.low80 <= f.expected <= f.high80 + 1 and f.low80 <= f.high80


def test_flat_series_continues_its_pace():
    f = fc.forecast_flow(flat(), D(2022, 6, 30), target=130)
    assert f.so_far == 60 and f.months_left == 6 and f.method == "flow"
    assert f.expected == pytest.approx(120, abs=1)
    assert ordered(f) and f.low80 < 120 < f.high80 and f.high80 - f.low80 < 40
    assert 0.05 < f.probability < 0.5                       # 130 is above the pace of 120
    assert fc.forecast_flow(flat(), D(2022, 6, 30), target=110).probability > 0.75
    assert f.needed_per_month == pytest.approx((130 - 60) / 6)


def test_december_spike_is_expected_again():
    history = {(y, m): 40 if m == 12 else 10 for y in PAST for m in range(1, 13)}
    history.update({(2022, m): 10 for m in range(1, 7)})
    f = fc.forecast_flow(history, D(2022, 6, 30), target=130)
    # the pace alone says 120; the seasons of the past years say 60 + 5 × 10 + 40 = 150
    assert 140 < f.expected < 152 and ordered(f)
    assert f.probability > 0.8


def test_district_with_no_grants_so_far():
    history = {(y, m): 0 for y in PAST for m in range(1, 13)}
    history.update({(2022, m): 0 for m in range(1, 7)})
    f = fc.forecast_flow(history, D(2022, 6, 30), target=2)
    assert f.so_far == 0 and f.low80 == 0 and f.expected < 0.5 and ordered(f)
    assert f.probability < 0.05 and f.needed_per_month == pytest.approx(2 / 6)
    # no history at all: this year's (empty) pace on an uninformative prior, still defined
    fresh = fc.forecast_flow({(2022, m): 0 for m in range(1, 4)}, D(2022, 3, 31), target=5)
    assert fresh.low80 == 0 and fresh.expected < 2 and 0 < fresh.probability < 0.15 and ordered(fresh)
    # a district that grants every year but none yet this year: last year's level carries it
    usual = {(y, m): 2 for y in PAST for m in range(1, 13)}
    usual.update({(2022, m): 0 for m in range(1, 4)})
    f = fc.forecast_flow(usual, D(2022, 3, 31), target=24)
    assert 3 < f.expected < 24 and f.probability < 0.5 and ordered(f)


def test_target_already_reached_is_certain():
    f = fc.forecast_flow(flat(), D(2022, 6, 30), target=50)
    assert f.probability == 1.0 and f.needed_per_month == 0
    f = fc.forecast_flow(flat(), D(2022, 6, 30), target=60)     # reached exactly
    assert f.probability == 1.0


def test_december_as_of_is_the_actual():
    f = fc.forecast_flow(flat(months=12), D(2022, 12, 31), target=130)
    assert (f.expected, f.low80, f.high80, f.months_left) == (120, 120, 120, 0)
    assert f.probability == 0.0 and f.needed_per_month is None
    assert fc.forecast_flow(flat(months=12), D(2022, 12, 31), target=100).probability == 1.0


def test_nothing_after_the_as_of_date_is_seen():
    history = flat(months=6)
    f = fc.forecast_flow(history, D(2022, 6, 30), target=130)
    history.update({(2022, m): 100 for m in range(7, 13)})      # the future, if a caller passed it
    assert fc.forecast_flow(history, D(2022, 6, 30), target=130) == f


def test_amounts_are_overdispersed_counts():
    """A sum in 万元 (pledge financing) varies far more than a count: its interval is wider."""
    amounts = {(y, m): [0, 3000, 0, 500, 0, 0, 8000, 0, 200, 0, 0, 4300][m - 1] for y in PAST for m in range(1, 13)}
    amounts.update({(2022, m): [2000, 0, 0, 6000, 0, 0][m - 1] for m in range(1, 7)})
    f = fc.forecast_flow(amounts, D(2022, 6, 30), target=16000)
    # ahead of the usual first half (8,000 against 3,500) with the usual big second half still to come
    assert ordered(f) and f.high80 - f.low80 > 5000 and f.probability > 0.8
    assert 0.3 < fc.forecast_flow(amounts, D(2022, 6, 30), target=round(f.expected)).probability < 0.7


def test_parent_profile_guides_a_small_district():
    """A district with too few grants to show a season borrows its parent's."""
    history = {(y, m): 1 if m in (3, 9) else 0 for y in PAST for m in range(1, 13)}
    history.update({(2022, m): 1 if m == 3 else 0 for m in range(1, 7)})
    december = [0.05] * 11 + [0.45]
    plain = fc.forecast_flow(history, D(2022, 6, 30))
    guided = fc.forecast_flow(history, D(2022, 6, 30), reference=december)
    assert guided.expected > plain.expected and ordered(guided) and ordered(plain)


def test_intervals_are_ordered_over_many_series():
    for per_month in (0, 1, 3, 50, 400):
        for month in range(1, 12):
            f = fc.forecast_flow(flat(per_month, month), D(2022, month, 28), target=per_month * 12 or 1)
            assert ordered(f) and 0 <= f.probability <= 1


def stock_series(step=10, start=1000, months=6):
    values, v = {(2018, 12): start}, start
    for y in (*PAST, 2022):
        for m in range(1, 13 if y < 2022 else months + 1):
            v += step
            values[(y, m)] = v
    return values


def test_stock_moves_with_its_net_flow():
    f = fc.forecast_stock(stock_series(), D(2022, 6, 30), target=1490)
    assert f.so_far == 1420 and f.method == "stock" and f.low80 <= f.expected <= f.high80
    assert f.expected == pytest.approx(1480, abs=1)
    assert f.probability < 0.3 and f.needed_per_month == pytest.approx(70 / 6)
    # lapses outrunning grants: the stock falls, and a target below today's value may still be missed
    falling = fc.forecast_stock(stock_series(step=-5), D(2022, 6, 30), target=1000)
    assert falling.so_far == 790 and falling.expected == pytest.approx(790 - 5 * 6, abs=1)
    assert falling.probability < 0.01 and falling.needed_per_month == pytest.approx(210 / 6)
    above = fc.forecast_stock(stock_series(step=-5), D(2022, 6, 30), target=750)   # reached today, may be lost
    assert 0.5 < above.probability < 1 and above.needed_per_month == 0
    with pytest.raises(ValueError, match="存量"):
        fc.forecast_stock({(2021, 12): 5}, D(2022, 6, 30))


def test_per_10k_is_the_stock_over_the_population():
    population = 3_855_601
    need = fc.per_10k_threshold(8.3, population)
    assert fc.rules.per_10k(need, population) >= 8.3 > fc.rules.per_10k(need - 1, population)
    stock = fc.forecast_stock(stock_series(step=30, start=2000), D(2022, 6, 30), target=need)
    f = fc.scaled(stock, 10000 / population, 8.3)
    assert f.expected == pytest.approx(stock.expected * 10000 / population)
    assert f.probability == stock.probability and f.target == 8.3 and f.low80 <= f.expected <= f.high80
    assert f.needed_per_month == pytest.approx(max(0, 8.3 - f.so_far) / 6)


def test_sentence():
    f = fc.Forecast(262.4, 248.0, 277.0, 0.853, 3.0, 230.0, 240.0, 6, "flow")
    assert fc.sentence("滕州市", "invention_grants", f) == \
        "按当前进度，滕州市发明专利授权量预计年末达到262件（80%区间248—277件），完成年度目标的可能性约85%。"
    done = fc.Forecast(20.2, 18.0, 23.0, 1.0, 0.0, 16.0, 15.0, 3, "flow")
    assert fc.sentence("枣庄市", "pct_applications", done) == \
        "按当前进度，枣庄市PCT国际专利申请量预计年末达到20件（80%区间18—23件），已完成年度目标。"
    assert fc.sentence("滕州市", "invention_grants", {"code": "370481", "key": "invention_grants", **f.as_dict()}) == \
        fc.sentence("滕州市", "invention_grants", f)
    assert fc.kind_of("valid_invention_patents") == "stock" and fc.kind_of("pct_applications") == "flow"
    assert fc.kind_of("valid_invention_per_10k") == "per_10k" and fc.kind_of("abnormal_withdrawal_rate") is None


@pytest.mark.django_db
def test_bulletin_units_with_a_target_get_a_forecast(three_years_of_grants):
    from ipdesk.stats.bulletin import build
    regions = three_years_of_grants
    targets = {("370400", "invention_grants"): 20, ("370481", "invention_grants"): 12,
               ("370403", "invention_grants"): 9, ("370481", "valid_invention_patents"): 30,
               ("370400", "valid_invention_per_10k"): 0.2}
    for (code, key), value in targets.items():
        TargetFactory(region=code, year=2022, indicator=key, value=value)
    TargetFactory(region="370402", year=2021, indicator="invention_grants", value=5)  # other year

    rows = fc.target_forecasts(regions["370400"], 2022, 6)
    got = {(r["code"], r["key"]): r for r in rows}
    assert set(got) == set(targets)
    grants = {s["key"]: s for s in build(regions["370400"], 2022, 6)["sections"]}["invention_grants"]
    by_code = {r["code"]: r["value"] for r in grants["rows"]} | {"370400": grants["city"]["value"]}
    for (code, key), row in got.items():
        assert row["target"] == targets[(code, key)] and row["months_left"] == 6
        assert row["low80"] <= row["expected"] <= row["high80"] and 0 <= row["probability"] <= 1
        if key == "invention_grants":       # the same counting as the bulletin
            assert row["so_far"] == by_code[code]
    assert got[("370481", "invention_grants")]["so_far"] == 7
    assert got[("370481", "invention_grants")]["expected"] > 7
    assert got[("370481", "valid_invention_patents")]["so_far"] == 31        # 12 + 12 + 7, none lapsed
    assert got[("370481", "valid_invention_patents")]["probability"] > 0.9
    per_10k = got[("370400", "valid_invention_per_10k")]
    assert per_10k["so_far"] == pytest.approx(45 * 10000 / 3855601) and per_10k["probability"] < 0.01
    assert fc.target_forecasts(regions["370400"], 2023, 6) == []             # no targets that year


def test_growth_is_not_read_as_a_season():
    """A figure that grew steadily through the past years, with no season at all: its profile stays even
    (the growth is taken out before the shares are read), so a year whose growth has stopped is not
    forecast far above its pace — without the trend step, the low early months of a growing year read
    as a season and March's 300 would be taken for a fifth of the year."""
    history = {}
    for i, y in enumerate((2018, 2019, 2020, 2021)):
        for m in range(1, 13):
            history[(y, m)] = round(100 * 1.5 ** (i + (m - 6.5) / 12))     # 50% a year, smooth through the year
    level = history[(2021, 12)]
    history.update({(2022, m): level for m in range(1, 4)})               # growth stopped in January
    profile = fc.seasonal_profile(history, 2022)
    assert max(profile) / min(profile) < 1.1
    untrended = [sum(history[(y, m)] for y in (2018, 2019, 2020, 2021)) for m in range(1, 13)]
    assert untrended[11] / untrended[0] > 1.4                             # what the raw shares would say
    f = fc.forecast_flow(history, D(2022, 3, 31))
    assert f.expected < 12 * level * 1.1


@pytest.mark.django_db
def test_grant_history_counts_once_the_filings_behind_it_are_whole(regions):
    """A registry whose filings begin in March 2013 holds only part of the grants of 2014–2015 (inventions
    filed before 2013 are missing, and take up to three years to be granted): its invention grant series is
    whole from March 2016; a utility model's a year after the first filing; the first grant when later."""
    from ipdesk.stats.facts import ensure_fresh
    PatentFactory(grant_date=D(2014, 5, 6), filing_date=D(2013, 3, 4))
    PatentFactory(patent_type="utility", grant_date=D(2013, 9, 1), filing_date=D(2013, 3, 4))
    PatentFactory(patent_type="design", grant_date=D(2015, 2, 1), filing_date=D(2014, 6, 1))
    ensure_fresh()
    assert fc.records_start("invention_grants") == (2016, 3)
    assert fc.records_start("patent_grants") == (2016, 3)         # the slowest type it counts
    assert fc.records_start("utility_grants") == (2014, 3)
    assert fc.records_start("design_grants") == (2015, 6)         # first design filing 2014-06 + 12 months
    assert fc.records_start("invention_applications") == (2013, 3)
