"""Writing validated batches: the idempotent upsert on the spec's key (unchanged rows not written; PostgreSQL: the
batch COPYed into a staging table and merged in one statement), the rejected-rows file, and the disk spool for
audit entries and undo journals."""
import csv
import decimal
import operator
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
    written: list = field(default_factory=list)     # records created (no "pk") and changed ("pk")
    pks: list = field(default_factory=list)         # the ids of the rows created and changed


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
    names = set()
    for record in batch:   # every record's attnames: a batch may mix shapes (a patent file's PCT rows)
        if not names.issuperset(record.keys()):
            names.update(record.keys())
    attnames = sorted({k for k in names if not k.startswith("__")} | set(spec.key) |
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
            for raw in cursor.fetchall():
                row = dict(zip(names, raw[:2]))
                row.update(_from_db(model, attnames, raw[2:]))
                found[tuple(row[k] for k in spec.key)] = row
        return found
    for row in model._base_manager.filter(**{f"{first}__in": wanted}).values("pk", "version", *attnames):
        found[tuple(row[k] for k in spec.key)] = row
    return found


def _from_db(model, attnames, raw):
    """{attname: value} of one row read by raw SQL, through the fields' own conversions (JSON …)."""
    row = {}
    for a, v in zip(attnames, raw):
        f = model._meta.get_field(_name_of(model, a))
        row[a] = f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
    return row


def _has_attname(model, attname):
    return any(f.attname == attname for f in model._meta.concrete_fields)


def upsert(spec, records, ctx, outcome):
    """The idempotent upsert: new keys are created, changed rows updated, equal rows left alone. Fills `outcome`:
    the counts, the audit entries (one IMPORT entry naming the keys created, an UPDATE entry with before/after per
    changed row), the records written and their ids.

    PostgreSQL (a key the table holds unique): `_merge`, one statement per batch. Elsewhere the stored rows of the
    batch (`ctx.cache["__existing__"]` when the caller read them, else read here) are compared in Python."""
    if not records:
        return
    if _merges(spec):
        _merge(spec, records, ctx, outcome)
        return
    model = spec.model
    existing = ctx.cache.get("__existing__")
    if existing is None:
        existing = _existing(spec, records)
    new, changed = [], []
    fixed = spec.fixed(ctx)
    private = {k for k in records[0] if k.startswith("__")}
    key_of = _prepared_key(spec, {f.attname: f for f in model._meta.concrete_fields})
    for record in records:
        values = {k: v for k, v in record.items() if k not in private} if private else record
        old = existing.get(key_of(record)) if existing else None
        if old is None:
            new.append(values)
            continue
        diff = _changes(spec, old, values, fixed, ctx)
        if not diff:
            outcome.unchanged += 1
            continue
        changed.append((old, values, diff))
    now = timezone.now()
    journal = ctx.cache.get("__journal__")
    if journal is not None and (new or changed):  # before-images, to undo this batch if a later one fails
        journal.add((model, list(spec.key), [{k: v[k] for k in spec.key} for v in new],
                     [(old["pk"], {k: old[k] for k in diff if k not in fixed}) for old, _, diff in changed]))
    if new:
        pks = _create(model, new, now)
        if pks is None:   # COPY returns no ids: read back by key
            found = _existing(spec, new)
            pks = [found[key_of(v)]["pk"] for v in new]
        outcome.pks.extend(pks)
        _created(spec, ctx, outcome, new)
    if changed:
        objs, fields = [], set()
        for old, values, diff in changed:
            obj = model(pk=old["pk"], **{k: v for k, v in values.items() if k not in fixed})
            obj.version = old["version"] + 1
            obj.updated_at = now
            objs.append(obj)
            fields |= set(diff)
            _changed(spec, outcome, old["pk"], old, values, diff)
        names = sorted({model._meta.get_field(_name_of(model, a)).name for a in fields} | {"version", "updated_at"})
        model._base_manager.bulk_update(objs, names, batch_size=500)


def _changes(spec, old, values, fixed, ctx=None):
    """{attname: new value} of what a record changes in its stored row `old`. A derived attname keeps its stored
    value while the attname it explains is unchanged (it is set in `values` then); `fixed` attnames (spec.fixed:
    create-only, and kept ones the file has no column for) never change; a row of a file without addresses that its
    cells did not place, or placed only around the stored region, keeps the stored placement (spec.keeps_placement;
    set in `values` then)."""
    if ctx is not None and spec.keeps_placement(values, old, ctx):
        for attname in ctx.kept_placement:
            if attname in old:
                values[attname] = old[attname]
    for attname, basis in spec.derived.items():
        if attname in old and basis in values and _same(old.get(basis), values.get(basis)):
            values[attname] = old[attname]
    return {k: v for k, v in values.items() if k in old and k not in fixed and not _same(old[k], v)}


def _created(spec, ctx, outcome, new):
    """Count and audit the records `new` (in file order) as created: one IMPORT entry naming their keys."""
    outcome.created += len(new)
    outcome.written.extend(new)
    outcome.audit_items.append({
        "action": AuditAction.IMPORT, "object_type_name": audit.object_type(spec.model),
        "object_repr": f"{spec.label}导入：{ctx.filename} 新增 {len(new)} 条"[:200],
        "after": {"file": ctx.filename, "created": [v[spec.key[0]] for v in new] if len(spec.key) == 1
                  else [spec.key_text(v) for v in new]}})


def _changed(spec, outcome, pk, old, values, diff):
    """Count and audit one changed row: an UPDATE entry with the before and after of the fields that changed."""
    model = spec.model
    outcome.updated += 1
    outcome.pks.append(pk)
    outcome.audit_items.append({
        "action": AuditAction.UPDATE, "object_type_name": audit.object_type(model), "object_id": pk,
        "object_repr": f"{spec.key_text(values)}"[:200],
        # personal data (encrypted or masked fields) never enters the audit in clear (core.signals)
        "before": redact(model, {k: old[k] for k in sorted(diff)}),
        "after": redact(model, {k: diff[k] for k in sorted(diff)})})
    outcome.written.append({**values, "pk": pk})


_MERGES = {}


def _merges(spec):
    """Whether `upsert` merges the batch in the database: on PostgreSQL, when the spec's key is held unique by the
    table (ON CONFLICT needs that) and never null (NULLs never conflict), and every field can be compared in SQL
    (`_compares_in_sql`: an encrypted field cannot)."""
    if connection.vendor != "postgresql":
        return False
    model = spec.model
    if model not in _MERGES:
        meta = model._meta
        key = [meta.get_field(_name_of(model, a)) for a in spec.key]
        columns = {f.column for f in key}
        unique = [[meta.get_field(n).column for n in c.fields] for c in meta.constraints
                  if getattr(c, "fields", None) and getattr(c, "condition", None) is None]
        unique += [[meta.get_field(n).column for n in names] for names in meta.unique_together]
        unique += [[f.column] for f in meta.concrete_fields if f.unique]
        _MERGES[model] = (not any(f.null for f in key) and any(set(u) == columns for u in unique)
                          and all(_compares_in_sql(f) for f in meta.concrete_fields))
    return _MERGES[model]


def _compares_in_sql(field):
    """Whether the merge may compare a field's staged and stored values in SQL: Django's own fields, and text fields
    from outside Django that only prepare what they store (registry.fields' identifier fields: the canonical form)
    and read it back unchanged (no `from_db_value`) — `_copy_into` stages their prepared values, so SQL compares
    what the Python path would store. A field that reads back something else (core.fields' encrypted text) cannot
    be compared in SQL."""
    if type(field).__module__.startswith("django."):
        return True
    return field.get_internal_type() in _TEXT and not hasattr(field, "from_db_value")


def _prepared_key(spec, fields):
    """key_of for the keys the merge returns: a key field from outside Django stores its prepared value
    (get_db_prep_save, as `_copy_into` stages it), so a record's key is prepared the same way to be found again."""
    own = [(i, fields[a]) for i, a in enumerate(spec.key) if not type(fields[a]).__module__.startswith("django.")]
    if not own:
        return spec.key_of

    def key_of(record):
        value = list(spec.key_of(record))
        for i, f in own:
            value[i] = f.get_db_prep_save(value[i], connection)
        return tuple(value)
    return key_of


_TEXT = ("CharField", "TextField", "SlugField", "EmailField", "URLField")


def _merge(spec, records, ctx, outcome):
    """PostgreSQL: COPY the batch into a staging table and merge it in one statement,
    `INSERT … ON CONFLICT (key) DO UPDATE … WHERE (stored) IS DISTINCT FROM (staged) RETURNING …`, whose rows are
    the created and the changed ones, with the stored values of the changed ones read in the same statement (the
    same snapshot) for the audit; unchanged = staged − returned, and they are not written (version and updated_at
    kept). The same rules as the Python path: None and "" are equal for text, a derived attname keeps its stored
    value while its basis is unchanged, create-only attnames are never overwritten."""
    from psycopg.types.json import Jsonb
    model = spec.model
    q = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    given = [a for a in records[0] if not a.startswith("__") and a in fields]
    col = {a: q(fields[a].column) for a in fields}
    table = q(model._meta.db_table)
    stage = q(f"h_stage_{model._meta.db_table}")
    pk = q(model._meta.pk.column)
    key = list(spec.key)
    fixed = spec.fixed(ctx)
    settable = [a for a in given if a not in key and a not in fixed]
    compared = [a for a in settable if a not in spec.derived]
    rest = [f for a, f in fields.items() if a not in given and not f.primary_key]
    now = timezone.now()

    def side(alias, a):
        ref = f"{alias}.{col[a]}"
        return f"COALESCE({ref}, '')" if fields[a].get_internal_type() in _TEXT else ref

    def staged(a):   # None is "" for text (as `_same` has it): a NOT NULL text column takes ""
        f = fields[a]
        return f"COALESCE({col[a]}, '')" if f.get_internal_type() in _TEXT and not f.null else col[a]

    def assign(a):
        basis = spec.derived.get(a)
        if basis in given:   # kept while the attname it explains is unchanged
            return (f"{col[a]} = CASE WHEN t.{col[basis]} IS NOT DISTINCT FROM EXCLUDED.{col[basis]} "
                    f"THEN t.{col[a]} ELSE EXCLUDED.{col[a]} END")
        return f"{col[a]} = EXCLUDED.{col[a]}"

    def differs(alias):   # the stored row `t` against the staged values
        if not compared:
            return "FALSE"
        return (f"({', '.join(side('t', a) for a in compared)}) IS DISTINCT FROM "
                f"({', '.join(side(alias, a) for a in compared)})")
    defaults = [now if f.attname in ("created_at", "updated_at") else f.get_default() for f in rest]
    defaults = [Jsonb(v) if f.get_internal_type() == "JSONField" else v for f, v in zip(rest, defaults)]
    text = ctx.cache.pop("__copy_text__", None)
    if text is not None and (text.records is not records or text.given != given):
        text = None
    with connection.cursor() as cursor:
        _stage_table(cursor, ctx, stage, f"SELECT {', '.join(col[a] for a in given)} FROM {table} WITH NO DATA")
        _copy_into(cursor, stage, [col[a] for a in given], [fields[a] for a in given], records, given,
                   text=text and text.data)
        placement = [a for a in ctx.kept_placement if a in given]
        if placement:   # a row of a file without addresses that its cells place nowhere, or only around the stored
            # region: the stored placement stands (spec.keeps_placement)
            same = [f"{side('t', a)} IS NOT DISTINCT FROM {side('s', a)}" for a in spec.placement_basis if a in given]
            region = fields[placement[0]].related_model
            regions, rid = q(region._meta.db_table), q(region._meta.pk.column)
            path = q(region._meta.get_field("path").column)
            around = (f"EXISTS (SELECT 1 FROM {regions} ro, {regions} ri WHERE ro.{rid} = s.{col[placement[0]]} "
                      f"AND ri.{rid} = t.{col[placement[0]]} AND ro.{rid} <> ri.{rid} "
                      f"AND ro.{path} <> '' AND starts_with(ri.{path}, ro.{path}))")
            unplaced, params = [f"s.{col[placement[0]]} IS NULL", around], None
            if spec.unplaced_basis and len(placement) > 1:
                # a stand-in keeps a stored placement — unless that one is a stand-in too (a corrected default)
                basis = col[placement[1]]
                unplaced.append(f"s.{basis} = ANY(%s)")
                same.append(f"NOT (COALESCE(s.{basis}, '') = ANY(%s) AND COALESCE(t.{basis}, '') = ANY(%s))")
                params = [list(spec.unplaced_basis)] * 3
            cursor.execute(
                f"UPDATE {stage} s SET ({', '.join(col[a] for a in placement)}) = "
                f"(SELECT {', '.join(f't.{col[a]}' for a in placement)}) FROM {table} t "
                f"WHERE {' AND '.join(f't.{col[a]} = s.{col[a]}' for a in key)} "
                f"AND ({' OR '.join(unplaced)}) AND t.{col[placement[0]]} IS NOT NULL"
                + "".join(f" AND {c}" for c in same), params)
        cursor.execute(f"""
            WITH old AS (
                SELECT o.* FROM {stage} s, LATERAL (
                    SELECT t.{pk} AS h_id, {', '.join(f't.{col[a]}' for a in settable) or 'NULL'} FROM {table} t
                    WHERE {' AND '.join(f't.{col[a]} = s.{col[a]}' for a in key)} AND {differs('s')}
                    OFFSET 0) o),
            merged AS (
                INSERT INTO {table} AS t ({', '.join(col[a] for a in given)}{''.join(', ' + q(f.column) for f in rest)})
                SELECT {', '.join(staged(a) for a in given)}{''.join(f', CAST(%s AS {f.db_type(connection)})' for f in rest)}
                FROM {stage}
                ON CONFLICT ({', '.join(col[a] for a in key)}) DO UPDATE SET
                    {', '.join([assign(a) for a in settable] + ['version = t.version + 1', 'updated_at = %s'])}
                WHERE {differs('EXCLUDED')}
                RETURNING t.{pk} AS h_merged, {', '.join(f't.{col[a]}' for a in key)})
            SELECT merged.*, old.* FROM merged LEFT JOIN old ON old.h_id = merged.h_merged""", [*defaults, now])
        returned = cursor.fetchall()
    n_key = len(key)
    created_keys, changed = set(), {}
    for row in returned:
        if row[1 + n_key] is None:
            created_keys.add(tuple(row[1:1 + n_key]))
        else:
            changed[tuple(row[1:1 + n_key])] = (row[0], _from_db(model, settable, row[2 + n_key:]))
    created_pks = [row[0] for row in returned if row[1 + n_key] is None]
    private = {k for k in records[0] if k.startswith("__")}
    new = []
    keys = text.keys if text is not None else map(_prepared_key(spec, fields), records)
    for record, key_value in zip(records, keys):
        if key_value in created_keys:
            new.append({k: v for k, v in record.items() if k not in private} if private else record)
        elif key_value in changed:
            pk, old = changed[key_value]
            values = {k: v for k, v in record.items() if k not in private} if private else dict(record)
            _changed(spec, outcome, pk, old, values, _changes(spec, old, values, fixed, ctx))
    if new:
        outcome.pks.extend(created_pks)
        _created(spec, ctx, outcome, new)
    outcome.unchanged += len(records) - len(returned)


def _stage_table(cursor, ctx, stage, select):
    """An empty staging table `stage` of the columns `select` names: created once per import (it is dropped with
    the transaction) and emptied for each further batch. A table created and dropped per batch would hold its
    locks to the end of the transaction: a file of thousands of batches filled PostgreSQL's lock table ("out of
    shared memory")."""
    made = ctx.cache.setdefault("__staged__", {})
    if made.get(stage) == select:
        cursor.execute(f"TRUNCATE {stage}")
        return
    cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    cursor.execute(f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS {select}")
    made[stage] = select


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
    """Insert new rows (COPY on PostgreSQL, bulk_create elsewhere); returns their ids, or None when unknown (COPY)."""
    if connection.vendor == "postgresql":
        _copy_rows(model, rows, now)
        return None
    objs = [model(**values) for values in rows]
    model._base_manager.bulk_create(objs, batch_size=500)
    return [o.pk for o in objs]


def _copy_rows(model, rows, now):
    """COPY new rows in: the columns the records carry, then the others at their defaults."""
    from psycopg.types.json import Jsonb
    given = [a for a in rows[0] if _has_attname(model, a)]
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    rest = [f for a, f in fields.items() if a not in given]
    tail = tuple(now if f.attname in ("created_at", "updated_at") else f.get_default() for f in rest)
    tail = tuple(Jsonb(v) if f.get_internal_type() == "JSONField" else v for f, v in zip(rest, tail))
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        _copy_into(cursor, q(model._meta.db_table), [q(fields[a].column) for a in given] + [q(f.column) for f in rest],
                   [fields[a] for a in given], rows, given, tail)


def _copy_into(cursor, table, columns, fields, rows, given, tail=(), text=None):
    """COPY `rows` (dicts) into `table`: the values of `given` (attnames of `fields`), then `tail` on every row.
    `text`: those rows already in COPY's text format (CopyText, made by the reading thread)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        if text is not None:
            copy.write(text)
            return
        write = copy.write_row
        for row in _copy_values(fields, rows, given, tail):
            write(row)


def _copy_values(fields, rows, given, tail=()):
    """The tuples COPY writes for `rows` (dicts): the values of `given` (attnames of `fields`) as the fields store
    them, then `tail`."""
    from psycopg.types.json import Jsonb
    json_positions = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    # Fields from outside Django (e.g. core.fields.EncryptedCharField) prepare their own values.
    prepared = [(i, f) for i, f in enumerate(fields)
                if not type(f).__module__.startswith("django.") and i not in json_positions]
    getter = operator.itemgetter(*given)
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
        yield row + tail if tail else row


class CopyText:
    """A batch's records as `_merge` stages them — COPY's text format, and each record's key as the merge returns
    it — made by the thread that reads the file (job._run_threaded) while the writer's connection merges the
    previous batch: the writer only sends bytes, and PostgreSQL waits less for Python between two batches.
    `_merge` uses it only for the very list `records` it was made from."""

    def __init__(self, spec, records, transformer):
        from psycopg._copy_base import format_row_text   # psycopg's own (C) COPY row formatter, as write_row uses
        model = spec.model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.records = records
        self.given = [a for a in records[0] if not a.startswith("__") and a in fields]
        data = bytearray()
        keys = self.keys = []
        # a key as _prepared_key makes it: the staged (prepared) values of the key's columns, which the merge
        # stages (its ON CONFLICT and its join read them from the staging table)
        key_of = operator.itemgetter(*[self.given.index(a) for a in spec.key])
        single = len(spec.key) == 1
        for row in _copy_values([fields[a] for a in self.given], records, self.given):
            format_row_text(row, transformer, data)
            keys.append((key_of(row),) if single else key_of(row))
        self.data = data

    @staticmethod
    def transformer():
        """A psycopg transformer with this thread's connection's adapters (every connection is set up alike)."""
        from psycopg.adapt import Transformer
        connection.ensure_connection()
        return Transformer(context=connection.connection)


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
