"""A file without the address column says nothing about the address (ImportSpec.placed_from / placement): a plain
CNIPA export re-imported over patents placed from their applicant's address keeps the stored address, and a row its
other cells do not place keeps the stored region, its basis (区划依据) and the 国内 flag — it was emptied, and the
patent dropped out of its district's figures. A row the file's own cells do place (a region code) still moves; a
new row without an address stays unplaced, listed for an officer. Patents, trademarks and PCT applications; both
write paths (PostgreSQL's merge, with the reading and writing threads or in the caller's transaction, and the
Python path elsewhere)."""
import pytest

from ipdesk.core.imports import run_import
from ipdesk.core.scoping import Role
from ipdesk.registry.models import Patent, PctApplication, Trademark
from tests.factories.files import csv_file

NUMBER, OTHER = "201710601862.3", "201820123456.0"
ADDRESS = "山东省枣庄市薛城区常庄镇泰山路1号"
WITH_ADDRESS = ["申请号", "名称", "申请人", "申请日", "申请人地址"]
CNIPA = ["申请号", "名称", "申请人", "申请日"]


def _import(tmp_path, spec, header, rows, name, **kwargs):
    result = run_import(spec, csv_file(tmp_path, header, rows, name=name), **kwargs)
    assert result.committed and not result.errors, [e.reason for e in result.errors]
    return result


def _placed_patent(tmp_path, regions):
    _import(tmp_path, "patents", WITH_ADDRESS, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", ADDRESS]],
            "a.csv")
    p = Patent.objects.get()
    assert (p.region_id, p.region_signal, p.is_domestic, p.address) == \
        (regions["370403"].pk, "address", True, ADDRESS)
    return p


def _assert_kept(before):
    after = Patent.objects.get(application_no=NUMBER)
    assert (after.address, after.region_id, after.region_signal, after.is_domestic, after.version) == \
        (before.address, before.region_id, before.region_signal, before.is_domestic, before.version)


@pytest.mark.django_db
def test_a_cnipa_export_without_addresses_keeps_the_placement_the_address_gave(tmp_path, regions):
    before = _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01"],
                                                 [OTHER, "一种夹具", "某某机械研究所", "2018-03-02"]], "b.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    _assert_kept(before)
    new = Patent.objects.get(application_no=OTHER)   # nothing places it: unplaced, never guessed
    assert (new.region_id, new.region_signal, new.address) == (None, "", "")


@pytest.mark.django_db
def test_a_changed_row_of_such_an_export_changes_only_what_it_says(tmp_path, regions):
    before = _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA, [[NUMBER, "一种锂电池复合隔膜", "某某新材料研究所", "2017-07-01"]],
                     "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert after.title == "一种锂电池复合隔膜"
    assert (after.address, after.region_id, after.region_signal, after.is_domestic) == \
        (ADDRESS, before.region_id, "address", True)
    from ipdesk.core.models import AuditEntry
    entry = AuditEntry.objects.filter(object_id=str(after.pk), action="update").latest("pk")
    assert set(entry.after) == {"title"}   # the audit names the one change, not the kept placement


@pytest.mark.django_db
def test_a_region_code_in_a_file_without_addresses_still_places_the_row(tmp_path, regions):
    _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA + ["行政区划代码"],
                     [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", "370481"]], "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.region_id, after.region_signal, after.address) == (regions["370481"].pk, "region_code", ADDRESS)


@pytest.mark.django_db
def test_a_new_holder_or_a_foreign_country_code_is_not_the_stored_address(tmp_path, regions):
    """The stored address is the stored holder's: a row naming another holder, or a 国省代码 of another country, says
    something of the placement, and the stored one is not kept (the row stays unplaced; a foreign one is not 国内)."""
    _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA + ["国省代码"],
                     [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", "US"]], "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.region_id, after.is_domestic, after.country_code, after.address) == (None, False, "US", ADDRESS)
    Patent.objects.all().delete()
    _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA + ["当前权利人"],
                     [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", "Acme Corporation"]], "c.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.holder_name, after.region_id, after.region_signal) == ("Acme Corporation", None, "")


@pytest.mark.django_db
def test_an_address_column_left_empty_still_says_the_address_is_unknown(tmp_path, regions):
    """The column is there and the cell empty: the file says it, and the row is placed by what it has (nothing)."""
    _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", WITH_ADDRESS, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", ""]],
                     "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.address, after.region_id) == ("", None)


