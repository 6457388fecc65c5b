"""Pledges and policies through the one import pipeline: checks per row, all-or-nothing, idempotent,
exported files import back unchanged, the district officer's scope."""
import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from ipdesk.core.imports import get_spec, run_import
from ipdesk.finance.models import InsurancePolicy, Pledge
from ipdesk.registry.models import PatentEvent
from tests.factories import InsuranceSubsidyRuleFactory

D = dt.date
pytestmark = pytest.mark.django_db


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_the_specs_are_registered():
    assert get_spec("pledges").model is Pledge and get_spec("insurance_policies").model is InsurancePolicy


def test_pledge_rows_are_checked_and_the_file_is_all_or_nothing(tmp_path, world):
    own, other = world["own_patents"], world["other_patents"]
    path = write_csv(tmp_path / "p.csv", ["质押登记号", "出质人", "质权人", "质押金额", "登记日", "专利申请号", "状态", "解除日"], [
        ["Y1", world["own"].name, "中国银行枣庄分行", "1,200", "2022/3/1", f"{own[0].application_no}；{own[1].application_no}",
         "", ""],
        ["Y2", world["own"].name, "BOC", "300", "20220301", other[0].application_no, "", ""],
        ["Y3", world["own"].name, "无此银行", "300", "2022年3月1日", own[2].application_no, "", ""],
        ["Y4", world["own"].name, "BOC", "0", "2022-03-01", own[2].application_no, "", ""],
        ["Y5", world["own"].name, "BOC", "10", "2022-03-01", own[0].application_no, "", ""],
    ], encoding="gb18030")
    result = run_import("pledges", path)
    assert not result.committed and not Pledge.objects.exists()
    reasons = {(e.line, e.field): e.reason for e in result.errors}
    assert reasons == {
        (3, "专利申请号"): f"专利 {other[0].application_no}：专利权人为“滕州远方机械有限公司”，不是出质人",
        (4, "质权人"): "质权人“无此银行”不在数据字典 bank 中（可填编码或名称，如需新增请先维护数据字典）",
        (5, "质押金额"): "质押金额须大于 0",  # the header as the file spells it
        (6, "专利申请号"): f"专利 {own[0].application_no} 在本文件中已由登记号 Y1 质押",
    }
    result = run_import("pledges", path, keep_good=True)
    assert (result.created, result.rejected) == (1, 4)
    pledge = Pledge.objects.get()
    assert pledge.amount_10k_yuan == Decimal("1200") and pledge.registration_date == D(2022, 3, 1)
    assert PatentEvent.objects.filter(kind="pledge").count() == 2
    again = run_import("pledges", path, keep_good=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert PatentEvent.objects.filter(kind="pledge").count() == 2


def test_release_and_fixed_facts_on_reimport(tmp_path, world, pledges):
    p = pledges["mine"]
    numbers = "；".join(p.patents.values_list("application_no", flat=True))
    header = ["登记号", "出质人", "质权人", "质押金额（万元）", "登记日", "专利申请号", "状态", "解除日"]
    path = write_csv(tmp_path / "r.csv", header, [[p.registration_no, world["own"].name, "BOC", "1300", "2022-03-01",
                                                   numbers, "已解除", "2022-10-01"]])
    result = run_import("pledges", path)
    assert (result.updated, result.committed) == (1, True)
    p.refresh_from_db()
    assert (p.status, p.released_on, p.amount_10k_yuan) == ("released", D(2022, 10, 1), Decimal("1300"))
    assert PatentEvent.objects.filter(kind="pledge_release", date=D(2022, 10, 1)).count() == 2
    path = write_csv(tmp_path / "f.csv", header, [[p.registration_no, world["own"].name, "BOC", "1300", "2022-03-02",
                                                   numbers, "", ""]])
    result = run_import("pledges", path)
    assert "登记后不可修改" in result.errors[0].reason


def test_an_exported_pledge_list_imports_back_unchanged(tmp_path, clients, pledges):
    response = clients["city"].get(reverse("finance:pledge_list"), {"export": "csv"})
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    result = run_import("pledges", path)
    assert (result.rows, result.unchanged, result.rejected, result.created) == (2, 2, 0, 0), result.errors


def test_a_district_officer_imports_only_for_their_district(tmp_path, users, world):
    path = write_csv(tmp_path / "d.csv", ["登记号", "统一社会信用代码", "质权人", "质押金额（万元）", "登记日", "专利申请号"], [
        ["Y7", world["other"].uscc, "BOC", "100", "2022-05-01", world["other_patents"][0].application_no]])
    result = run_import("pledges", path, user=users["district"])
    assert result.rejected == 1 and "超出您的数据权限范围" in result.errors[0].reason
    assert not Pledge.objects.exists()
    with pytest.raises(Exception, match="没有导入"):
        run_import("pledges", path, user=users["leader"])


def test_policy_import_computes_subsidies_and_is_idempotent(tmp_path, world):
    InsuranceSubsidyRuleFactory(insurance_type="enforcement", premium_share=Decimal("0.8"),
                                cap_per_enterprise_yuan=40000)
    numbers = "、".join(p.application_no for p in world["own_patents"])
    header = ["保单号", "保险公司", "投保企业", "险种", "保费", "保险金额", "保险起期", "保险止期", "承保专利"]
    path = write_csv(tmp_path / "i.csv", header, [
        ["P1", "PICC", world["own"].name, "专利执行险", "25000", "500000", "2022-02-01", "2023-01-31", numbers],
        ["P2", "中国平安财产保险", world["own"].name, "enforcement", "30000", "500000", "2022-06-01", "2023-05-31", ""],
    ])
    result = run_import("insurance_policies", path)
    assert result.created == 2, result.errors
    assert [p.subsidy_yuan for p in InsurancePolicy.objects.order_by("start_date")] == [Decimal("20000.00")] * 2
    assert InsurancePolicy.objects.get(policy_no="P1").patents.count() == 3
    again = run_import("insurance_policies", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    bad = write_csv(tmp_path / "b.csv", header, [
        ["P3", "PICC", world["own"].name, "财产险", "1", "1", "2022-02-01", "2023-01-31", ""],
        ["P4", "PICC", world["own"].name, "专利执行险", "1", "1", "2022-02-01", "2022-01-31",
         world["other_patents"][0].application_no]])
    result = run_import("insurance_policies", bad)
    assert [(e.line, e.field) for e in result.errors] == [(2, "险种"), (3, "保险止期")]


def test_the_command_line(tmp_path, world, capsys):
    path = write_csv(tmp_path / "c.csv", ["登记号", "出质人", "质权人", "质押金额（万元）", "登记日", "专利申请号"], [
        ["Y8", world["own"].name, "BOC", "100", "2022-05-01", world["own_patents"][2].application_no]])
    call_command("import", "pledges", str(path))
    assert capsys.readouterr().out.strip().endswith("imported 1, unchanged 0, rejected 0, outside 0")


def test_the_list_pages_link_to_the_shared_import_page(clients):
    page = clients["district"].get(reverse("finance:pledge_list")).content.decode()
    assert reverse("finance:pledge_import") in page
    assert clients["district"].get(reverse("finance:pledge_import"))["Location"] == reverse("core:import",
                                                                                            args=["pledges"])
    assert clients["district"].get(reverse("finance:insurancepolicy_import"))["Location"] == \
        reverse("core:import", args=["insurance_policies"])
    assert clients["district"].get(reverse("core:import", args=["pledges"])).status_code == 200
    leader_page = clients["leader"].get(reverse("finance:pledge_list")).content.decode()
    assert reverse("finance:pledge_import") not in leader_page
