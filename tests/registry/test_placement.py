"""Placement (区划归属), a pure function: the worked examples of issue 15, no database."""
import csv
import json

import pytest

from ipdesk.regions.setup import DATA_DIR
from ipdesk.registry.placement import OUTSIDE, PLACED, UNPLACED, Gazetteer, place, split_postcode
from ipdesk.registry.rules import uscc_check_char


@pytest.fixture(scope="module")
def g():
    with open(DATA_DIR / "regions-cn.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    city = json.loads((DATA_DIR / "cities" / "370400.json").read_text(encoding="utf-8"))
    local = [{"code": z["code"], "name": z["name"], "short_name": z["short_name"], "parent_code": z["parent"],
              "address_keywords": z["address_keywords"], "is_functional_zone": True} for z in city["functional_zones"]]
    local += [{"code": code, "name": "", "address_keywords": words, "parent_code": "370400"}
              for code, words in city["address_keywords"].items()]
    return Gazetteer.build(rows, "370400", local)


def uscc(division):
    body = f"91{division}MA3C0001X"[:17]
    return body + uscc_check_char(body)


@pytest.mark.parametrize("address", [
    "山东省济南市市中区经十路1号",     # 济南's 市中区, not 枣庄's
    "济宁市市中区古槐路",
    "山东省菏泽市中华路1号",          # 市中 inside 菏泽市中华路
    "山东省龙口市中村镇",              # 市中 inside 龙口市中村镇
    "山东省青岛胶州市滕州路8号",       # 滕州 inside a road name of 胶州
    "潍坊高新区玉清东街",              # another city's 高新区
    "北京市东城区",
    "四川省市中区",                    # 内江 or 乐山: both outside
])
def test_other_cities_are_outside(g, address):
    assert place(g, address=address) == (None, OUTSIDE, "address")


@pytest.mark.parametrize("address, region", [
    ("山东省枣庄市市中区光明路", "370402"),
    ("枣庄市中区光明路", "370402"),
    ("中国山东省枣庄市台儿庄区运河路", "370405"),
    ("山东省滕州市龙泉路8号", "370481"),     # a county-level name only this city has, no prefecture named
    ("山亭区店子镇", "370406"),
    ("枣庄高新区互联网小镇", "370400-GX"),    # the zone together with the city's name
    ("山东省枣庄市高新技术产业开发区", "370400-GX"),
    ("滕州市高新区", "370481"),              # 滕州's own zone is not 枣庄高新区
    ("277100 山东省枣庄市光明路", "370400"),   # the city named, its district not: placed in the city
])
def test_this_city_is_placed_by_the_address(g, address, region):
    assert place(g, address=address) == (region, PLACED, "address")


@pytest.mark.parametrize("address", [
    "市中区光明路",      # 济南, 枣庄, 内江, 乐山 each have one: never guessed
    "山东省市中区",      # 济南 or 枣庄
    "枣庄路88号",        # a road named after the city
    "滕州东路1号",
    "枣庄村",
    "高新区创业路",      # every city has a 高新区
    "中山路1号",
    "Tokyo",
    "山东省",
])
def test_nothing_guessed(g, address):
    assert place(g, address=address) == (None, UNPLACED, "")


def test_credit_code_division(g):
    # a district of this city: placed by the code, whatever the address lacks
    assert place(g, uscc=uscc("370481"), address="龙泉路8号") == ("370481", PLACED, "credit_code")
    # another prefecture: outside, even with an address that seems to say otherwise
    assert place(g, uscc=uscc("370102"), address="市中区") == (None, OUTSIDE, "credit_code")
    # this city's own code, the province's, the country's: the other signals decide
    for division in ("370400", "370000", "100000"):
        assert place(g, uscc=uscc(division), address="山东省枣庄市薛城区") == ("370403", PLACED, "address")
        assert place(g, uscc=uscc(division), address="光明路") == (None, UNPLACED, "")


def test_region_code_comes_first_and_area_columns(g):
    assert place(g, region_code="370404", uscc=uscc("370102")) == ("370404", PLACED, "region_code")
    assert place(g, region_code="370102") == (None, OUTSIDE, "region_code")
    assert place(g, area="山东省济南市", address="山东省枣庄市薛城区") == (None, OUTSIDE, "area")
    assert place(g, area="山东省枣庄市", address="山东省枣庄市薛城区") == ("370403", PLACED, "address")
    assert place(g, area="山东省枣庄市", address="光明路") == ("370400", PLACED, "area")
    assert place(g, area="滕州市") == ("370481", PLACED, "area")
    assert place(g, country_code="11", address="山东省枣庄市薛城区") == (None, OUTSIDE, "area")


def test_enterprise_placement_is_inherited_only_from_a_strong_signal(g):
    assert place(g, enterprise=("370404", "credit_code"), address="山东省枣庄市薛城区") == \
        ("370404", PLACED, "enterprise")
    assert place(g, enterprise=("370404", ""), address="") == ("370404", PLACED, "enterprise")  # set by hand
    # placed by a postcode only: not inherited, the record's own address decides
    assert place(g, enterprise=("370400", "postcode"), address="山东省枣庄市薛城区") == \
        ("370403", PLACED, "address")
    assert place(g, enterprise=("370400", "postcode"), address="") == (None, UNPLACED, "")


def test_postcode_is_the_last_signal(g):
    assert place(g, postcode="277500") == ("370400", PLACED, "postcode")
    assert place(g, address="277100 光明路") == ("370400", PLACED, "postcode")
    assert place(g, postcode="250000", address="光明路") == (None, OUTSIDE, "postcode")
    assert place(g, postcode="250000", address="山东省枣庄市薛城区") == ("370403", PLACED, "address")
    assert split_postcode("277100 山东省枣庄市") == ("277100", "山东省枣庄市")


@pytest.mark.parametrize("address, outcome", [
    ("山东省枣庄市山亭区店子镇", ("370406", PLACED, "address")),   # 山亭区 after the city is no mountain
    ("河北省唐山市路北区", (None, OUTSIDE, "address")),             # 路北区 is a district, not a road
    ("辽宁省大连市庄河市", (None, OUTSIDE, "address")),
])
def test_a_district_name_after_the_city_is_not_a_road(g, address, outcome):
    assert place(g, address=address) == outcome
