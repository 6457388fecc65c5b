"""Official documents (公文) as DOCX in the layout of GB/T 9704-2012《党政机关公文格式》: the one builder every
DOCX of ipdesk goes through (the bulletin, stats.bulletin_docx; the default case-document templates,
protection.documents), and the 发文字号 sequences (core.models.DocumentNumber).

What it applies, by clause of GB/T 9704-2012 (clauses 5.2.1–5.2.4, 7.1, 7.4 and 7.5 were read in a
third-party transcription of the standard, not the official text; the others are marked 待核对 where they
are used):
- 5.1 / 5.2.1: A4 (210 × 297 mm); 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, so the bottom margin is
  35 mm and the right one 26 mm.
- 5.2.2 / 5.2.3: the elements in 3号 (16 pt) 仿宋; 22 lines a page and 28 characters a line. 225 mm / 22
  lines gives the fixed line spacing of 28.95 pt; 28 characters across 156 mm are set through the
  body runs' character spacing: 156 mm / 28 = 15.79 pt a character, so a 16 pt character is drawn
  0.25 pt narrower (w:spacing −5 twentieths: 28 × 15.75 pt fits the 版心, 29 do not). The section's
  document grid holds the 22 lines (w:docGrid type "lines"). A character grid (type linesAndChars with
  a negative w:charSpace) would do the same in Word and WPS, but LibreOffice gives every character
  wider than the grid pitch two cells — 14 characters a line — so the spacing is set on the runs, which
  every reader honours. (The brief that asked for this said "28 lines of 22 characters"; the standard says
  the reverse, and this follows the standard.)
- 7.2.4 发文机关标志 in red 小标宋; 7.2.5 发文字号 centred under it, 〔年份〕, 顺序号 without "第" and
  without leading zeros; 7.2.7 a red separator the width of the 版心 under it (待核对: the distances
  35 mm and 4 mm were taken from memory of the standard, not from a text read here).
- 7.3.1 title in 2号 (22 pt) 小标宋, centred; 7.3.3 body in 3号 仿宋, paragraphs indented two characters,
  headings 一、 in 黑体 and （一） in 楷体 (待核对).
- 7.5 page numbers in 4号 (14 pt) 宋体 half-width digits with a 一字线 (—) on either side, 7 mm under the
  版心, odd pages right and even pages left, one character in from the edge of the 版心.

Fonts. The standard's faces are proprietary (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体). Every run
names them in w:eastAsia, so Word uses them where they are installed; Latin letters and digits of the
body use Times New Roman. Where they are missing, the reader's font substitution decides: on this
Debian machine fontconfig (fc-match "仿宋_GB2312:lang=zh-cn") resolves all five to Noto Sans CJK SC
(fonts-noto-cjk, installed by `make setup`) — only "SimSun" resolves to Noto Serif CJK SC — and no 楷体
is installed (fonts-arphic-ukai would provide one). FONTCONFIG_ALIASES below maps them to the closest
free faces (宋/仿宋/小标宋 → Noto Serif CJK SC, 黑体 → Noto Sans CJK SC, 楷体 → AR PL UKai CN if present,
else Noto Serif CJK SC), and write_fontconfig() writes them out for a LibreOffice rendering on such a
machine. No free font has the same metrics as 仿宋_GB2312; the
fixed line spacing and the body's character spacing keep the 22 × 28 page whichever face is used.

User text enters only as run text (python-docx escapes it for XML); nothing here interprets markup.
"""
import datetime as dt
import io

from django.conf import settings

