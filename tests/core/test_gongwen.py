"""Official documents (core.gongwen): the GB/T 9704-2012 page, the faces named for Word, the 发文字号
sequences per year and type, and the bulletin and case documents built on them."""
import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu

from ipdesk.core import gongwen
from ipdesk.core.models import DocumentNumber
from tests.factories import PatentFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _east_asia(paragraph):
    return {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in paragraph.runs if r.text.strip()}


def _sample():
    doc = gongwen.OfficialDocument()
    doc.masthead("枣庄市市场监督管理局", number="枣市监知〔2026〕12号")
    doc.title("关于开展专利质押融资工作的通知")
    doc.addressee("各区（市）市场监督管理局：")
    doc.paragraph("为贯彻落实……，现将有关事项通知如下。")
    doc.heading1("一、工作目标")
    doc.heading2("（一）质押金额")
    doc.table(["区划", "数值"], [["滕州市", "5"]])
    doc.signature("枣庄市市场监督管理局", D(2026, 3, 5))
    return Document(io.BytesIO(doc.to_bytes()))


def test_page_is_a4_with_the_gbt9704_margins_and_grid():
    doc = _sample()
    section = doc.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(37, abs=1) and section.left_margin.mm == pytest.approx(28, abs=1)
    assert Emu(section.page_width - section.left_margin - section.right_margin).mm == pytest.approx(156, abs=0.2)
    assert Emu(section.page_height - section.top_margin - section.bottom_margin).mm == pytest.approx(225, abs=0.2)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"   # 28.95 pt
    body = next(p for p in doc.paragraphs if p.text.startswith("为贯彻落实"))
    # 28 characters a line: 16 pt characters drawn 0.25 pt narrower (−5 twentieths), in every reader.
    for run in body.runs:
        assert run._element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    text_pt = Emu(section.page_width - section.left_margin - section.right_margin).pt
    assert body._p.pPr.find(qn("w:snapToGrid")) is None     # body lines stay on the 22-line grid
    assert 28 * (16 - 0.25) <= text_pt < 29 * (16 - 0.25)
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert body.paragraph_format.first_line_indent.pt == 32   # 左空二字 of 16 pt


def test_table_cells_keep_their_own_line_height_off_the_grid():
    doc = _sample()
    cell = doc.tables[0].rows[1].cells[0].paragraphs[0]
    assert cell.text == "滕州市"
    assert cell._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert cell.paragraph_format.line_spacing.pt == pytest.approx(12 * 1.5)
    header = doc.tables[0].rows[0]
    assert [round(c.width.mm) for c in doc.tables[0].columns] == [78, 78]   # the grid, not only each cell
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None          # repeats on every page
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in doc.tables[0].rows)
    assert header.cells[0].paragraphs[0].paragraph_format.keep_with_next
    heading = next(p for p in doc.paragraphs if p.text == "一、工作目标")
    assert heading.paragraph_format.keep_with_next                       # never alone at a page's foot


