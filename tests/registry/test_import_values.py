"""Identifiers and values as real exports write them (issue 15 item 4): numbers without a check digit, `ZL 2010…`,
lowercase credit codes, placeholders for "nothing", IPC symbols with their version, applicants in one cell,
postcodes in front of addresses, holders whose domicile nothing tells, and rows whose cells slid (列错位)."""
import datetime as dt

import pytest

from ipdesk.core.imports import collect_warnings, parse_bool, parse_date, parse_decimal, parse_int, run_import, text
from ipdesk.registry import imports as ri
from ipdesk.registry import placement
from ipdesk.registry.models import Enterprise, Patent
from tests.factories.files import csv_file


# ---- Application numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize("raw,canonical", [
    # 8 digits of 1989 without the check digit: 8·2+9·3+1·4+0·5+0·6+1·7+2·8+3·9 = 97, 97 mod 11 = 9
    ("89100123", "89100123.9"),
    ("95115608", "95115608.X"),          # SPEC's 95115608.X: 10 is written X
    ("ZL89100123", "89100123.9"),
    ("201010110545", "201010110545.X"),  # twelve digits without the check digit
])
def test_a_number_without_its_check_digit_is_completed_with_a_warning(raw, canonical):
    with collect_warnings() as found:
        assert ri.parse_application_no(raw) == canonical
    assert found and found[0][0] == "申请号" and canonical in found[0][1] and "校验位" in found[0][1]


@pytest.mark.parametrize("raw,canonical", [
    ("97101765.4", "97101765.4"), ("971017654", "97101765.4"), ("201710601862.3", "201710601862.3"),
    ("2017106018623", "201710601862.3"), ("ZL 201010110545.X", "201010110545.X"), ("ZL 2010 1 0110545.X", "201010110545.X"),
    ("CN 201310699744.2", "201310699744.2"),
])
def test_numbers_with_their_check_digit_keep_working_without_a_warning(raw, canonical):
    with collect_warnings() as found:
        assert ri.parse_application_no(raw) == canonical
    assert found == []


@pytest.mark.parametrize("raw", ["97101765.5", "202210123456.7", "20171060186.3", "8910012", "89400123"])
def test_a_wrong_check_digit_or_form_is_still_an_error(raw):
    with pytest.raises(ValueError):
        ri.parse_application_no(raw)


# ---- Credit codes ------------------------------------------------------------------------------------
def test_a_lowercase_credit_code_is_uppercased_with_a_warning():
    with collect_warnings() as found:
        assert ri.parse_uscc("91350200776049653a") == "91350200776049653A"
        assert ri.parse_uscc("91440101ma5cjq4n59") == "91440101MA5CJQ4N59"
        assert ri.parse_uscc("91110000600037341L") == "91110000600037341L"
    assert [f for f, _ in found] == ["统一社会信用代码", "统一社会信用代码"]
    with pytest.raises(ValueError, match="校验位"):
        ri.parse_uscc("91350203M0001QAY9B")


# ---- Nothing written as something ------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["0", "N/A", "n/a", "-", "—", "无", "", "  ", "暂无", "NULL"])
def test_placeholders_are_no_value(raw):
    assert text(raw) == ""
    assert parse_date(raw) is None
    assert ri.parse_legal_status(raw) is None
    assert ri.parse_patent_type(raw) is None
    assert ri.parse_applicants(raw) == ""
    assert ri.parse_ipc(raw) == ""
    assert ri.parse_application_no(raw) == ""
    assert ri.parse_uscc(raw) == ""


def test_numbers_keep_zero_but_not_placeholders():
    assert parse_int("0") == 0 and parse_decimal("0") == 0
    for raw in ("N/A", "-", "—", "无"):
        assert parse_int(raw) is None and parse_decimal(raw) is None
    assert parse_bool("N/A") is None and parse_bool("无") is False and parse_bool("是") is True
    assert text("0号楼") == "0号楼" and text("-3") == "-3"


# ---- IPC --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,main,codes", [
    ("g06f 21/60(2013.01)i;H04L 9/32(2006.01)I", "G06F 21/60", ["G06F 21/60", "H04L 9/32"]),
    ("H01M10/0525(2010.01)I；H01M4/62(2006.01)I", "H01M 10/0525", ["H01M 10/0525", "H01M 4/62"]),
    ("B23Q 1/00\nB23B 31/00", "B23Q 1/00", ["B23Q 1/00", "B23B 31/00"]),
    ("C08L 23/06,C22C 38/02", "C08L 23/06", ["C08L 23/06", "C22C 38/02"]),
    ("G06F21/60 H04L9/32", "G06F 21/60", ["G06F 21/60", "H04L 9/32"]),
    ("A61K 36/00 (2006.01) A61P 35/00 (2006.01)", "A61K 36/00", ["A61K 36/00", "A61P 35/00"]),
    ("G06N", "G06N", ["G06N"]),
])
def test_ipc_versions_removed_and_classes_split_first_is_main(raw, main, codes):
    assert ri.parse_ipc(raw) == main
    assert ri.split_ipc(raw) == codes