# ---- The standard's measures ----------------------------------------------------------------------
PAGE_MM = (210, 297)                 # 5.1 A4
TOP_MM, LEFT_MM = 37, 28             # 5.2.1 天头, 订口
TEXT_MM = (156, 225)                 # 5.2.1 版心
BOTTOM_MM = PAGE_MM[1] - TOP_MM - TEXT_MM[1]     # 35
RIGHT_MM = PAGE_MM[0] - LEFT_MM - TEXT_MM[0]     # 26
LINES, CHARS = 22, 28                # 5.2.3
LINE_PT = 28.95                      # 225 mm / 22 lines = 28.98 pt; 28.95 pt is the value offices use
SIZE = {"初号": 42, "小初": 36, "一号": 26, "二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5}
BODY_PT = SIZE["三号"]
#: Character spacing of body runs, in twentieths of a point (w:spacing): 28 characters of 16 pt across the
#: 156 mm 版心 need 15.79 pt each; −5 (−0.25 pt) gives 15.75 pt, so 28 fit (441 pt of 442.2) and 29 do not.
BODY_SPACING_TW = -5
RED = "FF0000"                       # 5.2.4 / 7.2.4: 红色 (印刷要求 Y80% M80%; on screen plain red)

# ---- Fonts ----------------------------------------------------------------------------------------
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
#: Free faces that render the proprietary ones on a machine without them (see the module docstring).
FREE_FONTS = {XIAOBIAOSONG: "Noto Serif CJK SC", FANGSONG: "Noto Serif CJK SC", SONGTI: "Noto Serif CJK SC",
              HEITI: "Noto Sans CJK SC", KAITI: "AR PL UKai CN"}
FONTCONFIG_ALIASES = "".join(
    f"<alias binding=\"same\"><family>{name}</family><prefer><family>{free}</family><family>Noto Serif CJK SC</family>"
    f"</prefer></alias>" for name, free in FREE_FONTS.items())


def write_fontconfig(path):
    """A fontconfig file with the system's configuration plus FONTCONFIG_ALIASES, for rendering a DOCX on a
    machine without the proprietary faces: FONTCONFIG_FILE=<path> soffice --headless --convert-to pdf x.docx"""
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
                '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' + FONTCONFIG_ALIASES + "</fontconfig>")
    return path


def office_name():
    """The issuing office (发文机关) as printed in the 版头: settings.OFFICE_NAME, else the city office."""
    return getattr(settings, "OFFICE_NAME", "") or "枣庄市市场监督管理局"


def office_code():
    """The 机关代字 of the 发文字号 (枣市监知 in 枣市监知〔2026〕12号): settings.OFFICE_DOC_PREFIX."""
    return getattr(settings, "OFFICE_DOC_PREFIX", "") or "枣市监知"


def cn_date(value):
    """成文日期: 阿拉伯数字, 年份标全称, 月日不编虚位 (GB/T 9704-2012 7.3.5.4, 待核对)."""
    return f"{value.year}年{value.month}月{value.day}日"


# ---- 发文字号 ----------------------------------------------------------------------------------------
def number_text(prefix, year, number):
    """枣市监知〔2026〕12号 (GB/T 9704-2012 7.2.5, 待核对): 〔〕 六角括号, no 第, no leading zeros."""
    return f"{prefix}〔{int(year)}〕{int(number)}号"


def issue_number(doc_type, *, key=None, year=None, prefix=None):
    """The next 发文字号 of the sequence (prefix, year, doc_type) as text.

    The counter row is taken under SELECT … FOR UPDATE inside a transaction, so concurrent callers
    queue and each gets its own number; a first number of a new year creates the row (the unique
    constraint makes a second creator wait, then read the row). With `key` (one per document, e.g.
    "protection.adjudicationcase:5:filing_notice") the number is registered: asking again for the same
    key returns the number already issued instead of a new one."""
    from django.db import transaction

    from .models import DocumentNumber, IssuedDocumentNumber
    from django.utils import timezone
    year = int(year or timezone.localdate().year)
    prefix = prefix if prefix is not None else office_code()

    def already_issued():
        return IssuedDocumentNumber.objects.filter(key=key).values_list("text", flat=True).first() if key else None
    if text := already_issued():
        return text
    with transaction.atomic():
        sequence, _created = DocumentNumber.objects.select_for_update().get_or_create(
            prefix=prefix, year=year, doc_type=doc_type)
        # Asked again under the lock: a concurrent first download of the same document may have just
        # committed its number (READ COMMITTED sees it now), and must not be given a second one.
        if text := already_issued():
            return text
        sequence.last += 1
        sequence.version += 1
        sequence.save(update_fields=["last", "version"])
        text = number_text(prefix, year, sequence.last)
        if key:
            IssuedDocumentNumber.objects.create(sequence=sequence, number=sequence.last, key=key, text=text)
        return text


