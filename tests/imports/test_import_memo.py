"""The per-file memos of the patent import (issue 18: placement, the strategic-emerging-industry fields and
enterprise matching run once per distinct input and are reused for every row with the same input).

What must hold: a row gets exactly what it gets when it is imported alone — its record's values, its own errors and
warnings with its own line number, its outside count — and nothing remembered by one import reaches another (a later
import sees enterprises created in between) or another user's data scope (a district officer's file is matched only
against the enterprises that officer may link to, whoever imported the same file before)."""
import pytest
from django.db import transaction

from ipdesk.core.imports import run_import
from ipdesk.registry import placement, sei
from ipdesk.registry.models import Patent
from ipdesk.registry.rules import _app_check, uscc_check_char
from tests.factories.files import csv_file

pytestmark = pytest.mark.django_db

HEADER = ["申请号", "名称", "申请(专利权)人", "统一社会信用代码", "申请人地址", "行政区划代码", "主分类号", "摘要", "申请日",
          "战略性新兴产业分类"]
FIELDS = ("title", "holder_id", "holder_name", "region_id", "region_signal", "is_domestic", "address", "ipc_main",
          "sei_branch", "sei_branch_name", "sei_evidence", "patent_type", "legal_status")


def number(i, check=True):
    body = f"20171{i:07d}"
    return f"{body}.{_app_check(body)}" if check else body


def uscc(division, n):
    body = f"91{division}MA{n:07d}"
    return body + uscc_check_char(body)


def profiles(tengzhou):
    """Rows that share their placement / matching / IPC inputs, each kind with what it should get."""
    lower = tengzhou.uscc.lower()
    return [
        # matched by name; its enterprise places it; the IPC's first rule needs a keyword: the title decides
        lambda n, k: [number(n), ("一种计算机修理方法", "一种锂离子电池")[k % 2], tengzhou.name, "", "", "", "G06F 21/55",
                      "", "2017-08-01", ""],
        # unmatched, placed by its address; an IPC whose rule has no keywords (text-free)
        lambda n, k: [number(n), f"文本处理装置{k}", "薛城未登记有限公司", "", "山东省枣庄市薛城区泰山南路1号", "",
                      "G06F 40/10", f"摘要{k}", "2017-08-01", ""],
        # another city's address: outside, neither written nor an error
        lambda n, k: [number(n), "外地专利", "济南某某有限公司", "", "山东省济南市市中区经十路1号", "", "", "",
                      "2017-08-01", ""],
        # a region code that exists nowhere: an error on every such row, with its own line
        lambda n, k: [number(n), "错码专利", "薛城未登记有限公司", "", "", "379999", "", "", "2017-08-01", ""],
        # a credit code in lower case: a warning per row, matched by the code
        lambda n, k: [number(n), "小写代码专利", "别名公司", lower, "", "", "H01M 10/05", "", "2017-08-01", ""],
        # an IPC cell that is no IPC symbol: a warning per row (a remembered parser's warning given again)
        lambda n, k: [number(n), "分类号异常", "薛城未登记有限公司", "", "山东省枣庄市薛城区泰山南路1号", "", "XYZ",
                      "", "2017-08-01", ""],
        # an application number without its check digit: a warning naming the completed number
        lambda n, k: [number(n, check=False), "缺校验位", "薛城未登记有限公司", "", "山东省枣庄市薛城区泰山南路1号", "",
                      "", "", "2017-08-01", ""],
        # the officer's class decides over the IPC
        lambda n, k: [number(n), "人工分类", "薛城未登记有限公司", "", "山东省枣庄市薛城区泰山南路1号", "", "H01M 10/05",
                      "", "2017-08-01", "1.5 人工智能"],
        # a credit code registered in 滕州市: placed by it, not matched; an invalid one: a warning, not used
        lambda n, k: [number(n), "信用代码定位", "滕州未登记有限公司", (uscc("370481", 7), "12345")[k % 2], "", "", "",
                      "", "2017-08-01", ""],
    ]


def rows_of(tengzhou, repeat=3):
    kinds = profiles(tengzhou)
    return [kind(1 + k * len(kinds) + i, k) for k in range(repeat) for i, kind in enumerate(kinds)]


class _Undo(Exception):
    pass


