"""The one import pipeline (数据导入): every registry's CSV / XLSX files come in through here.

An app declares what a file of one record type holds with an `ImportSpec` in `<app>/imports.py`
and registers it; the pipeline does the rest — the same for the UI upload, the API and
`ipdesk import KIND FILE`:

    from ipdesk.core.imports import Field, ImportSpec, RowError, parse_date, register, text

    @register
    class PledgeImport(ImportSpec):
        name = "pledges"                     # the word of `ipdesk import pledges FILE`
        label = "专利质押"
        model = Pledge
        key = ("registration_no",)           # upsert key: model attnames; same key → update or unchanged
        fields = [
            Field("registration_no", ("质押登记号", "registration_no"), required=True),
            Field("amount", ("质押金额(万元)", "质押金额", "amount"), parse_decimal),
            Field("registered_on", ("登记日", "registered_on"), parse_date),
        ]

        def clean(self, values, ctx):        # parsed cells (field name → value) → model values
            return {"registration_no": values["registration_no"], ...}   # raise RowError(field, reason)

Parsers here: text, raw_text, parse_int, parse_decimal, parse_bool, parse_date, choice_parser(mapping).
Other hooks of ImportSpec (all optional): begin(ctx) loads lookups once per file into ctx.cache;
check_scope(record, existing, ctx) refuses rows outside the user's scope (default: `region_field`);
write(records, ctx, outcome) replaces the upsert (call `upsert` for the common part);
after_write(written, ctx) reacts to created/changed records; finish(ctx) runs before the commit.
A row of another city: clean() raises RowOutside — counted as "outside", neither written nor rejected.
Attributes: batch_size, create_only (attnames never overwritten on update), derived (attnames kept while
the attname they explain is unchanged), threaded (PostgreSQL:
parse and write in two threads — only when clean() reads no database). Entry points:
run_import(spec_or_name, path, user=, keep_good=, dry_run=) → ImportResult; specs(); get_spec(name);
the "import" job (core.jobs) and the page /import/<name>/ (core.import_views).

What the pipeline guarantees:
- Reading: CSV in UTF-8 (with or without BOM) or GB18030, detected from the bytes; XLSX (first
  sheet, openpyxl read-only). Both are streamed: memory does not grow with the file. Before a
  workbook is opened its zip is bounded (core.uploads.check_zip: total unzipped size, ratio per
  member, member count, parts read whole), and its cells are counted as read (IMPORT_MAX_CELLS): a
  zip bomb is refused with 「文件解压后过大…」 naming the limit. The header row may sit below a
  few title rows; headers are matched to fields through their aliases after folding width, case,
  spaces and punctuation, so "申请(专利权)人", "申请（专利权）人" and "Applicants" all work; a header
  with "/" that is no alias as a whole matches each of its parts (申请人/专利权人). Excel 97-2003
  (.xls) is read with python-calamine; a file that is no table (SQL, JSON, Word, PDF, HTML saved as
  .xls, a zip of something else) is named as such (ImportFileError.code "not_a_table"). The header set
  names the layout (core.layouts: 识别为：incoPat 导出 …, `ImportResult.layout`). A file whose row 1
  reads as data is refused with 「第1行看起来是数据而不是表头：请提供列映射」 (code "no_header") and read
  with `columns=` (one alias per column, "" to skip). Spec `unused_headers` are known, not kept. A row
  shorter than the header has empty trailing cells; one with more filled cells than the header is
  rejected (列数多于表头), never cut.
- Every cell goes through its field's parser (an empty cell gets what the parser makes of "",
  worked out once per file; a column missing from the file gives None); a parser raises `RowError` (or ValueError) with a
  Chinese reason. Every rejected row is reported with its line, field and reason, on screen
  (`ImportResult.errors`, the first ERROR_SAMPLE of them) and in full as a CSV file of the rejected
  rows with their reasons (`ImportResult.rejected_path`), which can be corrected and imported again.
  Every cell that cannot be parsed is reported at once (one line of the rejected-rows file per row,
  its problems joined with ；).
- Outside: rows that belong to another city (registry.placement) are counted (`ImportResult.outside`,
  the CLI's `outside N`), never written and never errors.
- All-or-nothing: if any row is rejected nothing is written, unless `keep_good=True`;
  `dry_run=True` checks and counts, then rolls everything back. How, by database:
  PostgreSQL (and any call inside a transaction): the file runs in one transaction.
  SQLite outside a transaction, for specs whose writes all go through `upsert`: one write lock
  serves the whole database, so a file-long transaction would lock out sign-ins. A check pass
  reads the whole file writing nothing (a rejected row stops it there), then a write pass writes
  each batch in its own short transaction; if a batch fails, the batches before it are undone
  from the before-images `upsert` journals (created rows deleted, changed fields restored; the
  undo is audited). See `_run_in_short_transactions`. Specs with their own write hooks keep the
  one transaction on SQLite too (their files are small).
- Idempotent upsert on `spec.key`: a row whose values equal the stored ones is "unchanged" and not
  written, so importing the same file twice changes nothing.
- Batches: rows are written `batch_size` at a time (PostgreSQL: new rows by COPY; elsewhere
  bulk_create; changed rows by bulk_update). Two rows with the same key in one file: the later wins.
- Data scope: the user must be allowed to change the model, and each row must fall (and, when it
  already exists, already be) inside the user's scope (a district officer imports for their district).
- Audit: one IMPORT entry for the file (who, file name, SHA-256, counts), one IMPORT entry per batch
  naming the keys created, and an UPDATE entry with before/after for every changed record —
  through core.audit.record_many, so a large file costs a few inserts per batch. In the one
  transaction they are spooled to disk and appended at its end: appending locks the audit chain's
  head until commit, and a file-long lock there would stall every sign-in (which is audited).
- Progress: `progress(done_fraction)` is called every few thousand rows (with a check pass: the
  first half is the check); the UI upload runs as a core.jobs job ("import") whose progress the
  import page polls.
"""
import codecs
import csv
import datetime as dt
import decimal
import hashlib
import io
import itertools
import json
import logging
import os
import queue
import re
import threading
import time
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from . import audit, layouts
from .models import AuditAction
from .scoping import CHANGE, Role, can, region_ids
from .signals import redact

log = logging.getLogger(__name__)
ERROR_SAMPLE = 200          # errors kept in memory for the screen; the file holds them all
HEADER_SEARCH_ROWS = 10     # the header row may follow a few title rows


# ---- Errors ----------------------------------------------------------------------------------
class RowError(Exception):
    """A cell or row that cannot be imported: `field` is the column's header, `reason` says why."""

    def __init__(self, field, reason):
        super().__init__(reason)
        self.field = field
        self.reason = reason


class RowOutside(Exception):
    """A row that belongs to another city (registry.placement): neither written nor an error, counted as
    "outside" (区外). `reason` says which signal told."""

    def __init__(self, reason=""):
        super().__init__(reason)
        self.reason = reason


class ImportFileError(Exception):
    """The file as a whole cannot be read (unknown format, no header row, a required column missing).
    `code` tells the pages which help to offer: "no_header" (row 1 is data: ask for a column mapping),
    "not_a_table" (an SQL dump, a JSON file, a Word document …), "" otherwise."""

    def __init__(self, message, code="", sample=None):
        super().__init__(message)
        self.code = code
        self.sample = sample or []   # "no_header": row 1's cells as text, for the page's per-column mapping


_ROW_WARNINGS = threading.local()   # the row being read collects its warnings here (see `warn`)
ROW_WARNING_SAMPLE = 200            # row warnings listed in the report; the rest are counted


def warn(field, reason):
    """A parser or clean() accepts a value it had to mend (an application number without its check digit, a
    lowercase credit code): the row is imported and the report lists 第N行 [field] reason as a warning.
    Outside an import (or `collect_warnings`) the warning goes nowhere."""
    sink = getattr(_ROW_WARNINGS, "sink", None)
    if sink is not None:
        sink.append((field, reason))


