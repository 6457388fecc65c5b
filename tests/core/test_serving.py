"""How the application is served: warmed before the workers start, and with a cache the processes share."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from ipdesk.core.warmup import warm

CACHE_URL = "redis://127.0.0.1:6379/14"
PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[2]


def _settings_env(tmp_path, **extra):
    return {**os.environ, "SECRET_KEY": "serving-test", "IPDESK_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "ipdesk.settings", "PYTHONPATH": str(ROOT), **extra}


def test_warm_up_compiles_every_template_once():
    engine = engines["django"]
    own = {p.relative_to(Path(d)).as_posix() for d in engine.template_dirs if Path(d).is_relative_to(ROOT / "ipdesk")
           for p in Path(d).rglob("*.html")}
    assert warm() > len(own) > 50     # ours and the libraries' (the admin's, DRF's …)
    cached = set(engine.engine.template_loaders[0].get_template_cache)
    assert own <= cached and {"base.html", "core/table.html", "admin/base.html"} <= cached


def test_the_wsgi_application_warms_up_without_the_database(tmp_path):
    """`gunicorn --preload` loads ipdesk.wsgi in the parent process: it must not open a database connection
    there (the children would share it), so loading it with an unreachable database still works."""
    env = _settings_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    run = subprocess.run([PYTHON, "-c", "import ipdesk.wsgi as w; from django.template import engines; "
                                        "print(len(engines['django'].engine.template_loaders[0].get_template_cache))"],
                         env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.strip().splitlines()[-1]) > 100


def test_the_wsgi_application_refuses_to_start_without_an_audit_key(tmp_path):
    """A production server (no DEBUG, no AUDIT_KEY_AUTOCREATE) that has neither AUDIT_HMAC_KEY nor a key file
    could not sign audit entries: it stops at start-up with the reason, instead of failing every write."""
    env = {k: v for k, v in _settings_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing").items()
           if k not in {"AUDIT_KEY_AUTOCREATE", "AUDIT_HMAC_KEY", "DEBUG"}}
    run = subprocess.run([PYTHON, "-c", "import ipdesk.wsgi"], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert run.returncode != 0
    assert "AUDIT_HMAC_KEY" in run.stderr and not (tmp_path / "audit.key").exists()


def test_cache_url_shares_the_cache_and_the_sessions(tmp_path):
    code = ("from django.conf import settings; print(settings.CACHES['default']['BACKEND']); "
            "print(settings.SESSION_ENGINE)")
    shared = subprocess.run([PYTHON, "-c", f"import django; django.setup(); {code}"], capture_output=True, text=True,
                            env=_settings_env(tmp_path, CACHE_URL=CACHE_URL), timeout=60, cwd=tmp_path)
    alone = subprocess.run([PYTHON, "-c", f"import django; django.setup(); {code}"], capture_output=True, text=True,
                           env={k: v for k, v in _settings_env(tmp_path).items() if k != "CACHE_URL"}, timeout=60,
                           cwd=tmp_path)
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache",
                                     "django.contrib.sessions.backends.cached_db"], shared.stderr
    assert alone.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache",
                                    "django.contrib.sessions.backends.db"], alone.stderr


@pytest.mark.django_db
def test_signing_out_ends_a_shared_cached_session_everywhere(users, client_for):
    try:
        redis.Redis.from_url(CACHE_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (the machine's service) for the shared-cache test")
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        here = client_for(users["district"])
        there = Client()    # another server process, holding the same cookie
        there.cookies["sessionid"] = here.cookies["sessionid"].value
        assert here.get("/registry/patents/").status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert there.get("/registry/patents/").status_code == 200
        assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]   # read from the cache
        assert here.post("/accounts/logout/").status_code == 302
        after = there.get("/registry/patents/")
        assert after.status_code == 302 and "/accounts/login/" in after["Location"]
    redis.Redis.from_url(CACHE_URL).flushdb()
