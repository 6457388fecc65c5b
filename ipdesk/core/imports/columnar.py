"""The columnar screen of the import pipeline (issue 18 item 1): a batch of rows is parsed column by column with
polars instead of cell by cell in Python, without changing any result.

How results stay identical: for each field, a *screen* computes the parsed value of the cells whose shape is
common and unambiguous (a plain text, an ISO date that exists, a canonical application number whose check digit
is right …) and marks every other cell as *in doubt*. A row with no cell in doubt gets its parsed values from the
columns; any other row — a cell that would be an error, a warning, a mended value, anything unusual — is parsed by
the per-row path of `validation._run` exactly as before, so its errors, warnings and line numbers are today's.
After parsing, both kinds of row go through the same `clean`, length checks, outside count and batching.

A parser without a vectorised screen is screened per distinct cell: the real parser runs once per distinct value
of the column in the batch (a column of types, statuses or country codes holds a handful), its warnings collected;
a cell whose parse raised or warned is in doubt. That is exact for every parser, since parsers are pure functions
of the cell.

Rows are still split by the reader of `reading.Table` (the csv module, openpyxl, calamine), so quoting, encodings
and the line numbers of multi-line cells are those of the row path; the screen works on `BATCH_ROWS` rows at a time,
so memory does not grow with the file.
"""
import itertools

import polars as pl

from .errors import RowError, collect_warnings
from .parsers import NULL_WORDS, _NULL_SPELLINGS, parse_date, raw_text, text

BATCH_ROWS = 5000   # rows screened at a time (a regex is compiled once per batch and column): memory stays flat

# Characters str.strip() removes at either end (str.isspace) — Unicode White_Space plus the separators \x1c-\x1f —
# and the apostrophe exports put before a formula-like cell: a cell starting or ending with one is in doubt.
_EDGE = r"^[\s\x1c-\x1f']|[\s\x1c-\x1f]$"
# Characters NFKC leaves alone in every Unicode version (printable ASCII, CJK unified ideographs, 、。): a cell of
# only these is what `text` makes of it (without its edges). Any other character (full-width forms, ·, —) puts the
# cell in doubt rather than trusting another library's normalisation tables.
_NFKC_SAFE = r"^[\x20-\x7e\u3001\u3002\u4e00-\u9fff]*$"
_NULLS = sorted(_NULL_SPELLINGS)

_SCREENS = {}


def register_screen(parse):
    """Decorator: `screen(cells)` is the vectorised twin of the cell parser `parse`. It gets a String Series of the
    column's cells and returns (values, ok): the parsed values — a Series whose `to_list` gives what `parse` returns,
    or an `Unchanged` when the values are the cells themselves — and a Boolean Series, False (or null) where the
    cell is in doubt. Empty cells are the caller's."""
    def decorate(screen):
        _SCREENS[parse] = screen
        return screen
    return decorate


class Unchanged:
    """A screen's values that are the cells as they are, except `blank` (a Boolean Series) where they are ""."""

    def __init__(self, blank=None):
        self.blank = blank


def plain(cells):
    """Cells that `text` returns unchanged or as "" (NULL_WORDS): no edge whitespace or apostrophe, NFKC-safe."""
    return ~cells.str.contains(_EDGE) & cells.str.contains(_NFKC_SAFE)


@register_screen(text)
def screen_text(cells):
    """A plain cell is its own value; the placeholders exports write for "nothing" (NULL_WORDS) are ""."""
    return Unchanged(cells.is_in(_NULLS)), plain(cells)


@register_screen(raw_text)
def screen_raw_text(cells):
    """raw_text only trims and unquotes: a cell with neither to do is its own value."""
    return Unchanged(), ~cells.str.contains(_EDGE)


