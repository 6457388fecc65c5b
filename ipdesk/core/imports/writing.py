"""Writing validated batches: the idempotent upsert on the spec's key (unchanged rows not written; new rows by
COPY on PostgreSQL), the rejected-rows file, and the disk spool for audit entries and undo journals."""
import csv
import decimal
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .. import audit
from ..models import AuditAction
from ..signals import redact
from .reading import _cell_out


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    audit_items: list = field(default_factory=list)
    written: list = field(default_factory=list)


def imports_dir():
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
