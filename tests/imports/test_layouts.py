"""Every layout officers receive imports (issue 15 item 5): the hand-written samples under samples/ in the shapes of
the CNIPA search export, CNIPR, a crawler of the CNIPA search pages, incoPat (.xls), PatSnap (Chinese .xlsx and
English field keys), Innojoy (GB18030), CNIPA legal-status data and a provincial enterprise registry. Each imports
with no good row refused, and the report names the layout it was recognised as."""
import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ipdesk.core import layouts
from ipdesk.core.imports import ImportFileError, run_import
from ipdesk.registry.models import Enterprise, Patent, PatentEvent

SAMPLES = Path(__file__).parent / "samples"


def rows_of(name):
    with open(SAMPLES / name, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def as_xls(rows, path, dates=()):
    """An Excel 97-2003 workbook (BIFF8) as incoPat writes it; columns in `dates` become real Excel date cells."""
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("incoPat")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r and c in dates and value:
                ws.write(r, c, dt.date.fromisoformat(value), date_style)
            elif r and value.isdigit() and len(value) < 4:
                ws.write(r, c, int(value))   # 序号, 合享价值度: numbers
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def as_xlsx(rows, path, title=None):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])   # PatSnap puts a title row above the header
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


PATENT_SAMPLES = [
    # (file, layout named, patents written)
    ("cnipa_pss.csv", "国家知识产权局专利检索系统导出", 3),
    ("cnipr.csv", "CNIPR 导出", 3),
    ("cnipa_crawler.csv", "国家知识产权局检索页面抓取数据", 3),
    ("patsnap_en.csv", "PatSnap（智慧芽）导出（英文字段）", 2),
]


@pytest.mark.parametrize("name,layout,count", PATENT_SAMPLES)
def test_patent_layouts_import_every_row_and_name_the_layout(name, layout, count, regions):
    result = run_import("patents", SAMPLES / name)
    assert result.errors == [] and result.rejected == 0
    assert result.created == count and Patent.objects.count() == count
    assert result.layout == layout
    assert result.as_dict()["layout_text"] == f"识别为：{layout}"


def test_incopat_xls_with_date_cells(tmp_path, regions):
    path = as_xls(rows_of("incopat.csv"), tmp_path / "incoPat导出.xls", dates=(3, 5))
    result = run_import("patents", path)
    assert (result.created, result.rejected) == (3, 0), result.errors
    assert result.layout == "incoPat 导出"
    valve = Patent.objects.get(application_no="201420141414.1")
    assert valve.filing_date == dt.date(2014, 3, 25) and valve.patent_type == "utility"
    assert Patent.objects.get(application_no="202230666666.6").grant_date == dt.date(2022, 9, 30)
    assert any("序号" in w for w in result.warnings)          # not a field: said, not refused
    assert not any("合享价值度" in w and "未识别" in w for w in result.warnings)  # known, not kept


def test_patsnap_xlsx_below_a_title_row(tmp_path, regions):
    path = as_xlsx(rows_of("patsnap_cn.csv"), tmp_path / "patsnap.xlsx", title="智慧芽 检索结果导出")
    result = run_import("patents", path)
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert result.layout == "PatSnap（智慧芽）导出"
    granted = Patent.objects.get(application_no="202010181818.3")
    assert granted.current_owner == "枣庄锂电材料有限公司" and granted.grant_date == dt.date(2022, 4, 1)


def test_innojoy_in_gb18030(tmp_path, regions):
    path = tmp_path / "innojoy.csv"
    path.write_bytes((SAMPLES / "innojoy.csv").read_text(encoding="utf-8").encode("gb18030"))
    result = run_import("patents", path)
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert result.layout == "Innojoy（大为）导出"
    assert any("优先权" in w and "不保存" in w for w in result.warnings)
    assert Patent.objects.get(application_no="201920171717.0").holder_name == "枣庄储能科技有限公司"