class collect_warnings:
    """`with collect_warnings() as found:` — the (field, reason) pairs `warn` was given inside the block."""

    def __enter__(self):
        self.previous = getattr(_ROW_WARNINGS, "sink", None)
        _ROW_WARNINGS.sink = []
        return _ROW_WARNINGS.sink

    def __exit__(self, *exc):
        _ROW_WARNINGS.sink = self.previous
        return False


@dataclass
class RowProblem:
    line: int
    field: str
    reason: str
    value: str = ""

    def as_text(self):
        return f"第{self.line}行 [{self.field}] {self.reason}"


# ---- Parsers: raw cell → value, or ValueError/RowError with the reason --------------------------
_UNQUOTE = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _unquote(value):
    """Exports prefix formula-like cells with an apostrophe (core.exports); take it off again."""
    return value[1:] if value.startswith(_UNQUOTE) else value


def _cell_text(value):
    if value.__class__ is str:
        if value[:1] == "'":
            value = _unquote(value)
        return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def text(value):
    """Text, trimmed; full-width letters and digits folded (NFKC) so the same name matches. The placeholders real
    exports write for "nothing" (NULL_WORDS: 0, N/A, -, —, 无, /, 暂无 …) are empty, in every field that is text."""
    if value.__class__ is str:  # _cell_text inlined: the default parser of most cells of every file
        if value[:1] == "'":
            value = _unquote(value)
        s = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    else:
        s = _cell_text(value)
    if len(s) <= 10 and s in _NULL_SPELLINGS:
        return ""
    return s


def _null_number(s):
    """A numeric cell holding a placeholder (N/A, -, —, 无): no value. `0` stays the number 0 (0 employees)."""
    return not s[0].isdigit() and s.lower() in NULL_WORDS


def raw_text(value):
    """Text kept as written (abstracts, claims): only trimmed."""
    return "" if value is None else _unquote(str(value).strip())


def parse_int(value):
    s = _cell_text(value).replace(",", "")
    if s == "" or _null_number(s):
        return None
    try:
        number = decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise ValueError(f"应为整数：{s}")
    if number != number.to_integral_value():
        raise ValueError(f"应为整数：{s}")
    return int(number)


def parse_decimal(value):
    s = _cell_text(value).replace(",", "")
    if s == "" or _null_number(s):
        return None
    try:
        return decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise ValueError(f"应为数字：{s}")


_TRUE = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "n", "no", "false", "f", "0", "×", "", "-", "—"}


def parse_bool(value):
    if isinstance(value, bool):
        return value
    s = _cell_text(value).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if s in NULL_WORDS:  # N/A, 暂无 …: not said
        return None
    raise ValueError(f"应为 是/否：{s}")


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,6}(?:\.0+)?$")


_DATE_MEMO = {}  # raw text → date: a file holds a few thousand distinct dates in a million rows


def parse_date(value):
    """2022-01-05, 2022/1/5, 2022.1.5, 20220105, 2022年1月5日, Excel date cells and serial numbers;
    0, N/A, -, 无 (NULL_WORDS) and empty are no date."""
    if value.__class__ is str:
        try:
            return _DATE_MEMO[value]
        except KeyError:
            found = _parse_date(value)
            if len(_DATE_MEMO) < 50000:
                _DATE_MEMO[value] = found
            return found
    return _parse_date(value)


# Written for "no date" by real exports (CNIPA, incoPat, PatSnap): 0, N/A, -, 无 …
NULL_WORDS = frozenset({"0", "00000000", "0000-00-00", "n/a", "na", "null", "none", "nan", "-", "--", "—", "——", "/",
                        "无", "空", "暂无"})
# The same in the spellings exports use (N/A, NULL, None …): one set lookup per cell, not a lower() of each.
_NULL_SPELLINGS = NULL_WORDS | {f(w) for w in NULL_WORDS if w.isascii() for f in (str.upper, str.title, str.capitalize)}


def _parse_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value == 0 else _from_serial(value)
    s = _cell_text(value)
    if s == "" or s.lower() in NULL_WORDS:
        return None
    if len(s) in (8, 10) and s[:4].isdigit():
        try:  # the common forms 2022-01-05 and 20220105, parsed in C
            return dt.date.fromisoformat(s)
        except ValueError:
            pass
    m = _DATE_YMD.match(s) or _DATE_COMPACT.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(f"日期不存在：{s}")
    if _SERIAL.match(s):
        return _from_serial(float(s))
    if len(_CJK.findall(s)) >= 4:  # a title or a name where a date belongs: the row's cells have slid
        raise ValueError(f"列错位：日期列中是文字“{s[:30]}”，本行各列可能错位，请核对后重新导入")
    raise ValueError(f"日期格式无法识别：{s}（可用 2022-01-05、2022/1/5、20220105、2022年1月5日）")


_CJK = re.compile(r"(?![年月日号一二三四五六七八九十〇零])[\u4e00-\u9fff]")  # words, not a date in Chinese numerals


