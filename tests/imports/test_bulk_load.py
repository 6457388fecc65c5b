"""A large file into empty tables (core.imports.bulk, PostgreSQL): the tables' secondary indexes are dropped in the
import's transaction and built again before it commits — every index comes back with its own definition, a
rollback brings back the very indexes that were there, and a table that holds rows, or that another transaction
is reading, keeps its indexes as they are."""
import pytest
from django.db import IntegrityError, connection, connections, transaction

from ipdesk.core import imports
from ipdesk.core.imports import bulk, run_import
from ipdesk.registry.models import Patent
from ipdesk.stats import facts
from tests.factories.files import csv_file
from tests.imports.test_set_based_write import HEADER, number, rows

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]
TABLES = ("registry_patent", "stats_patentfact", "stats_patentinterval")


def indexes(table):
    """{index name: (its oid, its definition)} of `table`."""
    with connection.cursor() as cur:
        cur.execute("SELECT i.relname, x.indexrelid, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(%s AS regclass)", [table])
        return {name: (oid, definition) for name, oid, definition in cur.fetchall()}


def secondary(table):
    """The names of the indexes the bulk load may drop: neither unique nor primary."""
    with connection.cursor() as cur:
        cur.execute("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = CAST(%s AS regclass) AND NOT x.indisunique AND NOT x.indisprimary", [table])
        return {name for (name,) in cur.fetchall()}


@pytest.fixture
def large(monkeypatch):
    """Every file counts as large; returns the lists of indexes each bulk load dropped."""
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)
    dropped = []
    drop_indexes = bulk.drop_indexes

    def spy(models):
        dropped.append(drop_indexes(models))
        return dropped[-1]
    monkeypatch.setattr(bulk, "drop_indexes", spy)
    return dropped


def test_a_large_file_into_empty_tables_rebuilds_every_index_with_its_definition(tmp_path, regions, large):
    before = {t: indexes(t) for t in TABLES}
    assert all(secondary(t) for t in TABLES)
    result = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "first.csv"))
    assert (result.created, result.rejected, result.committed) == (30, 0, True), result.errors
    for table in TABLES:
        after = indexes(table)
        assert {n: d for n, (_, d) in after.items()} == {n: d for n, (_, d) in before[table].items()}
        rebuilt = {n for n in after if after[n][0] != before[table][n][0]}
        assert rebuilt == secondary(table), table   # dropped and built again; the unique and primary ones kept
    assert facts.differences(facts.check()) == 0
    # the rebuilt indexes answer: a district's list reads its index
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute("EXPLAIN SELECT id FROM registry_patent WHERE region_id = %s ORDER BY filing_date DESC, "
                    "application_no", [regions["370403"].pk])
        plan = " ".join(r[0] for r in cur.fetchall())
        cur.execute("SET enable_seqscan = on")
    assert "registry_patent_rglist_idx" in plan


def test_a_rolled_back_import_keeps_the_indexes_that_were_there(tmp_path, regions, large, monkeypatch):
    before = {t: indexes(t) for t in TABLES}
    data = rows(30)
    data[7][0] = "201710000007.0"   # a wrong check digit: all-or-nothing writes nothing
    result = run_import("patents", csv_file(tmp_path, HEADER, data, "bad.csv"))
    assert (result.rejected, result.committed) == (1, False)
    assert len(large) == 1 and {name for name, _ in large[0]} == set().union(*(secondary(t) for t in TABLES))
    assert Patent.objects.count() == 0
    assert {t: indexes(t) for t in TABLES} == before
    spec = imports.get_spec("patents")

    def failing(ctx):
        raise RuntimeError("the writer fails at the end")
    monkeypatch.setattr(spec, "finish", failing)
    with pytest.raises(RuntimeError):
        run_import("patents", csv_file(tmp_path, HEADER, rows(30), "fails.csv"))
    assert len(large) == 2 and large[1]
    assert Patent.objects.count() == 0
    assert {t: indexes(t) for t in TABLES} == before


def test_a_dry_run_locks_nothing_away(tmp_path, regions, large):
    """A dry run writes nothing that stays: it keeps the indexes, and other users' pages do not wait for it."""
    before = {t: indexes(t) for t in TABLES}
    dry = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "dry.csv"), dry_run=True)
    assert (dry.created, dry.committed) == (30, False)
    assert large == []
    assert {t: indexes(t) for t in TABLES} == before


