"""Benchmark of the import pipeline against plain PostgreSQL COPY.

    .venv/bin/python bench/import.py [--rows 1000000] [--database-url postgres://postgres@127.0.0.1:5432/ipdesk_bench]

Generates N patent rows as a CSV file (valid application numbers, Chinese headers, mixed date
forms), imports them into PostgreSQL through the real pipeline (`ipdesk.core.imports.run_import`,
the code behind `ipdesk import patents FILE`), then loads the same file with plain COPY into an
unindexed table of text columns. Prints both rates, the peak memory of the import (resident set
size sampled every 50 ms, and its growth over the start), and last the line
`ratio <ipdesk rows/s ÷ COPY rows/s>`.
"""
import argparse
import csv
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = ["申请号", "专利类型", "专利名称", "申请(专利权)人", "申请人地址", "国省代码", "主分类号", "申请日", "公开日",
           "授权公告日", "法律状态", "代理机构", "摘要"]
DISTRICTS = [("薛城区", "37"), ("滕州市", "37"), ("市中区", "37"), ("峄城区", "37"), ("台儿庄区", "37"),
             ("山亭区", "37")]
WORDS = ["锂电池", "隔膜", "电解液", "数控机床", "夹具", "减速器", "复合材料", "涂层", "药物组合物", "检测装置", "传感器",
         "控制系统", "输送机", "包装机", "枣核去除装置", "陶瓷制品"]
TYPE_DIGITS = [("1", "发明"), ("2", "实用新型"), ("3", "外观设计")]


def check_digit(body):
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    value = sum(int(d) * w for d, w in zip(body, weights)) % 11
    return "X" if value == 10 else str(value)


def generate(path, rows, seed=1):
    """Write `rows` patent rows; numbers are unique (year, type, serial)."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for i in range(rows):
            year = 2010 + i % 13
            digit, type_name = TYPE_DIGITS[(i // 13) % 3]
            body = f"{year}{digit}{i // 39:07d}"
            number = f"{body}.{check_digit(body)}"
            district, province = DISTRICTS[i % 6]
            filing = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            granted = i % 3 != 0
            grant = f"{year + 2}{1 + i % 12:02d}{1 + i % 28:02d}" if granted else ""
            status = ("有效" if i % 5 else "失效") if granted else "审中"
            company = f"枣庄{WORDS[i % 16][:2]}{rnd.randint(1, 5000)}科技有限公司"
            writer.writerow([number, type_name, f"一种{WORDS[rnd.randrange(16)]}及其制备方法", company,
                             f"山东省枣庄市{district}某某路{i % 300}号", province, f"H01M{i % 50}/0{i % 9}",
                             filing, f"{year + 1}/{1 + i % 12}/{1 + i % 28}" if i % 2 else "", grant, status,
                             "枣庄某某专利事务所", "本发明公开了一种装置，结构简单，成本低。"])


class PeakMemory:
    """Samples this process's resident set size in a thread (psutil)."""

    def __init__(self, interval=0.05):
        import psutil
        self.process = psutil.Process()
        self.interval = interval
        self.start_rss = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def ensure_database(url):
    import psycopg
    from urllib.parse import urlparse
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/ipdesk_bench"))
    parser.add_argument("--file", help="use this CSV instead of generating one")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
    os.environ.setdefault("IPDESK_VAR_DIR", tempfile.mkdtemp(prefix="ipdesk-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("AUDIT_KEY_AUTOCREATE", "1")  # a throw-away audit key under the bench var directory
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ipdesk.core.imports import run_import

    call_command("migrate", verbosity=0)
    call_command("setup_city", stdout=open(os.devnull, "w"))
    from ipdesk.stats.models import FactAggregate, PatentFact, PatentInterval
    facts = ", ".join(m._meta.db_table for m in (PatentFact, PatentInterval, FactAggregate))
    with connection.cursor() as cur:  # the facts go with the patents (the import refreshes them: stats.facts)
        cur.execute(f"TRUNCATE registry_patentevent, registry_patent, {facts} RESTART IDENTITY CASCADE")

    path = args.file
    if path is None:
        path = os.path.join(os.environ["IPDESK_VAR_DIR"], f"patents-{args.rows}.csv")
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows} rows ({os.path.getsize(path) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")

    cpu0 = os.times()
    load0 = os.getloadavg()[0]   # a shared machine: the load around the run tells how far the figures can be trusted
    with PeakMemory() as memory:
        t0 = time.perf_counter()
        result = run_import("patents", path)
        ipdesk_seconds = time.perf_counter() - t0
    cpu1 = os.times()
    if result.rejected:
        print(f"warning: {result.rejected} rows rejected, e.g. {result.errors[:3]}")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM registry_patent")
        stored = cur.fetchone()[0]
    ipdesk_rate = result.rows / ipdesk_seconds
    print(f"ipdesk import: {result.rows} rows ({result.created} created, {result.updated} updated, "
          f"{result.unchanged} unchanged, {result.rejected} rejected; {stored} in the table) in "
          f"{ipdesk_seconds:.1f} s = {ipdesk_rate:,.0f} rows/s")
    print(f"ipdesk process CPU: {cpu1.user - cpu0.user + cpu1.system - cpu0.system:.1f} s "
          f"(wall {ipdesk_seconds:.1f} s; load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
          f"on {os.cpu_count()} cores)")
    print(f"peak memory: {memory.peak / 2**20:.0f} MiB resident "
          f"(+{(memory.peak - memory.start_rss) / 2**20:.0f} MiB over the {memory.start_rss / 2**20:.0f} MiB at start)")

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy")
        cur.execute(f"CREATE TABLE bench_copy ({columns})")
    connection.commit() if not connection.get_autocommit() else None
    t0 = time.perf_counter()
    with connection.cursor() as cur, open(path, "rb") as fh:
        with cur.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                copy.write(chunk)
        cur.execute("SELECT count(*) FROM bench_copy")
        copied = cur.fetchone()[0]
    copy_seconds = time.perf_counter() - t0
    copy_rate = copied / copy_seconds
    print(f"PostgreSQL COPY: {copied} rows into an unindexed table in {copy_seconds:.1f} s = {copy_rate:,.0f} rows/s")
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
    print(f"ratio {ipdesk_rate / copy_rate:.3f}")


if __name__ == "__main__":
    main()