def _from_serial(number):
    # Excel's day numbers count from 1899-12-30 (it keeps Lotus's phantom 1900-02-29).
    if not 1 <= number <= 2958465:
        raise ValueError(f"Excel日期序号超出范围：{number}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def choice_parser(mapping, label="值"):
    """A parser for a fixed list: `mapping` from every accepted spelling (Chinese, English, code) to the value.
    The parser's `vocabulary` lists the Chinese spellings (the import templates' 说明 sheet shows them)."""
    folded = {_fold(k): v for k, v in mapping.items()}
    seen = {}  # raw cell → value: a column holds few distinct spellings

    def parse(value):
        try:
            return seen[value]
        except (KeyError, TypeError):
            pass
        s = _cell_text(value)
        if s == "":
            return None
        try:
            found = folded[_fold(s)]
            if len(seen) < 10000 and isinstance(value, str):
                seen[value] = found
            return found
        except KeyError:
            if s.lower() in NULL_WORDS:  # 无, -, N/A …: nothing said (a mapping may still give "0" a meaning above)
                return None
            accepted = "、".join(dict.fromkeys(k for k in mapping if re.search(r"[\u4e00-\u9fff]", k))) or \
                "、".join(mapping)
            raise ValueError(f"{label}无法识别：{s}（可用：{accepted}）")
    parse.vocabulary = list(dict.fromkeys(k for k in mapping if re.search(r"[\u4e00-\u9fff]", k))) or list(mapping)
    return parse


def _fold(text_value):
    """Header / choice key: width, case, spaces and punctuation folded (申请(专利权)人 = 申请（专利权）人)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text_value or "")).lower())


# ---- Specs -----------------------------------------------------------------------------------
@dataclass
class Field:
    """One column of an import file. `aliases[0]` is the header exports write, so files round-trip."""
    name: str
    aliases: tuple
    parse: Callable[[Any], Any] = text
    required: bool = False
    help: str = ""

    @property
    def header(self):
        return self.aliases[0]


@dataclass
class ImportContext:
    """What a spec's hooks know about the run; `cache` holds lookups loaded once by `begin`."""
    user: Any = None
    filename: str = ""
    dry_run: bool = False
    keep_good: bool = False
    cache: dict = field(default_factory=dict)
    allowed_region_ids: set | None = None   # None: every region (city officer, command line)
    columns: list | None = None             # a file without a header row: the field alias of each column ("" skips)

    def region_allowed(self, region_id):
        return self.allowed_region_ids is None or region_id in self.allowed_region_ids


class ImportSpec:
    """What one kind of import file holds and how its rows become records. Subclass and `register`."""
    name = ""
    label = ""
    model = None
    fields: list = []
    key: tuple = ()
    batch_size = 2000
    region_field = "region_id"   # model attname checked against a district officer's scope; None: not checked
    create_only = ()             # attnames set when a record is created, never compared or overwritten later
    threaded = False             # PostgreSQL: parse and write in two threads (only when clean() reads no database)
    derived = {}                 # attname → the attname it explains: the stored value is kept while that one is
                                 # unchanged (区划依据 follows the region), so re-importing an export changes nothing
    unused_headers = ()          # columns of known layouts that are understood but not stored (发明（设计）人, 优先权):
                                 # named as such in the report, not as "未识别"

    # hooks ---------------------------------------------------------------------------------------
    def begin(self, ctx):
        """Load lookups once per file (regions, enterprises …) into ctx.cache."""

    def clean(self, values, ctx):
        """Parsed cells (field name → value, '' / None when empty) → model values (attnames).
        Raise RowError(field header, reason) when the row cannot be imported."""
        return {f.name: values.get(f.name) for f in self.fields}

    def check_scope(self, record, existing, ctx):
        """Refuse a row that would create or change a record outside the user's data scope."""
        if ctx.allowed_region_ids is None or not self.region_field:
            return
        for row in (record, existing):
            if row is not None and self.region_field in row and not ctx.region_allowed(row[self.region_field]):
                raise RowError("行政区划代码", "超出您的数据权限范围（所属区划不在您的辖区内）")

    def write(self, records, ctx, outcome):
        """Upsert one batch; the default is the generic idempotent upsert on `key`."""
        upsert(self, records, ctx, outcome)

    def after_write(self, written, ctx):
        """Called with the records created or changed in a batch (e.g. to apply legal-status events)."""

    def finish(self, ctx):
        """Called once after the last batch, inside the transaction."""

    # helpers -------------------------------------------------------------------------------------
    def key_of(self, record):
        return tuple(record[k] for k in self.key)

    def key_text(self, record):
        return "/".join(str(record[k]) for k in self.key)

    def export_headers(self):
        return [f.header for f in self.fields]

    def accepted_headers(self):
        """(field header, all aliases, required, help) for the import page and the docs."""
        return [(f.header, list(f.aliases), f.required, f.help) for f in self.fields]

    def may_import(self, user):
        return user is None or can(user, self.model, CHANGE)


_SPECS = {}


def register(spec_class):
    """Class decorator: make a spec available to the UI, the API and `ipdesk import`."""
    _SPECS[spec_class.name] = spec_class()
    return spec_class


def specs():
    autodiscover_modules("imports")
    return dict(_SPECS)


def get_spec(name):
    found = specs().get(name)
    if found is None:
        raise KeyError(f"未知的导入类型：{name}（可用：{'、'.join(sorted(_SPECS))}）")
    return found


# ---- Reading files ---------------------------------------------------------------------------
def detect_encoding(sample):
    """'utf-8-sig' (BOM), 'utf-8' or 'gb18030' from the first bytes of a CSV file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the end of the sample is not an error
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


class _Counting(io.RawIOBase):
    """Wraps a binary file and counts bytes read, for progress by position."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


class Table:
    """An open import file: `rows()` yields (line number, list of cells); `fraction()` is progress."""

    def __init__(self, path, filename=None):
        self.path = Path(path)
        self.filename = filename or self.path.name
        self.size = self.path.stat().st_size or 1
        suffix = Path(self.filename).suffix.lower()
        with open(self.path, "rb") as fh:
            head = fh.read(65536)
        not_a_table = _not_a_table(self.path, head, suffix)
        if not_a_table:
            raise ImportFileError(not_a_table, code="not_a_table")
        if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
            if not head.startswith(b"PK\x03\x04"):
                raise ImportFileError("文件扩展名为 .xlsx 但内容不是 Excel 工作簿，请另存为 .xlsx 或 CSV 后重试")
            self.kind = "xlsx"
            _check_workbook(self.path)
        elif head.startswith(_OLE[:4]):
            self.kind = "xls"   # Excel 97–2003 (BIFF8), read with python-calamine
            self._open_xls().close()  # a damaged or encrypted workbook is said now, before any row
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.kind = "csv"   # Excel's "Unicode text" (.txt, also saved as .xls by some systems): UTF-16, tabs
            self.encoding = "utf-16"
        else:
            # a ".xls" of text is the tab- or comma-separated file some systems export under that name: read as CSV
            if b"\x00" in head[:4096]:
                raise ImportFileError("文件不是文本格式的 CSV（含二进制内容），请上传 CSV、XLSX 或 XLS 文件",
                                      code="not_a_table")
            self.kind = "csv"
            self.encoding = detect_encoding(head)
        self._position = 0
        self._total_rows = None

    def rows(self):
        if self.kind == "xls":
            return self._xls_rows()
        return self._csv_rows() if self.kind == "csv" else self._xlsx_rows()

    def _open_xls(self):
        from python_calamine import CalamineWorkbook
        try:
            return CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # noqa: BLE001 - a damaged or encrypted workbook: said, never a 500
            raise ImportFileError(f"无法读取 Excel 97-2003（.xls）文件，文件可能已损坏或加密：{exc}")

    def _xls_rows(self):
        """Excel 97–2003 (.xls) through python-calamine: first sheet, cells as str / int / float / date."""
        wb = self._open_xls()
        try:
            sheet = wb.get_sheet_by_index(0)
        except Exception as exc:  # noqa: BLE001 - a damaged or encrypted workbook: said, never a 500
            wb.close()
            raise ImportFileError(f"无法读取 Excel 97-2003（.xls）文件：{exc}")
        max_cells = getattr(settings, "IMPORT_MAX_CELLS", MAX_CELLS)
        if (sheet.total_height or 0) * (sheet.total_width or 0) > max_cells:
            raise ImportFileError(f"文件过大：工作表的单元格数超过上限 {max_cells:,} 个，请拆分文件或另存为 CSV 后再导入")
        self._total_rows = sheet.total_height or None
        try:
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                self._position = number
                yield number, list(cells)
        finally:
            wb.close()

    def _csv_rows(self):
        raw = open(self.path, "rb")
        counting = _Counting(raw)
        self._counter = counting
        stream = io.TextIOWrapper(io.BufferedReader(counting, 1 << 20), encoding=self.encoding, newline="")
        try:
            first = stream.readline()
            reader = csv.reader(itertools.chain([first], stream), delimiter=_sniff_delimiter(first))
            line = 0
            try:
                for cells in reader:
                    line = reader.line_num
                    yield line, cells
            except UnicodeDecodeError:
                raise ImportFileError(f"第{line + 1}行附近的文字编码无法识别（文件开头按 {self.encoding} 读取），"
                                      "请将文件另存为 UTF-8 或 GB18030 编码后重试")
            except csv.Error as exc:
                raise ImportFileError(f"第{line + 1}行 CSV 格式错误：{exc}")
        finally:
            stream.close()

    def _xlsx_rows(self):
        from openpyxl import load_workbook
        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or encrypted workbook: say so, never a 500
            raise ImportFileError(f"无法读取 Excel 文件：{exc}")
        max_cells = getattr(settings, "IMPORT_MAX_CELLS", MAX_CELLS)
        seen = 0
        try:
            ws = wb.worksheets[0]
            self._total_rows = ws.max_row or None
            for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                seen += len(cells)  # counted as read: the sheet's <dimension> may lie
                if seen > max_cells:
                    raise ImportFileError(f"文件解压后过大：工作表的单元格数超过上限 {max_cells:,} 个（读到第{number}行），"
                                          "请拆分文件或另存为 CSV 后再导入")
                self._position = number
                yield number, list(cells)
        finally:
            wb.close()

    def fraction(self):
        if self.kind == "csv":
            return min(1.0, getattr(self, "_counter", None).count / self.size) if hasattr(self, "_counter") else 0.0
        return min(1.0, self._position / self._total_rows) if self._total_rows else 0.0


MAX_CELLS = 50_000_000  # settings.IMPORT_MAX_CELLS: Excel's 1,048,576 rows × ~48 columns
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # the compound-file signature of .xls, .doc, .ppt
_UTF16 = lambda word: word.encode("utf-16-le")  # noqa: E731 - OLE directory entries name their streams in UTF-16
_SQL = re.compile(rb"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(?:CREATE\s+TABLE|INSERT\s+INTO|DROP\s+TABLE|SET\s+\w+|"
                  rb"BEGIN\s+TRANSACTION|PRAGMA|USE\s+\w+|LOCK\s+TABLES)", re.I | re.S)


def _not_a_table(path, head, suffix):
    """What a file that is no table is (an SQL dump, JSON, a Word or PDF document, a zip of something else),
    as the sentence the officer reads; "" for a file that may be a table (CSV, XLSX, XLS)."""
    tail = "，不是表格。请导出为 CSV 或 XLSX（Excel）文件后再导入"
    if head.startswith(b"%PDF"):
        return "这是一个 PDF 文件" + tail + "（PDF 中的表格请先在原系统中导出为 Excel）"
    if head.startswith(b"{\\rtf"):
        return "这是一个 RTF 文档" + tail
    if head.startswith(_OLE):
        if suffix == ".doc" or _UTF16("WordDocument") in head:
            return "这是一个 Word 文档（.doc）" + tail
        if suffix == ".ppt" or _UTF16("PowerPoint Document") in head:
            return "这是一个 PowerPoint 文件" + tail
        return ""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return ""  # a damaged workbook is said by _check_workbook
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return ""
        if any(n.startswith("word/") for n in names):
            return "这是一个 Word 文档（.docx）" + tail
        if any(n.startswith("ppt/") for n in names):
            return "这是一个 PowerPoint 文件（.pptx）" + tail
        if "content.xml" in names:
            return "这是一个 OpenDocument 文件（.ods/.odt），请在 WPS 或 Excel 中另存为 .xlsx 或 CSV 后再导入"
        return f"这是一个 ZIP 压缩包（含 {len(names)} 个文件），不是 Excel 工作簿。请解压后上传其中的 CSV 或 XLSX 文件"
    if suffix in (".doc", ".docx", ".pdf", ".ppt", ".pptx", ".zip", ".rar", ".7z"):
        return f"这是一个 {suffix[1:].upper()} 文件" + tail
    text_head = head.lstrip(codecs.BOM_UTF8).lstrip()
    if suffix == ".sql" or _SQL.match(text_head):
        return "这是一个 SQL 文件（数据库脚本）" + tail + "：请在数据库中把数据导出为 CSV"
    if suffix in (".json", ".jsonl", ".ndjson") or text_head[:1] in (b"{", b"["):
        kind = "JSON Lines" if suffix in (".jsonl", ".ndjson") or b"}\n{" in text_head.replace(b"\r", b"") else "JSON"
        return f"这是一个 {kind} 文件" + tail
    if text_head[:1] == b"<":
        lowered = text_head[:4096].lower()
        if b"<html" in lowered or b"<table" in lowered or b"<!doctype html" in lowered:
            return "这是一个网页（HTML）文件（有的系统导出的“.xls”其实是网页）" + tail + \
                "：请在 Excel 或 WPS 中打开后另存为 .xlsx"
        return "这是一个 XML 文件" + tail
    return ""


def _check_workbook(path):
    """Bound what a workbook can unpack to before openpyxl opens it (core.uploads.check_zip: total size,
    per-member ratio, member count, the parts read whole); a zip bomb is refused with the limit named."""
    from .uploads import ZipTooLarge, check_zip
    try:
        with open(path, "rb") as fh:
            check_zip(fh)
    except ZipTooLarge as exc:
        raise ImportFileError(str(exc))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(f"无法读取 Excel 文件（压缩包已损坏）：{exc}")


def _sniff_delimiter(sample):
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# ---- Running an import -----------------------------------------------------------------------
@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    outside: int = 0                                 # rows of another city: not written, not errors
    errors: list = field(default_factory=list)      # the first ERROR_SAMPLE RowProblems
    warnings: list = field(default_factory=list)
    rejected_path: str = ""
    dry_run: bool = False
    committed: bool = False
    sha256: str = ""
    layout: str = ""                                # the recognised layout (core.layouts), "" when none

    def layout_text(self):
        """识别为：incoPat 导出 — the layout the file was recognised as, for the report and the CLI."""
        return f"识别为：{self.layout}" if self.layout else "未识别为已知的导出格式，按列名逐列读取"

    @property
    def imported(self):
        return self.created + self.updated

    def summary_line(self):
        """The closing line of `ipdesk import`: imported N, unchanged N, rejected N, outside N."""
        return f"imported {self.imported if self.committed else 0}, " \
               f"unchanged {self.unchanged if self.committed else 0}, rejected {self.rejected}, outside {self.outside}"

    @property
    def outcome(self):
        """"committed", "dry_run" or "rolled_back": whether anything was written, said once for every reader."""
        if self.committed:
            return "committed"
        return "dry_run" if self.dry_run else "rolled_back"

    def summary_text(self):
        """The outcome in one sentence. Counts of a file that was not written say what *would* have been
        written (将新增), so a rolled-back import never reads like a success."""
        if self.committed:
            return (f"导入完成：共 {self.rows} 行，新增 {self.created} 条，更新 {self.updated} 条，"
                    f"未变化 {self.unchanged} 条，拒绝 {self.rejected} 行{self._outside_text()}。")
        counts = (f"共 {self.rows} 行，将新增 {self.created} 条，将更新 {self.updated} 条，"
                  f"未变化 {self.unchanged} 条，拒绝 {self.rejected} 行{self._outside_text()}。")
        if self.dry_run:
            text_value = f"试导入，未写入任何数据：{counts}"
            if self.rejected:
                text_value += "正式导入前请修正被拒绝的行，或勾选“仅导入正确的行”。"
            return text_value
        if self.rejected:
            return (f"未导入：发现 {self.rejected} 行错误，按“全部或不导入”规则未写入任何数据。{counts}"
                    "修正后重新导入，或勾选“仅导入正确的行”。")
        return f"未导入：未写入任何数据。{counts}"

    def _outside_text(self):
        return f"，属外地（不导入）{self.outside} 行" if self.outside else ""

    def as_dict(self):
        return {"kind": self.kind, "filename": self.filename, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "rejected": self.rejected,
                "outside": self.outside, "imported": self.imported if self.committed else 0,
                "committed": self.committed,
                "outcome": self.outcome, "written": self.committed,
                "dry_run": self.dry_run, "sha256": self.sha256, "warnings": self.warnings,
                "layout": self.layout, "layout_text": self.layout_text(),
                "errors": [{"line": e.line, "field": e.field, "reason": e.reason, "value": e.value}
                           for e in self.errors],
                "has_rejected_file": bool(self.rejected_path), "summary": self.summary_text()}


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    audit_items: list = field(default_factory=list)
    written: list = field(default_factory=list)


class _Rollback(Exception):
    pass


def imports_dir():
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _allowed_regions(user):
    if user is None or user.is_superuser or getattr(user, "role", None) != Role.DISTRICT_OFFICER:
        return None
    if user.region_id is None:
        return set()
    return set(region_ids(user))


def run_import(spec, path, *, filename=None, user=None, keep_good=False, dry_run=False, progress=None,
               rejected_path=None, columns=None):
    """Import one file through `spec` (an ImportSpec or its registered name); returns ImportResult.

    `progress(fraction)` is called every few thousand rows. Raises ImportFileError when the file
    as a whole cannot be read (nothing is written then). `columns`: for a file without a header row,
    one field alias per column in file order ("" or None skips the column; columns after the last are skipped),
    e.g. ["申请日", "申请号", "", "名称"].
    """
    if isinstance(spec, str):
        spec = get_spec(spec)
    filename = filename or Path(path).name
    if not spec.may_import(user):
        raise ImportFileError(f"您没有导入{spec.label}的权限")
    result = ImportResult(kind=spec.name, filename=filename, dry_run=dry_run, sha256=file_sha256(path))
    table = Table(path, filename)
    ctx = ImportContext(user=user, filename=filename, dry_run=dry_run, keep_good=keep_good,
                        allowed_region_ids=_allowed_regions(user), columns=parse_columns(columns))
    rejected_path = Path(rejected_path) if rejected_path else imports_dir() / f"rejected-{uuid.uuid4().hex}.csv"
    rejects = _RejectWriter(rejected_path)
    spool = _Spool()
    try:
        if connection.vendor == "sqlite" and not connection.in_atomic_block and _undoable(spec):
            _run_in_short_transactions(spec, table, ctx, result, rejects, progress, user)
        else:
            spec.begin(ctx)
            ctx.cache["__audit_spool__"] = spool
            if spec.threaded and connection.vendor == "postgresql" and not connection.in_atomic_block:
                _run_threaded(spec, table, ctx, result, rejects, progress, user)
            else:
                with transaction.atomic():
                    _run(spec, table, ctx, result, rejects, progress,
                         lambda batch: _flush(spec, batch, ctx, result, rejects))
                    _finish(spec, ctx, result, user)
    except _Rollback:
        pass
    finally:
        rejects.close()
        spool.close()
    if result.rejected:
        result.rejected_path = str(rejected_path)
    else:
        rejects.discard()
    if progress:
        progress(1.0)
    return result


def parse_columns(columns):
    """A column mapping as given on the command line or the upload page ("申请日,申请号,,名称", also with ，、；
    or tabs) or as a list → list of names ("" for a skipped column); None when there is none."""
    if columns is None:
        return None
    if isinstance(columns, str):
        if not columns.strip():
            return None
        columns = re.split(r"[,，;；\t、]", columns.strip())
    names = [str(c or "").strip() for c in columns]
    return names if any(names) else None


def _finish(spec, ctx, result, user):
    """The end of the transaction: the spec's last word, then commit (with the file's audit entry) or roll back."""
    spec.finish(ctx)
    if ctx.dry_run or (result.rejected and not ctx.keep_good):
        raise _Rollback()
    spool = ctx.cache.get("__audit_spool__")
    for items in spool or ():  # the batches' entries, held back so the audit chain is locked only now
        audit.record_many(items)
    _file_entry(spec, ctx, result, user)


def _file_entry(spec, ctx, result, user):
    """The file's own IMPORT entry (who, file, SHA-256, counts); the import is committed with it."""
    audit.record(AuditAction.IMPORT, user=user, object_type_name=audit.object_type(spec.model),
                 object_repr=f"{spec.label}导入：{ctx.filename}"[:200],
                 after={"file": ctx.filename, "sha256": result.sha256, "rows": result.rows,
                        "created": result.created, "updated": result.updated,
                        "unchanged": result.unchanged, "rejected": result.rejected,
                        "outside": result.outside, "keep_good": ctx.keep_good})
    result.committed = True


def _undoable(spec):
    """Whether every write of the spec goes through `upsert`, whose before-images can undo it."""
    cls = type(spec)
    if getattr(cls, "writes_through_upsert", False):  # a spec whose own `write` only calls `upsert` (one or more)
        return True
    return all(getattr(cls, hook) is getattr(ImportSpec, hook) for hook in ("write", "after_write", "finish"))


class _Spool:
    """Pickled items on a temporary disk file: the audit entries held back until a long transaction
    ends, or the before-images (journal) of the batches written so far. Memory stays flat."""

    def __init__(self):
        self.fh = None
        self.offsets = []

    def add(self, item):
        import pickle
        import tempfile
        if self.fh is None:
            self.fh = tempfile.TemporaryFile(dir=imports_dir())
        self.fh.seek(0, os.SEEK_END)
        self.offsets.append(self.fh.tell())
        pickle.dump(item, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def _read(self, offsets):
        import pickle
        for offset in offsets:
            self.fh.seek(offset)
            yield pickle.load(self.fh)

    def __iter__(self):
        return self._read(list(self.offsets))

    def __reversed__(self):
        return self._read(self.offsets[::-1])

    def __bool__(self):
        return bool(self.offsets)

    def close(self):
        if self.fh is not None:
            self.fh.close()
            self.fh = None


class _Abort(Exception):
    """A row refused while writing (the data changed since the check) in all-or-nothing mode."""


def _run_in_short_transactions(spec, table, ctx, result, rejects, progress, user):
    """SQLite, outside any transaction. SQLite has one write lock for the whole database, and a
    transaction as long as the file would hold it for minutes: sign-ins (session, last_login, audit)
    would wait past the busy timeout and fail with "database is locked". So:

    1. check pass: every row is read, parsed, cleaned and scope-checked, writing nothing (reads do
       not block in WAL mode). All-or-nothing with a rejected row stops here: nothing was written.
    2. write pass: the file again, each batch in its own short transaction (other writers get in
       between batches); the batch's audit entries commit with it. A dry run rolls each batch back
       (so a key repeated in a later batch of the same file counts as new again in a dry run).
       If a batch fails (a database error, or a row refused because the data changed since the
       check), the batches already written are undone from the before-images `upsert` journals
       (created rows deleted, changed fields restored), and the undo is audited.
    """
    half = (lambda fraction: progress(fraction / 2)) if progress else None
    check = ImportResult(kind=result.kind, filename=result.filename, dry_run=result.dry_run, sha256=result.sha256)
    spec.begin(ctx)
    _run(spec, table, ctx, check, rejects, half,
         lambda batch: _check_batch(spec, batch, ctx, check, rejects))
    if check.rejected and not ctx.keep_good:
        for name in ("rows", "rejected", "outside", "errors", "warnings", "layout"):
            setattr(result, name, getattr(check, name))
        return
    rejects.reset()
    ctx = ImportContext(user=ctx.user, filename=ctx.filename, dry_run=ctx.dry_run, keep_good=ctx.keep_good,
                        allowed_region_ids=ctx.allowed_region_ids, columns=ctx.columns)
    spec.begin(ctx)
    journal = _Spool()
    ctx.cache["__journal__"] = journal

    def write(batch):
        try:
            with transaction.atomic():
                _flush(spec, batch, ctx, result, rejects)
                if ctx.dry_run:
                    raise _Rollback()
        except _Rollback:
            pass
        if result.rejected and not ctx.keep_good:
            raise _Abort()

    rest = (lambda fraction: progress(0.5 + fraction / 2)) if progress else None
    try:
        _run(spec, table, ctx, result, rejects, rest, write)
        if not ctx.dry_run:
            with transaction.atomic():
                _file_entry(spec, ctx, result, user)
    except _Abort:
        _undo(spec, journal, ctx, user)
    except BaseException:
        try:
            _undo(spec, journal, ctx, user)
        except Exception:  # noqa: BLE001 - the first failure is the one to report; this one is logged
            log.exception("import %s: undoing the written batches failed", ctx.filename)
        raise
    finally:
        journal.close()


def _check_batch(spec, batch, ctx, result, rejects):
    """The check pass's stand-in for `_flush`: the scope check against the stored rows, no writing."""
    if ctx.allowed_region_ids is None or not batch:
        return
    existing = _existing(spec, [entry[0] for entry in batch])
    for record, line, cells in batch:
        try:
            spec.check_scope(record, existing.get(spec.key_of(record)), ctx)
        except RowError as exc:
            _reject(result, rejects, line, exc, cells)


def _undo(spec, journal, ctx, user):
    """Undo the batches written so far, newest first, each in a short transaction; audited."""
    now = timezone.now()
    for model, key, created, changed in reversed(journal):
        with transaction.atomic():
            for pk, before in changed:
                model._base_manager.filter(pk=pk).update(**{_name_of(model, a): v for a, v in before.items()},
                                                         version=models.F("version") + 1, updated_at=now)
            for start in range(0, len(created), 500):
                chunk = created[start:start + 500]
                if len(key) == 1:
                    condition = models.Q(**{f"{key[0]}__in": [c[key[0]] for c in chunk]})
                else:
                    condition = models.Q()
                    for c in chunk:
                        condition |= models.Q(**c)
                model._base_manager.filter(condition).delete()
            audit.record(AuditAction.IMPORT, user=user, object_type_name=audit.object_type(model),
                         object_repr=f"{spec.label}导入失败已撤销：{ctx.filename}"[:200],
                         after={"file": ctx.filename, "undone": True, "deleted": [
                             "/".join(str(c[k]) for k in key) for c in created], "restored": [pk for pk, _ in changed]})


def _run_threaded(spec, table, ctx, result, rejects, progress, user):
    """PostgreSQL, outside any transaction: this thread reads and parses while a writer thread, on
    its own connection and in one transaction, writes the previous batch — the two cores overlap.
    At most two batches wait in between, so memory stays flat."""
    from django.db import connections
    batches = queue.Queue(maxsize=2)
    state = {"error": None, "abort": False}
    context_now = _current_context()

    def writer():
        from . import context as request_context
        done = False
        try:
            with request_context.acting_as(context_now.user, request_id=context_now.request_id, ip=context_now.ip):
                with transaction.atomic():
                    while True:
                        batch = batches.get()
                        if batch is None:
                            done = True
                            break
                        _flush(spec, batch, ctx, result, rejects)
                    if state["abort"]:
                        raise _Rollback()
                    _finish(spec, ctx, result, user)
        except _Rollback:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            state["error"] = exc
            while not done and batches.get() is not None:  # let the reader finish putting
                pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer, name="import-writer", daemon=True)
    thread.start()

    def put(batch):
        if state["error"] is not None:
            raise state["error"]
        batches.put(batch)

    try:
        _run(spec, table, ctx, result, rejects, progress, put)
    except BaseException:
        state["abort"] = True
        raise
    finally:
        batches.put(None)
        thread.join()
    if state["error"] is not None:
        raise state["error"]


def _current_context():
    from . import context as request_context
    return request_context.current()


def _run(spec, table, ctx, result, rejects, progress, flush):
    """Read, parse and clean every row; hand full batches to `flush` (the writer)."""
    by_header = {}
    for f in spec.fields:
        for alias in f.aliases:
            by_header.setdefault(_fold(alias), f)
    rows = table.rows()
    if ctx.columns:
        header_line, columns, headers, rows = _mapped_columns(rows, ctx.columns, by_header, spec)
        result.layout = layouts.NO_HEADER
    else:
        header_line, columns, headers = _find_header(rows, by_header, spec)
        result.layout = layouts.recognise(spec.name, headers, spec.export_headers())
    rejects.start(headers)
    present = {f.name for _, f in columns}
    missing = [f for f in spec.fields if f.required and f.name not in present]
    if missing:
        names = "；".join(f"{f.header}（可用列名：{' / '.join(f.aliases)}）" for f in missing)
        raise ImportFileError(f"第{header_line}行表头缺少必需的列：{names}")
    known = {i for i, _ in columns}
    unused = {_fold(h) for h in spec.unused_headers}
    ignored = [h for i, h in enumerate(headers) if i not in known and str(h or "").strip()]
    not_kept = [h for h in ignored if _fold(h) in unused]
    ignored = [h for h in ignored if _fold(h) not in unused]
    if not_kept:
        result.warnings.append("以下列本系统不保存，已跳过：" + "、".join(str(h) for h in not_kept))
    if ignored:
        result.warnings.append("以下列未识别，已忽略：" + "、".join(str(h) for h in ignored))
    limits = sorted(_length_limits(spec), key=lambda item: item[1])
    all_text = table.kind == "csv"
    # One plan entry per field: its columns in file order (two columns may feed one field, e.g.
    # 授权公告日 and 授权日: the first non-empty wins); fields without a column are None.
    plan = []
    for f in spec.fields:
        indexes = [i for i, g in columns if g is f]
        if indexes:
            try:
                empty = f.parse("")   # what an empty cell means, once, instead of a million calls
            except Exception:  # noqa: BLE001 - a parser that refuses "" is asked cell by cell
                empty = _ASK
            plan.append((f.name, indexes, f.parse, f.required, f.header, empty))
    absent = {f.name: None for f in spec.fields if f.name not in present}
    # Errors name the column as the file calls it (专利名称), not only by the spec's header (名称).
    shown = {}
    for i, f in columns:
        shown.setdefault(f.header, str(headers[i]).strip() or f.header)
    width = max(i for i, _ in columns) + 1
    # The header's own width (its last named column): a row with more filled cells than that is
    # refused rather than cut, since its values may have slid one column (an unquoted comma).
    header_width = max((i + 1 for i, h in enumerate(headers) if str(h or "").strip()), default=width)
    if ctx.columns:  # a column mapping: the columns after its last name are skipped, like the ones it leaves empty
        header_width = 1 << 30
    pad = "" if all_text else None   # a short row: its missing trailing cells are empty
    batch, batch_keys = [], set()
    key_of = spec.key_of
    clean = spec.clean
    last_report = time.monotonic()
    sink = _ROW_WARNINGS.sink = []  # warnings of the row being read (`warn`)
    warned = 0
    for line, cells in rows:
        n_cells = len(cells)
        if n_cells < width:
            cells = list(cells) + [pad] * (width - n_cells)
        elif n_cells > header_width:
            extra = _filled_count(cells[header_width:])
            if extra:
                result.rows += 1
                _reject(result, rejects, line, RowError(
                    "（整行）", f"列数多于表头：本行有 {header_width + extra} 列有内容，表头只有 {header_width} 列"
                                f"（可能有未加引号的逗号），请核对后重新导入"), cells)
                continue
        try:
            if not "".join(cells).strip():
                continue
        except TypeError:  # XLSX: numbers and dates among the cells
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
        result.rows += 1
        if sink:
            sink.clear()
        problems = None  # every cell's problem is reported at once, not only the first
        try:
            values = dict(absent)
            for name, indexes, parse, required, header, empty in plan:
                value = None
                for index in indexes:
                    cell = cells[index]
                    if (cell is None or cell == "") and empty is not _ASK:
                        value = empty
                        continue
                    try:
                        value = parse(cell)
                    except (RowError, ValueError, ArithmeticError) as exc:
                        if problems is None:
                            problems = []
                        problems.append(exc if isinstance(exc, RowError) else RowError(header, str(exc)))
                        value = _ASK
                        break
                    if value not in (None, ""):
                        break
                if value is _ASK:
                    continue
                if required and value in (None, ""):
                    if problems is None:
                        problems = []
                    problems.append(RowError(header, "必填，不能为空"))
                    continue
                values[name] = value
            if problems:
                for exc in problems:
                    exc.field = shown.get(exc.field, exc.field)
                _reject(result, rejects, line, problems, cells)
                continue
            record = clean(values, ctx)
            # Lengths: limits run shortest first, and no value is longer than the longest cell it came
            # from, so the checks stop at the first limit the row cannot exceed.
            longest = max(map(len, cells)) if all_text else max(len(str(c)) for c in cells)
            for attname, limit, header in limits:
                if limit >= longest:
                    break
                value = record.get(attname)
                if value.__class__ is str and len(value) > limit:
                    raise RowError(header, f"超过最大长度 {limit} 个字符（实际 {len(value)} 个）")
        except RowError as exc:
            exc.field = shown.get(exc.field, exc.field)
            _reject(result, rejects, line, exc, cells)
            continue
        except RowOutside:  # another city's row (registry.placement): counted, neither written nor an error
            result.outside += 1
            continue
        key = key_of(record)
        if key in batch_keys:  # the same key again: write what we have, so the later row wins
            flush(batch)
            batch, batch_keys = [], set()
        batch.append((record, line, cells))
        batch_keys.add(key)
        if sink:  # an accepted row's mended values: listed as warnings (the first ROW_WARNING_SAMPLE), not errors
            for field_name, reason in sink:
                warned += 1
                if warned <= ROW_WARNING_SAMPLE:
                    result.warnings.append(f"第{line}行 [{shown.get(field_name, field_name)}] {reason}")
        if len(batch) >= spec.batch_size:
            flush(batch)
            batch, batch_keys = [], set()
            if progress and time.monotonic() - last_report > 0.5:
                progress(table.fraction())
                last_report = time.monotonic()
    if batch:
        flush(batch)
    _ROW_WARNINGS.sink = None
    if warned > ROW_WARNING_SAMPLE:
        result.warnings.append(f"另有 {warned - ROW_WARNING_SAMPLE} 条行提示未列出")


_ASK = object()


def _filled_count(cells):
    """How far into `cells` the last non-blank one sits (0: all blank)."""
    for index in range(len(cells) - 1, -1, -1):
        c = cells[index]
        if c is not None and not (isinstance(c, str) and not c.strip()):
            return index + 1
    return 0


def _length_limits(spec):
    headers = {f.name: f.header for f in spec.fields}
    return [(f.attname, f.max_length, headers.get(f.name) or headers.get(f.attname) or str(f.verbose_name))
            for f in spec.model._meta.concrete_fields if getattr(f, "max_length", None) and not f.is_relation]


def _header_columns(cells, by_header):
    """(column index, Field) of every cell that names a field; a header with / matches each of its parts."""
    columns = []
    for index, cell in enumerate(cells):
        f = by_header.get(_fold(cell)) if cell not in (None, "") else None
        if f is not None:
            columns.append((index, f))
        elif isinstance(cell, str) and ("/" in cell or "／" in cell):
            # 申请人/专利权人: a header naming several things matches each of its parts (once per field)
            matched = []
            for part in re.split(r"[/／]", cell):
                f = by_header.get(_fold(part))
                if f is not None and all(f is not g for g in matched):
                    matched.append(f)
            columns += [(index, f) for f in matched]
    return columns


def _find_header(rows, by_header, spec):
    """The first of the top rows that names a required field (title rows above it are skipped)."""
    required = {f.name for f in spec.fields if f.required}
    first = None
    for attempt in range(HEADER_SEARCH_ROWS):
        try:
            line, cells = next(rows)
        except StopIteration:
            break
        if first is None and _filled_count(cells):
            first = (line, cells)
        columns = _header_columns(cells, by_header)
        names = {f.name for _, f in columns}
        if columns and (required <= names or len(names) >= 3):
            return line, columns, [str(c) if c is not None else "" for c in cells]
    accepted = "；".join(f"{f.header}（{' / '.join(f.aliases)}）" for f in spec.fields if f.required)
    if first is not None and looks_like_data(first[1]) and not _header_columns(first[1], by_header):
        example = ",".join(f.header for f in spec.fields[:4])
        raise ImportFileError(
            f"第{first[0]}行看起来是数据而不是表头：请提供列映射——按文件中列的顺序写出每列的列名，用逗号分隔，"
            f"不导入的列留空（例如 {example},,…）。必需的列：{accepted}", code="no_header",
            sample=[_cell_out(c)[:60] for c in first[1][:MAX_MAPPED_COLUMNS]])
    raise ImportFileError(f"找不到表头行：文件前{HEADER_SEARCH_ROWS}行中没有可识别的列名。必需的列：{accepted}")


MAX_MAPPED_COLUMNS = 80   # columns offered one by one on the upload page's mapping step


# Cells that are values, not column names: numbers, dates, application numbers, credit codes, codes.
_DATA_CELL = re.compile(r"^(?:(?:CN|ZL)\s*)?[\dX.\-/:\s年月日]+$|^[0-9A-HJ-NP-RTUWXY]{18}$|^PCT/", re.I)


def looks_like_data(cells):
    """Whether a row reads as a data row rather than a header: at least two filled cells, most of them numbers,
    dates or identifiers (申请号 201710601862.3, 2017-08-01, a credit code …)."""
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    if len(filled) < 2:
        return False
    data = sum(1 for c in filled if isinstance(c, (int, float, dt.date)) or
               (_DATA_CELL.match(str(c).strip()) and re.search(r"\d", str(c))))
    return data >= 2 and data * 3 >= len(filled)


def _mapped_columns(rows, names, by_header, spec):
    """A file without a header row read through a column mapping: `names` holds one field alias per column
    of the file ("" skips the column). Every row is data; a first row that repeats the mapping's names is
    taken as a header after all and skipped. Returns (0, columns, headers, rows)."""
    columns, unknown = [], []
    for index, name in enumerate(names):
        name = str(name or "").strip()
        if not name:
            continue
        found = _header_columns([name], by_header)
        if not found:
            unknown.append(name)
        columns += [(index, f) for _, f in found]
    if unknown:
        raise ImportFileError("列映射中的列名无法识别：" + "、".join(unknown) + "（可用列名见导入页面的“可识别的列”或导入模板）")
    if not columns:
        raise ImportFileError("列映射为空：请按列的顺序写出列名，用逗号分隔")
    headers = [str(n or "").strip() for n in names]
    try:
        line, cells = next(rows)
    except StopIteration:
        return 0, columns, headers, iter(())
    mapped = {i: f for i, f in columns}
    as_header = [i for i, f in mapped.items() if i < len(cells) and by_header.get(_fold(cells[i])) is f]
    if len(as_header) < len(mapped):
        rows = itertools.chain([(line, cells)], rows)
    return 0, columns, headers, rows


_reject_lock = threading.Lock()


def _reject(result, rejects, line, exc, cells):
    """Count a rejected row; `exc` is one RowError or a list of them (all problems of the row)."""
    problems = [RowProblem(line, e.field, e.reason) for e in (exc if isinstance(exc, list) else [exc])]
    with _reject_lock:  # the reader and the writer thread both reject rows
        result.rejected += 1
        for problem in problems:
            if len(result.errors) < ERROR_SAMPLE:
                result.errors.append(problem)
        rejects.write(problems, cells)


def _flush(spec, batch, ctx, result, rejects):
    """Write one batch: scope check against the stored rows, then the spec's write (the upsert)."""
    if not batch:
        return
    records = [entry[0] for entry in batch]
    existing = _existing(spec, records)
    if ctx.allowed_region_ids is not None:
        good = []
        for record, line, cells in batch:
            try:
                spec.check_scope(record, existing.get(spec.key_of(record)), ctx)
            except RowError as exc:
                _reject(result, rejects, line, exc, cells)
                continue
            good.append(record)
        records = good
    outcome = BatchOutcome()
    ctx.cache["__existing__"] = existing
    spec.write(records, ctx, outcome)
    result.created += outcome.created
    result.updated += outcome.updated
    result.unchanged += outcome.unchanged
    if outcome.written:
        spec.after_write(outcome.written, ctx)
    if outcome.audit_items and not ctx.dry_run:
        spool = ctx.cache.get("__audit_spool__")
        if spool is not None:
            spool.add(outcome.audit_items)
        else:
            audit.record_many(outcome.audit_items)


def _existing(spec, batch):
    """Stored rows of this batch's keys, as dicts of attnames (one query)."""
    model = spec.model
    attnames = sorted({k for k in batch[0] if not k.startswith("__")} | set(spec.key) |
                      ({spec.region_field} if spec.region_field else set()))
    attnames = [a for a in attnames if _has_attname(model, a)]
    first = spec.key[0]
    wanted = list({r[first] for r in batch})
    found = {}
    if connection.vendor == "postgresql":  # one array parameter instead of thousands
        names = ["pk", "version", *attnames]
        columns = [model._meta.pk.column, "version"] + [model._meta.get_field(_name_of(model, a)).column
                                                         for a in attnames]
        table_name = connection.ops.quote_name(model._meta.db_table)
        column = model._meta.get_field(_name_of(model, first)).column
        sql = (f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table_name} "
               f"WHERE {connection.ops.quote_name(column)} = ANY(%s)")
        with connection.cursor() as cursor:
            cursor.execute(sql, [wanted])
            converters = [model._meta.get_field(_name_of(model, a)) for a in attnames]
            for raw in cursor.fetchall():
                row = dict(zip(names, raw[:2]))
                for f, a, v in zip(converters, attnames, raw[2:]):
                    row[a] = f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
                found[tuple(row[k] for k in spec.key)] = row
        return found
    for row in model._base_manager.filter(**{f"{first}__in": wanted}).values("pk", "version", *attnames):
        found[tuple(row[k] for k in spec.key)] = row
    return found