def imported(tmp_path, rows, name, **options):
    """(result, {application no: stored values}) of importing `rows`, rolled back afterwards."""
    path = csv_file(tmp_path, HEADER, rows, name=name)
    try:
        with transaction.atomic():
            result = run_import("patents", path, keep_good=True, **options)
            stored = {p["application_no"]: p for p in Patent.objects.values("application_no", *FIELDS)}
            raise _Undo
    except _Undo:
        pass
    return result, stored


def row_report(result, line):
    """The errors and row warnings of one line of a result, without the line number."""
    errors = sorted((e.field, e.reason) for e in result.errors if e.line == line)
    prefix = f"第{line}行 "
    warnings = sorted(w[len(prefix):] for w in result.warnings if w.startswith(prefix))
    return errors, warnings


def test_rows_sharing_inputs_get_what_they_get_when_imported_one_by_one(tmp_path, regions, make_enterprise):
    tengzhou = make_enterprise("滕州共享科技有限公司", "370481")
    rows = rows_of(tengzhou)
    together, stored = imported(tmp_path, rows, "all.csv")
    assert together.rows == len(rows)
    singles_outside = singles_rejected = 0
    for index, row in enumerate(rows):
        line = index + 2
        alone, alone_stored = imported(tmp_path, [row], f"row{index}.csv")
        singles_outside += alone.outside
        singles_rejected += alone.rejected
        assert row_report(together, line) == row_report(alone, 2), line
        assert {k: v for k, v in stored.items() if k in alone_stored} == alone_stored, line
    assert (together.outside, together.rejected) == (singles_outside, singles_rejected) == (3, 3)
    assert len(stored) == len(rows) - 6
    # the cases meant to be there are there (the comparison above is not vacuous)
    assert sum(1 for w in together.warnings if "含小写字母" in w) == 3
    assert sum(1 for w in together.warnings if "不是IPC分类号的写法" in w) == 3
    assert sum(1 for w in together.warnings if "缺少校验位" in w) == 3
    assert sum(1 for w in together.warnings if "未用于匹配企业" in w) == 1
    assert sum(1 for e in together.errors if "行政区划代码不存在：379999" in e.reason) == 3
    by_title = {}
    for record in stored.values():
        found = (record["holder_id"], record["region_id"], record["sei_branch"])
        by_title.setdefault(record["title"], set()).add(found)
    assert by_title["一种计算机修理方法"] == {(tengzhou.pk, regions["370481"].pk, "1.1")}
    assert by_title["一种锂离子电池"] == {(tengzhou.pk, regions["370481"].pk, "")}
    assert by_title["小写代码专利"] == {(tengzhou.pk, regions["370481"].pk, "")}
    assert by_title["人工分类"] == {(None, regions["370403"].pk, "1.5")}
    assert by_title["文本处理装置0"] == {(None, regions["370403"].pk, "1.5")}
    assert by_title["信用代码定位"] == {(None, regions["370481"].pk, ""), (None, None, "")}


def test_a_file_is_matched_within_each_importers_scope_whoever_imported_it_before(tmp_path, regions, users,
                                                                                 make_enterprise):
    """The same file by the city officer, a district officer of 薛城区 and the city officer again: the holder, an
    enterprise of 滕州市, is linked (and places the patent) only for the city officer; the district officer's rows
    fall back to their 薛城区 address and stay inside the district's scope."""
    tengzhou = make_enterprise("滕州范围科技有限公司", "370481")
    rows = [[number(i), f"专利{i}", tengzhou.name, "", "山东省枣庄市薛城区泰山南路1号", "", "", "", "2017-08-01", ""]
            for i in range(1, 7)]
    for user, holder, region in ((users["city"], tengzhou.pk, "370481"), (users["district"], None, "370403"),
                                 (users["city"], tengzhou.pk, "370481")):
        result, stored = imported(tmp_path, rows, f"{user.username}.csv", user=user)
        assert (result.rows, result.created, result.rejected) == (6, 6, 0), result.errors
        assert {(p["holder_id"], p["region_id"]) for p in stored.values()} == {(holder, regions[region].pk)}


