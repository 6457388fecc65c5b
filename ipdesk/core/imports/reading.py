"""Reading import files: CSV (UTF-8, GB18030, UTF-16), XLSX and XLS streamed row by row (Table), files that
are no table named as such, the header row found below title rows or replaced by a column mapping."""
import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from pathlib import Path

from django.conf import settings

from ..exports import FORMULA_PREFIXES
from .errors import ImportFileError
from .parsers import _fold


HEADER_SEARCH_ROWS = 10     # the header row may follow a few title rows


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
    from ..uploads import ZipTooLarge, check_zip
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


def _filled_count(cells):
    """How far into `cells` the last non-blank one sits (0: all blank)."""
    for index in range(len(cells) - 1, -1, -1):
        c = cells[index]
        if c is not None and not (isinstance(c, str) and not c.strip()):
            return index + 1
    return 0


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


def _cell_out(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value   # core.exports' one rule
