"""XLSX exports (issue 18 item 5): written by xlsxwriter in constant memory, numbers as numbers and dates as dates,
text never turned into a formula or a link, any sheet title accepted, and no query per row for related records."""
import datetime as dt
import decimal
import io

import pytest
from openpyxl import load_workbook

from ipdesk.core.exports import workbook_bytes, write_file
from ipdesk.registry.models import Patent
from ipdesk.registry.views import PATENT_COLUMNS


def _sheet(data):
    return load_workbook(io.BytesIO(data)).active


def test_cells_keep_their_types_and_text_stays_text():
    data = workbook_bytes([["申请号", "金额", "人数", "申请日", "说明", "网址"],
                           ["201710601862.3", decimal.Decimal("12.50"), 120, dt.date(2017, 8, 1), "=1+2",
                            "http://example.com/" + "a" * 300]], "专利")
    ws = _sheet(data)
    row = [c for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert row[0].value == "201710601862.3" and row[0].data_type == "s"
    assert row[1].value == 12.5 and row[1].data_type == "n"
    assert row[2].value == 120 and isinstance(row[2].value, int)
    assert row[3].value.date() == dt.date(2017, 8, 1) and row[3].number_format == "yyyy-mm-dd"
    assert row[4].value == "'=1+2" and row[4].data_type == "s"   # neutralised, never a formula
    assert row[5].value.startswith("http://") and row[5].hyperlink is None


def test_a_sheet_title_with_characters_excel_forbids_is_accepted():
    ws = _sheet(workbook_bytes([["a"], [1]], "申请/专利[2025]:*?"))
    assert ws.title == "申请_专利_2025____"
    assert ws["A2"].value == 1


@pytest.mark.django_db
def test_the_patent_export_reads_related_records_once_per_chunk_not_per_row(tmp_path, regions, make_enterprise,
                                                                              django_assert_max_num_queries):
    holder = make_enterprise("枣庄甲锂电科技有限公司", "370403")
    for i in range(40):
        body = f"2017{1 + i % 2}{i:07d}"
        check = sum(int(d) * w for d, w in zip(body, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])) % 11
        Patent.objects.create(application_no=f"{body}.{'X' if check == 10 else check}", patent_type="invention",
                              title=f"专利{i}", applicants=holder.name, holder=holder, holder_name=holder.name,
                              region=regions["370403" if i % 2 else "370404"], filing_date=dt.date(2017, 8, 1))
    path = tmp_path / "p.xlsx"
    with django_assert_max_num_queries(15):
        assert write_file(Patent.objects.order_by("application_no"), PATENT_COLUMNS, path) == 40
    table = [list(r) for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
    assert table[0] == [c.header for c in PATENT_COLUMNS]
    codes = {r[7] for r in table[1:]}
    assert codes == {"370403", "370404"}
    assert {r[5] for r in table[1:]} == {holder.uscc}