# ---- Low-level helpers ------------------------------------------------------------------------------
def _qn(tag):
    from docx.oxml.ns import qn
    return qn(tag)


#: The elements that follow w:spacing in w:rPr (ECMA-376 CT_RPr's sequence), so it is inserted in its place.
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                  "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                  "w:specVanish", "w:oMath")


def set_font(run, east_asia=FANGSONG, size=BODY_PT, *, latin=LATIN, bold=None, color=None):
    """Name the East-Asian face in w:eastAsia (the one Word uses for Chinese), the Latin one for digits
    and letters, and the size; python-docx's `font.name` alone sets only w:ascii / w:hAnsi."""
    from docx.shared import Pt, RGBColor
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()   # in its place in CT_RPr's sequence
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(_qn(attr), name)
    run.font.size = Pt(size)
    if size == BODY_PT:
        rpr = run._element.get_or_add_rPr()
        spacing = rpr.find(_qn("w:spacing"))
        if spacing is None:
            spacing = rpr.makeelement(_qn("w:spacing"), {})
            rpr.insert_element_before(spacing, *_AFTER_SPACING)
        spacing.set(_qn("w:val"), str(BODY_SPACING_TW))
    if bold is not None:
        run.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _exact_spacing(paragraph, line_pt=LINE_PT, before=0, after=0):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line_pt != LINE_PT:
        _off_grid(paragraph)
    return fmt


def _off_grid(paragraph):
    """w:snapToGrid off: a paragraph with its own line height (a table cell, a caption, a chart) is not
    pulled onto the section's 28.95 pt line grid, which would give every line of a cell a body line."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = ppr.find(_qn("w:snapToGrid"))
    if snap is None:
        snap = ppr.makeelement(_qn("w:snapToGrid"), {})
        ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                                  "w:sectPr", "w:pPrChange")
    snap.set(_qn("w:val"), "0")


def _border(paragraph, edge="bottom", color=RED, size_eighths=8, space_pt=0):
    """A rule under (or over) the paragraph across the 版心: the red separator of the 版头 (7.2.7) and
    the lines of the 版记 (7.4.1)."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = ppr.find(_qn("w:pBdr"))
    if pbdr is None:
        pbdr = ppr.makeelement(_qn("w:pBdr"), {})
        # w:pBdr goes before w:spacing / w:ind / w:jc in CT_PPr's sequence
        anchor = next((c for c in ppr if c.tag in {_qn("w:shd"), _qn("w:tabs"), _qn("w:spacing"), _qn("w:ind"),
                                                   _qn("w:jc")}), None)
        anchor.addprevious(pbdr) if anchor is not None else ppr.append(pbdr)
    line = pbdr.makeelement(_qn(f"w:{edge}"), {_qn("w:val"): "single", _qn("w:sz"): str(size_eighths),
                                               _qn("w:space"): str(int(space_pt)), _qn("w:color"): color})
    pbdr.append(line)


def _page_field(paragraph, east_asia=SONGTI, size=SIZE["四号"]):
    """A PAGE field: Word fills in the number of the page the footer sits on."""
    def run_with(child):
        run = paragraph.add_run()
        set_font(run, east_asia, size, latin=east_asia)
        run._r.append(child)
        return run
    begin = paragraph._p.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "begin"})
    instr = paragraph._p.makeelement(_qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    instr.text = " PAGE "
    separate = paragraph._p.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "separate"})
    end = paragraph._p.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "end"})
    run_with(begin)
    run_with(instr)
    run_with(separate)
    set_font(paragraph.add_run("1"), east_asia, size, latin=east_asia)
    run_with(end)


