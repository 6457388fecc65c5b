"""Abnormal applications are placed by registry.placement, the one placement (issue 15 item 1): the old keyword
matcher put 济南市市中区 and 菏泽市中华路 into 枣庄's 市中区 (keyword 市中)."""
import json

import pytest
from django.core.exceptions import ValidationError

from ipdesk.compliance import actions
from ipdesk.compliance.models import AbnormalApplication
from ipdesk.core.imports import run_import
from ipdesk.regions.setup import DATA_DIR
from ipdesk.registry import placement

from tests.factories import application_no as app_no

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address,region,outcome", [
    ("山东省济南市市中区经十路1号", None, placement.OUTSIDE),
    ("济宁市市中区太白楼路2号", None, placement.OUTSIDE),
    ("山东省枣庄市市中区文化路1号", "370402", placement.PLACED),
    ("枣庄市市中区光明路3号", "370402", placement.PLACED),
    ("山东省菏泽市中华路88号", None, placement.OUTSIDE),     # 市中 inside 菏泽市中华路 is no district
    ("龙口市中村镇", None, placement.OUTSIDE),
    ("市中区文化路1号", None, placement.UNPLACED),           # several cities have a 市中区: nothing tells
    ("青岛胶州市滕州路5号", None, placement.OUTSIDE),
    ("山东省滕州市北辛街道1号", "370481", placement.PLACED),
])
def test_addresses_are_placed_by_the_one_placement(regions, address, region, outcome):
    region_id, found, basis = actions.place_application(address)
    assert found == outcome
    assert (regions[region].pk if region else None) == region_id
    assert basis == ("address" if region else "")


def test_an_application_of_another_city_is_refused_not_put_in_shizhong(data):
    before = AbnormalApplication.objects.count()
    with pytest.raises(ValidationError, match="本市以外"):
        actions.register_application(data["batch"], None, application_no=app_no(41), applicant="济南某科技有限公司",
                                     address="山东省济南市市中区经十路1号", behaviour="other")
    app = actions.register_application(data["batch"], None, application_no=app_no(42), applicant="枣庄某机械厂",
                                       address="山东省枣庄市市中区文化路1号", behaviour="other")
    assert (app.region.code, app.region_basis) == ("370402", "address")
    assert AbnormalApplication.objects.count() == before + 1


def test_an_enterprise_placed_by_a_weak_signal_is_not_inherited(data, make_enterprise):
    weak = make_enterprise("枣庄弱信号科技有限公司", "370400", region_signal="postcode")
    app = actions.register_application(data["batch"], None, application_no=app_no(43), applicant=weak.name,
                                       address="山东省枣庄市山亭区府前路1号", behaviour="other")
    assert (app.enterprise, app.region.code, app.region_basis) == (weak, "370406", "address")
    strong = data["enterprise"]  # 薛城区, placed by hand: trusted
    app = actions.register_application(data["batch"], None, application_no=app_no(44), applicant=strong.name,
                                       address="山东省枣庄市山亭区府前路1号", behaviour="other")
    assert (app.region.code, app.region_basis) == ("370403", "enterprise")


def test_the_import_counts_other_cities_as_outside(tmp_path, data, users):
    path = tmp_path / "2023年第三批.csv"
    path.write_text(
        "申请号,发明名称,申请(专利权)人,申请人地址,专利代理机构,行为类型,发文日,答复期限,批次\n"
        f"{app_no(51)},一种夹具,济南某科技有限公司,山东省济南市市中区经十路1号,,重复申请,,,\n"
        f"{app_no(52)},一种支架,枣庄某机械厂,山东省枣庄市市中区文化路1号,,重复申请,,,\n"
        f"{app_no(53)},一种灯,菏泽某灯具厂,山东省菏泽市中华路88号,,重复申请,,,\n",
        encoding="utf-8-sig")
    result = run_import("abnormal_applications", path, user=users["city"])
    assert (result.created, result.rejected, result.outside) == (1, 0, 2), result.errors
    app = AbnormalApplication.objects.get(application_no=app_no(52))
    assert (app.region.code, app.region_basis) == ("370402", "address")


def test_the_city_data_has_no_ambiguous_short_keyword():
    city = json.loads((DATA_DIR / "cities" / "370400.json").read_text(encoding="utf-8"))
    words = {w for ws in city["address_keywords"].values() for w in ws.split(",")}
    assert "市中" not in words and "市中区" in words
