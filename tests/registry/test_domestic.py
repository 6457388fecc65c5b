"""Domestic vs foreign holders (issue 16 item 7; SPEC sections 3 and 4).

国内 = a mainland-China applicant: Hong Kong, Macao, Taiwan and foreign holders are not domestic. The evidence is
the country/province code (国省代码), the unified social credit code (issued only on the mainland), or an address
that names a mainland province or prefecture (GB/T 2260 names in regions/data/regions-cn.csv). An address that
only contains 区/市/县/镇 proves nothing: the answer is then "unknown", which is not "foreign".
"""
import pytest

from ipdesk.registry import rules


@pytest.mark.parametrize("address", [
    "日本国东京都千代田区丸之内1-1",   # 区 alone used to make this domestic
    "台北市信义区信义路五段7号",       # 市/区 alone used to make this domestic
    "韩国首尔市江南区",
    "大阪府大阪市北区",
])
def test_an_address_with_only_district_words_is_not_domestic(address):
    assert rules.is_domestic("", address, "") is False


@pytest.mark.parametrize("address,expected", [
    ("日本国东京都千代田区丸之内1-1", None),     # nothing names a mainland place, nor HK/Macao/Taiwan: unknown
    ("大阪府大阪市北区", None),
    ("", None),
    ("台北市信义区信义路五段7号", False),        # a Taiwan city named: not mainland
    ("中国台湾新竹市科学园区", False),
    ("香港九龙尖沙咀北京道1号", False),          # 北京道 is a Hong Kong street, not Beijing
    ("台北市中正区重庆南路一段", False),         # 重庆南路 is a Taipei street, not Chongqing
    ("澳门特别行政区新马路", False),
    ("山东省枣庄市薛城区泰山南路", True),        # province and prefecture named
    ("枣庄市市中区光明路", True),                # prefecture named
    ("山东枣庄高新区", True),                    # province by its short name
    ("滕州市龙泉街道", True),                    # a county-level city (县级市) named
    ("山东省青岛市市南区香港中路10号", True),    # 香港中路 is a Qingdao street: the mainland names decide
    ("内蒙古自治区呼和浩特市", True),
    ("延边朝鲜族自治州延吉市", True),
    ("北海道札幌市中央区", None),                # 北海道 is not 北海市
])
def test_domicile_from_address(address, expected):
    assert rules.domicile("", address, "") is expected


@pytest.mark.parametrize("code,expected", [
    ("37", True), ("11", True), ("65", True), ("CN", True), ("山东", True),
    ("71", False), ("81", False), ("82", False), ("TW", False), ("HK", False), ("MO", False),
    ("US", False), ("JP", False),
    ("99", None), ("38", None),                 # not a province code (GB/T 2260): says nothing
])
def test_domicile_from_the_country_or_province_code(code, expected):
    assert rules.domicile(code, "", "") is expected


def test_the_code_decides_before_the_address():
    assert rules.is_domestic("US", "山东省枣庄市", "") is False
    assert rules.is_domestic("37", "日本国东京都", "") is True


def test_a_credit_code_means_mainland():
    # GB 32100-2015 codes are issued by mainland registration authorities only.
    assert rules.domicile("", "", "91370400MA0000001X") is True
    assert rules.domicile("", "台北市信义区", "91370400MA0000001X") is True


def test_is_domestic_answers_false_when_unknown():
    """The stored flag counts only proven mainland holders; `domicile` keeps unknown apart from foreign."""
    assert rules.is_domestic("", "日本国东京都千代田区", "") is False
    assert rules.domicile("", "日本国东京都千代田区", "") is None
