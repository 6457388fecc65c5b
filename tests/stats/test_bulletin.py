"""The monthly bulletin: data, lifecycle (draft → published, frozen), the monthly task, and the
XLSX / DOCX / PDF files opened and read back (the PDF rendered to an image and checked)."""
import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError

from ipdesk.stats import bulletin as b
from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
from ipdesk.stats.models import Bulletin, BulletinEvent

D = dt.date
pytestmark = pytest.mark.django_db


def test_bulletin_table_has_value_target_completion_yoy_and_rank(bulletin_records):
    data = b.build(bulletin_records["370400"], 2022, 6)
    grants = next(s for s in data["sections"] if s["key"] == "invention_grants")
    rows = {r["code"]: r for r in grants["rows"]}
    assert [r["code"] for r in grants["rows"]] == ["370402", "370403", "370404", "370405", "370406", "370481"]
    assert rows["370481"] == {"code": "370481", "name": "滕州市", "value": 5, "target": 4.0, "completion": 1.25,
                              "yoy": 4.0, "rank": 1}
    assert rows["370403"]["value"] == 3 and rows["370403"]["completion"] == 0.5 and rows["370403"]["yoy"] == 0.5
    assert rows["370403"]["rank"] == 2 and rows["370404"]["rank"] == 4 and rows["370404"]["value"] == 0
    assert grants["city"]["value"] == 9 and grants["city"]["completion"] == 0.9
    assert data["trend"]["grants_2022"] == [3, 2, 2, 1, 1, 0]
    assert "薛城区尚未完成发明专利授权量年度目标" in data["summary"]
    assert b.title(bulletin_records["370400"], 2022, 6) == "枣庄市2022年1—6月专利工作情况通报"


def test_draft_then_published_and_frozen(bulletin_records, users):
    city = bulletin_records["370400"]
    draft = prepare_bulletin(city, 2022, 6, users["city"])
    assert not draft.is_published and draft.data["sections"][0]["city"]["value"] == 9
    again = prepare_bulletin(city, 2022, 6, users["city"])      # a draft may be recomputed
    assert again.pk == draft.pk
    published = publish_bulletin(draft, users["city"], summary="经审核的综述。")
    assert published.is_published and published.summary == "经审核的综述。"
    assert list(BulletinEvent.objects.filter(bulletin=draft).values_list("kind", flat=True)) == \
        ["prepared", "refreshed", "published"]
    frozen = dict(Bulletin.objects.get(pk=draft.pk).data)
    with pytest.raises(ValidationError, match="已发布"):
        prepare_bulletin(city, 2022, 6)
    with pytest.raises(ValidationError, match="已发布"):
        publish_bulletin(published, users["city"])
    obj = Bulletin.objects.get(pk=draft.pk)
    obj.summary = "改动"
    with pytest.raises(ValidationError):
        obj.save()
    with pytest.raises(ValidationError):
        obj.delete()
    assert Bulletin.objects.get(pk=draft.pk).data == frozen
    with pytest.raises(ValidationError, match="月份"):
        prepare_bulletin(city, 2022, 13)


def test_monthly_task_prepares_the_previous_month(bulletin_records, settings):
    from ipdesk.stats.tasks import prepare_monthly_draft, previous_month
    assert previous_month(D(2023, 1, 1)) == (2022, 12)
    settings.IPDESK_CITY_CODE = "370400"
    bulletin = prepare_monthly_draft(D(2022, 7, 1))
    assert (bulletin.year, bulletin.month, bulletin.status) == (2022, 6, "draft")
    publish_bulletin(bulletin, None)
    assert prepare_monthly_draft(D(2022, 7, 1)) is None   # a published month is left alone


def test_xlsx_docx_and_pdf_read_back_with_chinese_text(bulletin_records, tmp_path):
    from docx import Document
    from openpyxl import load_workbook
    from PIL import Image
    from pypdf import PdfReader

    data = b.build(bulletin_records["370400"], 2022, 6)
    title = b.title(bulletin_records["370400"], 2022, 6)

    wb = load_workbook(io.BytesIO(b.to_xlsx(title, data)))
    ws = wb["专利通报"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[0] == title and data["summary"] in cells
    assert "滕州市" in cells and "发明专利授权量（件）" in cells and 1.25 in cells  # 125.0 %, a number
    assert ws["A1"].font.name == b.FONT
    assert wb["月度趋势"]["B2"].value == 3

    doc = Document(io.BytesIO(b.to_docx(title, data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert title in text and "滕州市位居第一" in text
    table_text = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "滕州市" in table_text and "125.0%" in table_text
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.1)   # A4 and 公文 faces: tests/core/test_gongwen.py

    pdf = b.to_pdf(title, data)
    reader = PdfReader(io.BytesIO(pdf))
    pdf_text = "".join(page.extract_text() for page in reader.pages)
    assert title in pdf_text.replace("\n", "") and "滕州市" in pdf_text
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values() if "/BaseFont" in f.get_object()}
    assert any("Noto-Sans-CJK-SC" in f or "NotoSansCJK" in f for f in fonts), fonts
    (tmp_path / "b.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "b.pdf"), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    assert height > width   # an A4 page
    dark = sum(image.histogram()[:128])
    assert dark > 0.005 * width * height   # text and tables were drawn, not an empty page (no tofu-only page either)
    # the title band at the top holds ink: the CJK title rendered
    top = image.crop((0, 0, width, height // 12))
    assert sum(top.histogram()[:160]) > 50
