"""The year-end forecasts (stats.forecast) where decisions are made: the bulletin's table in every
format (page, XLSX, DOCX, PDF), its summary, the dashboard's 年度目标完成预测 block; and the one
default period of the statistics pages (dashboard, indicator query, bulletin prepare form)."""
import datetime as dt
import io

import pytest

from ipdesk.stats import bulletin as b
from ipdesk.stats import forecast as fc
from ipdesk.stats import rules
from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
from ipdesk.stats.models import Bulletin, Target
from tests.factories import PatentFactory, TargetFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def records(three_years_of_grants):
    """Three years of invention grants in 滕州市 and 薛城区; 薛城区 is far behind its 2022 target."""
    for code, value in (("370400", 20), ("370481", 12), ("370403", 9)):
        TargetFactory(region=code, year=2022, indicator="invention_grants", value=value)
    return three_years_of_grants


def expected_texts(row):
    """The table's two forecast cells, written here from a target_forecasts row."""
    return (f"{round(row['expected'])}（{round(row['low80'])}—{round(row['high80'])}）",
            rules.percent(row["probability"], 0))


def grants_rows(data):
    section = next(s for s in data["sections"] if s["key"] == "invention_grants")
    return {r[0]: r for r in b.table_rows(section)}


def test_build_stores_the_forecasts_and_the_table_shows_them(records):
    data = b.build(records["370400"], 2022, 6)
    rows = fc.target_forecasts(records["370400"], 2022, 6)
    assert data["forecasts"] == rows and len(rows) == 3
    assert b.HEADERS[-2:] == ["预计年末（80%区间）", "完成概率"]
    table = grants_rows(data)
    by_code = {r["code"]: r for r in rows}
    assert table["滕州市"][-2:] == list(expected_texts(by_code["370481"]))
    assert table["薛城区"][-2:] == list(expected_texts(by_code["370403"]))
    assert table["枣庄市（合计）"][-2:] == list(expected_texts(by_code["370400"]))
    assert table["市中区"][-2:] == ["—", "—"]                 # no target, no forecast
    assert all(len(r) == len(b.HEADERS) for r in table.values())


def test_summary_names_the_city_and_the_districts_at_risk(records):
    data = b.build(records["370400"], 2022, 6)
    by_code = {r["code"]: r for r in data["forecasts"]}
    risky = by_code["370403"]
    assert risky["probability"] < 0.5                        # 2 of 9 by June
    assert fc.sentence("枣庄市", "invention_grants", by_code["370400"]) in data["summary"]
    # the districts at risk in one sentence after the city's, with their forecast and probability
    expected = round(risky["expected"])
    assert f"完成年度目标的可能性不足50%的：发明专利授权量——薛城区（预计{expected}件，约" in data["summary"]
    assert "按当前进度，薛城区" not in data["summary"]
    assert ("滕州市（预计" in data["summary"]) == (by_code["370481"]["probability"] < 0.5)
    assert "尚未完成发明专利授权量年度目标" in data["summary"]      # the summary before it is kept


def test_december_forecast_is_the_actual(records):
    data = b.build(records["370400"], 2022, 12)
    row = {r["code"]: r for r in data["forecasts"]}["370481"]
    assert row["months_left"] == 0 and row["expected"] == row["so_far"] == 7
    assert grants_rows(data)["滕州市"][-2:] == ["7（全年实际）", "未完成"]
    assert "全年实际" in b.forecast_note(data)
    assert "按当前进度" not in data["summary"]


