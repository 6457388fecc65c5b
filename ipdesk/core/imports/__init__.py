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
after_write(written, ctx) reacts to created/changed records; finish(ctx) runs before the commit;
undone(model, pks, ctx) follows SQLite's undo of a failed file.
clean() may remember what it derives from a row (placement, matching, classification) in ctx.cache, keyed by
exactly the cells and lookups it reads: the cache lives for one file and one user (a new ImportContext per import
and per pass), so nothing reaches another import or another user's scope, and a remembered error or outside outcome
is raised anew for each row that has it, with the row's own line (registry.imports.locate, _sei_fields;
tests/imports/test_import_memo.py).
A row of another city: clean() raises RowOutside — counted as "outside", neither written nor rejected.
Attributes: batch_size, create_only (attnames never overwritten on update), kept_when_absent (attnames an
update keeps as stored when the file has no column for them: a file that lacks a column says nothing about it;
`kept_attnames(absent)` may add derived ones), placed_from and placement (a file without the column a row's region
is placed from last — the address — says nothing of it: a row its other cells do not place, or place only around
the stored region, keeps the stored placement, region first; unplaced_basis: a basis that is a stand-in), derived
(attnames kept while the attname they explain is unchanged), threaded (PostgreSQL: parse and write in two threads —
only when clean() reads no database). Entry points:
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
- Batches: rows are written `batch_size` at a time. PostgreSQL: the batch is COPYed into a staging table
  and merged in one `INSERT … ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM … RETURNING` that
  yields the created and changed rows and the stored values the audit needs (writing._merge); with two threads
  the reading thread also formats the batch's COPY text (writing.CopyText), so that between two merges the
  writer only sends bytes and PostgreSQL seldom waits for Python; elsewhere
  new rows by bulk_create, changed rows by bulk_update. Two rows with the same key in one file: the later wins.
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

The package by concern (issue 18): `errors` (RowError, RowOutside, ImportFileError, warn), `parsers` (cell
parsers), `specs` (Field, ImportSpec, register), `reading` (Table: CSV/XLSX/XLS, the header row, column mappings),
`validation` (every row parsed and cleaned, problems and warnings collected), `writing` (upsert, COPY, the
rejected-rows file), `job` (run_import, transactions, the background job). Every name is re-exported here; code
that wraps or patches a step patches it here (`imports.upsert`, `imports.run_import`): the steps call it through
the package.
"""

# Every name the single module had, re-exported: `from ipdesk.core.imports import …` keeps working.
from .errors import (  # noqa: F401
    RowError, RowOutside, ImportFileError, _ROW_WARNINGS, ROW_WARNING_SAMPLE, warn, collect_warnings, RowProblem)
from .parsers import (  # noqa: F401
    _UNQUOTE, _unquote, _cell_text, text, _null_number, raw_text, parse_int, parse_decimal, _TRUE, _FALSE,
    parse_bool, _EXCEL_EPOCH, _DATE_YMD, _DATE_COMPACT, _SERIAL, _DATE_MEMO, parse_date, NULL_WORDS,
    _NULL_SPELLINGS, _parse_date, _CJK, _from_serial, choice_parser, _fold)
from .specs import (  # noqa: F401
    Field, ImportContext, ImportSpec, _SPECS, register, specs, get_spec)
from .reading import (  # noqa: F401
    HEADER_SEARCH_ROWS, detect_encoding, _Counting, Table, MAX_CELLS, _OLE, _UTF16, _SQL, _not_a_table,
    _check_workbook, _sniff_delimiter, parse_columns, _filled_count, _header_columns, _find_header,
    MAX_MAPPED_COLUMNS, _DATA_CELL, looks_like_data, _mapped_columns, _cell_out)
from .writing import (  # noqa: F401
    BatchOutcome, imports_dir, _Spool, _existing, _has_attname, upsert, _name_of, _same, _create, _copy_rows,
    _RejectWriter)
from .validation import (  # noqa: F401
    ERROR_SAMPLE, _run, _ASK, _length_limits, _reject_lock, _reject)
from .job import (  # noqa: F401
    log, ImportResult, _Rollback, file_sha256, _allowed_regions, run_import, _finish, _file_entry, _undoable,
    _Abort, _run_in_short_transactions, _check_batch, _undo, _run_threaded, _current_context, _flush,
    progress_path, read_progress, import_job)
