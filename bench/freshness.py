"""Benchmark of freshness: how long after a write the next bulletin is served (issue 17 item 4).

    .venv/bin/python bench/freshness.py [--patents 5000000] [--import-rows 10000] [--runs 3]
                                        [--database-url postgres://postgres@127.0.0.1:5432/ipdesk_bench_fresh] [--reuse]

On the data set of bench/bulletin.py (a province, its generator reused; N patents — the province size
is 5,000,000, a small N is for a quick check on a shared machine), with the facts built once:
(a) edits one patent through the application (a model save, as the form, the API and the state
    transitions do: the facts follow in its transaction) and times until the next province bulletin
    (`stats.bulletin.build`) is served;
(b) imports `--import-rows` patent rows (bench/import.py's generator) through the pipeline
    (`ipdesk.core.imports.run_import`, what `ipdesk import patents FILE` runs) and times until the next
    province bulletin is served;
(c) times the province bulletin and the DuckDB reference of bench/bulletin.py in the same run.
Then checks the facts against a full recomputation (stats.facts.check) and prints last the line
`edit_to_bulletin_s <a> import10k_to_bulletin_s <b> ratio <ipdesk bulletin ÷ DuckDB>`.
"""
import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_module(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, default=5_000_000, help="size of the data set (province: 5,000,000)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ipdesk_bench_fresh")
    parser.add_argument("--reuse", action="store_true", help="keep the data set already in the database")
    args = parser.parse_args()
    bulletin_bench = _bench_module("bulletin")
    import_bench = _bench_module("import")
    bulletin_bench.setup_django(args.database_url)

    from django.db import connection, transaction

    from ipdesk.core.imports import run_import
    from ipdesk.registry.models import Patent
    from ipdesk.stats import bulletin, facts
    from ipdesk.stats.models import FactState

    province, leaves = bulletin_bench.regions_of_province()
    cities = list(province.children.all())
    print(f"province {province.name}: {len(cities)} cities, {len(leaves)} county-level units", flush=True)
    have = Patent.objects.filter(application_no__startswith="B").count()
    if not (args.reuse and have == args.patents):
        with connection.cursor() as cur:
            cur.execute("TRUNCATE registry_patentevent, registry_patent, stats_patentfact, stats_patentinterval, "
                        "stats_factaggregate RESTART IDENTITY CASCADE")
        FactState.objects.all().delete()
        bulletin_bench.generate(args.patents, leaves)
    state = FactState.objects.first()
    if state is None or state.signature != facts.signature():   # generated in SQL, beside the application
        t = time.perf_counter()
        n_facts, n_intervals = facts.rebuild()
        with connection.cursor() as cur:
            for table in ("stats_patentfact", "stats_patentinterval", "stats_factaggregate"):
                cur.execute(f"VACUUM ANALYZE {table}")
        print(f"facts rebuilt (once, not on a read path): {n_facts:,} patents, {n_intervals:,} intervals in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
    if FactState.objects.first().hv_config != facts.current_hv_stamp():   # a database of before the hv measures
        t = time.perf_counter()
        facts.rebuild_high_value()   # what the nightly job / a criterion edit's job does (stats.tasks)
        print(f"high-value measures built (once, not on a read path) in {time.perf_counter() - t:.1f} s", flush=True)
    print(f"patents: {Patent.objects.count():,}", flush=True)
    bulletin.build(province, 2022, 12)   # warm: imports, caches of the process

    # (a) one edit through the application, then the next bulletin
    patent = Patent.objects.filter(application_no__startswith="B", patent_type="invention",
                                   grant_date__year=2022, region__in=leaves).order_by("pk").first()
    other = next(r for r in leaves if r.pk != patent.region_id)
    t = time.perf_counter()
    with transaction.atomic():   # a request's transaction (ATOMIC_REQUESTS-like)
        patent.region = other
        patent.save()
    t_saved = time.perf_counter()
    bulletin.build(province, 2022, 12)
    edit_s = time.perf_counter() - t
    print(f"(a) edit one patent: save {t_saved - t:.3f} s, next province bulletin served after {edit_s:.3f} s",
          flush=True)

    # (b) an import of N patent rows through the pipeline, then the next bulletin
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "patents.csv"
        import_bench.generate(path, args.import_rows)
        t = time.perf_counter()
        result = run_import("patents", path)
        t_imported = time.perf_counter()
        bulletin.build(province, 2022, 12)
        import_s = time.perf_counter() - t
    print(f"(b) import {args.import_rows:,} rows ({getattr(result, 'created', '?')} created, "
          f"{getattr(result, 'updated', '?')} updated, {getattr(result, 'rejected', '?')} rejected): "
          f"import {t_imported - t:.2f} s, next province bulletin served after {import_s:.2f} s", flush=True)

    # (c) the bulletin against DuckDB over the same rows, in the same run
    _data, prov_times = bulletin_bench.timed(lambda: bulletin.build(province, 2022, 12), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        _ref, duck_times = bulletin_bench.duckdb_reference(tmp, province.path, [province] + cities, args.runs)
    ours, theirs = statistics.median(prov_times), statistics.median(duck_times)
    print("ipdesk province bulletin (s): " + " ".join(f"{x:.3f}" for x in prov_times))
    print("duckdb province aggregates (s): " + " ".join(f"{x:.3f}" for x in duck_times))
    found = facts.check()
    print(f"facts against a full recomputation: {facts.differences(found)} differing rows "
          f"(facts {found['facts']}, intervals {found['intervals']}, aggregates {found['aggregates']})", flush=True)
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    print(f"load average during the run: {load}; patents {args.patents:,}")
    print(f"edit_to_bulletin_s {edit_s:.3f} import10k_to_bulletin_s {import_s:.2f} ratio {ours / theirs:.2f}")
    return 1 if facts.differences(found) else 0


if __name__ == "__main__":
    sys.exit(main())
