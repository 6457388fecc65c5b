"""Imports keep the statistics facts fresh (issue 18 with issue 17): the importers write without signals, so each
batch refreshes the facts of the patents it created or changed (stats.facts.refresh_patents) in the import's
transaction — a committed import leaves facts equal to a full rebuild, a dry run or a refused file leaves none."""
import csv
import datetime as dt

import pytest

from ipdesk.core.imports import run_import
from ipdesk.registry.models import Patent
from ipdesk.stats import facts
from ipdesk.stats.models import PatentFact

pytestmark = pytest.mark.django_db

HEADER = ["申请号", "名称", "申请人", "申请人地址", "申请日", "授权公告日", "法律状态"]
ROWS = [["201710601862.3", "甲", "枣庄甲公司", "山东省枣庄市薛城区泰山南路1号", "2017-08-01", "2019-05-03", "有效"],
        ["201310699744.2", "乙", "滕州乙公司", "山东省滕州市北辛街道", "2013-12-20", "", "审中"],
        ["202120699820.X", "丙", "枣庄丙公司", "山东省枣庄市市中区光明路", "2021-06-18", "2021-12-01", "有效"]]


def write(tmp_path, rows, name="p.csv", header=HEADER):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def fail_second_batch(monkeypatch, look=None):
    """Batches of one row, the second of which fails with a database-like error ("disk full") after the first is
    written; returns the list that `look()`'s answer, taken when the second batch starts, goes to."""
    from ipdesk.core import imports
    calls, seen = {"n": 0}, []
    original = imports.upsert

    def failing(spec_, records, ctx, outcome):
        calls["n"] += 1
        if calls["n"] == 2:
            if look is not None:
                seen.append(look())
            raise RuntimeError("disk full")
        return original(spec_, records, ctx, outcome)

    monkeypatch.setattr(imports.get_spec("patents"), "batch_size", 1)
    monkeypatch.setattr(imports, "upsert", failing)
    return seen


def assert_fresh():
    found = facts.check()
    assert facts.differences(found) == 0, found


def test_a_patent_import_writes_the_facts_of_the_patents_it_created_and_changed(tmp_path, regions):
    facts.rebuild()
    result = run_import("patents", write(tmp_path, ROWS))
    assert (result.created, result.rejected) == (3, 0), result.errors
    ids = set(Patent.objects.values_list("pk", flat=True))
    assert set(PatentFact.objects.values_list("patent_id", flat=True)) == ids
    assert_fresh()
    changed = [ROWS[0], ROWS[1][:5] + ["2015-02-04", "有效"], ROWS[2]]   # the second patent is granted now
    result = run_import("patents", write(tmp_path, changed, "q.csv"))
    assert (result.updated, result.unchanged) == (1, 2), result.errors
    number = ROWS[1][0]
    assert PatentFact.objects.get(patent_id=Patent.objects.get(application_no=number).pk).grant_date == \
        dt.date(2015, 2, 4)
    assert_fresh()


def test_a_dry_run_or_a_refused_file_leaves_no_facts(tmp_path, regions):
    facts.rebuild()
    run_import("patents", write(tmp_path, ROWS), dry_run=True)
    bad = ROWS + [["201710601862.4", "丁", "丁公司", "", "2017-08-01", "", ""]]   # a wrong check digit
    result = run_import("patents", write(tmp_path, bad, "bad.csv"))
    assert result.rejected == 1 and not result.committed
    assert not Patent.objects.exists() and not PatentFact.objects.exists()
    assert_fresh()


def test_an_events_import_refreshes_the_facts_of_the_patents_it_touched(tmp_path, regions):
    facts.rebuild()
    run_import("patents", write(tmp_path, ROWS))
    header = ["申请号", "事件类型", "日期"]
    result = run_import("events", write(tmp_path, [[ROWS[0][0], "专利权的终止", "2022-03-01"]], "e.csv", header))
    assert (result.created, result.rejected) == (1, 0), result.errors
    assert_fresh()


