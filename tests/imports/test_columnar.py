"""The columnar screen (core.imports.columnar, issue 18 item 1) changes nothing but speed: the same file read with
the screen and with the per-row path gives the same records (with their lines and cells), the same errors, warnings
and rejected rows, and the same counts — on every layout sample of tests/imports/samples (CSV, and as .xls and .xlsx),
and on hypothesis-generated files mixing good and bad cells for every importer."""
import csv
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from ipdesk.core.imports import ImportContext, ImportFileError, ImportResult, Table, get_spec, specs
from ipdesk.core.imports import columnar
from ipdesk.core.imports.validation import _run
from ipdesk.registry.models import Patent
from ipdesk.registry.rules import _app_check
from tests.imports.test_layouts import NO_HEADER_COLUMNS, SAMPLES, as_xls, as_xlsx, rows_of
from tests.security.test_import_fuzz import import_files, write_file


class _Rejects:
    """Stands in for the rejected-rows file: keeps what would be written."""

    def __init__(self):
        self.rows = []

    def start(self, headers):
        self.headers = headers

    def write(self, problems, cells):
        self.rows.append(([(p.line, p.field, p.reason) for p in problems], list(cells)))


def read_through(kind, path, columnar_on, columns=None):
    """Everything validation hands on for a file: the batches given to the writer and the result, read with the
    columnar screen on or off."""
    from django.conf import settings
    settings.IMPORT_COLUMNAR = columnar_on
    spec = get_spec(kind)
    ctx = ImportContext(columns=columns)
    spec.begin(ctx)
    result = ImportResult(kind=kind, filename=str(path))
    rejects = _Rejects()
    batches = []
    try:
        _run(spec, Table(path), ctx, result, rejects, None, lambda batch: batches.append(
            [(record, line, list(cells)) for record, line, cells in batch]))
    except ImportFileError as exc:
        return ("file error", str(exc), exc.code)
    return {"batches": batches, "rows": result.rows, "rejected": result.rejected, "outside": result.outside,
            "errors": [(e.line, e.field, e.reason) for e in result.errors], "warnings": result.warnings,
            "layout": result.layout, "rejects": rejects.rows}


def assert_same(kind, path, columns=None):
    by_row = read_through(kind, path, False, columns)
    by_column = read_through(kind, path, True, columns)
    assert by_column == by_row
    return by_row


PATENT_SAMPLES = ["cnipa_pss.csv", "cnipr.csv", "cnipa_crawler.csv", "incopat.csv", "patsnap_cn.csv",
                  "patsnap_en.csv", "innojoy.csv"]


@pytest.mark.parametrize("name", PATENT_SAMPLES)
def test_patent_samples_read_the_same(name, regions):
    found = assert_same("patents", SAMPLES / name)
    assert sum(map(len, found["batches"])) >= 2   # the sample's rows really went through


@pytest.mark.parametrize("name,dates", [("incopat.csv", (3, 5)), ("cnipa_pss.csv", ())])
def test_patent_samples_as_workbooks_read_the_same(name, dates, tmp_path, regions):
    assert_same("patents", as_xls(rows_of(name), tmp_path / "s.xls", dates=dates))
    assert_same("patents", as_xlsx(rows_of(name), tmp_path / "s.xlsx", title="检索结果"))


def test_headerless_file_with_a_column_mapping_reads_the_same(regions):
    found = assert_same("patents", SAMPLES / "no_header.csv", columns=NO_HEADER_COLUMNS.split(","))
    assert sum(map(len, found["batches"])) == 2


def test_enterprise_registry_and_legal_status_read_the_same(regions):
    found = assert_same("enterprises", SAMPLES / "enterprise_registry.csv")
    assert found["outside"] and found["batches"]
    patents = read_through("patents", SAMPLES / "cnipa_crawler.csv", False)["batches"]
    Patent.objects.bulk_create(Patent(**record) for batch in patents for record, _line, _cells in batch)
    assert assert_same("events", SAMPLES / "cnipa_legal_status.csv")["batches"]


# ---- Generated files: good cells and every kind of doubtful one -----------------------------------------------
def _number(rng):
    body = f"{rng.choice(['2010', '2022', '1999'])}{rng.choice('12389')}{rng.randrange(10**7):07d}"
    return f"{body}.{_app_check(body)}"