def test_cnipa_legal_status_data_after_the_patents(regions):
    run_import("patents", SAMPLES / "cnipa_crawler.csv")
    result = run_import("events", SAMPLES / "cnipa_legal_status.csv")
    assert (result.created, result.rejected) == (3, 0), result.errors
    assert result.layout == "国家知识产权局法律状态数据"
    assert set(PatentEvent.objects.values_list("kind", flat=True)) == {"publication", "grant", "transfer"}


def test_enterprise_registry_with_registration_date_and_another_city(regions):
    result = run_import("enterprises", SAMPLES / "enterprise_registry.csv")
    assert (result.created, result.rejected, result.outside) == (2, 0, 1), result.errors
    assert result.layout == "市场监管企业登记数据"
    assert Enterprise.objects.get(name="枣庄鲁南新材料有限公司").established == dt.date(2015, 3, 2)  # 注册日期
    assert not any("登记机关" in w and "未识别" in w for w in result.warnings)


def test_no_layout_named_for_an_unknown_header_set(tmp_path, regions):
    path = tmp_path / "x.csv"
    path.write_text("申请号,名称,申请人\n201810111111.8,一种隔膜,枣庄某有限公司\n", encoding="utf-8")
    result = run_import("patents", path)
    assert result.created == 1 and result.layout == ""
    assert result.layout_text().startswith("未识别为已知的导出格式")


# ---- Headers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("header,attname,value", [
    ("公开（公告）号", "grant_date", dt.date(2019, 11, 5)),      # full-width brackets; kind U → granted
    ("公开 (公告) 号", "grant_date", dt.date(2019, 11, 5)),      # spaces
    ("颁证日", "grant_date", dt.date(2019, 11, 5)),
    ("第一权利人", "current_owner", "枣庄某有限公司"),
    ("国际申请号", "pct_application_no", "PCT/CN2019/000001"),
])
def test_header_aliases(tmp_path, regions, header, attname, value):
    cell = {"公开（公告）号": "CN209555555U", "公开 (公告) 号": "CN209555555U", "颁证日": "2019-11-05",
            "第一权利人": "枣庄某有限公司", "国际申请号": "PCT/CN2019/000001"}[header]
    path = tmp_path / "h.csv"
    path.write_text(f"申请号,名称,申请人,公开(公告)日,{header}\n201920171717.0,一种装置,枣庄某有限公司,2019-11-05,{cell}\n",
                    encoding="utf-8")
    result = run_import("patents", path)
    assert result.rejected == 0, result.errors
    assert getattr(Patent.objects.get(), attname) == value
    assert not any(header in w for w in result.warnings)


def test_a_slash_header_matches_each_of_its_parts(tmp_path, regions):
    path = tmp_path / "s.csv"
    path.write_text("申请号,名称,申请人/专利权人,地区/所在城市\n201810111111.8,一种隔膜,枣庄某有限公司,枣庄市薛城区\n",
                    encoding="utf-8")
    result = run_import("patents", path)
    assert result.rejected == 0, result.errors
    patent = Patent.objects.select_related("region").get()
    assert patent.applicants == "枣庄某有限公司" and patent.region.code == "370403"


def test_recognise_prefers_the_most_specific_layout():
    headers = ["申请号", "申请日", "公开（公告）号", "公开（公告）日", "发明名称", "申请（专利权）人", "申请人/专利权人",
               "申请公布日/授权公告日"]
    assert layouts.recognise("patents", headers) == "国家知识产权局专利检索系统导出"
    assert layouts.recognise("trademarks", headers) == ""


# ---- A file without a header row ------------------------------------------------------------------
NO_HEADER_COLUMNS = "申请号,申请日,名称,申请人,申请人地址,"


def test_no_header_row_is_named_and_a_column_mapping_reads_it(regions):
    with pytest.raises(ImportFileError) as caught:
        run_import("patents", SAMPLES / "no_header.csv")
    assert caught.value.code == "no_header"
    assert str(caught.value).startswith("第1行看起来是数据而不是表头：请提供列映射")
    result = run_import("patents", SAMPLES / "no_header.csv", columns=NO_HEADER_COLUMNS)
    assert (result.rows, result.created, result.rejected) == (2, 2, 0), result.errors
    assert result.layout == layouts.NO_HEADER
    assert Patent.objects.get(application_no="201810111111.8").filing_date == dt.date(2018, 1, 9)


