"""A large file into empty tables (PostgreSQL): a table's secondary indexes are dropped in the import's
transaction and built again, each in one sorted pass, before it commits.

PostgreSQL's documentation, "Populating a Database", "Remove Indexes" (section 14.4.3 of the PostgreSQL 12
documentation; the same words in the current source, populate.sgml): "If you are loading a freshly created table,
the fastest method is to create the table, bulk load the table's data using COPY, then create any indexes needed for
the table. Creating an index on pre-existing data is quicker than updating it incrementally as each row is loaded."
A city's first load of its registry is that case: a million patents into an empty table kept eight indexes of the
patents and six of the facts up to date row by row (bench/import.py).

What stays and what holds:
- only indexes that back no constraint and are not unique are dropped (those on foreign-key columns included): the
  primary key and the import's key (the merge's ON CONFLICT needs it, and every lookup of a row by its key reads
  it) stay, and so do the foreign-key constraints (dropping one would lock the referenced table — the regions every
  page reads — to the commit); they are checked with each statement instead of at the commit (PostgreSQL builds no
  index on a table with checks pending);
- each table of the spec's `bulk_models` is decided alone: its indexes are dropped only when it holds no row, the
  file is large (BULK_BYTES) and the import is not a dry run, and only when the lock is granted within LOCK_TIMEOUT
  (a reader in a long transaction): otherwise the import writes its indexes as it goes, as always. A table whose
  indexes are dropped stays locked (ACCESS EXCLUSIVE) to the commit: every page reading it waits for the first load
  instead of showing it half done;
- DDL is transactional: a rollback (an error, all-or-nothing with rejected rows) brings every index back as it was;
  a commit has every index built again from its own definition (pg_get_indexdef) first.
"""
import os

from django.db import DatabaseError, connection, transaction

BULK_BYTES = 8 * 2**20   # ~30,000 patent rows of a CNIPA-style CSV; below it the indexes cost little
LOCK_TIMEOUT = "2s"
# PostgreSQL's lock_not_available (another transaction holds the table past LOCK_TIMEOUT) and insufficient_privilege
# (the database role does not own the table): the indexes stay, the import goes on as always
PASSED_OVER = {"55P03", "42501"}
BUILD_MEMORY = "256MB"   # maintenance_work_mem of the builds: a sort of a million keys in memory


class _Busy(Exception):
    """The table is not empty: undo the savepoint (and the lock taken in it)."""


def applies(path, dry_run=False):
    """Whether an import of the file at `path` may bulk-load: PostgreSQL, a large file, and not a dry run (which
    would lock other users out of the tables for a run that writes nothing that stays)."""
    return connection.vendor == "postgresql" and not dry_run and os.path.getsize(path) >= BULK_BYTES


def drop_indexes(models):
    """Drop the secondary indexes of those of `models` whose table is empty, inside the current transaction;
    returns [(index name, definition)] to `rebuild`, [] when nothing was dropped."""
    dropped = []
    for model in models:
        table = model._meta.db_table
        try:
            with transaction.atomic(), connection.cursor() as cur:   # a savepoint: its lock goes with it
                cur.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                cur.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN ACCESS EXCLUSIVE MODE")
                cur.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
                if cur.fetchone()[0]:
                    raise _Busy()
                cur.execute("""
                    SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                    JOIN pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = CAST(%s AS regclass) AND NOT x.indisunique AND NOT x.indisprimary
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                    ORDER BY i.relname""", [table])
                found = cur.fetchall()
                for name, _ in found:
                    cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                cur.execute("SET LOCAL lock_timeout = DEFAULT")
        except _Busy:   # not empty: the indexes stay
            continue
        except DatabaseError as exc:   # locked by another transaction past LOCK_TIMEOUT, or not ours to drop
            if getattr(exc.__cause__, "sqlstate", None) not in PASSED_OVER:
                raise
            continue
        dropped.extend(found)
    if dropped:
        # PostgreSQL builds no index on a table with checks still pending (rebuild): the foreign keys of the rows
        # written (Django defers them to the commit) are checked with each statement instead — the same checks,
        # made while the file is still being read rather than after it
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return dropped


def rebuild(dropped):
    """Build again, before the commit, the indexes `drop_indexes` dropped (their own definitions)."""
    if not dropped:
        return
    with connection.cursor() as cur:
        cur.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for _, definition in dropped:
            cur.execute(definition)
        cur.execute("SET LOCAL maintenance_work_mem = DEFAULT")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")   # as Django has them for the rest of the transaction
