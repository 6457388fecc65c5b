"""Errors and warnings of the import pipeline: a refused cell or row (RowError), a row of another city
(RowOutside), a file that cannot be read (ImportFileError), the warnings a parser gives while a row is read (`warn`)."""
import threading
from dataclasses import dataclass, field


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
