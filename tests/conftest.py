"""Shared fixtures: the Zaozhuang regions, one user per role, and clients signed in as each.

`client_for(user)` returns a test client signed in as that user, past the second factor, so HTTP
tests exercise the same middleware a person meets.
"""
import pytest
from django.test import Client

from ipdesk.core.scoping import Role
from tests.factories import EnterpriseFactory, ServiceTypeFactory, UserFactory
from tests.factories.accounts import PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The append-only triggers on the audit log would stop pytest-django from flushing the tables
    between transactional tests; the test database runs without them, and
    tests/core/test_audit.py installs them inside its own transaction to prove they work."""
    from django.db import connection

    from ipdesk.core.migrations import _0002 as triggers
    with django_db_blocker.unblock():
        triggers.uninstall(connection)


# What loading the city file wrote, per database alias, captured once per test process: the tables it
# changed, their rows before and after. Loading runs ~500 queries through the ORM (regions, populations,
# chains, dictionaries and the audit entries of each); two thirds of the tests ask for it. Later tests
# whose database is in the same state as the first one's was replay the rows (same keys, same audit
# chain) in a few statements; any other state takes the ORM path, so the result is always what loading
# the file would have written.
_REGION_LOAD = {}


def _table_rows(cursor, table):
    from django.db import connection
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    columns = [c[0] for c in cursor.description]
    return columns, sorted(cursor.fetchall(), key=repr)


def _load_regions_through_the_orm():
    from ipdesk.regions.setup import DATA_DIR, load_reference_file
    load_reference_file(DATA_DIR / "cities" / "370400.json")


def _load_regions():
    from django.db import connection, transaction
    alias = connection.alias
    # atomic: in a transactional test (autocommit) the foreign keys are checked at the end of the block
    with transaction.atomic(), connection.cursor() as cur:
        if alias not in _REGION_LOAD:
            tables = connection.introspection.table_names(cur)
            before = {t: _table_rows(cur, t) for t in tables}
            _load_regions_through_the_orm()
            after = {t: _table_rows(cur, t) for t in tables}
            changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
            _REGION_LOAD[alias] = changed
            return
        changed = _REGION_LOAD[alias]
        if any(_table_rows(cur, t) != rows_before for t, (rows_before, _) in changed.items()):
            _load_regions_through_the_orm()
            return
        for table, (_, (columns, rows)) in changed.items():
            quoted = connection.ops.quote_name(table)
            cur.execute(f"DELETE FROM {quoted}")
            if rows:
                cols = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f"INSERT INTO {quoted} ({cols}) VALUES ({marks})", [_adapt(r) for r in rows])
        if connection.vendor == "postgresql":
            from django.apps import apps
            from django.core.management.color import no_style
            models = [m for m in apps.get_models() if m._meta.db_table in changed]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)


def _adapt(row):
    """JSON values come back from psycopg as dicts and lists; they go back in as JSON."""
    if not any(isinstance(v, (dict, list)) for v in row):
        return row
    from psycopg.types.json import Jsonb
    return tuple(Jsonb(v) if isinstance(v, (dict, list)) else v for v in row)


@pytest.fixture
def regions(db):
    _load_regions()
    from ipdesk.regions.models import Region
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def stype(db):
    """A service type with a promise of 5 working days (快速预审主体备案), as the service tests use it."""
    return ServiceTypeFactory(code="prexam")


@pytest.fixture
def make_enterprise(regions):
    """`EnterpriseFactory` once the regions exist: make_enterprise("名称", "370481", commissioner=…)."""
    def make(name=None, region="370403", **fields):
        if name:
            fields["name"] = name
        return EnterpriseFactory(region=region, **fields)
    return make


@pytest.fixture
def make_user(regions):
    """`UserFactory` once the regions exist: make_user("name", Role.…, "370403"), signing in with PASSWORD."""
    def make(username, role, region=None, enterprise=None, **fields):
        return UserFactory(username=username, role=role, region=region, enterprise=enterprise, **fields)
    return make


@pytest.fixture
def users(make_user, make_enterprise):
    """One user per role; the enterprise user belongs to an enterprise of 薛城区 served by the commissioner."""
    commissioner = make_user("commissioner", Role.COMMISSIONER)
    own = make_enterprise("本企业科技有限公司", "370403", commissioner=commissioner)
    return {
        "city": make_user("city", Role.CITY_OFFICER, "370400"),
        "district": make_user("district", Role.DISTRICT_OFFICER, "370403"),
        "other_district": make_user("other_district", Role.DISTRICT_OFFICER, "370481"),
        "commissioner": commissioner,
        "enterprise": make_user("enterprise", Role.ENTERPRISE, enterprise=own),
        "lawyer": make_user("lawyer", Role.LAWYER),
        "leader": make_user("leader", Role.LEADER, "370400"),
    }


def _verified_client(user):
    """A client signed in as `user`, with a confirmed TOTP device verified for the session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db):
    return _verified_client


@pytest.fixture
def clients(users):
    return {role: _verified_client(user) for role, user in users.items()}


# ---- Browser tests (headless Debian Chromium driven by Playwright) ------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, settings):
    """A fresh browser page; `page.base_url` is the live server. Use `login(page, user)` to sign in."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.base_url = live_server.url
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def login(page, user, password=PASSWORD):
    """Sign in through the real login form (and the TOTP step when the role requires it)."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if "/accounts/otp/" in page.url:
        import pyotp
        secret = page.inner_text("[data-testid=otp-secret]") if page.locator("[data-testid=otp-secret]").count() \
            else None
        if secret is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice
            import base64
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            secret = base64.b32encode(device.bin_key).decode()
        page.fill("#id_token", pyotp.TOTP(secret.strip()).now())
        page.click("form button.btn-primary")
    page.wait_for_load_state()


# ---- Reference rows seeded by data migrations ----------------------------------------------------
# A transactional test (every browser test) ends with a flush that also empties the rows data
# migrations seeded (the office calendar, time-limit rules, high-value criteria, the strategic-industry
# table). Any test that finds them gone — a transactional one, or one that a worker (xdist worksteal)
# runs after a transactional one — gets them again, with the migrations' own idempotent functions, so no
# test depends on the order it runs in.
SEED_MIGRATIONS = [("stats", "0002_default_criteria", "stats.HighValueCriterion"),
                   ("protection", "0002_seed_reference_data", "protection.TimeLimitRule")]


def _seed_sei_table(django_apps):
    """registry 0012_sei's table, written in one statement (its load_table also reclassifies patents,
    of which a test starting has none)."""
    from ipdesk.registry import sei
    SeiRule = django_apps.get_model("registry", "SeiRule")
    SeiRule.objects.bulk_create([SeiRule(**{**row, "ipc_only": not row["keywords"]}) for row in sei.read_rows()])


@pytest.fixture(autouse=True)
def _reseed_reference_rows(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from importlib import import_module

    from django.apps import apps as django_apps
    for app, name, sentinel in SEED_MIGRATIONS:
        if not django_apps.get_model(sentinel).objects.exists():
            import_module(f"ipdesk.{app}.migrations.{name}").seed(django_apps, None)
    if not django_apps.get_model("registry", "SeiRule").objects.exists():
        _seed_sei_table(django_apps)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures are keyed on audit ids, which a rolled-back
    test hands out again on SQLite."""
    from django.core.cache import cache
    cache.clear()
    yield
    cache.clear()