def _good(header, rng):
    old = f"{rng.choice(['89', '93'])}{rng.choice('123')}{rng.randrange(10**5):05d}"
    return {
        "申请号": lambda: rng.choice([_number(rng), f"{old}.{_app_check(old)}"]),
        "申请日": lambda: rng.choice(["2021-03-04", "20210304", "2021/3/4", "2021/12/31"]),
        "公开日": lambda: rng.choice(["2022-03-04", "", "0", "N/A"]),
        "授权公告日": lambda: rng.choice(["2023-01-02", ""]),
        "专利名称": lambda: rng.choice(["一种隔膜", "一种数控机床夹具", "Valve"]),
        "申请人": lambda: rng.choice(["枣庄鲁南新材料有限公司", "滕州华威机械有限公司", "济南某某有限公司", ""]),
        "申请人地址": lambda: rng.choice(["山东省枣庄市薛城区泰山路1号", "山东省济南市市中区经十路1号", "", "枣庄市"]),
        "专利类型": lambda: rng.choice(["发明", "实用新型", "外观设计", "U", ""]),
        "法律状态": lambda: rng.choice(["有效", "审中", "失效", "有权-审定授权", ""]),
        "摘要": lambda: rng.choice(["本发明公开了一种装置。", ""]),
        "主分类号": lambda: rng.choice(["H01M 10/0525", "G06F21/60(2013.01)I", ""]),
    }[header]()


DOUBTFUL = st.sampled_from([
    " 201710601862.3", "201710601862.4", "20171060186.23", "ZL201710601862.3", "2017106018623", "８９１０００１２",
    "0000-01-01", "2021-02-29", "2021-2-3", "2021/02/30", "20210230", "2021年3月4日", "44927", "2021-03-04 00:00",
    "'=一种", "一种\u3000隔膜 ", "ｖａｌｖｅ", "甲公司；乙公司", "[\"甲公司\",\"乙公司\"]", "甲、乙", "甲\n乙", "N/A", "无",
    "PCT/CN2025/137406", "\x1c隔膜", "隔膜\x85"])


@st.composite
def patent_files(draw):
    headers = ["申请号", "专利类型", "专利名称", "申请人", "申请人地址", "主分类号", "申请日", "公开日", "授权公告日",
               "法律状态", "摘要"]
    rng = random.Random(draw(st.integers(0, 2**32)))
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        rows.append([draw(DOUBTFUL) if draw(st.integers(0, 5)) == 0 else _good(h, rng) for h in headers])
    return headers, rows, draw(st.sampled_from(["csv-utf8", "xlsx"]))


def test_generated_patent_files_read_the_same(regions, tmp_path, settings):
    counter = iter(range(10**6))

    @hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=patent_files())
    def check(data):
        headers, rows, fmt = data
        assert_same("patents", write_file(tmp_path, headers, rows, fmt, next(counter)))

    check()


@pytest.mark.parametrize("kind", sorted(specs()))
def test_generated_files_of_every_importer_read_the_same(kind, regions, tmp_path, settings):
    spec = get_spec(kind)
    counter = iter(range(10**6))

    @hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=import_files(spec))
    def check(data):
        headers, rows, fmt, _keep_good = data
        assert_same(kind, write_file(tmp_path, headers, rows, fmt, next(counter)))

    check()


def test_a_batch_boundary_changes_nothing(regions, tmp_path, monkeypatch):
    """Rows screened in several batches (and a key repeated across them) read as in one."""
    monkeypatch.setattr(columnar, "BATCH_ROWS", 3)
    rng = random.Random(5)
    headers = ["申请号", "专利名称", "申请人", "申请日"]
    rows = [[_number(rng), "一种隔膜", "枣庄鲁南新材料有限公司", "2021-03-04"] for _ in range(7)]
    rows.insert(4, list(rows[1]))
    rows.insert(2, ["201710601862.4", "一种隔膜", "甲公司", "2021-02-30"])
    buf = io.StringIO()
    csv.writer(buf).writerows([headers, *rows])
    path = tmp_path / "b.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    found = assert_same("patents", path)
    assert found["rejected"] == 1 and sum(map(len, found["batches"])) == 8
