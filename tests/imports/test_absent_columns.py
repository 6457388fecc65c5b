"""A file that lacks a column says nothing about it: re-importing a plain CNIPA export must not empty what an
officer entered or another source supplied (年费缴至, 海外同族, 期限补偿, 摘要 …), nor re-derive the strategic-industry
fields from an IPC the file does not give. Both write paths (PostgreSQL's merge, the Python path elsewhere)."""
import datetime as dt

import pytest

from ipdesk.core.imports import run_import
from ipdesk.registry.models import Patent
from tests.factories.files import csv_file

pytestmark = pytest.mark.django_db
NUMBER = "201710601862.3"
FULL = ["申请号", "名称", "申请人", "申请日", "行政区划代码", "主分类号", "年费缴至", "海外同族", "期限补偿天数", "摘要",
        "代理机构", "主权项"]
CNIPA = ["申请号", "名称", "申请人", "申请日", "行政区划代码"]


def _import(tmp_path, header, row, name):
    result = run_import("patents", csv_file(tmp_path, header, [row], name=name))
    assert not result.errors, [e.reason for e in result.errors]
    return result


def test_a_file_without_a_column_keeps_the_stored_value(regions, tmp_path):
    _import(tmp_path, FULL, [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30",
                             "2024-07-01", "US;EP", "120", "一种隔膜……", "枣庄专利事务所", "1. 一种隔膜，其特征在于……"], "a.csv")
    before = Patent.objects.get()
    assert (before.fee_paid_until, before.overseas_family, before.term_compensation_days) == \
        (dt.date(2024, 7, 1), True, 120)
    assert before.sei_branch == "1.5"   # G06F 40/30 with 分类: 人工智能 in the CNIPA 2021 table
    result = _import(tmp_path, CNIPA, [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402"], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    after = Patent.objects.get()
    for name in ("fee_paid_until", "overseas_family", "term_compensation_days", "abstract", "agency", "claim1",
                 "ipc_main", "sei_branch", "sei_branch_name", "sei_evidence", "version"):
        assert getattr(after, name) == getattr(before, name), name


def test_a_column_that_is_there_but_empty_still_empties(regions, tmp_path):
    """An empty cell in a column the file has is what the file says: the value goes (as before)."""
    _import(tmp_path, FULL, [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30",
                             "2024-07-01", "是", "120", "", "", ""], "a.csv")
    result = _import(tmp_path, ["申请号", "名称", "申请人", "申请日", "行政区划代码", "年费缴至", "期限补偿天数"],
                     [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402", "", ""], "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert after.fee_paid_until is None and after.term_compensation_days == 0
    assert after.overseas_family is True and after.ipc_main == "G06F 40/30"   # no column: kept


def test_a_new_record_without_the_column_takes_the_empty_value(regions, tmp_path):
    _import(tmp_path, CNIPA, [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402"], "a.csv")
    p = Patent.objects.get()
    assert p.fee_paid_until is None and p.term_compensation_days == 0 and p.overseas_family is False


def test_term_compensation_must_be_a_whole_number_of_days(regions, tmp_path):
    result = run_import("patents", csv_file(tmp_path, FULL, [
        [NUMBER, "一种锂电池隔膜", "枣庄某某有限公司", "2017-07-01", "370402", "", "", "", "-3", "", "", ""]]))
    assert result.rejected == 1 and "天数不能为负数：-3" in result.errors[0].reason
    assert result.errors[0].field == "期限补偿天数"


def test_an_enterprise_registry_file_keeps_what_the_office_entered(regions, tmp_path):
    """A market-regulation registry export (credit code, name, address, legal representative) re-imported over
    enterprises the office keeps: 产业链, 标签, 重点企业库, 成立日期 and the staff figures stay; the name it gives is taken."""
    from ipdesk.registry.models import Enterprise
    uscc = "91370400MA3C4N5K1Y"
    full = ["统一社会信用代码", "企业名称", "行政区划代码", "地址", "标签", "重点企业库", "成立日期", "员工人数", "研发人员",
            "法定代表人"]
    result = run_import("enterprises", csv_file(tmp_path, full, [[uscc, "枣庄某某科技有限公司", "370402", "枣庄市市中区光明路1号",
                                                                  "专精特新", "是", "2015-03-02", "120", "30", "张三"]],
                                                  name="a.csv"))
    assert not result.errors, [e.reason for e in result.errors]
    before = Enterprise.objects.get()
    registry = ["统一社会信用代码", "企业名称", "行政区划代码"]
    result = run_import("enterprises", csv_file(tmp_path, registry, [[uscc, "枣庄某某新材料有限公司", "370402"]],
                                                  name="b.csv"))
    assert (result.updated, result.unchanged) == (1, 0), [e.reason for e in result.errors]
    after = Enterprise.objects.get()
    assert after.name == "枣庄某某新材料有限公司"
    for name in ("tags", "is_key_enterprise", "established", "employees", "rd_staff", "address", "industry_chain_id"):
        assert getattr(after, name) == getattr(before, name), name
    assert after.legal_representative == before.legal_representative   # encrypted personal data: kept too


def test_an_ipc_that_arrives_with_a_later_export_classifies_the_patent(regions, tmp_path):
    """A list without IPC first (a legal-status list), then an export with the IPC but, like every export, without
    the officer's class: the patent gets the strategic-industry class its IPC gives — the fields are derived from
    its stored row (registry.imports.reclassify_stored), not kept as derived from no IPC."""
    _import(tmp_path, CNIPA, [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402"], "a.csv")
    assert Patent.objects.get().sei_branch == ""
    result = _import(tmp_path, CNIPA + ["主分类号"],
                     [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30"], "b.csv")
    assert result.updated == 1
    p = Patent.objects.get()
    assert (p.ipc_main, p.sei_branch, p.sei_branch_name) == ("G06F 40/30", "1.5", "人工智能")
    assert facts_strategic(p) is True
    again = _import(tmp_path, CNIPA + ["主分类号"],
                    [NUMBER, "一种文本分类方法", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30"], "c.csv")
    assert (again.updated, again.unchanged) == (0, 1)


def test_the_stored_class_and_abstract_still_decide_when_the_file_lacks_them(regions, tmp_path):
    """The officer's class (here one naming no branch: a record only) and the stored abstract are part of the stored
    row the fields are derived from: a file with a new title but without abstract does not lose the keyword the
    abstract gave; an officer's class naming a branch wins over the IPC."""
    full = ["申请号", "名称", "申请人", "申请日", "行政区划代码", "主分类号", "摘要"]
    _import(tmp_path, full, [NUMBER, "一种文本处理方法", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30",
                             "本发明用于文本分类。"], "a.csv")
    assert Patent.objects.get().sei_branch == "1.5"   # the keyword is in the abstract only
    result = _import(tmp_path, CNIPA + ["主分类号"],
                     [NUMBER, "一种文本处理装置", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30"], "b.csv")
    assert result.updated == 1
    assert Patent.objects.values_list("title", "sei_branch").get() == ("一种文本处理装置", "1.5")
    Patent.objects.update(strategic_class="1.1")   # the officer's class (a branch of the table)
    result = _import(tmp_path, CNIPA + ["主分类号"],
                     [NUMBER, "一种文本处理系统", "枣庄某某有限公司", "2017-07-01", "370402", "G06F 40/30"], "c.csv")
    assert result.updated == 1
    assert Patent.objects.values_list("strategic_class", "sei_branch").get()[0] == "1.1"
    assert Patent.objects.get().sei_branch.startswith("1.1")


def facts_strategic(patent):
    from ipdesk.stats import facts
    from ipdesk.stats.models import PatentFact
    assert facts.differences(facts.check()) == 0
    return PatentFact.objects.get(patent=patent).strategic