def test_xlsx_has_the_forecast_as_numbers(clients, records):
    from openpyxl import load_workbook
    bulletin = prepare_bulletin(records["370400"], 2022, 6)
    row = {r["code"]: r for r in bulletin.data["forecasts"]}["370481"]
    r = clients["city"].get(f"/stats/bulletins/{bulletin.pk}/download.xlsx")
    ws = load_workbook(io.BytesIO(r.content))["专利通报"]
    header = next(r for r in ws.iter_rows() if r[0].value == "区划")
    assert [c.value for c in header][6:10] == ["预计年末", "80%区间下限", "80%区间上限", "完成概率"]
    line = next(r for r in ws.iter_rows() if r[0].value == "滕州市")
    expected, low, high, probability = line[6:10]
    assert (expected.value, low.value, high.value) == (round(row["expected"]), round(row["low80"]), round(row["high80"]))
    assert isinstance(expected.value, int) and expected.number_format == "#,##0"
    assert probability.value == pytest.approx(round(row["probability"] * 100) / 100) and probability.number_format == "0%"
    none = next(r for r in ws.iter_rows() if r[0].value == "市中区")
    assert [c.value for c in none[6:10]] == ["—"] * 4
    assert any(str(c.value).startswith("注：“预计年末”") for r in ws.iter_rows() for c in r if c.value)


def test_docx_and_pdf_have_the_forecast_columns(records):
    from docx import Document
    from pypdf import PdfReader
    data = b.build(records["370400"], 2022, 6)
    title = b.title(records["370400"], 2022, 6)
    expected, probability = expected_texts({r["code"]: r for r in data["forecasts"]}["370481"])

    doc = Document(io.BytesIO(b.to_docx(title, data)))
    table = next(t for t in doc.tables if "滕州市" in [row.cells[0].text for row in t.rows])
    headers = [c.text for c in table.rows[0].cells]
    assert "预计年末（80%区间）" in headers and "完成概率" in headers
    line = next([c.text for c in row.cells] for row in table.rows if row.cells[0].text == "滕州市")
    assert line[headers.index("预计年末（80%区间）")] == expected and line[headers.index("完成概率")] == probability

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b.to_pdf(title, data))).pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "预计年末" in flat and "完成概率" in flat and probability in flat
    assert expected.split("（")[1].rstrip("）") in flat        # the interval, a—b


def test_bulletin_page_shows_the_forecast_columns(clients, records):
    bulletin = prepare_bulletin(records["370400"], 2022, 6)
    page = clients["city"].get(f"/stats/bulletins/{bulletin.pk}/").content.decode()
    expected, probability = expected_texts({r["code"]: r for r in bulletin.data["forecasts"]}["370403"])
    assert "预计年末（80%区间）" in page and "完成概率" in page
    assert f"<td class=\"text-end\">{expected}</td>" in page and f"<td class=\"text-end\">{probability}</td>" in page
    assert 'data-testid="forecast-note"' in page


def test_a_bulletin_built_before_forecasts_still_renders(clients, records):
    """Data stored before this change has no forecasts and no data state: dashes, no note, no error."""
    bulletin = prepare_bulletin(records["370400"], 2022, 6)
    old = {k: v for k, v in bulletin.data.items() if k not in ("forecasts", "data_state")}
    old["sections"] = [{k: v for k, v in s.items() if k != "forecast"} for s in old["sections"]]
    Bulletin.objects.filter(pk=bulletin.pk).update(data=old)
    published = publish_bulletin(Bulletin.objects.get(pk=bulletin.pk), None)
    assert all(r[-2:] == ["—", "—"] for s in published.data["sections"] for r in b.table_rows(s))
    page = clients["leader"].get(f"/stats/bulletins/{published.pk}/")
    assert page.status_code == 200 and 'data-testid="forecast-note"' not in page.content.decode()
    for fmt in ("xlsx", "docx", "pdf"):
        assert clients["leader"].get(f"/stats/bulletins/{published.pk}/download.{fmt}").status_code == 200
    assert clients["leader"].get(f"/api/bulletins/{published.pk}/").json()["forecasts"] == []


