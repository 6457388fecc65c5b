"""Load test: 64 concurrent users on a realistic mix over 1,000,000 patents in PostgreSQL.

    .venv/bin/python bench/load.py                      # 64 users, 2 minutes per run, 1,000,000 patents
    .venv/bin/python bench/load.py --duration 20 --users 16 --patents 100000   # a quick look
    .venv/bin/python bench/load.py --think 0.05-0.15     # hammer: the machine's capacity, not a working office

Steps: (1) a PostgreSQL database of its own (default ipdesk_load) is migrated and filled with
the Zaozhuang regions, users, 20,000 enterprises and N patents through COPY (skipped when it
already holds the N patents it generated; those an earlier run's import added are taken out first); (2) ipdesk
runs under gunicorn on 127.0.0.1 only, with the shared Redis cache of a deployment (CACHE_URL); (3) locust, headless
and bounded by --duration, runs U users on the mix below, signed in as the leader (whole city) or
a district officer (own district); (4) the same load runs against a bare Django JSON view under
the same gunicorn settings: the ceiling of this machine. Each user waits --think seconds (default
1-3, the time an officer looks at a page) between requests, in both runs. It prints p50/p95/p99 and errors of each,
with the machine's load over each run (load average, share of the cores busy), and as its last line:
`p95_ms <x> errors <n> ratio <throughput ÷ ceiling>`.

The mix (weights): filtered patent lists 4, patent details 4, search 2, API lists 2, dashboard 1. --writers
(default 10%) of the users are district officers who also edit records through the API (a patent's
overseas-family flag, which the statistics facts carry, an enterprise, or a rights-assistance case of the
district — its overseas flag, a figure of the protection module), each PATCH carrying the version it read;
a third into the run one import of --import-rows (10,000) patent rows runs through `ipdesk import patents`.
After the run, as `ipdesk rebuild_facts --check` does, the statistics facts are compared with a full
recomputation (stats.facts.check), and the city dashboard's numbers as served (stats.views.dashboard_data,
from the incremental facts and the shared cache) with the same numbers after a full rebuild (in a savepoint
rolled back); the differences of each are printed.
Everything stays on the loopback interface; nothing is fetched from the network.
"""
import argparse
import csv
import datetime
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-passw0rd!"
DISTRICTS = ["370402", "370403", "370404", "370405", "370406", "370481"]
ROLE = os.environ.get("IPDESK_BENCH_ROLE", "")
# The deployment's shared cache (docs/operations.md), a Redis database of the bench's own, emptied before each run.
CACHE_URL = os.environ.get("IPDESK_BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")

# Paths of the mix; {id} is a patent id within the user's scope, {page} a page number, {q} a search word.
PATHS = {
    "list": "/registry/patents/?patent_type={ptype}&legal_status=valid&page={page}",
    "detail": "/registry/patents/{id}/",
    "search": "/registry/search/?q={q}",
    "api": "/api/patents/?patent_type={ptype}&page={page}",
    "dashboard": "/stats/",
}
WORDS = ["装置", "方法", "系统", "电池", "机床", "煤", "锂", "传感器", "控制", "材料"]


# ---- (4) the ceiling: a bare Django JSON view, served by the same gunicorn --------------------------
if ROLE == "ceiling":
    import django
    from django.conf import settings as dj_settings
    from django.http import JsonResponse
    from django.urls import path as url_path

    dj_settings.configure(DEBUG=False, SECRET_KEY="ceiling", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"],
                          MIDDLEWARE=[], INSTALLED_APPS=[])
    django.setup()

    def bare_json(request):
        return JsonResponse({"ok": True, "n": 1})

    urlpatterns = [url_path("json/", bare_json)]
    from django.core.wsgi import get_wsgi_application
    ceiling_app = get_wsgi_application()


