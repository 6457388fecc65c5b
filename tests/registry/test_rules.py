"""Pure rules: identifiers (SPEC section 4), names, domestic holders, addresses, annual fees."""
import datetime as dt

import pytest

from ipdesk.registry import rules

D = dt.date


@pytest.mark.parametrize("raw,canonical", [
    ("201710601862.3", "201710601862.3"), ("201310699744.2", "201310699744.2"),
    ("202110699820.4", "202110699820.4"), ("201010110545.X", "201010110545.X"),
    ("97101765.4", "97101765.4"), ("95115608.X", "95115608.X"),
    ("CN201710601862.3", "201710601862.3"), ("ZL201710601862.3", "201710601862.3"),
    ("ZL 2017 1 0601862.3", "201710601862.3"), ("2017106018623", "201710601862.3"),
    ("201010110545.x", "201010110545.X"), ("ＣＮ２０１７１０６０１８６２．３", "201710601862.3"),
    ("cn97101765.4", "97101765.4"),
])
def test_valid_application_numbers(raw, canonical):
    assert rules.normalize_application_no(raw) == canonical


@pytest.mark.parametrize("raw,reason", [
    ("202210123456.7", "校验位应为 1"),     # SPEC: its check digit is 1
    ("201710601862.4", "校验位应为 3"),
    ("97101765.5", "校验位应为 4"),
    ("20171060186.3", "格式不正确"),
    ("201740601862.3", "格式不正确"),        # type digit 4 does not exist
    ("", "格式不正确"),
    ("ABC", "格式不正确"),
])
def test_invalid_application_numbers(raw, reason):
    with pytest.raises(rules.InvalidIdentifier, match=reason):
        rules.normalize_application_no(raw)


def test_application_type_from_the_number():
    assert rules.application_type("201710601862.3") == ("invention", False)
    assert rules.application_type("97101765.4") == ("invention", False)
    body = "202180000001"
    assert rules.application_type(f"{body}.{rules._app_check(body)}") == ("invention", True)
    body = "202120000001"
    assert rules.application_type(f"{body}.{rules._app_check(body)}") == ("utility", False)
    body = "202190000001"
    assert rules.application_type(f"{body}.{rules._app_check(body)}") == ("utility", True)
    body = "202130000001"
    assert rules.application_type(f"{body}.{rules._app_check(body)}") == ("design", False)


@pytest.mark.parametrize("raw", ["91110000600037341L", "91350200776049653A", "91440101MA5CJQ4N59",
                                 " 91440101ma5cjq4n59 ", "９１１１００００６０００３７３４１Ｌ"])
def test_valid_credit_codes(raw):
    assert rules.normalize_uscc(raw) == rules.normalize_uscc(raw).upper().strip()
    assert len(rules.normalize_uscc(raw)) == 18


@pytest.mark.parametrize("raw,reason", [
    ("91350203M0001QAY9B", "校验位错误"),    # SPEC's invalid example
    ("91110000600037341", "应为18位"),
    ("91110000600037341LL", "应为18位"),
    ("9111000060003734IL", "非法字符 I"),
    ("91110000600O37341L", "非法字符 O"),
    (None, "为空"),
])
def test_invalid_credit_codes(raw, reason):
    with pytest.raises(rules.InvalidIdentifier, match=reason):
        rules.normalize_uscc(raw)


def test_name_normalisation_folds_width_brackets_spaces_and_company_forms():
    a = rules.normalize_name("枣庄（山东）鲁南科技 有限责任公司")
    assert a == rules.normalize_name("枣庄(山东)鲁南科技有限公司")
    assert rules.normalize_name("ＡＢＣ科技有限公司") == rules.normalize_name("abc科技有限公司")
    assert rules.normalize_name("【枣庄】华威股份有限公司") == rules.normalize_name("(枣庄)华威股份有限公司")
    assert rules.normalize_name("甲公司") != rules.normalize_name("乙公司")


def test_split_names_and_first_holder():
    assert rules.split_names("甲公司;乙公司；丙大学、丁") == ["甲公司", "乙公司", "丙大学", "丁"]
    assert rules.first_name(" 甲公司 ； 乙公司") == "甲公司"
    assert rules.first_name("") == ""


@pytest.mark.parametrize("code,address,uscc,expected", [
    ("37", "", "", True), ("山东(37)", "", "", True), ("11", "", "", True),
    ("71", "台北市", "", False), ("81", "", "", False), ("82", "", "", False),
    ("US", "山东省枣庄市", "", False), ("JP", "", "", False),
    ("", "山东省枣庄市薛城区", "", True), ("", "香港九龙", "", False), ("", "", "91370400MA0000001X", True),
    ("", "", "", False), ("", "Tokyo, Japan", "", False),
])
def test_domestic_rule(code, address, uscc, expected):
    assert rules.is_domestic(rules.normalize_country_code(code), address, uscc) is expected


def test_country_code_forms():
    assert rules.normalize_country_code("山东(37)") == "37"
    assert rules.normalize_country_code("us") == "US"
    assert rules.normalize_country_code("中国台湾") == "71"
    assert rules.normalize_country_code("") == ""
    with pytest.raises(rules.InvalidIdentifier, match="国省代码无法识别"):
        rules.normalize_country_code("火星")


def test_annual_fee_due_on_filing_anniversary_with_six_month_grace():
    # Filed 2015-03-10: the fee for the next patent year is due by 2022-03-10; grace until 2022-09-10.
    assert rules.next_fee_due("invention", D(2015, 3, 10), D(2022, 1, 1)) == (D(2022, 3, 10), D(2022, 9, 10))
    assert rules.next_fee_due("invention", D(2015, 3, 10), D(2022, 3, 11)) == (D(2023, 3, 10), D(2023, 9, 10))
    # Already paid through the 2022 anniversary: the next due date is a year later.
    assert rules.next_fee_due("invention", D(2015, 3, 10), D(2022, 1, 1), paid_until=D(2022, 3, 10))[0] == \
        D(2023, 3, 10)
    # 29 February filing dates fall due on 28 February in common years; grace end keeps the month length.
    assert rules.next_fee_due("utility", D(2016, 2, 29), D(2021, 1, 1)) == (D(2021, 2, 28), D(2021, 8, 28))


def test_no_fee_after_the_term_ends():
    assert rules.patent_term_end("utility", D(2012, 3, 10)) == D(2022, 3, 9)
    assert rules.next_fee_due("utility", D(2012, 3, 10), D(2022, 1, 1)) is None
    assert rules.patent_term_end("design", D(2020, 1, 1)) == D(2029, 12, 31)   # filed before 2021-06-01: 10 years
    assert rules.patent_term_end("design", D(2022, 1, 1)) == D(2036, 12, 31)   # 15 years
    assert rules.next_fee_due("invention", None, D(2022, 1, 1)) is None