def test_an_import_sees_enterprises_created_after_the_previous_import(tmp_path, regions, make_enterprise):
    rows = [[number(i), f"专利{i}", "后来登记科技有限公司", "", "山东省枣庄市薛城区泰山南路1号", "", "", "", "2017-08-01",
             ""] for i in range(1, 5)]
    path = csv_file(tmp_path, HEADER, rows)
    first = run_import("patents", path)
    assert first.created == 4
    assert set(Patent.objects.values_list("holder_id", "region_id")) == {(None, regions["370403"].pk)}
    later = make_enterprise("后来登记科技有限公司", "370481")
    second = run_import("patents", path)
    assert second.updated == 4
    assert set(Patent.objects.values_list("holder_id", "region_id")) == {(later.pk, regions["370481"].pk)}


def test_placement_and_classification_run_once_per_distinct_input(tmp_path, regions, monkeypatch):
    """40 rows, two addresses, unique titles and abstracts: `place` runs once per address; the IPC whose rule needs
    no keyword is classified once for the file (not once per title); the one whose rule does, once per title."""
    calls = {"place": 0, "match_for": 0, "without_text": 0}

    def counting(name, function):
        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return counted
    monkeypatch.setattr(placement, "place", counting("place", placement.place))
    monkeypatch.setattr(sei, "match_for", counting("match_for", sei.match_for))
    monkeypatch.setattr(sei, "match_without_text", counting("without_text", sei.match_without_text))
    addresses = ["山东省枣庄市薛城区泰山南路1号", "山东省枣庄市滕州市北辛路2号"]
    rows = [[number(i), f"独有标题{i}", f"申请人{i % 5}", "", addresses[i % 2], "",
             "G06F 40/10" if i < 30 else "G06F 21/55", f"独有摘要{i}", "2017-08-01", ""] for i in range(40)]
    result = run_import("patents", csv_file(tmp_path, HEADER, rows))
    assert result.created == 40
    assert calls == {"place": 2, "without_text": 2, "match_for": 10}
    stored = dict(Patent.objects.values_list("title", "sei_branch"))
    assert {stored[f"独有标题{i}"] for i in range(30)} == {"1.5"}
    assert set(Patent.objects.values_list("region_id", flat=True)) == {regions["370403"].pk, regions["370481"].pk}


def test_the_text_free_answer_is_the_answer_whatever_the_text():
    """sei.match_without_text (the memo's first level) never answers where the title or abstract could change
    match_for's answer: checked on every code the table names, against every keyword term and note of the rules
    that code meets, and an empty text."""
    rules = sei.load_rules()
    table = sei._compiled(rules)
    codes = {p.rstrip("*") for r in rules for p in r.ipc_patterns} | {"A47B 1/00", "H01M 10/05", "G06F 40/10"}
    free = needs = 0
    for code in sorted(codes):
        answer = sei.match_without_text(code, "", rules)
        if answer is sei.NEEDS_TEXT:
            needs += 1
            continue
        free += 1
        parsed = sei._parsed_codes(code)
        texts = {""}
        for c, _ in parsed:
            for pos, _, _ in table.ipc_hits(c):
                terms = table.entries[pos][3]
                if terms is not None:
                    texts.update(terms[0])
                    texts.update(terms[1])
        for text in texts:
            assert sei.match_for(code, text, "", "", rules) == answer, (code, text)
            assert sei.match_for(code, "", text, "", rules) == answer, (code, text)
    assert free > 10 and needs > 100
    officer = sei.match_without_text("G06F 21/55", "1.5 人工智能", rules)
    assert officer == sei.match_for("G06F 21/55", "计算机", "", "1.5 人工智能", rules) and officer.branch_no == "1.5"


def test_outside_and_error_rows_are_reported_on_every_line_that_shares_them(tmp_path, regions):
    """A remembered outcome is raised again for each row: three rows of another city, three with a region code
    that exists nowhere — three outside, three errors on lines 3, 5 and 7."""
    rows = []
    for i in range(6):
        if i % 2 == 0:
            rows.append([number(i + 1), "外地", "济南某某有限公司", "", "山东省济南市市中区经十路1号", "", "", "",
                         "2017-08-01", ""])
        else:
            rows.append([number(i + 1), "错码", "某公司", "", "", "379999", "", "", "2017-08-01", ""])
    result = run_import("patents", csv_file(tmp_path, HEADER, rows), keep_good=True)
    assert (result.outside, result.rejected, result.created) == (3, 3, 0)
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (line, "行政区划代码", "行政区划代码不存在：379999") for line in (3, 5, 7)]
