"""Registry import specs: owner matching, region assignment, enterprises, trademarks, events, round trip."""
import datetime as dt
import io

import pytest

from ipdesk.core.imports import run_import
from ipdesk.registry.models import CultivationMembership, Enterprise, EnterpriseNameHistory, Patent, PatentEvent, \
    Trademark
from tests.factories.files import csv_file


PATENT_HEADER = ["申请号", "名称", "申请人", "统一社会信用代码", "申请人地址", "行政区划代码", "国省代码", "申请日", "授权公告日"]


def test_owner_matched_by_credit_code_then_normalised_name_and_region_order(tmp_path, make_enterprise, regions):
    e1 = make_enterprise("枣庄（鲁南）科技有限责任公司", "370481")
    e2 = make_enterprise("华威机械有限公司", "370404")
    rows = [
        # credit code wins over a name that matches nothing
        ["201710601862.3", "甲", "某改名后公司", e2.uscc, "", "", "", "2017-08-01", ""],
        # name folded (brackets, 有限责任公司) → e1; explicit region code beats the enterprise's region
        ["201310699744.2", "乙", "枣庄(鲁南)科技有限公司；其他大学", "", "", "370402", "", "2013-12-20", ""],
        # name → e1, no code → the enterprise's region
        ["202110699820.4", "丙", "枣庄（鲁南）科技 有限公司", "", "山东省枣庄市薛城区", "", "", "2021-06-18", ""],
        # nothing matches → the address decides
        ["201010110545.X", "丁", "未登记公司", "", "山东省枣庄市台儿庄区运河路", "", "", "2010-01-01", ""],
        # foreign holder with no address in the city: no region, not domestic
        ["97101765.4", "戊", "Foreign Corp", "", "Tokyo", "", "JP", "1997-01-01", ""],
    ]
    result = run_import("patents", csv_file(tmp_path, PATENT_HEADER, rows))
    assert result.created == 5, result.errors
    got = {p.application_no: (p.holder_id, p.region.code if p.region else None, p.is_domestic)
           for p in Patent.objects.select_related("region")}
    assert got == {
        "201710601862.3": (e2.pk, "370404", True),
        "201310699744.2": (e1.pk, "370402", True),
        "202110699820.4": (e1.pk, "370481", True),
        "201010110545.X": (None, "370405", True),
        "97101765.4": (None, None, False),
    }
    assert Patent.objects.get(application_no="201310699744.2").holder_name == "枣庄(鲁南)科技有限公司"


def test_patent_type_must_agree_with_the_number_and_region_code_must_exist(tmp_path, regions):
    header = ["申请号", "专利类型", "名称", "申请人", "行政区划代码", "法律状态", "海外同族"]
    rows = [["201710601862.3", "实用新型", "甲", "A公司", "", "", ""],
            ["201310699744.2", "", "乙", "B公司", "999999", "", ""],
            ["202110699820.4", "发明", "丙", "C公司", "", "作废", ""],
            ["201010110545.X", "发明", "丁", "D公司", "", "有效", "US;EP"]]
    result = run_import("patents", csv_file(tmp_path, header, rows), keep_good=True)
    reasons = {e.line: (e.field, e.reason) for e in result.errors}
    assert reasons[2][0] == "专利类型" and "与申请号不符" in reasons[2][1]
    assert reasons[3] == ("行政区划代码", "行政区划代码不存在：999999")
    assert reasons[4][0] == "法律状态" and "无法识别" in reasons[4][1]
    assert Patent.objects.get().overseas_family is True


