"""Property-based fuzz (hypothesis) of EVERY registered importer (core.imports.specs(), discovered):
whatever the file holds, an import never crashes (only ImportFileError, with a message, for a file
that cannot be read as a whole), never half-imports (rejected rows + all-or-nothing ⇒ no row and no
audit entry written), counts what it writes, and re-importing an accepted file changes nothing."""
import collections
import csv
import datetime as dt
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook

from ipdesk.core.imports import ImportFileError, run_import, specs
from ipdesk.core.models import AuditEntry

SPECS = sorted(specs())

NASTY = st.sampled_from(["", " ", "=1+1", "@SUM(A1)", "+86", "-", "'=x", "\t", "NULL", "None", "0", "-1", "1e309",
                         "9" * 40, "２０２２年１月５日", "2022-02-30", "0000-00-00", "45000", "45000.5", "√", "×",
                         "<script>alert(1)</script>", "Robert'); DROP TABLE x;--", "../../etc/passwd",
                         "\u202e反转", "𠀀𠀁", "a\x00b", "，；、", "370403", "999999", "CN201710601862.3",
                         "ZL 2017 1060 1862.3", "201710601862.3", "91350200776049653A", "91350203M0001QAY9B"])


def _choices_of(parse):
    """The accepted spellings of a choice_parser column (read from its closure), else []."""
    for cell in getattr(parse, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            return list(value)
    return []


def plausible(field, rng):
    """A value that a real file might hold for this column (often valid, sometimes not)."""
    from ipdesk.registry.rules import _app_check, uscc_check_char
    name = getattr(field.parse, "__name__", "")
    choices = _choices_of(field.parse)
    if choices:
        return rng.choice(choices)
    if "application_no" in field.name or name == "parse_numbers":
        digits = f"2022{rng.choice('1238')}{rng.randrange(10**7):07d}"
        return f"{digits}.{_app_check(digits)}"
    if "uscc" in field.name:
        body = f"91370400MA{rng.randrange(10**7):07d}"
        return body + uscc_check_char(body)
    if "date" in name or field.name.endswith(("_date", "_on")) or field.name in ("date", "deadline", "established"):
        day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000))
        return rng.choice([day.isoformat(), f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d"),
                           f"{day.year}年{day.month}月{day.day}日"])
    if name in ("parse_int", "parse_nice_class"):
        return str(rng.randrange(1, 45))
    if name == "parse_decimal":
        return f"{rng.randrange(1, 10**6)}.{rng.randrange(100):02d}"
    if name in ("parse_bool", "parse_family"):
        return rng.choice(["是", "否", "yes", "0"])
    if "region" in field.name:
        return rng.choice(["370403", "370481", "370400", "370402"])
    if name == "parse_registration_no":
        return str(rng.randrange(10**6, 10**8))
    return f"测试{field.name}{rng.randrange(1000)}"


@st.composite
def import_files(draw, spec):
    rng = random.Random(draw(st.integers(0, 2**32)))
    columns = [f for f in spec.fields if f.required or draw(st.integers(0, 3)) == 0]
    if draw(st.integers(0, 9)) == 0 and columns:   # sometimes a required column is missing
        columns = columns[1:]
    headers = [draw(st.sampled_from(f.aliases)) for f in columns]
    n_rows = draw(st.integers(0, 8))
    rows = []
    for _ in range(n_rows):
        row = []
        for f in columns:
            kind = draw(st.integers(0, 19))
            if kind < 17:
                row.append(plausible(f, rng))
            elif kind < 19:
                row.append(draw(NASTY))
            else:
                row.append(draw(st.text(max_size=30)))
        rows.append(row)
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))                 # the same key twice in one file
    fmt = draw(st.sampled_from(["csv-utf8", "csv-bom", "csv-gb18030", "xlsx"]))
    return headers, rows, fmt, draw(st.booleans())


def write_file(tmp_path, headers, rows, fmt, n):
    path = tmp_path / f"fuzz{n}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.append(headers)
        for row in rows:
            ws.append([_xlsx_safe(v) for v in row])
        wb.save(path)
        return path
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[fmt]
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    return path


def _xlsx_safe(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith("=") else value


def counts(spec):
    return spec.model._base_manager.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("kind", SPECS)
def test_importer_never_crashes_and_never_half_imports(kind, users, make_enterprise, tmp_path, settings_ctx):
    spec = specs()[kind]
    make_enterprise("测试企业有限公司", "370403")
    n = iter(range(10**6))
    outcomes = collections.Counter()

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=import_files(spec))
    def run(data):
        headers, rows, fmt, keep_good = data
        path = write_file(tmp_path, headers, rows, fmt, next(n))
        before_rows, before_audit = counts(spec)
        try:
            result = run_import(spec, path, user=users["city"], keep_good=keep_good)
        except ImportFileError as exc:
            outcomes["file refused"] += 1
            assert str(exc).strip()                                   # a message that says what is wrong
            assert counts(spec) == (before_rows, before_audit)        # and nothing written
            return
        after_rows, after_audit = counts(spec)
        assert result.rows == sum(1 for row in rows if "".join(row).strip())   # blank rows are skipped
        assert result.created + result.updated + result.unchanged + result.rejected <= result.rows
        # every rejected row has at least one problem on screen (all of its problems: issue 15), up to 200
        assert len({e.line for e in result.errors}) == result.rejected or len(result.errors) == 200
        for problem in result.errors:
            assert problem.line >= 2 and problem.field and problem.reason
        outcomes["rows rejected, nothing written" if result.rejected and not keep_good else
                 "committed, rows written" if result.created or result.updated else "committed, nothing new"] += 1
        if result.rejected and not keep_good:
            assert not result.committed
            assert (after_rows, after_audit) == (before_rows, before_audit), "half-imported"
            return
        assert result.committed
        assert after_rows - before_rows == result.created
        again = run_import(spec, path, user=users["city"], keep_good=keep_good)
        assert (again.created, again.updated) == (0, 0), "re-import changed records"
        assert counts(spec)[0] == after_rows

    run()
    print(kind, dict(outcomes))
    # the fuzz is not vacuous: most files got past the header into the rows (rejected or committed)
    assert sum(outcomes.values()) == 25 and outcomes["file refused"] < 20, outcomes
    assert outcomes["rows rejected, nothing written"] + outcomes["committed, rows written"], outcomes


@pytest.mark.parametrize("kind", SPECS)
@pytest.mark.parametrize("payload", [b"", b"\x00\x01\x02\xff" * 100, b"PK\x03\x04broken zip",
                                     "只有一行没有表头".encode(), b"a,b,c\n1,2,3\n"])
def test_unreadable_files_are_refused_whole(kind, payload, users, tmp_path):
    spec = specs()[kind]
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(payload)
        before = counts(spec)
        try:
            result = run_import(spec, path, user=users["city"])
        except ImportFileError as exc:
            assert str(exc).strip()
        else:
            assert result.created == 0 and result.updated == 0
        assert counts(spec) == before


@pytest.fixture
def settings_ctx(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # rejected-row files go to the test's own directory
    return settings