def test_a_title_in_the_ipc_column_is_a_misaligned_row():
    with pytest.raises(ValueError, match="列错位"):
        ri.parse_ipc("一种锂电池正极材料的制备方法")


# ---- Applicants ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,names", [
    ("山东甲科技有限公司\n枣庄学院", ["山东甲科技有限公司", "枣庄学院"]),
    ("山东甲科技有限公司\r\n枣庄学院\n", ["山东甲科技有限公司", "枣庄学院"]),
    ('["山东甲科技有限公司","枣庄学院"]', ["山东甲科技有限公司", "枣庄学院"]),
    ('["山东甲科技有限公司", "枣庄学院、分院"]', ["山东甲科技有限公司", "枣庄学院、分院"]),
    ("山东甲科技有限公司 ; 枣庄学院", ["山东甲科技有限公司", "枣庄学院"]),
    ("山东甲科技有限公司；枣庄学院", ["山东甲科技有限公司", "枣庄学院"]),
    ("山东甲科技有限公司;枣庄学院", ["山东甲科技有限公司", "枣庄学院"]),
    ("山东甲科技有限公司、枣庄学院", ["山东甲科技有限公司", "枣庄学院"]),
    # 、 separates only when nothing stronger does: the second name keeps its 、
    ("山东甲科技有限公司；枣庄学院、乙研究院联合实验室", ["山东甲科技有限公司", "枣庄学院、乙研究院联合实验室"]),
    ("[not json", ["[not json"]),
])
def test_applicants_split_in_every_way_exports_write_them(raw, names):
    assert ri.split_applicants(raw) == names
    assert ri.parse_applicants(raw) == "；".join(names)


# ---- Postcode in front of an address ----------------------------------------------------------------------
def test_a_postcode_in_front_of_an_address_is_split_off():
    values = {"address": "277100 山东省枣庄市薛城区泰山南路1号", "postcode": None}
    ri.split_address(values)
    assert values == {"address": "山东省枣庄市薛城区泰山南路1号", "postcode": "277100"}
    values = {"address": "277100山东省枣庄市", "postcode": "277000"}  # a postcode column wins
    ri.split_address(values)
    assert values == {"address": "山东省枣庄市", "postcode": "277000"}
    values = {"address": "山东省枣庄市薛城区277号", "postcode": None}
    ri.split_address(values)
    assert values["address"] == "山东省枣庄市薛城区277号" and values["postcode"] is None
    assert placement.split_postcode("邮编：277100，山东省枣庄市") == ("277100", "山东省枣庄市")


# ---- Cells in the wrong column (列错位) ----------------------------------------------------------------------
def test_cells_that_belong_to_other_columns_are_named_misaligned():
    with pytest.raises(ValueError, match="列错位"):
        parse_date("一种锂电池正极材料的制备方法")
    with pytest.raises(ValueError, match="日期格式无法识别"):
        parse_date("2022-1")            # a bad date, not a slid row
    assert parse_date("2022年1月5日") == dt.date(2022, 1, 5)
    with pytest.raises(ValueError, match="列错位"):
        ri.parse_person_name("本发明公开了一种锂电池正极材料的制备方法，包括以下步骤：将原料混合，烧结，粉碎。")
    assert ri.parse_person_name("张三") == "张三"
    assert ri.parse_person_name("Johannes Maximilian van der Berg") == "Johannes Maximilian van der Berg"
    with pytest.raises(ValueError, match="列错位"):
        ri.parse_province("枣庄市鲁南锂电科技有限公司")
    with pytest.raises(ValueError, match="列错位"):
        ri.parse_province("2021-05-06")
    for ok in ("山东省", "山东", "山东省枣庄市", "香港", "美国", "JP"):
        assert ri.parse_province(ok) == ok


# ---- Through the pipeline -------------------------------------------------------------------------------
HEADER = ["申请号", "名称", "申请人", "统一社会信用代码", "申请人地址", "行政区划代码", "主分类号", "申请日", "授权公告日",
          "法律状态", "代理机构"]