def test_faces_are_named_for_word_in_east_asia():
    doc = _sample()
    by_text = {p.text: p for p in doc.paragraphs}
    mark = doc.paragraphs[0]
    assert mark.text == "枣庄市市场监督管理局"
    assert _east_asia(mark) == {"方正小标宋简体"} and str(mark.runs[0].font.color.rgb) == "FF0000"
    assert _east_asia(by_text["枣市监知〔2026〕12号"]) == {"仿宋_GB2312"}
    assert by_text["枣市监知〔2026〕12号"]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    title = by_text["关于开展专利质押融资工作的通知"]
    assert _east_asia(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22   # 二号
    assert _east_asia(by_text["为贯彻落实……，现将有关事项通知如下。"]) == {"仿宋_GB2312"}
    assert by_text["为贯彻落实……，现将有关事项通知如下。"].runs[0].font.size.pt == 16   # 三号
    assert _east_asia(by_text["一、工作目标"]) == {"黑体"} and _east_asia(by_text["（一）质押金额"]) == {"楷体_GB2312"}
    cell = doc.tables[0].rows[1].cells[0].paragraphs[0]
    assert _east_asia(cell) == {"仿宋_GB2312"} and cell.runs[0].font.size.pt < 16
    assert "2026年3月5日" in by_text


def test_page_numbers_are_4hao_songti_outside_with_dashes():
    doc = _sample()
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == "— 1 —" and even.text == "— 1 —"
    assert odd.alignment == 2 and even.alignment == 0    # RIGHT, LEFT
    assert "PAGE" in odd._p.xml and _east_asia(odd) == {"宋体"} and odd.runs[0].font.size.pt == 14


def test_document_numbers_run_per_year_and_type():
    DocumentNumber.objects.create(prefix="枣市监知", year=2026, doc_type="notice", last=11)
    assert gongwen.issue_number("notice", year=2026, prefix="枣市监知") == "枣市监知〔2026〕12号"
    assert gongwen.issue_number("notice", year=2026, prefix="枣市监知") == "枣市监知〔2026〕13号"
    assert gongwen.issue_number("notice", year=2027, prefix="枣市监知") == "枣市监知〔2027〕1号"   # a new year
    assert gongwen.issue_number("decision", year=2026, prefix="枣市监知") == "枣市监知〔2026〕1号"  # another type
    first = gongwen.issue_number("notice", year=2026, prefix="枣市监知", key="case:1:notice")
    assert first == "枣市监知〔2026〕14号"
    assert gongwen.issue_number("notice", year=2026, prefix="枣市监知", key="case:1:notice") == first   # registered
    row = DocumentNumber.objects.get(prefix="枣市监知", year=2026, doc_type="notice")
    assert row.last == 14 and row.version == 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_a_number():
    """Eight threads take numbers of a sequence that does not exist yet: eight different, consecutive numbers.
    Then four threads ask for the number of one and the same document at once: one number, issued once."""
    import threading

    from django.db import connection
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")

    def run(n, **kwargs):
        barrier, out = threading.Barrier(n), []

        def take():
            from django.db import connection as conn
            try:
                barrier.wait()
                out.append(gongwen.issue_number("notice", year=2030, prefix="枣市监知", **kwargs))
            finally:
                conn.close()
        threads = [threading.Thread(target=take) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out
    assert sorted(run(8)) == sorted(f"枣市监知〔2030〕{n}号" for n in range(1, 9))
    assert run(4, key="case:9:notice") == ["枣市监知〔2030〕9号"] * 4
    assert DocumentNumber.objects.get(year=2030).last == 9


# ---- The bulletin ---------------------------------------------------------------------------------------
@pytest.fixture
def bulletin_records(regions):
    for region, n in (("370481", 3), ("370403", 2)):
        for i in range(n):
            PatentFactory(region=region, grant_date=D(2022, 1 + i, 10))
    return regions


def test_bulletin_docx_has_issue_number_charts_and_the_official_page(bulletin_records, users):
    from ipdesk.stats import bulletin as b
    from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
    city = bulletin_records["370400"]
    may = publish_bulletin(prepare_bulletin(city, 2022, 5, users["city"]), users["city"])
    june = prepare_bulletin(city, 2022, 6, users["city"])
    draft = Document(io.BytesIO(b.to_docx(june.title, {**june.data, "summary": june.summary})))
    assert "草稿" in "\n".join(p.text for p in draft.paragraphs)
    june = publish_bulletin(june, users["city"])
    year = dt.datetime.now().year
    texts = {}
    for bulletin in (may, june):
        doc = Document(io.BytesIO(b.to_docx(bulletin.title, {**bulletin.data, "summary": bulletin.summary})))
        texts[bulletin.month] = "\n".join(p.text for p in doc.paragraphs)
        assert len(doc.inline_shapes) >= 1   # the charts, as pictures
        assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.1)
        assert bulletin.title in texts[bulletin.month] and "专利工作通报" in texts[bulletin.month]
    assert f"{year}年第1期" in texts[5] and f"{year}年第2期" in texts[6]


def test_region_names_with_markup_are_text_only(bulletin_records):
    from ipdesk.stats import bulletin as b
    from ipdesk.stats.bulletin_docx import bar_chart_png
    name = '<w:p>滕州&市"$x^2$</w:p>'
    teng = bulletin_records["370481"]
    teng.name = name
    teng.save()
    data = b.build(bulletin_records["370400"], 2022, 6)
    content = b.to_docx("标题<b>", data)
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert name in cells and "标题<b>" in "\n".join(p.text for p in doc.paragraphs)
    assert bar_chart_png([name, "$"], [("a$b$", [1, 2], "#000000")], "$\\frac{1}{0}$")[:4] == b"\x89PNG"


# ---- Case documents ---------------------------------------------------------------------------------------
def test_default_case_templates_are_official_letters_with_a_registered_number(clients, users, regions, make_user):
    from ipdesk.core.scoping import Role
    from ipdesk.protection import actions
    from ipdesk.protection.documents import DEFAULT_TEMPLATE_NAMES, default_template_bytes, validate_template
    from ipdesk.protection.models import AdjudicationCase
    for kind in DEFAULT_TEMPLATE_NAMES:
        content = default_template_bytes(kind)
        validate_template(content)
        section = Document(io.BytesIO(content)).sections[0]
        assert section.page_width.mm == pytest.approx(210, abs=0.1)
        assert section.top_margin.mm == pytest.approx(37, abs=1)
    panel = [make_user(f"p{i}", Role.DISTRICT_OFFICER, "370403") for i in range(3)]
    ent = users["enterprise"].enterprise
    case = AdjudicationCase.objects.create(title="纠纷", requester=ent, requester_name=ent.name, respondent_name="某店",
                                           patent_no="201710601862.3", region=regions["370403"], claims="停止侵权",
                                           received_on=D(2024, 5, 17))
    actions.register(case, users["district"])
    actions.transition(case, "filed", users["district"], date=D(2024, 5, 21), handlers=[p.pk for p in panel])
    url = f"/protection/adjudications/{case.pk}/documents/filing_notice/"
    first = Document(io.BytesIO(clients["district"].get(url).content))
    again = Document(io.BytesIO(clients["district"].get(url).content))
    year = dt.date.today().year
    number = f"枣市监知立〔{year}〕1号"
    paragraphs = [p.text for p in first.paragraphs]
    assert number in paragraphs and number in [p.text for p in again.paragraphs]   # issued once
    assert "枣庄市市场监督管理局" in paragraphs and f"（案号：{case.number}）" in paragraphs
    assert first.sections[0].page_width.mm == pytest.approx(210, abs=0.1)


def test_free_faces_stand_in_for_the_proprietary_ones(tmp_path):
    """With write_fontconfig's aliases, fontconfig renders 仿宋/宋体/小标宋 in Noto Serif CJK and 黑体 in Noto Sans CJK
    (without them every one of them fell back to Noto Sans CJK on this Debian image)."""
    import os
    import shutil
    import subprocess
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig tools not installed")
    conf = gongwen.write_fontconfig(tmp_path / "fonts.conf")

    def match(name):
        return subprocess.run(["fc-match", "-f", "%{family}", f"{name}:lang=zh-cn"], capture_output=True, text=True,
                              env={**os.environ, "FONTCONFIG_FILE": str(conf)}, check=True).stdout
    assert "Noto Serif CJK SC" in match(gongwen.FANGSONG) and "Noto Serif CJK SC" in match(gongwen.XIAOBIAOSONG)
    assert "Noto Sans CJK SC" in match(gongwen.HEITI)
