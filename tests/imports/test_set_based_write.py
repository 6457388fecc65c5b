"""The set-based write of an import (issue 18 items 2 and 4): each batch is merged in one statement that yields the
created, changed and unchanged counts and the before/after values the audit needs (PostgreSQL: COPY into a staging
table, `INSERT … ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM … RETURNING`; SQLite: the same results by its
own path), and the statistics facts of the written patents are refreshed set-based — a fixed number of statements
whatever the number of patents, never a full rebuild inside an import (issue 17's freshness guarantee kept: after
any import `facts.check()` finds no difference)."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipdesk.core import imports
from ipdesk.core.imports import BatchOutcome, ImportContext, run_import
from ipdesk.core.models import AuditAction
from ipdesk.registry.models import Patent
from ipdesk.stats import facts
from ipdesk.stats.models import PatentFact
from tests.factories.files import csv_file

pytestmark = pytest.mark.django_db

HEADER = ["申请号", "名称", "申请人", "申请人地址", "申请日", "授权公告日", "法律状态"]


def number(i):
    """A valid invention application number (ZC 0006-2003 check digit) for serial `i`."""
    body = f"20171{i:07d}"
    value = sum(int(d) * w for d, w in zip(body, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])) % 11
    return f"{body}.{'X' if value == 10 else value}"


def rows(n, granted=lambda i: i % 2 == 0):
    return [[number(i), f"专利{i}", f"枣庄甲{i}公司", "山东省枣庄市薛城区泰山南路1号", "2017-08-01",
             "2019-05-03" if granted(i) else "", "有效" if granted(i) else "审中"] for i in range(n)]


def record(i, regions, **changes):
    """A patent record as PatentImport.clean makes it."""
    values = {"application_no": number(i), "patent_type": "invention", "is_pct": False,
              "title": f"专利{i}", "applicants": f"枣庄甲{i}公司", "current_owner": "", "holder_id": None,
              "holder_name": f"枣庄甲{i}公司", "address": "", "region_id": regions["370403"].pk,
              "region_signal": "address", "country_code": "", "is_domestic": True, "ipc_main": "",
              "filing_date": dt.date(2017, 8, 1), "publication_date": None, "grant_date": None, "lapse_date": None,
              "legal_status": "pending", "pct_application_no": "", "overseas_family": False, "strategic_class": "",
              "agency": "", "abstract": "", "claim1": "", "fee_paid_until": None, "sei_branch": "",
              "sei_branch_name": "", "sei_evidence": ""}
    values.update(changes)
    return values


def test_upsert_reads_the_stored_rows_itself_and_yields_counts_ids_and_the_audits_before_and_after(regions):
    """`upsert` needs no pre-read from its caller: it finds the stored rows of the batch itself (PostgreSQL: in
    the merge statement), counts created / changed / unchanged, returns the ids it wrote and audits each change
    with exactly the fields that changed. A value equal up to None/"" is no change; region_signal (derived from
    region_id) is kept while region_id is unchanged."""
    spec = imports.get_spec("patents")
    ctx = ImportContext(filename="a.csv")
    first = BatchOutcome()
    imports.upsert(spec, [record(i, regions) for i in range(3)], ctx, first)
    stored = dict(Patent.objects.values_list("application_no", "pk"))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert sorted(first.pks) == sorted(stored.values())
    assert [a["after"]["created"] for a in first.audit_items if a["action"] == AuditAction.IMPORT] == \
        [[number(i) for i in range(3)]]
    before = {p.pk: (p.version, p.updated_at) for p in Patent.objects.all()}

    again = BatchOutcome()
    changed = record(1, regions, title="改了名称", legal_status="valid", grant_date=dt.date(2019, 5, 3))
    batch = [record(0, regions, fee_paid_until=None, agency=None, region_signal="credit_code"), changed,
             record(2, regions), record(3, regions)]
    imports.upsert(spec, batch, ImportContext(filename="b.csv"), again)
    assert (again.created, again.updated, again.unchanged) == (1, 1, 2)
    new_pk = Patent.objects.get(application_no=number(3)).pk
    assert sorted(again.pks) == sorted([stored[changed["application_no"]], new_pk])
    updates = [a for a in again.audit_items if a["action"] == AuditAction.UPDATE]
    assert len(updates) == 1 and updates[0]["object_id"] == stored[changed["application_no"]]
    assert updates[0]["before"] == {"grant_date": None, "legal_status": "pending", "title": "专利1"}
    assert updates[0]["after"] == {"grant_date": dt.date(2019, 5, 3), "legal_status": "valid", "title": "改了名称"}
    written = {w["application_no"]: w for w in again.written}
    assert set(written) == {changed["application_no"], number(3)}
    assert written[changed["application_no"]]["pk"] == stored[changed["application_no"]]
    assert "pk" not in written[number(3)]   # created: the convention of after_write hooks
    p = Patent.objects.get(pk=stored[changed["application_no"]])
    assert (p.title, p.legal_status, p.version) == ("改了名称", "valid", 2)
    assert p.updated_at > before[p.pk][1]
    for i in (0, 2):
        q = Patent.objects.get(application_no=number(i))
        assert (q.version, q.updated_at) == before[q.pk]
        assert q.region_signal == "address"   # region_id unchanged: the signal that placed it is kept



def test_a_key_written_otherwise_than_its_field_stores_it_is_found_again(regions):
    """registry.Patent.application_no stores the canonical number (registry.fields): a record whose number lacks its
    dot is created once under the canonical number, and the canonical record is then the same row, unchanged — the
    merge (PostgreSQL) and the Python path (elsewhere) both find the stored row by the prepared key."""
    spec = imports.get_spec("patents")
    first = BatchOutcome()
    imports.upsert(spec, [record(5, regions, application_no=number(5).replace(".", ""))], ImportContext(), first)
    assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
    assert list(Patent.objects.values_list("application_no", flat=True)) == [number(5)]
    again = BatchOutcome()
    imports.upsert(spec, [record(5, regions)], ImportContext(), again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert again.pks == [] and Patent.objects.count() == 1

def test_refreshing_the_facts_is_set_based_a_fixed_number_of_statements(regions):
    """stats.facts.refresh_patents runs the same statements for 3 patents as for 1,200 (no loop per patent or per
    chunk of ids), and leaves the facts equal to a full rebuild."""
    facts.rebuild()
    Patent.objects.bulk_create([Patent(application_no=number(i).replace(".", ""), patent_type="invention",
                                       title=f"专利{i}", holder_name="甲", region=regions["370403"],
                                       filing_date=dt.date(2017, 8, 1),
                                       grant_date=dt.date(2019, 5, 3) if i % 2 else None,
                                       legal_status="valid" if i % 2 else "pending") for i in range(1203)])
    ids = sorted(Patent.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as few:
        facts.refresh_patents(ids[:3])
    with CaptureQueriesContext(connection) as many:
        facts.refresh_patents(ids[3:])
    assert len(many.captured_queries) == len(few.captured_queries)
    assert PatentFact.objects.count() == 1203
    assert facts.differences(facts.check()) == 0


@pytest.mark.django_db(transaction=True)
def test_facts_follow_import_reimport_and_changed_reimport_without_a_rebuild(tmp_path, regions, monkeypatch):
    """A file in several batches (PostgreSQL: reader and writer threads, one transaction; SQLite: short
    transactions), imported again unchanged, then with changes: the facts equal a full rebuild every time, and no
    import rebuilds the facts."""
    facts.rebuild()
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 7)

    def no_rebuild(*args, **kwargs):
        raise AssertionError("an import must not rebuild the facts")

    first = rows(30)
    changed = rows(30, granted=lambda i: i % 3 == 0) + rows(33)[30:]
    for name, data, counts in (("a.csv", first, (30, 0, 0)), ("b.csv", first, (0, 0, 30)),
                               ("c.csv", changed, (3, 15, 15))):
        monkeypatch.setattr(facts, "rebuild", no_rebuild)
        result = run_import("patents", csv_file(tmp_path, HEADER, data, name))
        assert (result.created, result.updated, result.unchanged) == counts, result.errors
        monkeypatch.undo()
        monkeypatch.setattr(spec, "batch_size", 7)
        assert PatentFact.objects.count() == Patent.objects.count()
        assert facts.differences(facts.check()) == 0


@pytest.mark.django_db(transaction=True)
def test_a_patent_created_and_changed_by_the_same_file_has_the_facts_of_its_last_row(tmp_path, regions, monkeypatch):
    """The facts of a one-transaction import are refreshed once at its end from the ids its batches gathered
    (stats.facts.IdTable): a number created by one batch and changed by a later one of the same file is still a
    new patent there (no stored facts to subtract), and its facts are those of the file's last row."""
    facts.rebuild()
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 3)
    data = rows(5, granted=lambda i: False) + [rows(2, granted=lambda i: True)[1]]   # number(1) again, now granted
    result = run_import("patents", csv_file(tmp_path, HEADER, data, "twice.csv"))
    assert (result.created, result.updated, result.unchanged) == (5, 1, 0), result.errors
    fact = PatentFact.objects.get(patent__application_no=number(1))
    assert fact.grant_date == dt.date(2019, 5, 3)
    assert PatentFact.objects.count() == 5
    assert facts.differences(facts.check()) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the staging table of the merge is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_an_import_of_many_batches_holds_a_bounded_number_of_locks(tmp_path, regions, monkeypatch):
    """Each batch is merged through a staging table; one created and dropped per batch held its locks to the end
    of the import's transaction, and a file of thousands of batches filled PostgreSQL's lock table ("out of shared
    memory"). The table is made once and emptied per batch: the locks the import holds do not grow with its
    batches."""
    from ipdesk.core.imports import writing
    spec = imports.get_spec("patents")
    monkeypatch.setattr(spec, "batch_size", 2)
    held = []
    copy_into = writing._copy_into

    def counting(cursor, *args, **kwargs):
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE pid = pg_backend_pid()")
        held.append(cursor.fetchone()[0])
        return copy_into(cursor, *args, **kwargs)
    monkeypatch.setattr(writing, "_copy_into", counting)
    result = run_import("patents", csv_file(tmp_path, HEADER, rows(80), "many.csv"))
    assert result.created == 80, result.errors
    assert len(held) >= 40
    assert max(held[5:]) <= held[4], held


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY text is PostgreSQL's")
def test_copy_text_made_by_the_reading_thread_stages_what_row_by_row_copy_stages(regions):
    """The reading thread formats a batch's staged columns (writing.CopyText) so that the writer only sends bytes.
    Staged both ways — CopyText's bytes and psycopg's write_row, value by value — the staging tables hold the same
    rows, for values COPY must escape (tab, newline, backslash, "\\N"), NULL, dates, booleans and numbers; and its
    keys are the merge's keys (the application number as the field stores it)."""
    from ipdesk.core.imports import writing
    spec = imports.get_spec("patents")
    tricky = ["制表\t符", "换\n行", "回车\r", "反斜杠\\", "\\N", "", "枣庄 “引号” ,逗号;"]
    records = [record(i, regions, title=tricky[i % len(tricky)], abstract=tricky[-1 - i % len(tricky)],
                      grant_date=dt.date(2019, 5, 3) if i % 2 else None, term_compensation_days=i,
                      overseas_family=bool(i % 3)) for i in range(14)]
    text = writing.CopyText(spec, records, writing.CopyText.transformer())
    fields = {f.attname: f for f in Patent._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[a].column) for a in text.given)
    with connection.cursor() as cursor:
        staged = []
        for name, data in (("h_by_text", text.data), ("h_by_rows", None)):
            cursor.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT {columns} FROM registry_patent WITH NO DATA")
            writing._copy_into(cursor, name, [connection.ops.quote_name(fields[a].column) for a in text.given],
                               [fields[a] for a in text.given], records, text.given, text=data)
            cursor.execute(f"SELECT {columns} FROM {name} ORDER BY application_no")
            staged.append(cursor.fetchall())
    assert len(staged[0]) == 14
    assert staged[0] == staged[1]
    assert {r[text.given.index("title")] for r in staged[0]} == set(tricky)
    assert text.keys == [(number(i),) for i in range(14)]
