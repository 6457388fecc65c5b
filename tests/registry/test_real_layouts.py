"""Small samples in the shapes of real exports (issue 15): a provincial enterprise registry, a CNIPA
patent-search export, a crawler of the CNIPA search system, an incoPat / PatSnap-style dump. Written by
hand from the issue's description of the layouts — no downloaded data."""
import csv

from django.core.management import call_command

from ipdesk.core.imports import run_import
from ipdesk.registry.models import Enterprise, Patent
from ipdesk.registry.rules import uscc_check_char

from .test_imports import csv_file as write


def uscc(division, serial):
    body = f"91{division}MA3C{serial:04d}X"[:17]
    return body + uscc_check_char(body)


def test_provincial_enterprise_registry_keeps_this_city_and_counts_the_others_outside(tmp_path, regions):
    header = ["统一社会信用代码", "企业名称", "所在省份", "所在城市", "注册地址", "成立日期"]
    rows = [
        [uscc("370481", 1), "滕州甲机械有限公司", "山东省", "枣庄市", "龙泉街道善国路8号", "2015-03-02"],  # code: 滕州市
        [uscc("370400", 2), "枣庄乙科技有限公司", "山东省", "枣庄市", "枣庄高新区互联网小镇3号", "0"],     # zone, city named
        [uscc("370400", 3), "枣庄丙有限公司", "山东省", "枣庄市", "光明路1号", "N/A"],                    # the city only
        [uscc("370103", 4), "济南丁有限公司", "山东省", "济南市", "济南市市中区经十路1号", "-"],
        [uscc("370000", 5), "戊有限公司", "山东省", "", "济宁市市中区古槐路1号", "无"],
        [uscc("370000", 6), "己有限公司", "山东省", "", "山东省菏泽市中华路1号", ""],
        [uscc("370000", 7), "庚有限公司", "山东省", "", "山东省龙口市中村镇", ""],
        [uscc("370000", 8), "辛有限公司", "山东省", "", "山东省青岛胶州市滕州路8号", ""],
        [uscc("370000", 9), "壬有限公司", "山东省", "潍坊市", "潍坊高新区玉清东街", ""],
    ]
    result = run_import("enterprises", write(tmp_path, header, rows))
    assert (result.created, result.rejected, result.outside) == (3, 0, 6), result.errors
    placed = {e.name: (e.region.code, e.region_signal, e.established)
              for e in Enterprise.objects.select_related("region")}
    assert placed["滕州甲机械有限公司"][:2] == ("370481", "credit_code")
    assert placed["枣庄乙科技有限公司"] == ("370400-GX", "address", None)
    assert placed["枣庄丙有限公司"] == ("370400", "area", None)
    assert result.summary_line() == "imported 3, unchanged 0, rejected 0, outside 6"
    assert "属外地（不导入）6 行" in result.summary_text()


