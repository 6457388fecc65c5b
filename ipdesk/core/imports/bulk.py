"""A large file into an empty table (PostgreSQL): the table's secondary indexes are dropped in the import's
transaction and built again, each in one sorted pass, before it commits.

PostgreSQL's documentation, "Populating a Database" (14.4.3 Remove Indexes, PostgreSQL 15): "If you are loading a
freshly created table, the fastest method is to create the table, bulk load the table's data using COPY, then
create any indexes needed for the table. Creating an index on pre-existing data is quicker than updating it
incrementally as each row is loaded." A city's first load of its registry is that case: a million patents into an
empty table kept eight indexes up to date row by row (bench/import.py).

What stays and what holds:
- only indexes that back no constraint and are not unique are dropped: the primary key and the import's key (the
  merge's ON CONFLICT needs it, and every lookup of a row by its key reads it) stay, and so do the foreign keys
  (dropping one would lock the referenced table — the regions every page reads — to the commit);
- the indexes are dropped only when the table holds no row and the file is large (BULK_BYTES), and only when the
  lock is granted within LOCK_TIMEOUT (a reader in a long transaction): otherwise the import writes the indexes as
  it goes, as always. The dropped indexes' table stays locked (ACCESS EXCLUSIVE) to the commit: other users'
  pages on an empty table wait for the first load instead of showing it half done;
- DDL is transactional: a rollback (an error, all-or-nothing with rejected rows, a dry run) brings every index back
  as it was; a commit has every index built again from its own definition (pg_get_indexdef) first.
"""
import os

from django.db import OperationalError, connection, transaction

BULK_BYTES = 8 * 2**20   # ~30,000 patent rows of a CNIPA-style CSV; below it the indexes cost little
LOCK_TIMEOUT = "2s"
LOCK_NOT_AVAILABLE = "55P03"   # PostgreSQL's lock_not_available
BUILD_MEMORY = "256MB"   # maintenance_work_mem of the builds: a sort of a million keys in memory


class _Busy(Exception):
    """The table is not empty: undo the savepoint (and the lock taken in it)."""


def applies(path):
    return connection.vendor == "postgresql" and os.path.getsize(path) >= BULK_BYTES


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
        except OperationalError as exc:   # locked by another transaction past LOCK_TIMEOUT: the indexes stay
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
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