def _page_number_footer(footer, odd):
    """7.5: "— 1 —" in 4号 宋体, odd pages right and even pages left, one character (14 pt) in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    _exact_spacing(p, SIZE["四号"] * 1.2)
    if odd:
        p.paragraph_format.right_indent = Pt(SIZE["四号"])
    else:
        p.paragraph_format.left_indent = Pt(SIZE["四号"])
    set_font(p.add_run("— "), SONGTI, SIZE["四号"], latin=SONGTI)
    _page_field(p)
    set_font(p.add_run(" —"), SONGTI, SIZE["四号"], latin=SONGTI)


# ---- The document -----------------------------------------------------------------------------------
class OfficialDocument:
    """A python-docx Document on the GB/T 9704-2012 page, with one method per element of the standard.

        doc = OfficialDocument()
        doc.masthead(office_name(), number="枣市监知〔2026〕12号")
        doc.title("关于……的通知")
        doc.addressee("各区（市）市场监督管理局：")
        doc.paragraph("……")
        doc.heading1("一、……")
        doc.signature(office_name(), date.today())
        data = doc.to_bytes()
    """

    def __init__(self):
        from docx import Document
        self.doc = Document()
        self._setup_page()
        self._setup_styles()

    # -- page and styles
    def _setup_page(self):
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        # 7.5: the page number's 一字线 7 mm under the 版心; Word measures the footer from the page's bottom
        # edge to the footer's last line, so 35 − 7 − one 4号 line (≈ 5 mm) ≈ 23 mm.
        section.footer_distance = Mm(BOTTOM_MM - 7 - 5)
        grid = section._sectPr.find(_qn("w:docGrid"))
        if grid is None:
            grid = section._sectPr.makeelement(_qn("w:docGrid"), {})
            section._sectPr.append(grid)
        grid.set(_qn("w:type"), "lines")
        grid.set(_qn("w:linePitch"), str(round(LINE_PT * 20)))              # twentieths of a point
        grid.attrib.pop(_qn("w:charSpace"), None)                           # 28 a line: BODY_SPACING_TW
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number_footer(section.footer, odd=True)
        _page_number_footer(section.even_page_footer, odd=False)

    def _setup_styles(self):
        from docx.shared import Pt
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        rpr = normal.element.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        for attr, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", FANGSONG), ("w:cs", LATIN)):
            rfonts.set(_qn(attr), name)
        lang = rpr.find(_qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(_qn("w:lang"), {})
            rpr.append(lang)
        lang.set(_qn("w:eastAsia"), "zh-CN")
        fmt = normal.paragraph_format
        from docx.enum.text import WD_LINE_SPACING
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)

    # -- 版头
    def masthead(self, office, number=None, *, issue=None, left=None, right=None, size=SIZE["小初"]):
        """发文机关标志 in red 小标宋 (7.2.4), then either the 发文字号 centred (7.2.5) or, for a bulletin
        (简报式 版头), its `issue` (期号) centred and a line with `left` (the office) and `right` (the date)
        at the margins; then the red separator across the 版心 (7.2.7). Distances 待核对, see the module
        docstring."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
        from docx.shared import Mm, Pt
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the mark's upper edge 35 mm below the 版心's: most of it as space before the first line
        _exact_spacing(p, size * 1.25, before=Mm(35).pt - size * 0.25)
        set_font(p.add_run(office), XIAOBIAOSONG, size, latin=XIAOBIAOSONG, color=RED)
        if issue:
            self.issue_line(issue)
        line = self.doc.add_paragraph()
        _exact_spacing(line, before=LINE_PT * 2 if number else LINE_PT / 2)  # 空二行
        if number:
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(line.add_run(number))
        else:
            line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_MM[0]), WD_TAB_ALIGNMENT.RIGHT)
            set_font(line.add_run(f"{left or ''}\t{right or ''}"))
        _border(line, "bottom", RED, size_eighths=8, space_pt=Pt(11.3).pt)   # 4 mm under the number
        return p

    def issue_line(self, text):
        """A centred line under the mark such as 第3期 (a bulletin's 期号), before the masthead's line."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p, before=LINE_PT)
        set_font(p.add_run(text))
        return p

    # -- 主体
    def title(self, text, *, space_before_lines=2):
        """7.3.1: 2号 小标宋, centred, 空二行 under the red separator."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p, LINE_PT * 1.2, before=LINE_PT * space_before_lines, after=LINE_PT)
        set_font(p.add_run(text), XIAOBIAOSONG, SIZE["二号"], latin=XIAOBIAOSONG)
        return p

    def subtitle(self, text):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p)
        set_font(p.add_run(text), KAITI)
        return p

    def addressee(self, text):
        """7.3.2 主送机关: flush left, ending in a full-width colon."""
        p = self.doc.add_paragraph()
        _exact_spacing(p)
        set_font(p.add_run(text))
        return p

    def paragraph(self, text, *, indent=True, east_asia=FANGSONG, align="justify", bold=None):
        """7.3.3: 3号 仿宋, 每个自然段左空二字, 回行顶格."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt
        p = self.doc.add_paragraph()
        p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        _exact_spacing(p)
        if indent:
            p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        set_font(p.add_run(text), east_asia, bold=bold)
        return p

    def heading1(self, text):
        """First level 一、 in 3号 黑体 (7.3.3, 待核对); kept on the page of what follows it."""
        p = self.paragraph(text, east_asia=HEITI, align="left")
        p.paragraph_format.keep_with_next = True
        return p

    def heading2(self, text):
        """Second level （一） in 3号 楷体 (7.3.3, 待核对); kept on the page of what follows it."""
        p = self.paragraph(text, east_asia=KAITI, align="left")
        p.paragraph_format.keep_with_next = True
        return p

    def table(self, headers, rows, *, size=SIZE["小四"], widths_mm=None):
        """A table across the 版心 in 仿宋 (header row in 黑体), smaller than the body so six columns of
        names and figures fit; the standard leaves table faces open (8 covers only landscape tables)."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = widths_mm or [TEXT_MM[0] / len(headers)] * len(headers)
        table.autofit = False
        for column, width in zip(table.columns, widths):   # w:gridCol, which LibreOffice and WPS lay out by
            column.width = Mm(width)

        def fill(cells, values, face):
            for i, (cell, value) in enumerate(zip(cells, values)):
                cell.width = Mm(widths[i])
                para = cell.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
                _exact_spacing(para, size * 1.5)
                para.paragraph_format.first_line_indent = 0
                set_font(para.add_run(str(value)), face, size)
        fill(table.rows[0].cells, headers, HEITI)
        for cell in table.rows[0].cells:          # the header row stays with the first row of figures
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        for row in rows:
            fill(table.add_row().cells, row, FANGSONG)
        for i, row in enumerate(table.rows):       # a row is never split across pages; the header repeats
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(tr_pr.makeelement(_qn("w:cantSplit"), {}))
            if i == 0:
                tr_pr.append(tr_pr.makeelement(_qn("w:tblHeader"), {}))
        spacer = self.doc.add_paragraph()
        _exact_spacing(spacer, LINE_PT / 2)
        return table

    def caption(self, text):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(p, SIZE["小四"] * 1.5)
        set_font(p.add_run(text), HEITI, SIZE["小四"])
        return p

    def picture(self, png, width_mm=TEXT_MM[0]):
        """An inline picture (a chart) as wide as the 版心, centred; line spacing single so it is not clipped
        by the body's fixed 28.95 pt."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Mm
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _off_grid(p)
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        return p

    def signature(self, office, date):
        """发文机关署名 and 成文日期 of a document without a seal: the office 右空二字 over the date, the date
        右移二字 (7.3.5.2, 待核对); one empty line before."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt
        p = self.paragraph(office, indent=False, align="right")
        p.paragraph_format.space_before = Pt(LINE_PT)
        p.paragraph_format.right_indent = Pt(BODY_PT * 4)
        d = self.paragraph(cn_date(date) if isinstance(date, dt.date) else str(date), indent=False, align="right")
        d.paragraph_format.right_indent = Pt(BODY_PT * 2)
        d.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return p, d

    def imprint(self, office, date):
        """版记 (7.4): 印发机关 左空一字 and 印发日期 右空一字 in 4号 仿宋 between two rules as wide as the 版心."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm, Pt
        p = self.doc.add_paragraph()
        _exact_spacing(p, LINE_PT, before=LINE_PT)
        p.paragraph_format.left_indent = Pt(SIZE["四号"])
        p.paragraph_format.right_indent = Pt(SIZE["四号"])
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_MM[0]) - Pt(SIZE["四号"] * 2), WD_TAB_ALIGNMENT.RIGHT)
        set_font(p.add_run(f"{office}\t{cn_date(date)}印发"), FANGSONG, SIZE["四号"])
        _border(p, "top", "000000", size_eighths=8, space_pt=4)
        _border(p, "bottom", "000000", size_eighths=8, space_pt=4)
        return p

    def to_bytes(self):
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