def test_cnipa_search_export_with_slash_headers_kind_codes_and_null_dates(tmp_path, regions):
    # the crawler of the CNIPA search system writes 申请人/专利权人 and 申请公布日/授权公告日
    header = ["申请号", "发明名称", "申请人/专利权人", "申请人地址", "申请日", "申请公布日/授权公告日", "公开(公告)号",
              "专利类型", "失效日", "法律状态"]
    rows = [
        ["CN201710601862.3", "一种锂电池隔膜", "枣庄鲁南科技有限公司", "277000 山东省枣庄市薛城区泰山路1号", "2017.08.01",
         "2018.01.09", "CN107555555A", "发明公开", "0", "发明专利申请公布后的实质审查生效"],
        ["201310699744.2", "一种数控夹具", "滕州华威机械有限公司", "山东省滕州市龙泉路8号", "2013-12-20",
         "2015-06-02", "CN103555555B", "发明公开;发明授权", "N/A", "发明专利权授予"],
        ["201920123456.5", "一种夹持器", "枣庄丙有限公司", "山东省枣庄市市中区光明路", "2019-03-01",
         "2019-11-05", "CN209555555U", "U", "-", "专利申请权、专利权的转移"],
        ["201930123457.5", "包装盒", "济南丁有限公司", "山东省济南市市中区经十路1号", "2019-03-02",
         "2019-10-01", "CN305555555S", "S", "", ""],
        ["202120654321.9", "一种支架", "菏泽某公司", "山东省菏泽市中华路1号", "2021-05-01", "2021-12-01", "", "实用新型", "", ""],
    ]
    result = run_import("patents", write(tmp_path, header, rows))
    assert (result.created, result.rejected, result.outside) == (3, 0, 2), result.errors
    got = {p.application_no: (p.region.code, p.region_signal, p.legal_status, p.grant_date and p.grant_date.isoformat(),
                              p.holder_name) for p in Patent.objects.select_related("region")}
    assert got == {
        "201710601862.3": ("370403", "address", "pending", None, "枣庄鲁南科技有限公司"),
        "201310699744.2": ("370481", "address", "valid", "2015-06-02", "滕州华威机械有限公司"),
        # a utility model's publication is its grant; a transfer event says nothing of the status
        "201920123456.5": ("370402", "address", "valid", "2019-11-05", "枣庄丙有限公司"),
    }
    assert not any("申请人/专利权人" in w for w in result.warnings)


def test_incopat_compound_statuses(tmp_path, regions):
    header = ["申请号", "标题", "申请人", "当前权利人", "申请人地址", "申请日", "授权公告日", "专利类型", "法律状态"]
    rows = [
        ["201120111111.1", "一种阀门", "枣庄阀门有限公司", "枣庄阀门有限公司", "山东省枣庄市峄城区", "2011-01-05",
         "2011-09-01", "实用新型", "无权-未缴年费"],
        ["201710611111.X", "一种药物", "枣庄药业有限公司", "", "山东省枣庄市台儿庄区", "2017-08-01", "", "发明申请",
         "审中-实质审查"],
        ["202030222222.4", "包装瓶", "枣庄包装有限公司", "", "山东省枣庄市山亭区", "2020-05-01", "2020-10-01", "外观设计",
         "有权-审定授权"],
    ]
    result = run_import("patents", write(tmp_path, header, rows))
    assert result.rejected == 0, result.errors
    status = dict(Patent.objects.values_list("application_no", "legal_status"))
    assert status == {"201120111111.1": "lapsed", "201710611111.X": "pending", "202030222222.4": "valid"}


def test_every_problem_of_a_row_is_reported_at_once(tmp_path, regions):
    header = ["申请号", "名称", "申请人", "申请日", "授权公告日", "专利类型"]
    rows = [["202210123456.7", "甲", "甲公司", "2022-13-45", "昨天", "发明"]]
    result = run_import("patents", write(tmp_path, header, rows))
    assert result.rejected == 1
    assert [(e.line, e.field) for e in result.errors] == [(2, "申请号"), (2, "申请日"), (2, "授权公告日")]
    with open(result.rejected_path, encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert len(lines) == 2 and lines[1][1] == "申请号；申请日；授权公告日"


def test_command_line_counts_outside_rows(tmp_path, regions, capsys):
    header = ["申请号", "名称", "申请人", "申请人地址"]
    rows = [["201710601862.3", "甲", "甲公司", "山东省枣庄市薛城区"],
            ["201310699744.2", "乙", "乙公司", "山东省济南市市中区经十路1号"]]
    call_command("import", "patents", str(write(tmp_path, header, rows)))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "imported 1, unchanged 0, rejected 0, outside 1"


def test_the_deciding_signal_is_shown_on_the_record(tmp_path, clients):
    header = ["统一社会信用代码", "企业名称", "地址"]
    run_import("enterprises", write(tmp_path, header, [[uscc("370404", 11), "峄城甲有限公司", "光明路1号"]]))
    enterprise = Enterprise.objects.get(name="峄城甲有限公司")
    assert (enterprise.region.code, enterprise.region_signal) == ("370404", "credit_code")
    page = clients["city"].get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    assert "区划依据" in page and "统一社会信用代码登记地" in page
