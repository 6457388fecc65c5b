"""A file that lacks a column says nothing about it (ImportSpec.kept_when_absent), for the specs other than patents
and enterprises: re-importing a list without an optional column keeps what an officer entered (a pledge's note and
debt dates, a policy's note and covered patents, an abnormal application's dates and agency, a PCT application's
publication and national-phase numbers, a trademark's status and dates, a GI product's description …); a file WITH
the column still changes it. Both write paths (PostgreSQL's merge, the Python path elsewhere) and the finance
specs' own `write`."""
import datetime as dt
from decimal import Decimal

import pytest

from ipdesk.core.imports import run_import
from tests.factories import PatentFactory
from tests.factories.compliance import AgencyFactory
from tests.factories.files import csv_file

D = dt.date
pytestmark = pytest.mark.django_db


def _import(tmp_path, spec, header, rows, name):
    result = run_import(spec, csv_file(tmp_path, header, rows, name=name))
    assert result.committed and not result.errors, [e.reason for e in result.errors]
    return result


def test_a_pledge_list_without_dates_or_note_keeps_them(tmp_path, make_enterprise):
    from ipdesk.finance.models import Pledge
    pledgor = make_enterprise("枣庄质押科技有限公司", "370403")
    patents = [PatentFactory(holder=pledgor, granted=True) for _ in range(2)]
    numbers = "；".join(p.application_no for p in patents)
    key = ["登记号", "出质人", "质权人", "质押金额（万元）", "登记日", "专利申请号"]
    row = ["Y2022000009", pledgor.name, "BOC", "500", "2022-03-01", numbers]
    _import(tmp_path, "pledges", key + ["债务起始日", "债务到期日", "备注"],
            [row + ["2022-03-01", "2023-02-28", "首次登记"]], "a.csv")
    Pledge.objects.update(note="已核实：展期至2023年6月", end_date=D(2023, 6, 30))   # the officer's edit
    result = _import(tmp_path, "pledges", key, [row], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    pledge = Pledge.objects.get()
    assert (pledge.start_date, pledge.end_date, pledge.note) == (D(2022, 3, 1), D(2023, 6, 30), "已核实：展期至2023年6月")
    result = _import(tmp_path, "pledges", key + ["备注"], [row + ["新备注"]], "c.csv")
    assert result.updated == 1
    pledge.refresh_from_db()
    assert (pledge.note, pledge.end_date) == ("新备注", D(2023, 6, 30))


def test_a_released_pledge_listed_again_as_released_without_its_release_date_is_unchanged(tmp_path, make_enterprise):
    """A bank's list of released pledges often has 状态 and no 解除日: for a pledge released already there is nothing to
    release (the stored date stands); one not released yet still needs the date to be released."""
    from ipdesk.finance.models import Pledge
    pledgor = make_enterprise("枣庄质押科技有限公司", "370403")
    first, second = (PatentFactory(holder=pledgor, granted=True) for _ in range(2))
    key = ["登记号", "出质人", "质权人", "质押金额（万元）", "登记日", "专利申请号", "状态"]
    done = ["Y2022000011", pledgor.name, "BOC", "500", "2022-03-01", first.application_no]
    open_ = ["Y2022000012", pledgor.name, "BOC", "300", "2022-04-01", second.application_no]
    _import(tmp_path, "pledges", key + ["解除日"], [done + ["已解除", "2023-03-01"], open_ + ["有效", ""]], "a.csv")
    result = _import(tmp_path, "pledges", key, [done + ["已解除"]], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    pledge = Pledge.objects.get(registration_no="Y2022000011")
    assert (pledge.status, pledge.released_on) == ("released", D(2023, 3, 1))
    result = run_import("pledges", csv_file(tmp_path, key, [open_ + ["已解除"]], name="c.csv"))
    assert not result.committed and result.errors[0].field == "解除日"
    assert "须填写解除日" in result.errors[0].reason
    assert Pledge.objects.get(registration_no="Y2022000012").status == "effective"


def test_a_pledge_list_giving_one_debt_date_is_checked_against_the_stored_other(tmp_path, make_enterprise):
    pledgor = make_enterprise("枣庄质押科技有限公司", "370403")
    patent = PatentFactory(holder=pledgor, granted=True)
    key = ["登记号", "出质人", "质权人", "质押金额（万元）", "登记日", "专利申请号"]
    row = ["Y2022000010", pledgor.name, "BOC", "500", "2022-03-01", patent.application_no]
    _import(tmp_path, "pledges", key + ["债务起始日", "债务到期日"], [row + ["2022-03-01", "2023-02-28"]], "a.csv")
    result = run_import("pledges", csv_file(tmp_path, key + ["债务起始日"], [row + ["2023-05-01"]], name="b.csv"))
    assert not result.committed and result.errors[0].field == "债务起始日"
    assert "沿用已登记的 2023-02-28" in result.errors[0].reason


def test_a_policy_list_without_patents_or_note_keeps_them(tmp_path, make_enterprise):
    from ipdesk.finance.models import InsurancePolicy
    insured = make_enterprise("枣庄保险科技有限公司", "370403")
    patents = [PatentFactory(holder=insured, granted=True) for _ in range(2)]
    key = ["保单号", "保险机构", "投保企业", "险种", "保费（元）", "保险金额（元）", "保险起期", "保险止期"]
    row = ["PB0001", "PICC", insured.name, "专利执行险", "10000", "1000000", "2022-03-01", "2023-02-28"]
    _import(tmp_path, "insurance_policies", key + ["专利申请号", "备注"],
            [row + ["；".join(p.application_no for p in patents), "首年"]], "a.csv")
    InsurancePolicy.objects.update(note="理赔中")   # the officer's edit
    result = _import(tmp_path, "insurance_policies", key, [row], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    policy = InsurancePolicy.objects.get()
    assert policy.note == "理赔中"
    assert set(policy.patents.all()) == set(patents)
    # a changed premium is taken; the note and the patents stay
    result = _import(tmp_path, "insurance_policies", key, [row[:4] + ["12000"] + row[5:]], "c.csv")
    assert result.updated == 1
    policy.refresh_from_db()
    assert (policy.premium_yuan, policy.note) == (Decimal("12000"), "理赔中")
    assert set(policy.patents.all()) == set(patents)
    # a file with the columns still changes them
    result = _import(tmp_path, "insurance_policies", key + ["专利申请号", "备注"],
                     [row[:4] + ["12000"] + row[5:] + [patents[0].application_no, "已结案"]], "d.csv")
    assert result.updated == 1
    policy.refresh_from_db()
    assert policy.note == "已结案" and list(policy.patents.all()) == [patents[0]]


def test_an_abnormal_application_list_without_dates_title_or_agency_keeps_them(tmp_path, regions):
    from ipdesk.compliance.models import AbnormalApplication
    from tests.factories import application_no
    agency = AgencyFactory(name="枣庄众诚知识产权代理有限公司")
    number = application_no(41)
    key = ["申请号", "申请(专利权)人", "申请人地址", "行为类型", "批次"]
    row = [number, "滕州某厂", "山东省滕州市北辛街道", "重复申请", "2023年第二批"]
    _import(tmp_path, "abnormal_applications", key + ["发明名称", "专利代理机构", "发文日", "答复期限"],
            [row + ["一种夹具", agency.name, "2023-03-15", "2023-04-15"]], "a.csv")
    AbnormalApplication.objects.update(deadline=D(2023, 5, 15), title="一种夹具（更正）")   # the officer's edit
    result = _import(tmp_path, "abnormal_applications", key, [row], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    app = AbnormalApplication.objects.get()
    assert (app.title, app.agency_name, app.agency_id, app.notice_date, app.deadline) == \
        ("一种夹具（更正）", agency.name, agency.pk, D(2023, 3, 15), D(2023, 5, 15))
    assert app.status == "notified"
    result = _import(tmp_path, "abnormal_applications", key + ["答复期限"], [row + ["2023-06-15"]], "c.csv")
    assert result.updated == 1
    app.refresh_from_db()
    assert (app.deadline, app.notice_date, app.agency_id) == (D(2023, 6, 15), D(2023, 3, 15), agency.pk)


def test_an_abnormal_application_list_without_addresses_keeps_the_district_the_address_gave(tmp_path, regions):
    """A list without the 申请人地址 column (the province's list often has none) re-imported over applications placed
    from their address: the address, the district and its basis stay; the batch's default region (here a district
    the officer set, not around the stored one) only stands in for a new row that nothing places."""
    from ipdesk.compliance.models import AbnormalApplication, AbnormalBatch
    from tests.factories import application_no
    number, other = application_no(41), application_no(42)
    key = ["申请号", "申请(专利权)人", "行为类型", "批次"]
    _import(tmp_path, "abnormal_applications", key + ["申请人地址"],
            [[number, "滕州某厂", "重复申请", "2023年第二批", "山东省滕州市北辛街道"]], "a.csv")
    app = AbnormalApplication.objects.get()
    assert (app.region_id, app.region_basis) == (regions["370481"].pk, "address")

    def with_default(code, name):
        """The list again, the two rows without addresses, after the officer set the batch's default to `code`:
        the (created, updated, unchanged) counts, and each row's (region code, basis)."""
        AbnormalBatch.objects.update(default_region=regions[code])
        rows = [[number, "滕州某厂", "重复申请", "2023年第二批"], [other, "某某厂", "重复申请", "2023年第二批"]]
        result = _import(tmp_path, "abnormal_applications", key, rows, name)
        placed = {a.application_no: (a.region.code, a.region_basis)
                  for a in AbnormalApplication.objects.select_related("region")}
        return (result.created, result.updated, result.unchanged), placed[number], placed[other]

    # a new row takes the default; the row its address placed keeps district, basis and address
    assert with_default("370402", "b.csv") == ((1, 0, 1), ("370481", "address"), ("370402", "default"))
    assert AbnormalApplication.objects.get(application_no=number).address == "山东省滕州市北辛街道"
    # the officer corrects the default: the row it placed follows, the row its address placed stays
    assert with_default("370403", "c.csv") == ((0, 1, 1), ("370481", "address"), ("370403", "default"))
    # back to the city's default, a region around the stored default: the row follows it too
    assert with_default("370400", "d.csv") == ((0, 1, 1), ("370481", "address"), ("370400", "default"))


PCT_KEY = ["国际申请号", "国际申请日", "发明名称", "申请人", "行政区划代码"]
PCT_ROW = ["PCT/CN2022/137406", "2022-02-03", "一种电池管理系统", "枣庄甲有限公司", "370481"]


def _pct_with_officer_edit(tmp_path):
    from ipdesk.registry.models import PctApplication
    _import(tmp_path, "pct_applications", PCT_KEY + ["国际公布号", "优先权", "中国国家阶段申请号"],
            [PCT_ROW + ["WO2022/234567", "CN202110699820.4 2021-06-18", ""]], "a.csv")
    PctApplication.objects.update(national_application_no="202280012345.6")   # the officer's entry
    return PctApplication


def test_a_pct_list_without_publication_or_national_numbers_keeps_them(tmp_path, regions):
    model = _pct_with_officer_edit(tmp_path)
    result = _import(tmp_path, "pct_applications", PCT_KEY, [PCT_ROW], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    a = model.objects.get()
    assert (a.publication_no, a.priority_data, a.national_application_no) == \
        ("WO2022/234567", "CN202110699820.4 2021-06-18", "202280012345.6")
    result = _import(tmp_path, "pct_applications", PCT_KEY + ["中国国家阶段申请号"], [PCT_ROW + [""]], "c.csv")
    assert result.updated == 1
    a.refresh_from_db()
    assert (a.national_application_no, a.publication_no) == ("", "WO2022/234567")


def test_a_patent_file_row_of_a_pct_application_keeps_its_publication_and_national_numbers(tmp_path, regions):
    """The patent import hands PCT rows to the PCT spec (pct_record_from_patent_row): a patent file has none of
    those columns for them."""
    model = _pct_with_officer_edit(tmp_path)
    result = _import(tmp_path, "patents", ["申请号", "申请日", "名称", "申请人", "行政区划代码"], [PCT_ROW], "p.csv")
    assert (result.created, result.updated) == (0, 0)
    a = model.objects.get()
    assert (a.publication_no, a.priority_data, a.national_application_no) == \
        ("WO2022/234567", "CN202110699820.4 2021-06-18", "202280012345.6")


def test_a_trademark_list_without_status_or_dates_keeps_them(tmp_path, make_enterprise):
    from ipdesk.registry.models import Trademark
    make_enterprise("山亭火樱桃合作社有限公司", "370406")
    key = ["注册号", "商标名称", "类别", "注册人", "行政区划代码"]
    row = ["12345678", "山亭火樱桃", "第31类", "山亭火樱桃合作社有限公司", "370406"]
    _import(tmp_path, "trademarks", key + ["申请日", "注册日", "专用权期限至", "状态", "地理标志"],
            [row + ["2014-01-02", "2015-03-07", "2025-03-06", "已注册", "是"]], "a.csv")
    Trademark.objects.update(status="expired")   # the officer's edit: not renewed
    result = _import(tmp_path, "trademarks", key, [row, ["22345678", "店子长红枣", "31", "店子合作社", "370406"]], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    new = Trademark.objects.get(registration_no="22345678")   # a new record takes clean()'s default
    assert (new.status, new.expiry_date, new.is_geographic_indication) == ("registered", None, False)
    tm = Trademark.objects.get(registration_no="12345678")
    assert (tm.status, tm.filing_date, tm.registration_date, tm.expiry_date, tm.is_geographic_indication) == \
        ("expired", D(2014, 1, 2), D(2015, 3, 7), D(2025, 3, 6), True)
    result = _import(tmp_path, "trademarks", key + ["状态"], [row + ["已注册"]], "c.csv")
    assert result.updated == 1
    tm.refresh_from_db()
    assert (tm.status, tm.expiry_date) == ("registered", D(2025, 3, 6))


def test_a_gi_product_list_without_description_keeps_what_the_office_entered(tmp_path, regions):
    from ipdesk.registry.models import GIProduct
    key = ["产品名称", "行政区划代码"]
    row = ["店子长红枣", "370406"]
    _import(tmp_path, "gi_products", key + ["保护方式", "批准日期", "申请/管理单位", "说明"],
            [row + ["地理标志产品保护", "2009-12-30", "山亭区店子镇人民政府", "国家质检总局公告2009年第138号"]], "a.csv")
    GIProduct.objects.update(description="2024年核查：在用", holder="山亭区店子镇农业服务中心")   # the officer's edit
    result = _import(tmp_path, "gi_products", key, [row], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    gi = GIProduct.objects.get()
    assert (gi.protection_type, gi.approved_on, gi.holder, gi.description) == \
        ("地理标志产品保护", D(2009, 12, 30), "山亭区店子镇农业服务中心", "2024年核查：在用")
    result = _import(tmp_path, "gi_products", key + ["说明"], [row + ["已更新"]], "c.csv")
    assert result.updated == 1
    gi.refresh_from_db()
    assert (gi.description, gi.holder) == ("已更新", "山亭区店子镇农业服务中心")


def test_an_event_list_without_its_text_keeps_the_stored_text(tmp_path, regions):
    """CNIPA legal-status data writes the event's text (法律状态信息); a list of the same events without that column
    keeps it (ImportSpec.kept_when_absent), and a list with it still changes it."""
    from ipdesk.registry.models import PatentEvent
    patent = PatentFactory(granted=True)
    header = ["申请号", "法律状态公告日", "法律状态"]
    row = [patent.application_no, "2023-03-14", "专利权的终止"]
    _import(tmp_path, "events", header + ["法律状态信息"], [row + ["未缴年费专利权终止等待恢复"]], "a.csv")
    result = _import(tmp_path, "events", header, [row], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert PatentEvent.objects.get().note == "未缴年费专利权终止等待恢复"
    result = _import(tmp_path, "events", header + ["法律状态信息"], [row + ["专利权终止"]], "c.csv")
    assert result.updated == 1 and PatentEvent.objects.get().note == "专利权终止"


@pytest.mark.django_db(transaction=True)
def test_a_trademark_date_given_alone_is_checked_against_the_stored_other(tmp_path, make_enterprise):
    """A list with 专用权期限至 and no 注册日 column keeps the stored 注册日: the expiry is checked against it before it
    is written (ImportSpec.date_pairs), as clean() checks the two when the file gives both; likewise the other way.
    Outside a transaction: PostgreSQL's writer thread rejects the row, SQLite's check pass."""
    from ipdesk.registry.models import Trademark
    make_enterprise("山亭火樱桃合作社有限公司", "370406")
    key = ["注册号", "商标名称", "类别", "注册人", "行政区划代码"]
    row = ["12345678", "山亭火樱桃", "31", "山亭火樱桃合作社有限公司", "370406"]
    _import(tmp_path, "trademarks", key + ["注册日", "专用权期限至"], [row + ["2015-03-07", "2025-03-06"]], "a.csv")
    result = run_import("trademarks", csv_file(tmp_path, key + ["专用权期限至"], [row + ["2014-03-06"]], name="b.csv"))
    assert not result.committed and result.rejected == 1
    assert (result.errors[0].line, result.errors[0].field) == (2, "专用权期限至")
    assert "沿用已登记的 2015-03-07" in result.errors[0].reason
    result = run_import("trademarks", csv_file(tmp_path, key + ["注册日"], [row + ["2026-01-01"]], name="c.csv"))
    assert not result.committed and result.errors[0].field == "注册日"
    assert "沿用已登记的 2025-03-06" in result.errors[0].reason
    assert Trademark.objects.get().expiry_date == D(2025, 3, 6)
    result = _import(tmp_path, "trademarks", key + ["专用权期限至"], [row + ["2035-03-06"]], "d.csv")   # renewed
    assert result.updated == 1 and Trademark.objects.get().registration_date == D(2015, 3, 7)


def test_an_abnormal_application_deadline_given_alone_is_checked_against_the_stored_notice(tmp_path, regions):
    from ipdesk.compliance.models import AbnormalApplication
    key = ["申请号", "申请人", "行为类型", "申请人地址", "批次"]
    row = ["202310000001.5", "某某科技有限公司", "重复申请", "山东省枣庄市薛城区常庄镇1号", "2024年第1批"]
    _import(tmp_path, "abnormal_applications", key + ["通知日期", "答复期限"], [row + ["2024-03-01", "2024-04-01"]],
            "a.csv")
    result = run_import("abnormal_applications", csv_file(tmp_path, key + ["答复期限"], [row + ["2024-02-01"]],
                                                          name="b.csv"), keep_good=True)
    assert result.committed and result.rejected == 1 and result.errors[0].field == "答复期限"
    assert "沿用已登记的 2024-03-01" in result.errors[0].reason
    assert AbnormalApplication.objects.get().deadline == D(2024, 4, 1)


def test_a_jointly_owned_trademark_is_matched_to_its_first_owner(tmp_path, make_enterprise):
    """共有商标: the owners share one cell (；、 or a new line); the first is matched to the registry, as a patent's first
    applicant is, and the cell is stored as the text parser reads it."""
    from ipdesk.registry.models import Trademark
    owner = make_enterprise("山亭火樱桃合作社有限公司", "370406")
    result = _import(tmp_path, "trademarks", ["注册号", "商标名称", "类别", "注册人"],
                     [["12345678", "山亭火樱桃", "31", "山亭火樱桃合作社有限公司；枣庄某某果品有限公司"]], "a.csv")
    assert result.created == 1
    tm = Trademark.objects.get()
    assert (tm.owner_id, tm.region_id, tm.region_signal) == (owner.pk, owner.region_id, "enterprise")
    assert tm.owner_name == "山亭火樱桃合作社有限公司;枣庄某某果品有限公司"   # the cell (NFKC: ；→ ;)