def test_columns_after_the_mapping_are_skipped(regions):
    result = run_import("patents", SAMPLES / "no_header.csv", columns="申请号,申请日,名称,申请人")
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert Patent.objects.get(application_no="201720888888.6").address == ""


def test_a_mapping_with_an_unknown_name_is_refused(regions):
    with pytest.raises(ImportFileError, match="列映射中的列名无法识别：出生地"):
        run_import("patents", SAMPLES / "no_header.csv", columns="申请号,出生地,名称")


def test_a_header_row_of_unknown_words_is_not_called_data(tmp_path, regions):
    path = tmp_path / "u.csv"
    path.write_text("编号,品名,厂家\n201810111111.8,隔膜,枣庄某有限公司\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        run_import("patents", path)
    assert caught.value.code == "" and "找不到表头行" in str(caught.value)


def test_cli_columns_and_layout_line(tmp_path, regions):
    out, err = StringIO(), StringIO()
    call_command("import", "patents", str(SAMPLES / "no_header.csv"), columns=NO_HEADER_COLUMNS, stdout=out,
                 stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"识别为：{layouts.NO_HEADER}"
    assert lines[-1] == "imported 2, unchanged 0, rejected 0, outside 0"
    out = StringIO()
    call_command("import", "patents", str(SAMPLES / "cnipr.csv"), stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines()[0] == "识别为：CNIPR 导出"


def test_cli_without_header_says_so(tmp_path, regions):
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "patents", str(SAMPLES / "no_header.csv"), stdout=StringIO(), stderr=err)
    assert exit_.value.code == 2 and "第1行看起来是数据而不是表头" in err.getvalue()


# ---- Files that are not tables, and .xls ------------------------------------------------------------
@pytest.mark.parametrize("name,content,said", [
    ("dump.sql", b"-- MySQL dump\nCREATE TABLE patent (id int);\nINSERT INTO patent VALUES (1);\n", "这是一个 SQL 文件"),
    ("dump.txt", b"INSERT INTO patent VALUES (1);\n", "这是一个 SQL 文件"),
    ("rows.jsonl", b'{"a": 1}\n{"a": 2}\n', "这是一个 JSON Lines 文件"),
    ("rows.json", b'[{"a": 1}]', "这是一个 JSON 文件"),
    ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\n", "这是一个 PDF 文件"),
    ("list.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页（HTML）"),
])
def test_files_that_are_not_tables_are_named(tmp_path, regions, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        run_import("patents", path)
    assert said in str(caught.value) and caught.value.code == "not_a_table"


def test_zip_and_word_documents_are_named(tmp_path, regions):
    import zipfile
    plain = tmp_path / "a.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("patents.csv", "申请号\n")
    word = tmp_path / "b.docx"
    with zipfile.ZipFile(word, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFileError, match="这是一个 ZIP 压缩包"):
        run_import("patents", plain)
    with pytest.raises(ImportFileError, match=r"这是一个 Word 文档（\.docx）"):
        run_import("patents", word)
    ole_doc = tmp_path / "c.doc"
    ole_doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(ImportFileError, match=r"Word 文档（\.doc）"):
        run_import("patents", ole_doc)


@pytest.mark.parametrize("encoding,name", [("utf-16", "export.txt"), ("gb18030", "system-export.xls")])
def test_text_exports_named_xls_or_in_unicode_text(tmp_path, regions, encoding, name):
    """Excel's "Unicode text" (UTF-16, tabs) and the tab-separated text some systems save as ".xls"."""
    path = tmp_path / name
    path.write_bytes("申请号\t名称\t申请人\n201810111111.8\t一种隔膜\t枣庄某有限公司\n".encode(encoding))
    result = run_import("patents", path)
    assert (result.created, result.rejected) == (1, 0), result.errors
    assert Patent.objects.get().title == "一种隔膜"