@pytest.mark.django_db
def test_a_district_officer_may_reimport_an_unplaced_row_of_a_patent_of_the_district(tmp_path, regions, make_user):
    """The scope check reads the placement that will stand: the stored one."""
    before = _placed_patent(tmp_path, regions)
    officer = make_user("xuecheng", Role.DISTRICT_OFFICER, regions["370403"])
    result = _import(tmp_path, "patents", CNIPA, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01"]], "b.csv",
                     user=officer)
    assert (result.updated, result.unchanged, result.rejected) == (0, 1, 0)
    _assert_kept(before)
    other = make_user("tengzhou", Role.DISTRICT_OFFICER, regions["370481"])
    result = run_import("patents", csv_file(tmp_path, CNIPA, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01"]],
                                            name="c.csv"), user=other)
    assert result.rejected == 1 and "数据权限" in result.errors[0].reason


@pytest.mark.django_db(transaction=True)
def test_the_threaded_import_of_such_an_export_keeps_the_placement_too(tmp_path, regions, monkeypatch):
    """PostgreSQL outside a transaction: the reading thread formats the batch's COPY text and the writer stages it;
    the stored placement is put into the staging rows before the merge."""
    from ipdesk.core import imports
    monkeypatch.setattr(imports.get_spec("patents"), "batch_size", 2)
    before = _placed_patent(tmp_path, regions)
    rows = [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01"], [OTHER, "一种夹具", "某某机械研究所", "2018-03-02"],
            ["201910000001.9", "一种输送机", "某某机械研究所", "2019-01-02"]]
    result = _import(tmp_path, "patents", CNIPA, rows, "b.csv")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
    _assert_kept(before)
    from ipdesk.stats import facts
    assert facts.differences(facts.check()) == 0


@pytest.mark.django_db
def test_a_trademark_list_without_owner_addresses_keeps_the_placement(tmp_path, regions):
    header = ["注册号", "商标名称", "类别", "注册人"]
    row = ["12345678", "山亭火樱桃", "31", "某某果品合作社"]
    _import(tmp_path, "trademarks", header + ["注册人地址"], [row + ["山东省枣庄市山亭区店子镇1号"]], "a.csv")
    before = Trademark.objects.get()
    assert (before.region_id, before.region_signal) == (regions["370406"].pk, "address")
    result = _import(tmp_path, "trademarks", header, [row], "b.csv")
    assert result.unchanged == 1
    after = Trademark.objects.get()
    assert (after.address, after.region_id, after.region_signal, after.version) == \
        (before.address, before.region_id, "address", before.version)


@pytest.mark.django_db
def test_a_pct_list_without_addresses_keeps_the_placement(tmp_path, regions):
    header = ["国际申请号", "国际申请日", "发明名称", "申请人"]
    row = ["PCT/CN2021/101234", "2021-06-18", "一种锂电池隔膜", "某某新材料研究所"]
    _import(tmp_path, "pct_applications", header + ["地址"], [row + [ADDRESS]], "a.csv")
    before = PctApplication.objects.get()
    assert (before.region_id, before.region_signal, before.is_domestic) == (regions["370403"].pk, "address", True)
    result = _import(tmp_path, "pct_applications", header, [row], "b.csv")
    assert result.unchanged == 1
    after = PctApplication.objects.get()
    assert (after.address, after.region_id, after.region_signal, after.is_domestic) == \
        (ADDRESS, before.region_id, "address", True)
    # the same application in a patent file without addresses (pct_record_from_patent_row): kept as well
    result = _import(tmp_path, "patents", ["申请号", "申请日", "名称", "申请人"], [row], "p.csv")
    after = PctApplication.objects.get()
    assert (after.address, after.region_id, after.is_domestic) == (ADDRESS, before.region_id, True)



@pytest.mark.django_db
@pytest.mark.parametrize("column, cell", [("邮政编码", "277100"), ("地区", "枣庄市")])
def test_a_city_wide_signal_in_a_file_without_addresses_keeps_the_district_the_address_gave(tmp_path, regions, column,
                                                                                            cell):
    """A 邮政编码 of the city (277xxx) or a 地区 column naming the city places the row in the city; the kept address
    names the district inside it. The two agree and the address says more: the district stays (before, the row
    moved to the city and the patent left its district's figures)."""
    before = _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA + [column], [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01", cell]],
                     "b.csv")
    assert result.unchanged == 1
    _assert_kept(before)
    result = _import(tmp_path, "patents", CNIPA + [column], [[OTHER, "一种夹具", "某某机械研究所", "2018-03-02", cell]],
                     "c.csv")
    new = Patent.objects.get(application_no=OTHER)   # a new row: the city is all its cells tell
    assert new.region_id == regions["370400"].pk