def test_dashboard_marks_the_districts_at_risk(clients, records):
    r = clients["leader"].get("/stats/", {"as_of": "2022-06-30"})
    rows = {(f["code"], f["key"]): f for f in r.context["forecasts"]}
    assert set(rows) == {("370400", "invention_grants"), ("370481", "invention_grants"), ("370403", "invention_grants")}
    risky = rows[("370403", "invention_grants")]
    assert risky["at_risk"] and risky["needed_per_month"] == pytest.approx(7 / 6)
    page = r.content.decode()
    assert "年度目标完成预测" in page and "有风险" in page and "需月均新增 1.2 件" in page
    assert 'class="table-warning forecast-at-risk" data-code="370403"' in page
    assert risky["expected_text"] == expected_texts(risky)[0] and risky["probability_text"] == expected_texts(risky)[1]
    # mid-month: the forecast is of the last complete month
    assert clients["leader"].get("/stats/", {"as_of": "2022-07-15"}).context["forecast_period"] == (2022, 6)


def test_dashboard_forecasts_are_cached_and_only_computed_with_targets(clients, records, monkeypatch):
    calls = []
    real = b.year_end_forecasts
    monkeypatch.setattr(b, "year_end_forecasts", lambda *a: calls.append(a) or real(*a))
    leader = clients["leader"]
    leader.get("/stats/", {"as_of": "2022-06-30"})
    leader.get("/stats/", {"as_of": "2022-06-30"})
    assert len(calls) == 1                                   # the second view read the cache
    r = leader.get("/stats/", {"as_of": "2021-06-30"})       # no target in 2021: nothing computed
    assert len(calls) == 1 and r.context["forecasts"] == []
    assert "年度目标完成预测" not in r.content.decode()


def test_pages_agree_on_the_default_period(clients, records):
    from ipdesk.stats.views import default_as_of
    as_of = default_as_of()
    assert as_of == D(2022, 6, 30)                           # the last month with grants
    assert default_as_of(today=D(2022, 6, 20)) == D(2022, 5, 31)     # never a month still running
    city = clients["city"]
    assert city.get("/stats/").context["as_of"] == as_of
    assert city.get("/stats/indicators/").context["as_of"] == as_of
    form = city.get("/stats/bulletins/").context["prepare_form"]
    assert (form.initial["year"], form.initial["month"]) == (2022, 6)


def test_a_note_when_the_data_stops_before_the_period(clients, records):
    city = clients["city"]
    page = city.get("/stats/", {"as_of": "2022-09-30"}).content.decode()
    assert "现有数据截至2022年6月" in page
    assert "现有数据截至" not in city.get("/stats/", {"as_of": "2022-06-30"}).content.decode()
    assert "现有数据截至2022年6月" in city.get("/stats/indicators/", {"as_of": "2022-12-31"}).content.decode()
    assert "现有数据截至2022年6月" in city.get("/stats/bulletins/").content.decode()
    draft = prepare_bulletin(records["370400"], 2022, 8)
    assert "现有数据截至2022年6月" in city.get(f"/stats/bulletins/{draft.pk}/").content.decode()


def test_a_draft_says_when_the_data_changed_after_it_was_computed(clients, records, regions):
    draft = prepare_bulletin(records["370400"], 2022, 6)
    city = clients["city"]
    assert 'data-testid="data-changed"' not in city.get(f"/stats/bulletins/{draft.pk}/").content.decode()
    PatentFactory(region="370481", grant_date=D(2022, 5, 3))
    assert 'data-testid="data-changed"' in city.get(f"/stats/bulletins/{draft.pk}/").content.decode()
    city.post(f"/stats/bulletins/{draft.pk}/refresh/")
    assert 'data-testid="data-changed"' not in city.get(f"/stats/bulletins/{draft.pk}/").content.decode()
    target = Target.objects.get(region__code="370481")                   # a target is data the bulletin counts
    target.value = 13
    target.save()
    assert 'data-testid="data-changed"' in city.get(f"/stats/bulletins/{draft.pk}/").content.decode()
    published = publish_bulletin(draft, None)
    PatentFactory(region="370481", grant_date=D(2022, 5, 4))
    assert 'data-testid="data-changed"' not in city.get(f"/stats/bulletins/{published.pk}/").content.decode()