# The date forms most exports write; any other (2022年1月5日, Excel serials, times) goes the row path.
_DATE_FORMS = ((r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d"), (r"^[0-9]{8}$", "%Y%m%d"),
               (r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$", "%Y/%m/%d"))


@register_screen(parse_date)
def screen_date(cells):
    """ISO, compact and slash dates that exist (year 1 on: Python's calendar), and the no-date placeholders."""
    frame = pl.DataFrame({"c": cells})
    date = pl.lit(None, dtype=pl.Date)
    for pattern, form in reversed(_DATE_FORMS):
        date = pl.when(pl.col("c").str.contains(pattern)).then(
            pl.col("c").str.strptime(pl.Date, form, strict=False)).otherwise(date)
    date = pl.when(date.dt.year() >= 1).then(date)
    null = pl.col("c").str.to_lowercase().is_in(sorted(NULL_WORDS))
    out = frame.select(value=pl.when(null).then(None).otherwise(date), ok=null | date.is_not_null())
    return out["value"], out["ok"]


def _per_distinct(parse, empty, cells, all_text):
    """(values, ok) of any parser, run once per distinct cell (keyed with its type: True and 1 are parsed apart);
    an empty cell is `empty`. Raises TypeError for an unhashable cell."""
    found, doubt = {}, set()
    for key in set(cells) if all_text else {(c.__class__, c) for c in cells}:
        cell = key if all_text else key[1]
        if cell is None or cell == "":
            found[key] = empty
            continue
        with collect_warnings() as warned:
            try:
                found[key] = parse(cell)
            except (RowError, ValueError, ArithmeticError):
                doubt.add(key)
        if warned:
            doubt.add(key)
    if all_text:
        return [found.get(c) for c in cells], ~pl.Series(cells, dtype=pl.String).is_in(sorted(doubt))
    keys = [(c.__class__, c) for c in cells]
    return [found.get(k) for k in keys], pl.Series([k not in doubt for k in keys], dtype=pl.Boolean)


def _screen_column(parse, empty, cells, all_text):
    """(values, ok) of one column of the batch: empty cells get `empty` (what the parser makes of ""), the others
    the parser's vectorised screen when it has one and the column is all text, else `_per_distinct`."""
    screen = _SCREENS.get(parse)
    all_text = all_text or all(c.__class__ is str for c in cells)
    if screen is not None and all_text:
        series = pl.Series(cells, dtype=pl.String)
        values, ok = screen(series)
        if isinstance(values, Unchanged):
            values_list = list(cells)
            fill = series == "" if values.blank is None else (series == "") | values.blank
            for index in fill.arg_true().to_list():
                values_list[index] = empty if cells[index] == "" else ""
            return values_list, (series == "") | ok.fill_null(False)
        frame = pl.DataFrame({"c": series, "v": values, "ok": ok})
        empty_cell = pl.col("c") == ""
        if empty is None or isinstance(empty, str) and frame["v"].dtype == pl.String:
            frame = frame.with_columns(v=pl.when(empty_cell).then(pl.lit(empty, dtype=frame["v"].dtype))
                                       .otherwise(pl.col("v")))
            values = frame["v"].to_list()
        else:
            values = [empty if c == "" else v for c, v in zip(cells, frame["v"].to_list())]
        return values, frame.select(empty_cell | pl.col("ok").fill_null(False)).to_series()
    try:
        return _per_distinct(parse, empty, cells, all_text)
    except TypeError:  # an unhashable cell: the row path reads the column
        return [None] * len(cells), pl.repeat(False, len(cells), eager=True)


def _screen_field(parse, indexes, empty, by_column, all_text):
    """(values, ok) of one field over the batch, as the row path reads it: of several columns feeding the field the
    first whose value is not empty wins (validation._run); a row with more than one of them filled is in doubt."""
    from .validation import _ASK
    asks = empty is _ASK
    if len(indexes) == 1 and not asks:
        return _screen_column(parse, empty, by_column[indexes[0]], all_text)
    values = ok = None
    for position, index in enumerate(indexes):
        cells = by_column[index]
        parsed, good = _screen_column(parse, None if asks else empty, cells, all_text)
        good = good.to_list()
        filled = [not (c is None or c == "") for c in cells]
        if asks:  # a parser that refuses "": its empty cells are asked by the row path
            good = [g and f for g, f in zip(good, filled)]
        if position < len(indexes) - 1:   # an empty value here falls through to the next column's
            good = [g and not (f and v in (None, "")) for g, f, v in zip(good, filled, parsed)]
        if values is None:
            values, ok, any_filled = parsed, good, filled
            continue
        ok = [o and g and not (a and f) for o, g, a, f in zip(ok, good, any_filled, filled)]
        values = [v if a else p for v, p, a in zip(values, parsed, any_filled)]
        any_filled = [a or f for a, f in zip(any_filled, filled)]
    return values, pl.Series(ok, dtype=pl.Boolean)


def screen_rows(rows, plan, absent, width, pad, all_text=False):
    """(line, cells, values) for every (line, cells) of `rows`: `values` are the row's parsed cells (field name →
    value, as the per-row path makes them) when no cell of the row is in doubt, else None (the row path parses it).
    `plan` is validation's: (name, column indexes, parser, required, header, value of an empty cell); `all_text`:
    every cell is a str (CSV)."""
    while True:
        chunk = list(itertools.islice(rows, BATCH_ROWS))
        if not chunk:
            return
        padded = [cells if len(cells) >= width else list(cells) + [pad] * (width - len(cells)) for _, cells in chunk]
        by_column = list(zip(*padded))
        names, columns, oks = [], [], []
        for name, indexes, parse, required, _header, empty in plan:
            values, ok = _screen_field(parse, indexes, empty, by_column, all_text)
            if required:
                ok = ok & pl.Series([v not in (None, "") for v in values], dtype=pl.Boolean)
            names.append(name)
            columns.append(values)
            oks.append(ok.alias(str(len(oks))))
        clear = pl.DataFrame(oks).select(pl.all_horizontal(pl.all())).to_series().to_list() if oks else \
            [False] * len(chunk)
        for (line, cells), good, row in zip(chunk, clear, zip(*columns) if columns else itertools.repeat(())):
            if good:
                values = dict(absent)
                values.update(zip(names, row))
                yield line, cells, values
            else:
                yield line, cells, None