def test_enterprise_import_validates_codes_records_former_names_and_cultivation(tmp_path, regions):
    header = ["统一社会信用代码", "企业名称", "行政区划代码", "地址", "产业链", "标签", "重点企业库", "培育库梯次", "培育库年度"]
    rows = [["91110000600037341L", "枣庄鲁南科技有限公司", "370403", "", "EV", "专精特新、高新技术企业", "是", "储备", "2022"],
            ["91350203M0001QAY9B", "坏码公司", "370403", "", "", "", "", "", ""],
            # a provincial credit code (370000) leaves the address to decide (registry.placement)
            ["91370000MA3C4N5K1A", "滕州公司", "", "山东省滕州市龙泉路", "高端装备", "", "否", "", ""],
            # a Guangzhou credit code: another city's enterprise, counted as outside, not an error
            ["91440101MA5CJQ4N59", "外地公司", "", "北京市", "", "", "", "", ""],
            ["91440101MA5CJQ4N59", "标签错公司", "370403", "", "", "不存在的标签", "", "", ""],
            ["91370000MA3C7P2R8K", "无区划公司", "", "光明路1号", "", "", "", "", ""]]
    result = run_import("enterprises", csv_file(tmp_path, header, rows), keep_good=True)
    assert (result.created, result.rejected, result.outside) == (2, 3, 1)
    reasons = {e.line: (e.field, e.reason) for e in result.errors}
    assert reasons[3][0] == "统一社会信用代码" and "校验位错误" in reasons[3][1]
    assert reasons[7][0] == "行政区划代码" and "无法确定所属区划" in reasons[7][1]
    assert reasons[6][0] == "标签"
    e = Enterprise.objects.get(uscc="91110000600037341L")
    assert e.tags == ["hnte", "zjtx"] and e.is_key_enterprise and e.industry_chain.code == "EV"
    assert CultivationMembership.objects.get(enterprise=e).tier == "reserve"
    placed = Enterprise.objects.get(uscc="91370000MA3C4N5K1A")
    assert (placed.region.code, placed.region_signal) == ("370481", "address")
    # A new name for the same credit code: the old one is kept as a former name, and still matches patents.
    rows2 = [["91110000600037341L", "山东鲁南新材料股份有限公司", "370403", "", "EV", "专精特新；高新技术企业", "是", "储备", "2022"]]
    second = run_import("enterprises", csv_file(tmp_path, header, rows2, "again.csv"))
    assert (second.updated, second.rejected) == (1, 0)
    assert EnterpriseNameHistory.objects.get(enterprise=e).name == "枣庄鲁南科技有限公司"
    run_import("patents", csv_file(tmp_path, ["申请号", "名称", "申请人"],
                                   [["201710601862.3", "甲", "枣庄鲁南科技有限公司"]], "p.csv"))
    assert Patent.objects.get().holder_id == e.pk
    assert run_import("enterprises", csv_file(tmp_path, header, rows2, "again.csv")).unchanged == 1


def test_trademark_import(tmp_path, make_enterprise):
    owner = make_enterprise("山亭火樱桃合作社有限公司", "370406")
    header = ["注册号", "商标名称", "类别", "注册人", "注册日", "专用权期限至", "状态", "地理标志"]
    rows = [["12345678", "山亭火樱桃", "第31类", "山亭火樱桃合作社有限公司", "2015-03-07", "2025-03-06", "已注册", "是"],
            ["ABC", "x", "31", "y", "", "", "", ""],
            ["22345678", "x", "46", "y", "", "", "", ""],
            ["32345678", "x", "9", "y", "2015-03-07", "2014-01-01", "", ""]]
    result = run_import("trademarks", csv_file(tmp_path, header, rows), keep_good=True)
    assert result.created == 1 and [e.field for e in result.errors] == ["注册号", "类别", "专用权期限至"]
    tm = Trademark.objects.get()
    assert (tm.owner_id, tm.region.code, tm.nice_class, tm.is_geographic_indication) == (owner.pk, "370406", 31, True)


