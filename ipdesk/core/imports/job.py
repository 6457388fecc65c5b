"""Running an import: run_import (one transaction, SQLite's short transactions with undo, or PostgreSQL's
reader and writer threads), the result and its audit entry, and the "import" background job of the upload page."""
import hashlib
import json
import logging
import os
import queue
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone

from .. import audit
from ..models import AuditAction
from ..scoping import Role, region_ids
from . import bulk
from .errors import ImportFileError, RowError
from .specs import ImportContext, ImportSpec, get_spec
from .reading import Table, parse_columns
from .writing import BatchOutcome, CopyText, _RejectWriter, _Spool, _existing, _merges, _name_of, imports_dir
from .validation import _reject, _run


log = logging.getLogger(__name__)


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


class _Rollback(Exception):
    pass


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
                        allowed_region_ids=_allowed_regions(user), columns=parse_columns(columns),
                        bulk=bulk.applies(path, dry_run))
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
                    _drop_indexes(spec, ctx)
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


def _finish(spec, ctx, result, user):
    """The end of the transaction: the spec's last word, then commit (with the file's audit entry) or roll back."""
    spec.finish(ctx)
    if ctx.dry_run or (result.rejected and not ctx.keep_good):
        raise _Rollback()   # the dropped indexes come back with the rollback
    bulk.rebuild(ctx.cache.pop("__dropped_indexes__", None))
    spool = ctx.cache.get("__audit_spool__")
    for items in spool or ():  # the batches' entries, held back so the audit chain is locked only now
        audit.record_many(items)
    _file_entry(spec, ctx, result, user)


def _drop_indexes(spec, ctx):
    """At the start of a file's one transaction: a large file into empty tables writes them without their
    secondary indexes, which `_finish` builds again before the commit (core.imports.bulk)."""
    if ctx.bulk:
        ctx.cache["__dropped_indexes__"] = bulk.drop_indexes(spec.bulk_models())


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
    if not ctx.dry_run:   # a dry run's batches are rolled back: nothing of theirs to undo
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
    """The check pass's stand-in for `_flush`: the checks against the stored rows (`_stored_checks`), no writing."""
    if not batch or (ctx.allowed_region_ids is None and not spec.pairs_kept(ctx)):
        return
    _stored_checks(spec, batch, ctx, result, rejects, _existing(spec, [entry[0] for entry in batch]))


def _stored_checks(spec, batch, ctx, result, rejects, existing):
    """The records of `batch` that pass the checks against their stored rows `existing`: the user's scope, and a date
    pair of which the file gives one date and keeps the other as stored (ImportSpec.kept_pair_problem); the others
    are rejected with their line."""
    pairs = spec.pairs_kept(ctx)
    good = []
    for record, line, cells in batch:
        old = existing.get(spec.key_of(record))
        try:
            spec.check_scope(record, old, ctx)
            problem = spec.kept_pair_problem(record, old, ctx) if pairs else None
            if problem is not None:
                raise problem
        except RowError as exc:
            _reject(result, rejects, line, exc, cells)
            continue
        good.append(record)
    return good


def _undo(spec, journal, ctx, user):
    """Undo the batches written so far, newest first, each in a short transaction; audited."""
    now = timezone.now()
    for model, key, created, changed in reversed(journal):
        with transaction.atomic():
            for pk, before in changed:
                model._base_manager.filter(pk=pk).update(**{_name_of(model, a): v for a, v in before.items()},
                                                         version=models.F("version") + 1, updated_at=now)
            if changed:
                spec.undone(model, [pk for pk, _ in changed], ctx)
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
        from .. import context as request_context
        done = False
        try:
            with request_context.acting_as(context_now.user, request_id=context_now.request_id, ip=context_now.ip):
                with transaction.atomic():
                    _drop_indexes(spec, ctx)
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

    transformer = None
    staging = _merges(spec) and ctx.allowed_region_ids is None   # the writer stages every record of the batch

    def put(batch):
        nonlocal transformer
        if state["error"] is not None:
            raise state["error"]
        if staging and batch:
            transformer = transformer or CopyText.transformer()
            batch = _Batch(batch)
            batch.copy_text = CopyText(spec, batch.records, transformer)
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


class _Batch(list):
    """A batch of (record, line, cells) handed to the writer thread, with its list of records and their COPY text
    (writing.CopyText) made by the reading thread."""

    def __init__(self, entries):
        super().__init__(entries)
        self.records = [entry[0] for entry in entries]
        self.copy_text = None


def _current_context():
    from .. import context as request_context
    return request_context.current()


def _flush(spec, batch, ctx, result, rejects):
    """Write one batch: the checks against the stored rows (scope, kept date pairs), then the spec's write (the
    upsert). The stored rows are read here only when those checks or a spec's own write need them: PostgreSQL's
    merge reads them in its one statement (core.imports.writing._merge)."""
    if not batch:
        return
    records = getattr(batch, "records", None) or [entry[0] for entry in batch]
    if getattr(batch, "copy_text", None) is not None:
        ctx.cache["__copy_text__"] = batch.copy_text   # writing._merge: only for this very list of records
    checks = ctx.allowed_region_ids is not None or spec.pairs_kept(ctx)
    reads = checks or not (_merges(spec) and _undoable(spec))
    existing = _existing(spec, records) if reads else None
    if checks:
        records = _stored_checks(spec, batch, ctx, result, rejects, existing)
    outcome = BatchOutcome()
    ctx.cache["__existing__"] = existing   # None: `upsert` reads them itself
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


from ..jobs import job_handler  # noqa: E402  (core.jobs is imported last, as in the single module)


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
        from ipdesk.core import imports as pipeline   # the package's run_import: one place to wrap or patch
        result = pipeline.run_import(record_type, path, filename=filename, user=job.created_by, keep_good=keep_good,
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
