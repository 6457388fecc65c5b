"""Reading, parsing and cleaning every row of a file (`_run`): every problem of a row reported with its line,
field and reason, warnings listed, rows of another city counted as outside, full batches handed to the writer."""
import threading
import time

from django.conf import settings

from .. import layouts
from . import columnar
from .errors import ImportFileError, ROW_WARNING_SAMPLE, RowError, RowOutside, RowProblem, _ROW_WARNINGS
from .parsers import _fold
from .reading import _filled_count, _find_header, _mapped_columns


ERROR_SAMPLE = 200          # errors kept in memory for the screen; the file holds them all


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
    ctx.kept = spec.kept_attnames(absent)
    ctx.kept_placement = spec.kept_placement(absent)
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
    if getattr(settings, "IMPORT_COLUMNAR", True):   # parsed column by column; rows in any doubt as below
        rows = columnar.screen_rows(rows, plan, absent, width, pad, all_text)
    else:
        rows = ((line, cells, None) for line, cells in rows)
    for line, cells, screened in rows:
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
        try:
            values, problems = (screened, None) if screened is not None else _parse_cells(cells, plan, absent)
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


def _parse_cells(cells, plan, absent):
    """(field name → parsed value, the row's problems or None): every cell through its field's parser, every
    problem of the row collected (not only the first)."""
    problems = None
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
    return values, problems


_ASK = object()


def _length_limits(spec):
    headers = {f.name: f.header for f in spec.fields}
    return [(f.attname, f.max_length, headers.get(f.name) or headers.get(f.attname) or str(f.verbose_name))
            for f in spec.model._meta.concrete_fields if getattr(f, "max_length", None) and not f.is_relation]


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