def test_events_import_applies_transfers_and_lapses_and_is_idempotent(tmp_path, make_enterprise):
    buyer = make_enterprise("滕州受让科技有限公司", "370481")
    run_import("patents", csv_file(tmp_path, ["申请号", "名称", "申请人", "申请人地址", "申请日", "授权公告日"],
                                   [["201710601862.3", "甲", "原权利人有限公司", "山东省枣庄市薛城区", "2017-08-01", "2019-05-03"],
                                    ["201310699744.2", "乙", "原权利人有限公司", "山东省枣庄市薛城区", "2013-12-20", "2015-06-02"]],
                                   "p.csv"))
    header = ["申请号", "事件类型", "日期", "变更前权利人", "变更后权利人", "说明"]
    rows = [["201710601862.3", "转让", "2021-05-01", "原权利人有限公司", "滕州受让科技有限公司", ""],
            ["201310699744.2", "未缴年费专利权终止", "2020-12-20", "", "", ""],
            ["201310699744.2", "权利恢复", "2021-03-01", "", "", ""],
            ["201010110545.X", "失效", "2021-03-01", "", "", ""],
            ["201310699744.2", "转让", "2021-03-01", "", "", ""]]
    path = csv_file(tmp_path, header, rows)
    result = run_import("events", path, keep_good=True)
    assert result.created == 3
    assert [(e.line, e.field) for e in result.errors] == [(5, "申请号"), (6, "变更后权利人")]
    moved = Patent.objects.get(application_no="201710601862.3")
    assert (moved.holder_id, moved.region.code, moved.current_owner) == (buyer.pk, "370481", "滕州受让科技有限公司")
    transfer = PatentEvent.objects.get(kind="transfer")
    assert (transfer.region_before.code, transfer.region_after.code) == ("370403", "370481")
    restored = Patent.objects.get(application_no="201310699744.2")
    assert restored.legal_status == "valid" and restored.lapse_date is None
    again = run_import("events", path, keep_good=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_export_round_trips_through_the_import(tmp_path, clients, users, make_enterprise):
    e = make_enterprise("枣庄鲁南科技有限公司", "370403", tags=["zjtx"], is_key_enterprise=True)
    header = ["申请号", "名称", "申请人", "申请人地址", "申请日", "授权公告日", "法律状态", "海外同族", "摘要"]
    rows = [["201710601862.3", "一种锂电池", "枣庄鲁南科技有限公司；某大学", "山东省枣庄市薛城区", "2017-08-01", "2019-05-03",
             "有效", "是", "=SUM(A1) 摘要"],
            ["201310699744.2", "一种夹具", "薛城未登记公司", "山东省枣庄市薛城区", "2013-12-20", "", "", "", ""]]
    assert run_import("patents", csv_file(tmp_path, header, rows)).created == 2
    for fmt in ("csv", "xlsx"):
        response = clients["city"].get(f"/registry/patents/?export={fmt}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(body)
        result = run_import("patents", path)
        assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 2, 0), result.errors
        response = clients["city"].get(f"/registry/enterprises/?export={fmt}")
        path = tmp_path / f"enterprises.{fmt}"
        path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
        result = run_import("enterprises", path)
        assert result.rejected == 0 and result.unchanged == Enterprise.objects.count(), result.errors


def test_gi_products_import_and_round_trip(tmp_path, clients, regions):
    header = ["产品名称", "行政区划代码", "产地", "保护方式", "批准日期", "申请/管理单位"]
    rows = [["店子长红枣", "", "山东省枣庄市山亭区店子镇", "地理标志产品保护", "2009年12月30日", "山亭区店子镇人民政府"],
            ["伏里土陶", "370404", "", "地理标志证明商标", "2016/5/1", ""],
            ["无处产品", "", "光明路", "", "", ""],
            ["外地产品", "", "北京", "", "", ""]]   # another place: outside, not an error
    result = run_import("gi_products", csv_file(tmp_path, header, rows), keep_good=True)
    assert (result.created, result.rejected, result.outside) == (2, 1, 1) and result.errors[0].field == "行政区划代码"
    from ipdesk.registry.models import GIProduct
    assert GIProduct.objects.get(name="店子长红枣").region.code == "370406"
    body = b"".join(clients["city"].get("/registry/gi-products/?export=csv").streaming_content)
    path = tmp_path / "gi.csv"
    path.write_bytes(body)
    again = run_import("gi_products", path)
    assert (again.unchanged, again.rejected, again.created) == (2, 0, 0)