def _has_attname(model, attname):
    return any(f.attname == attname for f in model._meta.concrete_fields)


def upsert(spec, records, ctx, outcome):
    """The idempotent upsert: new keys are created, changed rows updated, equal rows left alone."""
    model = spec.model
    existing = ctx.cache.get("__existing__", {})
    new, changed = [], []
    private = {k for k in (records[0] if records else ()) if k.startswith("__")}
    key_of = spec.key_of
    for record in records:
        values = {k: v for k, v in record.items() if k not in private} if private else record
        old = existing.get(key_of(record)) if existing else None
        if old is None:
            new.append(values)
            continue
        for attname, basis in spec.derived.items():
            if attname in old and basis in values and _same(old.get(basis), values.get(basis)):
                values[attname] = old[attname]
        diff = {k: v for k, v in values.items()
                if k in old and k not in spec.create_only and not _same(old[k], v)}
        if not diff:
            outcome.unchanged += 1
            continue
        changed.append((old, values, diff))
    now = timezone.now()
    journal = ctx.cache.get("__journal__")
    if journal is not None and (new or changed):  # before-images, to undo this batch if a later one fails
        journal.add((model, list(spec.key), [{k: v[k] for k in spec.key} for v in new],
                     [(old["pk"], {k: old[k] for k in diff if k not in spec.create_only}) for old, _, diff in changed]))
    if new:
        _create(model, new, now)
        outcome.created += len(new)
        outcome.written.extend(new)
        outcome.audit_items.append({
            "action": AuditAction.IMPORT, "object_type_name": audit.object_type(model),
            "object_repr": f"{spec.label}导入：{ctx.filename} 新增 {len(new)} 条"[:200],
            "after": {"file": ctx.filename, "created": [v[spec.key[0]] for v in new] if len(spec.key) == 1
                      else [spec.key_text(v) for v in new]}})
    if changed:
        objs, fields = [], set()
        for old, values, diff in changed:
            obj = model(pk=old["pk"], **{k: v for k, v in values.items() if k not in spec.create_only})
            obj.version = old["version"] + 1
            obj.updated_at = now
            objs.append(obj)
            fields |= set(diff)
            outcome.audit_items.append({
                "action": AuditAction.UPDATE, "object_type_name": audit.object_type(model), "object_id": old["pk"],
                "object_repr": f"{spec.key_text(values)}"[:200],
                # personal data (encrypted or masked fields) never enters the audit in clear (core.signals)
                "before": redact(model, {k: old[k] for k in sorted(diff)}),
                "after": redact(model, {k: diff[k] for k in sorted(diff)})})
            outcome.written.append({**values, "pk": old["pk"]})
        names = sorted({model._meta.get_field(_name_of(model, a)).name for a in fields} | {"version", "updated_at"})
        model._base_manager.bulk_update(objs, names, batch_size=500)
        outcome.updated += len(changed)