def test_values_of_a_real_looking_patent_file(tmp_path, make_enterprise, regions):
    holder = make_enterprise("山东鲁南锂电科技有限公司", "370481")
    rows = [
        ["89100123", "一种煤矿支架", "枣庄矿务局", "", "山东省枣庄市薛城区", "", "E21D 15/00", "1989-03-02", "0", "无", "N/A"],
        ["ZL 201010110545.X", "锂电池", "山东鲁南锂电科技有限公司\n枣庄学院", holder.uscc.lower(), "-", "",
         "h01m 10/0525(2010.01)i;H01M 4/62(2006.01)I", "2010-03-01", "2012-05-09", "有效", "-"],
        ["201310699744.2", "电池模组", '["枣庄学院","山东鲁南锂电科技有限公司"]', "", "277100 山东省枣庄市峄城区坛山路1号",
         "", "H01M 10/0525", "2013-12-20", "", "", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, HEADER, rows))
    assert result.rejected == 0, result.errors
    assert result.created == 3
    old = Patent.objects.get(application_no="89100123.9")
    assert (old.grant_date, old.agency, old.legal_status, old.region.code) == (None, "", "pending", "370403")
    new = Patent.objects.get(application_no="201010110545.X")
    assert new.holder_id == holder.pk and new.holder_name == "山东鲁南锂电科技有限公司"
    assert new.applicants == "山东鲁南锂电科技有限公司；枣庄学院"
    assert new.ipc_main == "H01M 10/0525" and new.address == "" and new.region.code == "370481"
    third = Patent.objects.get(application_no="201310699744.2")
    assert third.holder_name == "枣庄学院" and third.applicants == "枣庄学院；山东鲁南锂电科技有限公司"
    assert third.address == "山东省枣庄市峄城区坛山路1号" and third.region.code == "370404"
    warnings = "\n".join(result.warnings)
    assert "第2行 [申请号]" in warnings and "89100123.9" in warnings
    # (a cell with a line break inside: the pipeline numbers a row by the file line where it ends)
    assert "[统一社会信用代码] 统一社会信用代码含小写字母，已转为大写" in warnings
    # the same file again changes nothing
    again = run_import("patents", csv_file(tmp_path, HEADER, rows, "again.csv"))
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0), again.errors


def test_a_holder_nothing_tells_about_is_not_taken_for_foreign(tmp_path, regions):
    rows = [
        # placed by its region code, no address, no 国省代码: a holder of this city, so domestic
        ["201710601862.3", "甲", "枣庄某机械厂", "", "", "370402", "", "2017-08-01", "", "", ""],
        # nothing tells at all and nothing places it: left unplaced, not counted as domestic
        ["202110699820.4", "乙", "某研究所", "", "", "", "", "2021-06-18", "", "", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, HEADER, rows))
    assert result.rejected == 0, result.errors
    placed = Patent.objects.get(application_no="201710601862.3")
    assert placed.region.code == "370402" and placed.is_domestic is True
    unplaced = Patent.objects.get(application_no="202110699820.4")
    assert unplaced.region is None and unplaced.is_domestic is False


def test_misaligned_rows_are_reported_with_their_line_and_fields(tmp_path, regions):
    rows = [
        ["201710601862.3", "甲", "枣庄某机械厂", "", "", "370402", "", "一种锂电池正极材料的制备方法", "", "", ""],
        ["201310699744.2", "乙", "枣庄某机械厂", "", "", "370402", "一种电池模组散热结构及其制备方法", "2013-12-20",
         "", "", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, HEADER, rows), keep_good=True)
    assert result.rejected == 2 and result.created == 0
    got = {(e.line, e.field) for e in result.errors if "列错位" in e.reason}
    assert got == {(2, "申请日"), (3, "主分类号")}

    header = ["统一社会信用代码", "企业名称", "行政区划代码", "法定代表人", "所在省份"]
    uscc = "91370400MA0000001" + __import__("ipdesk.registry.rules", fromlist=["x"]).uscc_check_char("91370400MA0000001")
    rows = [[uscc, "枣庄甲科技有限公司", "370402",
             "本公司成立于2015年，主要从事锂离子电池正极材料的研发、生产和销售，是国家高新技术企业。", "枣庄甲科技有限公司"]]
    result = run_import("enterprises", csv_file(tmp_path, header, rows, "e.csv"), keep_good=True)
    assert result.rejected == 1 and not Enterprise.objects.filter(uscc=uscc).exists()
    assert {(e.line, e.field) for e in result.errors} == {(2, "法定代表人"), (2, "所在省份")}
    assert all("列错位" in e.reason for e in result.errors)


def test_placeholders_in_the_other_registry_parsers():
    assert ri.parse_country("无") == "" and ri.parse_country("N/A") == "" and ri.parse_country("山东(37)") == "37"
    assert ri.parse_family("N/A") is False and ri.parse_family("-") is False and ri.parse_family("US;EP") is True
    assert ri.parse_registration_no("—") == "" and ri.parse_nice_class("N/A") is None
    assert ri.parse_publication_no("无") is None and ri.parse_event_kind("-") is None


def test_a_patent_rows_invalid_holder_code_is_a_warning_not_a_refusal(tmp_path, regions):
    rows = [["201710601862.3", "甲", "枣庄某机械厂", "91350203M0001QAY9B", "山东省枣庄市市中区文化路1号", "", "", "2017-08-01",
             "", "", ""]]
    result = run_import("patents", csv_file(tmp_path, HEADER, rows))
    assert (result.created, result.rejected) == (1, 0), result.errors
    assert any("[统一社会信用代码]" in w and "校验位" in w for w in result.warnings)
    assert Patent.objects.get().region.code == "370402"