@pytest.mark.django_db(transaction=True)
def test_a_file_undone_after_a_failed_batch_leaves_the_facts_as_before(tmp_path, regions, monkeypatch):
    """SQLite writes batch by batch and undoes the written ones when a later batch fails (core.imports); the
    patents it restores get their facts back too. On PostgreSQL the one transaction rolls everything back."""
    facts.rebuild()
    run_import("patents", write(tmp_path, ROWS))
    assert_fresh()
    changed = [ROWS[0][:5] + ["2019-06-03", "有效"], ROWS[1][:5] + ["2015-02-04", "有效"], ROWS[2]]
    fail_second_batch(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write(tmp_path, changed, "q.csv"))
    assert Patent.objects.get(application_no=ROWS[0][0]).grant_date == dt.date(2019, 5, 3)
    assert_fresh()


@pytest.mark.django_db(transaction=True)
def test_a_file_undone_after_a_failed_batch_leaves_the_strategic_class_as_before(tmp_path, regions, monkeypatch):
    """A file with the IPC over patents imported without it derives their strategic-industry class again
    (registry.imports.reclassify_stored); when a later batch fails, the undone patents get back the class their
    restored IPC gives, and their facts with it."""
    run_import("patents", write(tmp_path, ROWS))
    assert Patent.objects.get(application_no=ROWS[0][0]).sei_branch == ""
    header = HEADER + ["主分类号"]
    with_ipc = [ROWS[0][:1] + ["一种文本分类方法"] + ROWS[0][2:] + ["G06F 40/30"], ROWS[1] + ["G06F 40/30"]]
    seen = fail_second_batch(monkeypatch, lambda: Patent.objects.get(application_no=ROWS[0][0]).sei_branch)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write(tmp_path, with_ipc, "ipc.csv", header))
    assert seen == ["1.5"]   # the first batch's, before the undo
    p = Patent.objects.get(application_no=ROWS[0][0])
    assert (p.ipc_main, p.title, p.sei_branch) == ("", "甲", "")
    assert_fresh()


@pytest.mark.django_db(transaction=True)
def test_an_undo_restores_the_strategic_class_the_patent_had(tmp_path, regions, monkeypatch):
    """The undo restores the strategic-industry fields as they were stored, not as the rules give them now: a class
    an officer's rule edit has not reached yet (here stored by hand) comes back unchanged."""
    run_import("patents", write(tmp_path, ROWS))
    Patent.objects.filter(application_no=ROWS[0][0]).update(sei_branch="7.1", sei_branch_name="旧分类",
                                                             sei_evidence="旧规则")
    header = HEADER + ["主分类号"]
    with_ipc = [ROWS[0][:1] + ["一种文本分类方法"] + ROWS[0][2:] + ["G06F 40/30"], ROWS[1] + ["G06F 40/30"]]
    fail_second_batch(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write(tmp_path, with_ipc, "ipc.csv", header))
    p = Patent.objects.get(application_no=ROWS[0][0])
    assert (p.ipc_main, p.sei_branch, p.sei_branch_name, p.sei_evidence) == ("", "7.1", "旧分类", "旧规则")


def test_a_file_refreshes_the_facts_of_its_patents_set_based_never_by_a_rebuild(tmp_path, regions, monkeypatch):
    """Issue 18: a rebuild inside an import rewrote every patent's facts (30 s of a million-row import); the import
    refreshes exactly the patents it wrote, set-based (tests/imports/test_set_based_write.py)."""
    facts.rebuild()
    monkeypatch.setattr(facts, "rebuild", lambda *a, **k: pytest.fail("an import must not rebuild the facts"))
    result = run_import("patents", write(tmp_path, ROWS))
    assert result.created == 3 and result.committed
    monkeypatch.undo()
    assert set(PatentFact.objects.values_list("patent_id", flat=True)) == set(Patent.objects.values_list("pk", flat=True))
    assert_fresh()


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_that_fails_undoes_nothing(tmp_path, regions, monkeypatch):
    """A dry run's batches are rolled back one by one; when a later one fails there is nothing to undo: the stored
    patents keep their version and values (an undo of the rolled-back batches bumped their versions)."""
    run_import("patents", write(tmp_path, ROWS))
    versions = dict(Patent.objects.values_list("application_no", "version"))
    changed = [ROWS[0][:5] + ["2019-06-03", "有效"], ROWS[1][:5] + ["2015-02-04", "有效"], ROWS[2]]
    fail_second_batch(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import("patents", write(tmp_path, changed, "dry.csv"), dry_run=True)
    assert dict(Patent.objects.values_list("application_no", "version")) == versions
    assert Patent.objects.get(application_no=ROWS[0][0]).grant_date == dt.date(2019, 5, 3)
    assert_fresh()
