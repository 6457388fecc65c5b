"""The bulletin XLSX a city officer downloads holds numbers as numbers: counts, per-10,000 figures and
percentages can be summed, sorted and charted in Excel, and no cell shows a stray apostrophe. Text cells
still go through the formula-injection guard (OWASP "CSV injection")."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from ipdesk.regions.models import Population
from ipdesk.stats.actions import prepare_bulletin
from tests.factories import PatentFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def records(bulletin_records):
    regions = bulletin_records
    # 370402 fell from 3 grants to 1: a negative YoY, once written as the text "'-66.7%"
    for _ in range(3):
        PatentFactory(region="370402", grant_date=D(2021, 2, 10))
    for code, people in (("370400", 3_850_000), ("370481", 1_600_000), ("370403", 470_000), ("370402", 480_000)):
        Population.objects.create(region=regions[code], year=2022, population=people)
    return regions


def _download(clients, records):
    bulletin = prepare_bulletin(records["370400"], 2022, 6, None)
    r = clients["city"].get(f"/stats/bulletins/{bulletin.pk}/download.xlsx")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.content))


def _section(ws, heading):
    """The rows of the section whose heading starts with `heading`, keyed by the region name in column A."""
    rows, inside = {}, False
    for row in ws.iter_rows():
        first = row[0].value
        if isinstance(first, str) and first.startswith(heading):
            inside = True
            continue
        if inside and first is None:
            break
        if inside and first != "区划":
            rows[first] = row
    return rows


def test_downloaded_bulletin_xlsx_holds_numbers_with_number_formats(clients, records):
    wb = _download(clients, records)
    ws = wb["专利通报"]

    grants = _section(ws, "发明专利授权量")
    name, value, target, completion, yoy, rank, *_forecast = grants["滕州市"]
    assert value.value == 5 and isinstance(value.value, int) and value.number_format == "#,##0"
    assert target.value == 4 and target.number_format == "#,##0"
    assert completion.value == pytest.approx(1.25) and completion.number_format == "0.0%"
    assert yoy.value == pytest.approx(4.0) and yoy.number_format == "0.0%"
    assert rank.value == 1 and isinstance(rank.value, int)

    _, value, target, completion, yoy, rank, *_forecast = grants["市中区"]
    assert value.value == 1 and yoy.value == pytest.approx(-2 / 3, abs=0.0005) and yoy.number_format == "0.0%"
    assert target.value == "—" and completion.value == "—"   # no target: text, not a zero

    city = grants["枣庄市（合计）"]
    assert city[1].value == 9 and city[3].value == pytest.approx(0.9) and city[5].value == "—"

    per_10k = _section(ws, "每万人口发明专利拥有量")
    value = per_10k["滕州市"][1]
    assert isinstance(value.value, float) and value.number_format == "0.00"
    assert value.value == pytest.approx(6 / 160, abs=0.005)   # 5 + 1 valid inventions per 160 × 10,000 people

    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("'")), (sheet.title, cell.coordinate)
    trend = wb["月度趋势"]
    assert trend["B2"].value == 3 and trend["B2"].number_format == "#,##0"


def test_text_cells_still_neutralised(clients, records):
    """A summary an officer typed that starts with "=" is written as text, never as a formula."""
    from ipdesk.stats.actions import publish_bulletin
    bulletin = publish_bulletin(prepare_bulletin(records["370400"], 2022, 6, None), None,
                                summary='=HYPERLINK("http://evil.example","点此")')
    r = clients["city"].get(f"/stats/bulletins/{bulletin.pk}/download.xlsx")
    ws = load_workbook(io.BytesIO(r.content))["专利通报"]
    assert ws["A3"].data_type == "s" and not str(ws["A3"].value).startswith("=")
