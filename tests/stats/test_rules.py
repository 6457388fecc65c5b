"""Pure indicator rules: validity periods, holder at a date, YoY, completion, rank, wording."""
import datetime as dt

from ipdesk.stats import rules

D = dt.date


def test_in_force_from_grant_until_lapse_and_again_after_restoration():
    periods = rules.in_force_periods(D(2015, 5, 1), [(D(2020, 3, 1), "lapse"), (D(2020, 6, 1), "restoration")])
    assert periods == [(D(2015, 5, 1), D(2020, 3, 1)), (D(2020, 6, 1), None)]


def test_not_granted_is_never_in_force_and_dead_status_uses_lapse_date():
    assert rules.in_force_periods(None, []) == []
    assert rules.in_force_periods(D(2015, 1, 1), [], "lapsed", D(2019, 1, 1)) == [(D(2015, 1, 1), D(2019, 1, 1))]
    # dead since an unknown date: no period can be asserted
    assert rules.in_force_periods(D(2015, 1, 1), [], "revoked", None) == []
    # invalidation is final even if a stray restoration-free history follows
    assert rules.in_force_periods(D(2015, 1, 1), [(D(2018, 1, 1), "invalidation")]) == [(D(2015, 1, 1), D(2018, 1, 1))]


def test_holder_region_follows_transfers_on_their_date():
    t = [rules.Transfer(D(2020, 6, 30), "A", "B", True), rules.Transfer(D(2021, 1, 1), "B", None, False)]
    assert rules.holder_at(D(2020, 6, 29), t, None, False) == ("A", True)
    assert rules.holder_at(D(2020, 6, 30), t, None, False) == ("B", True)
    assert rules.holder_at(D(2021, 1, 1), t, None, False) == (None, False)
    assert rules.holder_at(D(2010, 1, 1), [], "C", True) == ("C", True)


def test_validity_intervals_split_by_holder():
    t = [rules.Transfer(D(2020, 6, 30), "A", "B", True)]
    out = rules.validity_intervals(D(2019, 1, 1), [(D(2021, 1, 1), "lapse")], t, "B", True)
    assert out == [rules.Interval(D(2019, 1, 1), D(2020, 6, 30), "A", True),
                   rules.Interval(D(2020, 6, 30), D(2021, 1, 1), "B", True)]


def test_arithmetic_of_the_calibration_table():
    assert rules.yoy(685, 649) == 0.055
    assert rules.yoy(18, 11) == 0.636
    assert rules.yoy(3252, 2796) == 0.163
    assert rules.yoy(5, 0) is None and rules.yoy(None, 3) is None
    assert rules.per_10k(3252, 3855601) == 8.43
    assert rules.per_10k(10, None) is None
    assert rules.completion(685, 660) == 1.038
    assert rules.completion(5, 0) is None


def test_rank_shares_ties_and_leaves_missing_unranked():
    assert rules.rank({"a": 5, "b": 9, "c": 5, "d": 1, "e": None}) == {"a": 2, "b": 1, "c": 2, "d": 4, "e": None}


def test_one_year_earlier_handles_leap_day():
    assert rules.one_year_earlier(D(2024, 2, 29)) == D(2023, 2, 28)
    assert rules.period_start(D(2022, 8, 15)) == D(2022, 1, 1)


def test_summary_reads_like_a_bulletin():
    sections = [{"label": "发明专利授权量", "unit": "件", "city": {"value": 685, "yoy": 0.055, "completion": 1.038},
                 "rows": [{"name": "滕州市", "value": 241, "rank": 1, "completion": 1.004},
                          {"name": "山亭区", "value": 56, "rank": 2, "completion": 0.8}]}]
    text = rules.bulletin_summary("枣庄市", 2022, 12, sections)
    assert text.startswith("截至2022年12月底，全市发明专利授权量685件，同比增长5.5%，完成年度目标的103.8%")
    assert "滕州市位居第一" in text and "山亭区尚未完成发明专利授权量年度目标" in text
    assert rules.signed_percent(-0.1234) == "同比下降12.3%"