# ---- (3) the users, when locust loads this file ----------------------------------------------------
if ROLE in ("locust-app", "locust-ceiling"):
    from locust import HttpUser, between, task  # noqa: E402  (gevent patches only the locust process)

    import json as _json
    N_PATENTS = int(os.environ.get("IPDESK_BENCH_PATENTS", "1000000"))
    THINK = [float(x) for x in os.environ.get("IPDESK_BENCH_THINK", "1-3").split("-")]
    SESSIONS = _json.loads(os.environ.get("IPDESK_BENCH_SESSIONS", "{}"))
    MAX_PAGE = min(20, max(1, N_PATENTS // 20000))
    WRITERS = float(os.environ.get("IPDESK_BENCH_WRITERS", "0.1"))
    ENTERPRISES = _json.loads(os.environ.get("IPDESK_BENCH_ENTERPRISES", "{}"))
    CASES = _json.loads(os.environ.get("IPDESK_BENCH_CASES", "{}"))

    if ROLE == "locust-ceiling":
        class CeilingUser(HttpUser):
            wait_time = between(*THINK)

            @task
            def bare(self):
                self.client.get("/json/", name="ceiling")
    else:
        class OfficeUser(HttpUser):
            """A leader (whole city) or a district officer (own district) working through the office's pages."""
            wait_time = between(*THINK)

            def on_start(self):
                # Sessions come signed in from the orchestrator: password hashing (deliberately slow)
                # is not what this measures, and 64 logins at once would swamp the first seconds.
                k = random.randrange(len(DISTRICTS) + 1)
                self.district = None if k == len(DISTRICTS) else k
                username = "bench_leader" if self.district is None else f"bench_{DISTRICTS[self.district]}"
                self.client.cookies.set("sessionid", SESSIONS[username], domain="127.0.0.1")

            def _csrf(self):
                token = self.client.cookies.get("csrftoken")
                if not token:   # any page sets it
                    self.client.get("/registry/patents/?page=1", name="list")
                    token = self.client.cookies.get("csrftoken", "")
                return {"X-CSRFToken": token, "Referer": self.host + "/"}

            def _edit(self, kind, url, change):
                """Read a record through the API, then PATCH it with the version read (the optimistic lock);
                a 409 (someone else saved in between) is an answer, not an error."""
                with self.client.get(url, name=f"{kind}_read", catch_response=True) as r:
                    if r.status_code != 200:
                        r.failure(f"{kind}_read: HTTP {r.status_code}")
                        return
                    record = r.json()
                with self.client.patch(url, json={"version": record["version"], **change(record)},
                                       headers=self._csrf(), name=f"{kind}_edit", catch_response=True) as r:
                    if r.status_code == 409:
                        r.success()
                    elif r.status_code != 200:
                        r.failure(f"{kind}_edit: HTTP {r.status_code} {r.text[:200]}")

            def _pid(self):
                """A patent id in scope: patents are spread over the districts by id (see generate())."""
                while True:
                    pid = random.randint(1, N_PATENTS)
                    if self.district is None or pid % len(DISTRICTS) == self.district:
                        return pid

            def _get(self, kind, **kw):
                kw.setdefault("page", random.randint(1, MAX_PAGE))
                kw.setdefault("ptype", random.choice(["invention", "utility", "design"]))
                with self.client.get(PATHS[kind].format(**kw), name=kind, catch_response=True) as r:
                    if r.status_code != 200:
                        r.failure(f"{kind}: HTTP {r.status_code}")

            @task(4)
            def filtered_list(self):
                self._get("list")

            @task(4)
            def detail(self):
                self._get("detail", id=self._pid())

            @task(2)
            def search(self):
                self._get("search", q=random.choice(WORDS))

            @task(2)
            def api_list(self):
                self._get("api")

            @task(1)
            def dashboard(self):
                self._get("dashboard")

        class WritingOfficer(OfficeUser):
            """A district officer who edits records (WRITERS of the users): a patent (a field the statistics
            facts carry, so each edit refreshes them in its transaction) or an enterprise of the district,
            between the same reads as everyone."""
            weight = 1

            def on_start(self):
                self.district = random.randrange(len(DISTRICTS))
                self.client.cookies.set("sessionid", SESSIONS[f"bench_{DISTRICTS[self.district]}"], domain="127.0.0.1")

            @task(3)
            def edit_patent(self):
                self._edit("patent", f"/api/patents/{self._pid()}/",
                           lambda p: {"overseas_family": not p["overseas_family"]})

            @task(2)
            def edit_enterprise(self):
                ids = ENTERPRISES.get(DISTRICTS[self.district]) or [0]
                self._edit("enterprise", f"/api/enterprises/{random.choice(ids)}/",
                           lambda e: {"employees": (e.get("employees") or 0) % 500 + 1})

            @task(1)
            def edit_case(self):
                ids = CASES.get(DISTRICTS[self.district]) or [0]
                self._edit("case", f"/api/protection/assistance/{random.choice(ids)}/",
                           lambda c: {"is_overseas": not c["is_overseas"]})

        OfficeUser.weight = max(1, round(1 / WRITERS) - 1) if WRITERS else 1
        if not WRITERS:
            del WritingOfficer


# ---- (1) the database --------------------------------------------------------------------------------
def django_env(db_url, var_dir):
    return {**os.environ, "DATABASE_URL": db_url, "IPDESK_VAR_DIR": str(var_dir), "SECRET_KEY": "ipdesk-bench",
            "AUDIT_HMAC_KEY": "ipdesk-bench-audit-key-0123456789abcdef0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0", "DEBUG": "0",
            "DB_CONN_MAX_AGE": "600", "DJANGO_SETTINGS_MODULE": "ipdesk.settings", "LOG_LEVEL": "ERROR",
            "CACHE_URL": CACHE_URL,
            "PYTHONPATH": str(ROOT)}


def ensure_database(db_url):
    import psycopg
    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def generate(n_patents, n_enterprises=20000, regenerate=False):
    """Seed regions, users, enterprises and patents (COPY); idempotent for the same N."""
    import django
    django.setup()
    from django.db import connection

    from ipdesk.accounts.models import User
    from ipdesk.regions.models import Region
    from ipdesk.regions.setup import DATA_DIR, load_reference_file
    from ipdesk.registry.models import Enterprise, Patent
    from ipdesk.registry.rules import _app_check, uscc_check_char

    if not Region.objects.filter(code="370400").exists():
        load_reference_file(DATA_DIR / "cities" / "370400.json")
    regions = {r.code: r for r in Region.objects.filter(code__in=DISTRICTS + ["370400"])}
    for username, role, code in [("bench_leader", "leader", "370400")] + \
            [(f"bench_{c}", "district_officer", c) for c in DISTRICTS]:
        user = User.objects.filter(username=username).first() or User(username=username, role=role,
                                                                     region=regions[code], display_name=username)
        user.set_password(PASSWORD)
        user.save()
    existing = Patent._base_manager.count()
    if existing > n_patents and not regenerate:
        existing = _drop_imported(Patent, n_patents)
    if existing == n_patents and not regenerate:
        print(f"database already holds {n_patents} patents", flush=True)
        vacuum(connection, Patent._meta.db_table)
        from ipdesk.stats.facts import ensure_fresh
        ensure_fresh()   # facts of an earlier version: built here once, not under the load
        return
    t0 = time.time()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Patent._meta.db_table} CASCADE")
    if Enterprise._base_manager.count() < n_enterprises:
        rows = []
        for i in range(n_enterprises):
            body = f"91370400MB{i:07d}"
            rows.append(Enterprise(uscc=body + uscc_check_char(body), name=f"枣庄测试{i}科技有限公司",
                                   normalized_name=f"枣庄测试{i}科技", region=regions[DISTRICTS[i % len(DISTRICTS)]]))
        Enterprise._base_manager.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    enterprises = {d: list(Enterprise._base_manager.filter(region=regions[d]).values_list("pk", "name")[:4000])
                   for d in DISTRICTS}
    fields = [f for f in Patent._meta.concrete_fields if not f.primary_key]
    now = datetime.datetime.now(datetime.timezone.utc)
    from psycopg.types.json import Jsonb  # noqa: F811
    types = [("invention", "1"), ("utility", "2"), ("design", "3")]
    statuses = ["valid", "valid", "valid", "pending", "lapsed", "expired"]
    rnd = random.Random(7)

    def row(i):
        district = DISTRICTS[i % len(DISTRICTS)]     # the locust users rely on this spread
        ptype, digit = types[rnd.randrange(3) if i % 5 else 0]
        year = 2003 + (i // len(DISTRICTS)) % 21    # independent of the district: each files every year
        serial = f"{year}{digit}{i:07d}"
        holder_id, holder = rnd.choice(enterprises[district]) if rnd.random() < 0.8 else (None, f"个人申请人{i % 997}")
        filing = datetime.date(year, 1 + i % 12, 1 + i % 28)
        status = statuses[(i // len(DISTRICTS)) % len(statuses)]  # independent of the district spread
        values = {
            "created_at": now, "updated_at": now, "version": 1, "application_no": f"{serial}.{_app_check(serial)}",
            "patent_type": ptype, "title": f"一种{rnd.choice(WORDS)}{rnd.choice(WORDS)}及其制备方法{i}",
            "applicants": holder, "current_owner": holder, "holder_id": holder_id, "holder_name": holder,
            "address": "山东省枣庄市", "region_id": regions[district].pk, "country_code": "37", "is_domestic": True,
            "ipc_main": "H01M10/05", "filing_date": filing, "legal_status": status,
            "grant_date": filing + datetime.timedelta(days=400) if status != "pending" else None,
        }
        out = []
        for f in fields:
            if f.attname in values:
                out.append(values[f.attname])
            elif f.null:
                out.append(None)
            elif f.has_default():
                value = f.get_default()
                out.append(Jsonb(value) if isinstance(value, (dict, list)) else value)
            else:
                out.append("")
        return out

    from psycopg.types.json import Jsonb
    table = Patent._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for i in range(1, n_patents + 1):
                copy.write_row(row(i))
                if i % 200000 == 0:
                    print(f"  {i} patents …", flush=True)
        # ids must run 1..N for the scope spread above
        cur.execute(f"SELECT min(id), max(id) FROM {table}")
        lo, hi = cur.fetchone()
        if lo != 1:
            cur.execute(f"UPDATE {table} SET id = id - %s + 1", [lo])
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n_patents])
    raw.commit()
    vacuum(connection, table)
    print(f"generated {n_patents} patents in {time.time() - t0:.0f} s", flush=True)
    # COPY writes beside the application: build the indicator facts once here (the application keeps them
    # fresh from then on, stats.facts; no page rebuilds them).
    from ipdesk.stats.facts import rebuild
    t1 = time.time()
    rebuild()
    for fact_table in ("stats_patentfact", "stats_patentinterval", "stats_factaggregate"):
        vacuum(connection, fact_table)
    print(f"facts built in {time.time() - t1:.0f} s", flush=True)


def vacuum(connection, table):
    """What autovacuum does some minutes after a bulk load, done now: statistics for the planner and the
    visibility map that lets list pages and counts read from an index alone."""
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {table}")


# ---- (2) the servers and (3) the load -------------------------------------------------------------
def serve(app, port, env, workers, threads):
    cmd = [str(Path(sys.executable).with_name("gunicorn")), app, "-b", f"127.0.0.1:{port}", "-w", str(workers),
           "--threads", str(threads), "--worker-class", "gthread", "--timeout", "60", "--log-level", "error",
           "--keep-alive", "5", "--chdir", str(ROOT), "--preload"]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/" if "ceiling" in app else
                                   f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return proc
        except Exception:
            if proc.poll() is not None:
                raise SystemExit(f"server {app} exited with {proc.returncode}")
            time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"server {app} did not start on 127.0.0.1:{port}")


def stop(proc):
    if proc and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def sign_in(port):
    """One session per bench account (leader and one officer per district), signed in through the login form."""
    import json

    import requests
    sessions = {}
    for username in ["bench_leader"] + [f"bench_{c}" for c in DISTRICTS]:
        s = requests.Session()
        s.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
        r = s.post(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, allow_redirects=False,
                   data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
                   headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"})
        if r.status_code != 302 or "sessionid" not in s.cookies:
            raise SystemExit(f"bench sign-in failed for {username}: HTTP {r.status_code}")
        sessions[username] = s.cookies["sessionid"]
        # warm-up, not measured: the first pages fill caches (the statistics facts were built by generate())
        for path in ("/stats/", "/registry/patents/", "/api/patents/"):
            s.get(f"http://127.0.0.1:{port}{path}", timeout=600)
    return json.dumps(sessions)


def enterprise_ids():
    """Up to 500 enterprise ids per district, for the writing officers (JSON)."""
    import json

    from ipdesk.registry.models import Enterprise
    return json.dumps({c: list(Enterprise._base_manager.filter(region__code=c).order_by("pk")
                               .values_list("pk", flat=True)[:500]) for c in DISTRICTS})


CASES_PER_DISTRICT = 50


def case_ids():
    """The rights-assistance cases the writing officers edit, CASES_PER_DISTRICT per district, created
    through the model (numbered as the office numbers them) on the first run: {district code: [ids]} (JSON)."""
    import json

    from ipdesk.protection.models import AssistanceCase
    from ipdesk.registry.models import Enterprise
    out = {}
    for code in DISTRICTS:
        cases = AssistanceCase.objects.filter(region__code=code, title__startswith="压测维权援助")
        for i in range(cases.count(), CASES_PER_DISTRICT):
            AssistanceCase.objects.create(title=f"压测维权援助{code}-{i}", source="application", right_type="patent",
                                          enterprise=Enterprise._base_manager.filter(region__code=code).order_by("pk")[i],
                                          received_on=datetime.date(2022, 1 + i % 12, 1))
        out[code] = list(cases.order_by("pk").values_list("pk", flat=True))
    return json.dumps(out)


def dashboard_differences():
    """The city dashboard's numbers as served (stats.views.dashboard_data: the incremental facts, the shared
    cache) against the same numbers after a full rebuild of the facts, computed inside a savepoint that is
    rolled back, as `ipdesk rebuild_facts --check` does: [(part, region or "", key, served, recomputed)]."""
    from django.db import transaction

    from ipdesk.regions.setup import city_region
    from ipdesk.stats import bulletin, facts, views
    city = city_region()
    units = bulletin.children(city)
    as_of = views.default_as_of()
    served = views.dashboard_data(city, units, as_of)
    with transaction.atomic():
        sid = transaction.savepoint_create()
        try:
            facts.rebuild()   # a new signature: dashboard_data's cache key changes, it computes afresh
            fresh = views.dashboard_data(city, units, as_of)
        finally:
            transaction.savepoint_rollback(sid)
    out = []
    for r in [city] + units:
        for key in sorted(set(served["values"][r.pk]) | set(fresh["values"][r.pk])):
            a, b = served["values"][r.pk].get(key), fresh["values"][r.pk].get(key)
            if a != b:
                out.append(("values", r.code, key, a, b))
    out += [(part, "", "", served[part], fresh[part]) for part in ("trend_month", "trend_year")
            if served[part] != fresh[part]]
    return out


def _drop_imported(Patent, n_patents):
    """The patents an earlier run's import added (step 3) are taken out again, so the next run starts from the N
    patents the bench generated instead of generating them all anew: those share one created_at, the imported
    ones came later. Deleted through the ORM within facts.collecting(), so the statistics facts and aggregates
    follow in one refresh. Returns the patents left."""
    from django.db import transaction

    from ipdesk.stats import facts
    first = Patent._base_manager.order_by("created_at").values_list("created_at", flat=True).first()
    generated = Patent._base_manager.filter(created_at=first).count()
    if generated != n_patents:
        return Patent._base_manager.count()
    later = Patent._base_manager.exclude(created_at=first)
    print(f"taking out {later.count()} patents an earlier run imported", flush=True)
    with transaction.atomic(), facts.collecting():
        later.delete()
    return Patent._base_manager.count()


def import_during(env, rows, delay, out):
    """After `delay` seconds, one import of `rows` patent rows through the pipeline (`ipdesk import
    patents`, bench/import.py's generator) while the users work; its wall time goes to `out`."""
    import importlib.util
    import tempfile
    import threading
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tmp = tempfile.mkdtemp(prefix="ipdesk-load-import-")
    path = Path(tmp) / "patents.csv"
    module.generate(path, rows, seed=int(time.time()))

    def run():
        time.sleep(delay)
        t = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).with_name("ipdesk")), "import", "patents", str(path),
                               "--keep-good"], env=env, capture_output=True, text=True)
        out.update(seconds=time.perf_counter() - t, rc=done.returncode, tail=done.stdout.strip()[-300:])
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def run_locust(role, port, users, duration, n_patents, out_dir, think, sessions="{}", writers=0.0, enterprises="{}",
               cases="{}"):
    prefix = out_dir / role
    env = {**os.environ, "IPDESK_BENCH_ROLE": role, "IPDESK_BENCH_PATENTS": str(n_patents),
           "IPDESK_BENCH_SESSIONS": sessions, "IPDESK_BENCH_THINK": think, "IPDESK_BENCH_WRITERS": str(writers),
           "IPDESK_BENCH_ENTERPRISES": enterprises, "IPDESK_BENCH_CASES": cases}
    cmd = [str(Path(sys.executable).with_name("locust")), "-f", __file__, "--headless", "-u", str(users),
           "-r", str(max(1, users // 2)), "-t", f"{duration}s", "--host", f"http://127.0.0.1:{port}",
           "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "ERROR"]
    subprocess.run(cmd, env=env, timeout=duration + 120, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        table = {r["Name"]: r for r in csv.DictReader(fh)}
    return table


def summary(label, table):
    for name, r in table.items():
        if name == "Aggregated":
            continue
        print(f"  {label:8} {name:10} n={r['Request Count']:>7} err={r['Failure Count']:>5} "
              f"p50={r['50%']:>5} p95={r['95%']:>5} p99={r['99%']:>5} ms  {float(r['Requests/s']):.1f} req/s")
    agg = table["Aggregated"]
    print(f"{label}: requests {agg['Request Count']} errors {agg['Failure Count']} p50_ms {agg['50%']} "
          f"p95_ms {agg['95%']} p99_ms {agg['99%']} throughput {float(agg['Requests/s']):.1f} req/s", flush=True)
    return agg


class Machine:
    """The machine's load over a run (issue 17: figures with the load they were measured under): the load average
    at its start and end, and the share of all cores busy (psutil's CPU times), the load test's own processes
    (gunicorn, PostgreSQL, locust) included."""

    def __init__(self):
        import psutil
        self.load0, self.cpu0 = os.getloadavg()[0], psutil.cpu_times()

    def text(self):
        import psutil
        cpu1 = psutil.cpu_times()
        total = sum(cpu1) - sum(self.cpu0)
        idle = (cpu1.idle + getattr(cpu1, "iowait", 0)) - (self.cpu0.idle + getattr(self.cpu0, "iowait", 0))
        busy = 100 * (1 - idle / total) if total else float("nan")
        return (f"machine during the run: load average {self.load0:.1f} at the start, {os.getloadavg()[0]:.1f} at "
                f"the end; {busy:.0f}% of {os.cpu_count()} cores busy")


def main():
    signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ipdesk_load")
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--duration", type=int, default=120, help="seconds per run (the app, then the ceiling)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--think", default="1-3",
                        help="seconds each user waits between requests, MIN-MAX (default 1-3: an officer reads the "
                             "page before the next click); 0.05-0.15 hammers the server to find its capacity")
    parser.add_argument("--writers", type=float, default=0.1,
                        help="share of the users who edit records (patents, enterprises) through the API; 0: reads only")
    parser.add_argument("--import-rows", type=int, default=10000,
                        help="patent rows imported once during the run (0: no import)")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the patents even if N are there")
    parser.add_argument("--prepare-only", action="store_true", help="build the database, run no load")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the load test runs on PostgreSQL (--database-url postgres://…)")
    var_dir = Path(os.environ.get("IPDESK_BENCH_VAR", "/tmp/ipdesk-load-var"))
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    env = django_env(args.database_url, var_dir)
    ensure_database(args.database_url)
    subprocess.run([str(Path(sys.executable).with_name("ipdesk")), "migrate", "-v0"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    generate(args.patents, regenerate=args.regenerate)
    if args.prepare_only:
        return

    import redis
    redis.Redis.from_url(CACHE_URL).flushdb()   # every run starts cold; sign_in() warms what a first visit would
    app = serve("ipdesk.wsgi:application", args.port, env, args.workers, args.threads)
    try:
        print(f"load: {args.users} users for {args.duration} s against ipdesk ({args.patents} patents), "
              f"{args.think} s between requests", flush=True)
        sessions = sign_in(args.port)
        imported = {}
        importer = import_during(env, args.import_rows, args.duration / 3, imported) if args.import_rows else None
        machine = Machine()
        app_stats = summary("ipdesk", run_locust("locust-app", args.port, args.users, args.duration, args.patents,
                                                 var_dir, args.think, sessions, args.writers, enterprise_ids(),
                                                 case_ids()))
        print(machine.text(), flush=True)
        if importer is not None:
            importer.join(timeout=600)
            print(f"import of {args.import_rows} rows during the run: {imported.get('seconds', float('nan')):.1f} s, "
                  f"exit {imported.get('rc')}", flush=True)
    finally:
        stop(app)
    # After the writes: the dashboard's numbers come from the facts; they must equal a full recomputation.
    from ipdesk.stats import facts
    found = facts.check()
    print(f"facts after the run against a full recomputation: {facts.differences(found)} differing rows "
          f"(facts {found['facts']}, intervals {found['intervals']}, aggregates {found['aggregates']})", flush=True)
    differing = dashboard_differences()
    for part, code, key, served, fresh in differing[:10]:
        print(f"  dashboard {part} {code} {key}: served {served!r}, recomputed {fresh!r}")
    print(f"dashboard numbers after the run against a full recomputation: {len(differing)} differing", flush=True)
    ratio = float("nan")
    if not args.skip_ceiling:
        ceiling = serve("bench.load:ceiling_app", args.port + 1, {**env, "IPDESK_BENCH_ROLE": "ceiling"},
                        args.workers, args.threads)
        try:
            print(f"load: the same {args.users} users for {args.duration} s against a bare Django JSON view",
                  flush=True)
            machine = Machine()
            ceil_stats = summary("ceiling", run_locust("locust-ceiling", args.port + 1, args.users, args.duration,
                                                       args.patents, var_dir, args.think))
            print(machine.text(), flush=True)
        finally:
            stop(ceiling)
        ceiling_rps = float(ceil_stats["Requests/s"])
        ratio = float(app_stats["Requests/s"]) / ceiling_rps if ceiling_rps else float("nan")
    print(f"p95_ms {app_stats['95%']} errors {app_stats['Failure Count']} ratio {ratio:.3f}", flush=True)


if __name__ == "__main__" and not ROLE:
    main()
