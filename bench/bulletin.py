"""Benchmark of the monthly patent bulletin on a province-sized data set, against DuckDB.

    .venv/bin/python bench/bulletin.py [--patents 5000000] [--database-url postgres://postgres@127.0.0.1:5432/ipdesk_bench_stats]
                                       [--reuse] [--runs 3]

Builds in PostgreSQL a province (Shandong, 370000: 16 cities, 136 county-level units from the
national code table) with N patents filed over 10 years (2013–2022; invention / utility model /
design, grants, lapses, about 2% transferred between districts, some lapsed and restored, 1% foreign
holders, PCT applications), rebuilds the indicator facts (stats.facts.rebuild, timed), then times
the full monthly bulletin for December 2022 (`stats.bulletin.build`: every figure for each unit with
YoY, targets, completion, rank, the monthly trend and the summary) for the province and for one city.

In the same run it exports the same fact rows to DuckDB and computes the same aggregates there
(grants and applications by region and type for the period and the year before, the valid and
high-value stock at both dates, the monthly trend) as the reference, checks that both give the same
numbers, prints both timings and last the line `ratio <ipdesk seconds ÷ DuckDB seconds>` (province).
`--reuse` skips generation when the database already holds the data set.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2022, 12, 31)


def setup_django(database_url):
    import psycopg
    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("IPDESK_VAR_DIR", tempfile.mkdtemp(prefix="ipdesk-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("AUDIT_KEY_AUTOCREATE", "1")  # a throw-away audit key under the bench var directory
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)


def regions_of_province(province="370000"):
    from ipdesk.regions.models import Population, Region
    from ipdesk.regions.setup import load_city, national_rows
    cities = [r["code"] for r in national_rows() if r["parent_code"] == province]
    for code in cities:
        load_city(code)
    leaves = list(Region.objects.filter(path__startswith=f"{province}/", level="county"))
    if not Population.objects.filter(region__code=province).exists():
        import random
        rnd = random.Random(7)
        pops = {r.pk: rnd.randint(250_000, 1_500_000) for r in leaves}
        rows = [Population(region_id=pk, year=2020, population=p) for pk, p in pops.items()]
        for city in Region.objects.filter(code__in=cities):
            rows.append(Population(region=city, year=2020, population=sum(
                p for pk, p in pops.items() if pk in {r.pk for r in leaves if r.path.startswith(city.path)})))
        rows.append(Population(region=Region.objects.get(code=province), year=2020, population=sum(pops.values())))
        Population.objects.bulk_create(rows)
    return Region.objects.get(code=province), leaves


def column_sql(model, given):
    """A SELECT list for every concrete column of `model`: the given expressions, else a neutral value."""
    from django.db import models
    names, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(f.column)
        if f.column in given:
            exprs.append(given[f.column])
        elif f.null:
            exprs.append("NULL")
        elif isinstance(f, models.BooleanField):
            exprs.append("false")
        elif isinstance(f, (models.CharField, models.TextField)):
            exprs.append("''")
        elif isinstance(f, models.JSONField):
            exprs.append("'{}'::jsonb")
        elif isinstance(f, (models.DateTimeField,)):
            exprs.append("now()")
        elif isinstance(f, (models.IntegerField, models.DecimalField)):
            exprs.append("1" if f.name == "version" else "0")
        else:
            raise SystemExit(f"bench: no value for {model.__name__}.{f.name}")
    return ", ".join(f'"{n}"' for n in names), ", ".join(exprs)


def generate(n, leaves, batch=500_000):
    from django.db import connection

    from ipdesk.registry.models import Patent, PatentEvent
    ids = "ARRAY[" + ",".join(str(r.pk) for r in leaves) + "]"
    k = len(leaves)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        for lo in range(1, n + 1, batch):
            hi = min(n, lo + batch - 1)
            # s.r*: uniform draws per row; types 35% invention, 50% utility, 15% design.
            given = {
                "created_at": "now()", "updated_at": "now()", "version": "1",
                "application_no": "'B' || lpad(s.g::text, 11, '0')",
                "patent_type": "CASE WHEN s.r1 < 0.35 THEN 'invention' WHEN s.r1 < 0.85 THEN 'utility' ELSE 'design' END",
                "title": "'专利' || s.g", "holder_name": "'企业' || (s.g % 200000)",
                "region_id": f"({ids})[1 + ((s.g::bigint * 7919) % {k})::int]",
                "country_code": "CASE WHEN s.g % 100 = 0 THEN 'US' ELSE '37' END",
                "is_domestic": "s.g % 100 <> 0",
                "filing_date": "s.filing",
                "grant_date": "s.grant_d",
                "lapse_date": "CASE WHEN s.grant_d IS NOT NULL AND s.r3 < 0.15 THEN s.grant_d + 200 + (s.r4 * 1500)::int END",
                "legal_status": "CASE WHEN s.grant_d IS NULL THEN 'pending' WHEN s.r3 < 0.15 THEN 'lapsed' ELSE 'valid' END",
                "pct_application_no": "CASE WHEN s.r1 < 0.35 AND s.g % 400 = 0 THEN 'PCT/CN' || s.g ELSE '' END",
                "overseas_family": "s.g % 37 = 0", "strategic_class": "CASE WHEN s.g % 3 = 0 THEN '新材料产业' ELSE '' END",
            }
            cols, exprs = column_sql(Patent, given)
            cur.execute(f"""
                INSERT INTO {Patent._meta.db_table} ({cols})
                SELECT {exprs} FROM (
                  SELECT g, r1, r3, r4, filing,
                         CASE WHEN r2 < (CASE WHEN r1 < 0.35 THEN 0.6 ELSE 0.9 END)
                               AND filing + (CASE WHEN r1 < 0.35 THEN 400 + r2 * 1000 ELSE 150 + r2 * 200 END)::int
                                   <= DATE '2023-06-30'
                              THEN filing + (CASE WHEN r1 < 0.35 THEN 400 + r2 * 1000 ELSE 150 + r2 * 200 END)::int END
                           AS grant_d
                  FROM (SELECT g, random() r1, random() r2, random() r3, random() r4,
                               DATE '2013-01-01' + (random() * 3651)::int AS filing
                        FROM generate_series({lo}, {hi}) g) x) s""")
            print(f"  patents {hi:,} / {n:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
        # Events: ~2% of granted patents changed hands between districts after the grant; 0.3% lapsed and
        # were restored; the patent row keeps the current (after) holder.
        e_given = {"created_at": "now()", "updated_at": "now()", "version": "1", "patent_id": "p.id",
                   "kind": "'transfer'", "date": "p.grant_date + (1 + (p.id * 31) % 700)::int",
                   "owner_before": "'原权利人'", "owner_after": "p.holder_name",
                   "region_before_id": f"({ids})[1 + ((p.id::bigint * 13) % {k})::int]", "region_after_id": "p.region_id",
                   "domestic_after": "true", "source": "'bench'"}
        cols, exprs = column_sql(PatentEvent, e_given)
        cur.execute(f"INSERT INTO {PatentEvent._meta.db_table} ({cols}) SELECT {exprs} FROM {Patent._meta.db_table} p "
                    f"WHERE p.grant_date IS NOT NULL AND p.id % 50 = 7")
        for kind, offset in (("lapse", 400), ("restoration", 520)):
            e_given.update(kind=f"'{kind}'", date=f"p.grant_date + {offset}", region_before_id="NULL",
                           region_after_id="NULL", domestic_after="NULL", owner_before="''", owner_after="''")
            cols, exprs = column_sql(PatentEvent, e_given)
            cur.execute(f"INSERT INTO {PatentEvent._meta.db_table} ({cols}) SELECT {exprs} FROM {Patent._meta.db_table} p "
                        f"WHERE p.grant_date IS NOT NULL AND p.legal_status = 'valid' AND p.id % 300 = 11")
        cur.execute(f"ANALYZE {Patent._meta.db_table}")
        cur.execute(f"ANALYZE {PatentEvent._meta.db_table}")
    print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)


def timed(func, runs):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t)
    return result, times


def duckdb_reference(tmp, province_path, regions, runs):
    """The same aggregates in DuckDB over the same fact rows, rolled up to `regions` the same way."""
    import duckdb
    from django.db import connection

    from ipdesk.stats.indicators import _Tree, rules
    from ipdesk.stats.models import PatentFact, PatentInterval
    files = {}
    with connection.cursor() as cur:
        for name, model, cols in (
                ("fact", PatentFact, "patent_type, filing_date, filing_region_id, filing_domestic, grant_date, "
                                     "grant_region_id, grant_domestic, pct"),
                ("interval", PatentInterval, 'patent_type, region_id, domestic, start, "end", filing_date, strategic, '
                                             "overseas_family, first_pledge")):
            path = Path(tmp) / f"{name}.csv"
            with open(path, "wb") as fh, cur.cursor.copy(
                    f"COPY (SELECT {cols} FROM {model._meta.db_table}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for chunk in copy:
                    fh.write(chunk)
            files[name] = path
    db = duckdb.connect()
    db.execute(f"""CREATE TABLE fact AS SELECT * FROM read_csv('{files['fact']}', header = true, types = {{
        'filing_date': 'DATE', 'grant_date': 'DATE', 'filing_region_id': 'BIGINT', 'grant_region_id': 'BIGINT',
        'filing_domestic': 'BOOLEAN', 'grant_domestic': 'BOOLEAN', 'pct': 'BOOLEAN'}})""")
    db.execute(f"""CREATE TABLE intv AS SELECT * FROM read_csv('{files['interval']}', header = true, types = {{
        'region_id': 'BIGINT', 'domestic': 'BOOLEAN', 'start': 'DATE', 'end': 'DATE', 'filing_date': 'DATE',
        'strategic': 'BOOLEAN', 'overseas_family': 'BOOLEAN', 'first_pledge': 'DATE'}})""")
    tree = _Tree()
    ids = tree.subtree_ids(regions)
    db.execute("CREATE TABLE ids AS SELECT unnest(?::BIGINT[]) AS id", [ids])

    def run():
        out = {}
        prev = rules.one_year_earlier
        for label, start, end in (("cur", dt.date(2022, 1, 1), AS_OF), ("prev", prev(dt.date(2022, 1, 1)), prev(AS_OF))):
            grants = db.execute("""SELECT grant_region_id, patent_type, count(*) FROM fact
                WHERE grant_date BETWEEN ? AND ? AND grant_domestic AND grant_region_id IN (SELECT id FROM ids)
                GROUP BY 1, 2""", [start, end]).fetchall()
            filings = db.execute("""SELECT filing_region_id, patent_type, count(*), count(*) FILTER (WHERE pct) FROM fact
                WHERE filing_date BETWEEN ? AND ? AND filing_domestic AND filing_region_id IN (SELECT id FROM ids)
                GROUP BY 1, 2""", [start, end]).fetchall()
            ten = end.replace(year=end.year - 10)
            stock = db.execute("""SELECT region_id, count(*),
                    count(*) FILTER (WHERE strategic OR overseas_family OR filing_date < ? OR first_pledge <= ?),
                    count(*) FILTER (WHERE strategic), count(*) FILTER (WHERE overseas_family),
                    count(*) FILTER (WHERE filing_date < ?), count(*) FILTER (WHERE first_pledge <= ?)
                FROM intv WHERE patent_type = 'invention' AND domestic AND start <= ? AND ("end" IS NULL OR "end" > ?)
                  AND region_id IN (SELECT id FROM ids) GROUP BY 1""", [ten, end, ten, end, end, end]).fetchall()
            out[label] = (
                tree.rollup(regions, [{"r": r, f"{t}_grants": n} for r, t, n in grants], "r"),
                tree.rollup(regions, [{"r": r, f"{t}_applications": n, "pct_applications": p} for r, t, n, p in filings], "r"),
                tree.rollup(regions, [{"r": r, "valid": a, "high_value": b} for r, a, b, *_ in stock], "r"))
        region = regions[0]
        months = [dt.date(y, m, 1) for y in (2022, 2021) for m in range(1, 13)]
        ends = [(d.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1) for d in months]
        sub = tree.subtree_ids([region])
        db.execute("""SELECT year(grant_date), month(grant_date), count(*) FROM fact WHERE patent_type = 'invention'
            AND grant_domestic AND grant_region_id IN (SELECT unnest(?::BIGINT[])) AND grant_date BETWEEN ? AND ?
            GROUP BY 1, 2""", [sub, dt.date(2021, 1, 1), AS_OF]).fetchall()
        filters = ", ".join(f"count(*) FILTER (WHERE start <= DATE '{e}' AND (\"end\" IS NULL OR \"end\" > DATE '{e}'))"
                            for e in ends)
        trend = db.execute(f"""SELECT {filters} FROM intv WHERE patent_type = 'invention' AND domestic
            AND region_id IN (SELECT unnest(?::BIGINT[]))""", [sub]).fetchone()
        out["trend"] = trend
        return out
    return timed(run, runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, default=5_000_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ipdesk_bench_stats")
    parser.add_argument("--reuse", action="store_true", help="keep the data set already in the database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection

    from ipdesk.regions.models import Region
    from ipdesk.registry.models import Patent
    from ipdesk.stats import bulletin, facts
    from ipdesk.stats.models import FactState

    province, leaves = regions_of_province()
    cities = list(province.children.all())
    print(f"province {province.name}: {len(cities)} cities, {len(leaves)} county-level units", flush=True)
    have = Patent.objects.count()
    if not (args.reuse and have == args.patents):
        if have:
            with connection.cursor() as cur:
                cur.execute("TRUNCATE registry_patentevent, registry_patent, stats_patentfact, stats_patentinterval, "
                            "stats_factaggregate "
                            "RESTART IDENTITY CASCADE")
            FactState.objects.all().delete()
        generate(args.patents, leaves)
    state = FactState.objects.first()
    if state is None or state.signature != facts.signature():
        t = time.perf_counter()
        n_facts, n_intervals = facts.rebuild()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE stats_patentfact")
            cur.execute("VACUUM ANALYZE stats_patentinterval")
        print(f"facts rebuilt: {n_facts:,} patents, {n_intervals:,} validity intervals in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
    print(f"patents: {Patent.objects.count():,}", flush=True)

    city = Region.objects.get(code="370400")
    prov_data, prov_times = timed(lambda: bulletin.build(province, 2022, 12), args.runs)
    city_data, city_times = timed(lambda: bulletin.build(city, 2022, 12), args.runs)
    print("ipdesk province bulletin (s): " + " ".join(f"{t:.3f}" for t in prov_times), flush=True)
    print("ipdesk city bulletin (s): " + " ".join(f"{t:.3f}" for t in city_times), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        ref, duck_times = duckdb_reference(tmp, province.path, [province] + cities, args.runs)
    print("duckdb province aggregates (s): " + " ".join(f"{t:.3f}" for t in duck_times), flush=True)

    # Same numbers: grants and valid stock per city, trend of the province.
    sections = {s["key"]: s for s in prov_data["sections"]}
    mismatches = 0
    for c in [province] + cities:
        ours_g = next((r for r in sections["invention_grants"]["rows"] if r["code"] == c.code),
                      sections["invention_grants"]["city"])["value"]
        ours_v = next((r for r in sections["valid_invention_patents"]["rows"] if r["code"] == c.code),
                      sections["valid_invention_patents"]["city"])["value"]
        theirs_g = ref["cur"][0][c.pk].get("invention_grants", 0)
        theirs_v = ref["cur"][2][c.pk].get("valid", 0)
        if (ours_g, ours_v) != (theirs_g, theirs_v):
            mismatches += 1
            print(f"  MISMATCH {c.name}: ipdesk {ours_g}/{ours_v} duckdb {theirs_g}/{theirs_v}")
    trend = prov_data["trend"]
    if trend["valid_2022"] + trend["valid_2021"] != list(ref["trend"]):
        mismatches += 1
        print("  MISMATCH monthly stock trend")
    print(f"province: invention grants 2022 {sections['invention_grants']['city']['value']:,} "
          f"(YoY {sections['invention_grants']['city']['yoy']}), valid inventions "
          f"{sections['valid_invention_patents']['city']['value']:,}; checks against DuckDB: "
          f"{'all equal' if not mismatches else f'{mismatches} mismatches'}")
    ours, theirs = statistics.median(prov_times), statistics.median(duck_times)
    print(f"median: ipdesk province {ours:.3f} s, city {statistics.median(city_times):.3f} s, duckdb {theirs:.3f} s")
    print(f"ratio {ours / theirs:.2f}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