def _name_of(model, attname):
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    return attname


def _same(old, new):
    if old == new:
        return True
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, decimal.Decimal) or isinstance(new, decimal.Decimal):
        try:
            return decimal.Decimal(str(old)) == decimal.Decimal(str(new))
        except (decimal.InvalidOperation, TypeError):
            return False
    return False


def _create(model, rows, now):
    """Insert new rows: COPY on PostgreSQL (the fast path for large files), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        _copy_rows(model, rows, now)
        return
    objs = [model(**values) for values in rows]
    model._base_manager.bulk_create(objs, batch_size=500)


def _copy_rows(model, rows, now):
    """COPY new rows in: the columns the records carry, then the others at their defaults."""
    import operator

    from psycopg.types.json import Jsonb
    given = [a for a in rows[0] if _has_attname(model, a)]
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    rest = [f for a, f in fields.items() if a not in given]
    tail = tuple(now if f.attname in ("created_at", "updated_at") else f.get_default() for f in rest)
    json_positions = [i for i, a in enumerate(given) if fields[a].get_internal_type() == "JSONField"]
    # Fields from outside Django (e.g. core.fields.EncryptedCharField) prepare their own values.
    prepared = [(i, fields[a]) for i, a in enumerate(given)
                if not type(fields[a]).__module__.startswith("django.") and i not in json_positions]
    tail = tuple(Jsonb(v) if f.get_internal_type() == "JSONField" else v for f, v in zip(rest, tail))
    columns = ", ".join(connection.ops.quote_name(fields[a].column) for a in given) + \
        "".join(", " + connection.ops.quote_name(f.column) for f in rest)
    getter = operator.itemgetter(*given)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            for values in rows:
                row = getter(values)
                if len(given) == 1:
                    row = (row,)
                if json_positions or prepared:
                    row = list(row)
                    for i in json_positions:
                        row[i] = Jsonb(row[i])
                    for i, f in prepared:
                        row[i] = f.get_db_prep_save(row[i], connection)
                    row = tuple(row)
                write(row + tail)


class _RejectWriter:
    """The rejected rows, as written, with line, column and reason in front: fix and import again."""

    def __init__(self, path):
        self.path = Path(path)
        self.fh = None
        self.writer = None
        self.headers = []

    def start(self, headers):
        self.headers = headers

    def write(self, problems, cells):
        """One line per rejected row; several problems of the row are joined with ；."""
        if not isinstance(problems, list):
            problems = [problems]
        if self.fh is None:
            self.fh = open(self.path, "w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(["行号", "字段", "原因", *self.headers])
        self.writer.writerow([problems[0].line, "；".join(p.field for p in problems),
                              "；".join(p.reason for p in problems), *[_cell_out(c) for c in (cells or [])]])

    def close(self):
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    def discard(self):
        self.close()
        if self.path.exists():
            self.path.unlink()

    def reset(self):
        """Start the file again (the write pass rejects its rows anew)."""
        self.discard()
        self.fh = self.writer = None


def _cell_out(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


# ---- As a background job (the UI upload) -------------------------------------------------------
from .jobs import job_handler  # noqa: E402


def progress_path(job_id):
    return imports_dir() / f"progress-{job_id}.json"


def read_progress(job_id):
    try:
        return json.loads(progress_path(job_id).read_text())
    except (OSError, ValueError):
        return None


@job_handler("import")
def import_job(job, record_type, path, filename, keep_good=False, dry_run=False, columns=None):
    """Run an uploaded file through the pipeline. The import may run in one transaction, so progress
    goes to a small file beside the upload (a row update would stay invisible until the commit)."""
    marker = progress_path(job.pk)

    def progress(fraction):
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"percent": int(fraction * 100)}))
        os.replace(tmp, marker)

    try:
        result = run_import(record_type, path, filename=filename, user=job.created_by, keep_good=keep_good,
                            dry_run=dry_run, progress=progress,
                            rejected_path=imports_dir() / f"rejected-job-{job.pk}.csv", columns=columns)
    except ImportFileError as exc:
        return {"summary": f"导入失败：{exc}", "rejected": 0, "file_error": str(exc), "kind": record_type,
                "filename": filename, "file_error_code": exc.code, "sample": exc.sample}
    finally:
        Path(path).unlink(missing_ok=True)
    data = result.as_dict()
    if result.rejected:
        from django.urls import reverse
        data["links"] = [{"url": reverse("core:import_rejected", args=[job.pk]), "label": "下载被拒绝的行（CSV）"}]
    return data
