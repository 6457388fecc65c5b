"""The production job path end to end: a job queued in Redis is run by a separate `ipdesk run_huey` worker."""
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import redis

from ipdesk.core.models import Job

REDIS_URL = "redis://127.0.0.1:6379/15"
IPDESK = str(Path(sys.executable).with_name("ipdesk"))


def _redis_available():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
        return True
    except redis.exceptions.ConnectionError:
        return False


def test_a_redis_queued_job_is_run_by_the_worker(tmp_path):
    assert _redis_available(), "Redis must run on 127.0.0.1:6379 (the machine's service) for the worker test"
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "SECRET_KEY": "worker-test", "IPDESK_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "HUEY_REDIS_URL": REDIS_URL,
           "HUEY_IMMEDIATE": "0", "DJANGO_SETTINGS_MODULE": "ipdesk.settings"}

    def ipdesk(*args, **kwargs):
        return subprocess.run([IPDESK, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)

    assert ipdesk("migrate", "-v0").returncode == 0
    queued = ipdesk("shell", "-c", "from ipdesk.core import jobs; from django.db import transaction\n"
                                   "with transaction.atomic(): job = jobs.start('audit_verify', 'verify')\n"
                                   "print(job.pk)")
    assert queued.returncode == 0, queued.stderr
    job_id = int(queued.stdout.strip().splitlines()[-1])
    assert redis.Redis.from_url(REDIS_URL).llen("huey.redis.ipdesk") == 1  # waiting in Redis, not run yet

    worker = subprocess.Popen([IPDESK, "run_huey", "--workers", "1"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # The job's row is read straight from the worker's SQLite file (the Job model's table): starting
        # `ipdesk shell` for every look took seconds each on a busy machine.
        status, deadline = "", time.monotonic() + 120
        while time.monotonic() < deadline:
            with closing(sqlite3.connect(tmp_path / "db.sqlite3", timeout=10)) as db:
                row = db.execute(f"SELECT status FROM {Job._meta.db_table} WHERE id = ?", (job_id,)).fetchone()
            status = row[0] if row else ""
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert status == "done"