@pytest.mark.django_db(transaction=True)
def test_another_district_in_a_file_without_addresses_moves_the_row(tmp_path, regions):
    """A 地区 column naming another district is not around the stored one: the file's cell places the row. Both write
    paths (the threaded merge here, since the test runs outside a transaction)."""
    _placed_patent(tmp_path, regions)
    result = _import(tmp_path, "patents", CNIPA + ["地区"], [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01",
                                                              "枣庄市滕州市"]], "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.region_id, after.address) == (regions["370481"].pk, ADDRESS)
    result = _import(tmp_path, "patents", CNIPA + ["地区"], [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01",
                                                              "枣庄市"]], "c.csv")
    assert result.unchanged == 1   # the city holds 滕州市: the district stays
    assert Patent.objects.get().region_id == regions["370481"].pk
    from ipdesk.stats import facts
    assert facts.differences(facts.check()) == 0


@pytest.mark.django_db
def test_a_district_officer_cannot_move_a_pct_row_out_of_the_district_through_a_patent_file(tmp_path, regions,
                                                                                           make_user):
    """A PCT row in a patent file is checked as the PCT spec writes it: a new first applicant is not the stored
    address's, so the city-wide 地区 places the row in the city, outside a district officer's scope: refused. A patent
    row first in the batch does not hide the holder of the patent rows behind it either."""
    pct_no = "PCT/CN2022/137406"
    _import(tmp_path, "patents", WITH_ADDRESS, [[pct_no, "一种电池管理系统", "某某新材料研究所", "2022-02-03", ADDRESS]],
            "a.csv")
    assert PctApplication.objects.get().region_id == regions["370403"].pk
    _placed_patent(tmp_path, regions)
    officer = make_user("xuecheng", Role.DISTRICT_OFFICER, regions["370403"])
    rows = [[pct_no, "一种电池管理系统", "另一新材料有限公司", "2022-02-03", "枣庄市"],
            [NUMBER, "一种锂电池隔膜", "另一新材料有限公司", "2017-07-01", "枣庄市"]]
    result = run_import("patents", csv_file(tmp_path, CNIPA + ["地区"], rows, name="b.csv"), user=officer,
                        keep_good=True)
    assert result.rejected == 2 and all("数据权限" in e.reason for e in result.errors), result.errors
    assert PctApplication.objects.get().region_id == regions["370403"].pk
    assert Patent.objects.get().region_id == regions["370403"].pk
    result = run_import("patents", csv_file(tmp_path, CNIPA + ["地区"], [[pct_no, "一种电池管理系统", "某某新材料研究所",
                                                                      "2022-02-03", "枣庄市"]], name="c.csv"),
                        user=officer)
    assert result.committed and result.rejected == 0   # the same applicant: the stored district stands


def _enterprise_registered_since(tmp_path, regions, make_enterprise):
    before = _placed_patent(tmp_path, regions)
    assert before.holder_id is None
    enterprise = make_enterprise("某某新材料研究所", "370481", region_signal="postcode")
    result = _import(tmp_path, "patents", CNIPA, [[NUMBER, "一种锂电池隔膜", "某某新材料研究所", "2017-07-01"]], "b.csv")
    assert result.updated == 1
    after = Patent.objects.get()
    assert (after.holder_id, after.region_id, after.region_signal, after.is_domestic, after.address) == \
        (enterprise.pk, regions["370403"].pk, "address", True, ADDRESS)


@pytest.mark.django_db
def test_an_enterprise_registered_since_does_not_unplace_its_holders_patents(tmp_path, regions, make_enterprise):
    """The holder of the stored address is its name. An enterprise of that name registered after the first import,
    placed by a postcode only (a weak signal, not inherited), is matched on the re-import of a CNIPA export: the
    patent gets its holder and keeps the district its address gave (it became unplaced and left the figures)."""
    _enterprise_registered_since(tmp_path, regions, make_enterprise)


@pytest.mark.django_db(transaction=True)
def test_the_threaded_merge_keeps_the_district_of_a_holder_matched_since(tmp_path, regions, make_enterprise):
    """The same through PostgreSQL's reading and writing threads (the staging update before the merge)."""
    _enterprise_registered_since(tmp_path, regions, make_enterprise)