def test_inside_a_callers_transaction_the_settings_come_back(tmp_path, regions, large):
    """The one-transaction path (an import inside the caller's transaction): the indexes are built again, and the
    lock timeout and the deferred foreign keys are as they were for whatever the caller does next."""
    checked = False
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            result = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "inside.csv"))
            assert (result.created, result.committed) == (30, True), result.errors
            assert large and large[0]
            assert secondary("registry_patent") == {n for n, _ in large[0] if n.startswith("registry_")}
            with connection.cursor() as cur:
                cur.execute("SHOW lock_timeout")
                assert cur.fetchone()[0] == "0"
                # a foreign key still checked at the commit, not by this statement
                cur.execute("UPDATE registry_patent SET region_id = -1 WHERE application_no = %s", [number(3)])
            checked = True
    assert checked


def test_a_table_that_holds_rows_keeps_its_indexes(tmp_path, regions, large):
    run_import("patents", csv_file(tmp_path, HEADER, rows(5), "first.csv"))
    before = {t: indexes(t) for t in TABLES}
    result = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "more.csv"))
    assert (result.created, result.unchanged) == (25, 5), result.errors
    assert {t: indexes(t) for t in TABLES} == before
    assert facts.differences(facts.check()) == 0


def test_a_small_file_keeps_the_indexes(tmp_path, regions):
    before = {t: indexes(t) for t in TABLES}
    result = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "small.csv"))
    assert result.created == 30
    assert {t: indexes(t) for t in TABLES} == before


def test_a_table_another_transaction_reads_keeps_its_indexes_and_the_import_goes_on(tmp_path, regions, large,
                                                                                      monkeypatch):
    """A reader in a long transaction holds a lock on the patents: the import does not wait for it past
    LOCK_TIMEOUT and writes the indexes as it goes; the facts' tables, which nobody reads, are still bulk-loaded."""
    monkeypatch.setattr(bulk, "LOCK_TIMEOUT", "200ms")
    before = {t: indexes(t) for t in TABLES}
    reader = connections.create_connection("default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cur:
            # an import that waited for the lock would wait for ever (this thread holds it): the server ends the
            # reader's session after 20 s, and the test fails instead of the run hanging
            cur.execute("SET idle_in_transaction_session_timeout = '20s'")
            cur.execute("SELECT COUNT(*) FROM registry_patent")
        result = run_import("patents", csv_file(tmp_path, HEADER, rows(30), "while.csv"))
        assert (result.created, result.committed) == (30, True), result.errors
    finally:
        try:
            reader.rollback()
        finally:
            reader.close()
    assert indexes("registry_patent") == before["registry_patent"]
    for table in ("stats_patentfact", "stats_patentinterval"):
        after = indexes(table)
        assert {n for n in after if after[n][0] != before[table][n][0]} == secondary(table)
    assert Patent.objects.filter(application_no=number(29)).exists()
    assert facts.differences(facts.check()) == 0


def test_the_facts_state_is_locked_before_the_fact_tables(tmp_path, regions, monkeypatch):
    """The rebuilds of the facts (rebuild, rebuild_high_value) lock the facts' state row, then read the fact tables;
    a bulk load locks the fact tables, and its `finish` the state row. Taken in the other order the two would
    deadlock; the load holds the state row already when it locks the tables."""
    from ipdesk.stats.models import FactState
    FactState.objects.get_or_create(pk=1)
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)
    seen = []
    drop_indexes = bulk.drop_indexes

    def spy(models):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cur:
                cur.execute("BEGIN")
                try:
                    cur.execute("SELECT id FROM stats_factstate FOR UPDATE NOWAIT")
                    seen.append("free")
                except Exception as exc:  # noqa: BLE001 - the lock is what is looked at
                    seen.append(getattr(exc.__cause__, "sqlstate", repr(exc)))
                cur.execute("ROLLBACK")
        finally:
            other.close()
        return drop_indexes(models)
    monkeypatch.setattr(bulk, "drop_indexes", spy)
    result = run_import("patents", csv_file(tmp_path, HEADER, rows(10), "order.csv"))
    assert result.created == 10, result.errors
    assert seen == ["55P03"]
