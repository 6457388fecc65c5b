"""The derived patent facts (PatentFact, PatentInterval): kept fresh by every write, rebuilt only as a repair.

Why a fact table: see stats.models. Most patents have no transfer or status event; their facts
follow from the patent row alone and are written by one INSERT … SELECT in the database (fast
enough for millions of rows). Patents with events go through the pure rules in stats.rules in
Python, in batches. `_write_facts` is the one implementation of these rules: `rebuild()` runs it
over every patent, `refresh_patents(ids)` over the patents a change touched.

Freshness guarantee (issue 17): the facts of a patent are rewritten in the same transaction as any
change of the patent or of its events, so a figure is never computed from facts older than committed
data, and a reader never waits for a rebuild (`ensure_fresh()` only builds a never-built database).
- saves and deletes through the ORM (forms, API, state transitions, admin): the post_save / post_delete
  receivers connected by `connect_signals()` (StatsConfig.ready) call refresh_patents;
- bulk writes that send no signal (queryset .update(), bulk_create / bulk_update: the importers,
  registry.sei.reclassify) call refresh_patents with the ids they wrote, in their transaction;
- a restore of a backup brings back the facts of the same snapshot (they are backed up with the data);
- SQL written beside the application is not seen: `ipdesk rebuild_facts --check` (nightly, see
  stats.tasks) compares the stored facts with a full recomputation and reports any difference to the
  city officers; `ipdesk rebuild_facts` repairs.
"""
import contextlib
import datetime as dt
import json
import threading

from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ipdesk.core.jobs import job_handler
from ipdesk.registry.fees import fee_rule
from ipdesk.registry.rules import term_termination_date

from . import rules
from .models import FactAggregate, FactState, PatentFact, PatentInterval

EVENT_KINDS = ("transfer", "lapse", "restoration", "invalidation", "expiry", "pledge")
BATCH = 5000


# Bumped when the facts' rules change (2: strategic by the patent's IPC branch, issue 16), so facts built
# by an earlier version are rebuilt although the registry did not change; 3: with FactAggregate, issue 17).
FACTS_VERSION = 3


def signature():
    from ipdesk.registry.models import Patent, PatentEvent
    p = Patent.objects.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id"))
    e = PatentEvent.objects.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id"))
    return f"v{FACTS_VERSION}|{p['n']}:{p['i']}:{p['m']}|{e['n']}:{e['i']}:{e['m']}"[:200]


def current_signature():
    """What the facts were last rebuilt from, for keys of cached figures (with core.audit.data_generation,
    which every change through the application advances): one read of the state row, never a scan."""
    state = FactState.objects.only("signature", "rebuilt_at").first()
    return f"{state.signature}|{state.rebuilt_at}" if state is not None else "none"


def ensure_fresh():
    """Never a rebuild on a read path: the facts are kept fresh by every write (refresh_patents, see the
    module docstring). Builds them only once, when they were never built for this version of the rules
    (a new or upgraded database: FactState missing or from another FACTS_VERSION) — one indexed read of
    the state row otherwise."""
    state = FactState.objects.only("signature").first()
    if state is not None and state.signature.startswith(f"v{FACTS_VERSION}|"):
        return
    with transaction.atomic():
        state = FactState.objects.select_for_update().first()
        if state is None or not state.signature.startswith(f"v{FACTS_VERSION}|"):
            rebuild()


def _t(model):
    return connection.ops.quote_name(model._meta.db_table)


def _term_end_sql(years):
    """SQL for registry.rules.term_termination_date of an invention row `p`: the filing date's `years`-th
    anniversary (29 February → 28 February when that year has none), plus its compensation days; NULL
    without a filing date. tests/stats/test_term_stock.py checks it against the Python rule."""
    if connection.vendor == "postgresql":
        return (f"(CAST(p.filing_date + make_interval(years => {years}) AS date)"
                f" + COALESCE(p.term_compensation_days, 0))")
    plus = f"date(p.filing_date, '+{years} years')"   # SQLite rolls 29 February over to 1 March
    # '%%': the statements carry parameters (a refresh's ids), so a literal % is written doubled
    anniversary = (f"CASE WHEN strftime('%%m-%%d', p.filing_date) = '02-29' AND strftime('%%m-%%d', {plus}) = '03-01'"
                   f" THEN date(p.filing_date, '+{years} years', '-1 day') ELSE {plus} END")
    return f"date({anniversary}, '+' || COALESCE(p.term_compensation_days, 0) || ' days')"


def _sql_parts():
    """The SQL fragments of the facts' rules for patents without events (shared by rebuild and refresh)."""
    from ipdesk.registry.models import Patent, PatentEvent
    P, EV = _t(Patent), _t(PatentEvent)
    kinds = ", ".join(f"'{k}'" for k in EVENT_KINDS)
    no_events = f"NOT EXISTS (SELECT 1 FROM {EV} ev WHERE ev.patent_id = p.id AND ev.kind IN ({kinds}))"
    # 战略性新兴产业: the patent's own branch in CNIPA's IPC concordance table (registry.sei, stored on the
    # patent as sei_branch) — never the holder's industry chain (SPEC section 3; issue 16 item 3).
    strategic = "(p.sei_branch <> '')"
    dead = "p.legal_status IN ('lapsed', 'revoked', 'expired')"
    rule = fee_rule()
    term = _term_end_sql(int(rule["term_years"]["invention"]))
    recorded = "CAST(p.updated_at AS date)" if connection.vendor == "postgresql" else "date(p.updated_at)"
    ends = f"""CASE WHEN {dead} AND p.lapse_date IS NOT NULL AND ({term} IS NULL OR p.lapse_date < {term})
                    THEN p.lapse_date ELSE {term} END"""
    return P, no_events, strategic, dead, term, recorded, ends, rule


class IdTable:
    """Patent ids gathered over a long transaction in a temporary table, to refresh their facts once, set-based,
    at its end (an import written in one transaction: registry.imports.refresh_patent_facts). A refresh batch by
    batch would read back the patents and facts of each batch from tables the transaction keeps filling, which the
    planner knows nothing of: every batch scanned them whole, and a file's refresh grew with the square of its
    rows. The ids stay in the database, so the process's memory stays flat whatever the file's size.

    `new`: the id is a patent the transaction created (it has no facts yet); an id added twice keeps its first
    word (a patent created by one batch and changed by a later one is still new). Pass the table where
    refresh_patents takes ids."""
    name = "h_fact_ids"

    def __init__(self, only_known=False):
        self.only_known = only_known

    @classmethod
    def create(cls):
        q = connection.ops.quote_name(cls.name)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {q}")
            # dropped with the transaction on PostgreSQL; SQLite drops it in drop() (and a rollback undoes it)
            cur.execute(f"CREATE TEMPORARY TABLE {q} (id bigint PRIMARY KEY, new boolean NOT NULL)"
                        + (" ON COMMIT DROP" if connection.vendor == "postgresql" else ""))
        return cls()

    def add(self, ids, new):
        ids = [int(i) for i in ids if i is not None]
        if not ids:
            return
        q = connection.ops.quote_name(self.name)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"INSERT INTO {q} (id, new) SELECT unnest(CAST(%s AS bigint[])), %s "
                            f"ON CONFLICT (id) DO NOTHING", [_pg_array(ids), bool(new)])
            else:
                cur.execute(f"INSERT INTO {q} (id, new) SELECT value, %s FROM json_each(%s) WHERE true "
                            f"ON CONFLICT (id) DO NOTHING", [bool(new), json.dumps(ids)])

    def known(self):
        """The ids that are not new: the patents whose stored facts the refresh replaces."""
        return IdTable(only_known=True)

    def sql(self):
        return f"SELECT id FROM {connection.ops.quote_name(self.name)}" + (" WHERE NOT new" if self.only_known else "")

    def count(self):
        """The number of ids; on PostgreSQL the table is analysed first, so the refresh's statements are planned
        for its real size."""
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":   # the planner's statistics, for the set-based statements
                cur.execute(f"ANALYZE {connection.ops.quote_name(self.name)}")
            cur.execute(f"SELECT COUNT(*) FROM ({self.sql()}) h")
            return cur.fetchone()[0]

    def drop(self):
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(self.name)}")


def _among(column, ids):
    """(SQL "`column` is one of `ids`", its parameters): one parameter whatever the number of ids (an array on
    PostgreSQL, a JSON list on SQLite), so a refresh is the same few statements for 3 patents as for a million.
    `ids` may be an IdTable: its rows."""
    if isinstance(ids, IdTable):
        return f"{column} IN ({ids.sql()})", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(CAST(%s AS bigint[]))", [_pg_array(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def _pg_array(ids):
    """The ids as one array literal ('{1,2,3}'): psycopg would otherwise adapt a list element by element,
    which cost more than the statements themselves for an import's batch of thousands of ids."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def _id_rows(ids):
    """(SQL of a row source `h_ids(id)` holding `ids`, its parameters), to join the patents from: the planner then
    reads each patent by its key, whatever it believes of a table filled in the same transaction."""
    if isinstance(ids, IdTable):
        return f"({ids.sql()}) AS h_ids", []
    if connection.vendor == "postgresql":
        return "unnest(CAST(%s AS bigint[])) AS h_ids(id)", [_pg_array(ids)]
    return "(SELECT value AS id FROM json_each(%s)) AS h_ids", [json.dumps(list(ids))]


def _write_facts(ids=None, progress=None):
    """Insert the facts of the patents `ids` (None: all patents) into the fact tables, which must hold
    none of theirs; returns (patents, intervals) written. The one implementation of the facts' rules:
    rebuild() runs it over everything, refresh_patents() over the patents a change touched (set-based:
    one INSERT … SELECT per table, whatever the number of patents)."""
    from ipdesk.registry.models import Patent, PatentEvent

    F, I = _t(PatentFact), _t(PatentInterval)
    P, no_events, strategic, dead, term, recorded, ends, rule = _sql_parts()
    n_patents = n_intervals = 0
    if ids is None:
        patents, params = f"{P} p", []
    else:
        source, params = _id_rows(ids)
        patents = f"{source} JOIN {P} p ON p.id = h_ids.id"
    with connection.cursor() as cur:
        # Patents without events: the current holder held it all along; in force from the grant to the
        # lapse date or the end of the statutory term (专利法第四十二条, with its compensation), whichever
        # comes first — whatever the status says (registry.rules.term_termination_date, the same rule in SQL).
        # An expired patent without a lapse date ends with its term (when the term had ended by the record's
        # last change: an "expired" status contradicting the term dates nothing); lapsed / revoked without a
        # date: no known period in force, not counted.
        # Intervals are kept for invention patents only: no figure counts a utility-model or design stock.
        cur.execute(f"""
            INSERT INTO {F} (patent_id, patent_type, filing_date, filing_region_id, filing_domestic, grant_date,
                             grant_region_id, grant_domestic, pct, strategic, overseas_family, first_pledge)
            SELECT p.id, p.patent_type, p.filing_date, p.region_id, p.is_domestic, p.grant_date, p.region_id,
                   p.is_domestic, p.pct_application_no <> '', {strategic}, p.overseas_family, NULL
            FROM {patents} WHERE {no_events}""", params)
        n_patents += max(cur.rowcount, 0)
        cur.execute(f"""
            INSERT INTO {I} (patent_id, patent_type, region_id, domestic, start, "end", filing_date, strategic,
                             overseas_family, first_pledge)
            SELECT p.id, p.patent_type, p.region_id, p.is_domestic, p.grant_date,
                   {ends}, p.filing_date, {strategic}, p.overseas_family, NULL
            FROM {patents}
            WHERE {no_events} AND p.grant_date IS NOT NULL AND p.patent_type = 'invention'
              AND (NOT {dead} OR p.lapse_date IS NOT NULL
                   OR (p.legal_status = 'expired' AND {term} IS NOT NULL AND {term} <= {recorded}))
              AND ({ends} IS NULL OR {ends} > p.grant_date)""", params)
        n_intervals += max(cur.rowcount, 0)

    # Patents with events: the pure rules decide.
    with_events = PatentEvent.objects.filter(kind__in=EVENT_KINDS)
    if ids is not None:
        where, where_params = _among(f"{_t(PatentEvent)}.patent_id", ids)
        with_events = with_events.extra(where=[where], params=where_params)
    ids_ev = sorted(set(with_events.values_list("patent_id", flat=True).distinct()))
    for offset in range(0, len(ids_ev), BATCH):
        chunk = ids_ev[offset:offset + BATCH]
        events = {}
        for row in PatentEvent.objects.filter(patent_id__in=chunk, kind__in=EVENT_KINDS).values(
                "patent_id", "kind", "date", "region_before_id", "region_after_id", "domestic_after"):
            events.setdefault(row["patent_id"], []).append(row)
        facts, intervals = [], []
        for p in Patent.objects.filter(pk__in=chunk).values(
                "id", "patent_type", "filing_date", "grant_date", "region_id", "is_domestic", "pct_application_no",
                "sei_branch", "overseas_family", "legal_status", "lapse_date", "term_compensation_days",
                "updated_at"):
            evs = events.get(p["id"], [])
            transfers = [rules.Transfer(e["date"], e["region_before_id"], e["region_after_id"], e["domestic_after"])
                         for e in evs if e["kind"] == "transfer"]
            pledges = sorted(e["date"] for e in evs if e["kind"] == "pledge")
            strategic_flag = bool(p["sei_branch"])   # the same rule as the SQL above
            f_region, f_dom = rules.holder_at(p["filing_date"], transfers, p["region_id"], p["is_domestic"]) \
                if p["filing_date"] else (p["region_id"], p["is_domestic"])
            g_region, g_dom = rules.holder_at(p["grant_date"], transfers, p["region_id"], p["is_domestic"]) \
                if p["grant_date"] else (None, p["is_domestic"])
            facts.append(PatentFact(
                patent_id=p["id"], patent_type=p["patent_type"], filing_date=p["filing_date"], filing_region_id=f_region,
                filing_domestic=f_dom, grant_date=p["grant_date"], grant_region_id=g_region, grant_domestic=g_dom,
                pct=bool(p["pct_application_no"]), strategic=strategic_flag, overseas_family=p["overseas_family"],
                first_pledge=pledges[0] if pledges else None))
            if p["patent_type"] != "invention":
                continue   # stock figures exist for invention patents only (有效发明专利); keep the table small
            term_end = term_termination_date(p["patent_type"], p["filing_date"], rule, p["term_compensation_days"])
            for iv in rules.validity_intervals(p["grant_date"], [(e["date"], e["kind"]) for e in evs], transfers,
                                               p["region_id"], p["is_domestic"], p["legal_status"], p["lapse_date"],
                                               term_end, p["updated_at"].date() if p["updated_at"] else None):
                intervals.append(PatentInterval(
                    patent_id=p["id"], patent_type=p["patent_type"], region_id=iv.region, domestic=iv.domestic,
                    start=iv.start, end=iv.end, filing_date=p["filing_date"], strategic=strategic_flag,
                    overseas_family=p["overseas_family"], first_pledge=pledges[0] if pledges else None))
        PatentFact.objects.bulk_create(facts, batch_size=2000)
        PatentInterval.objects.bulk_create(intervals, batch_size=2000)
        n_patents += len(facts)
        n_intervals += len(intervals)
        if progress:
            progress(offset + len(chunk), len(ids_ev))
    return n_patents, n_intervals


# ---- Aggregates (FactAggregate) ------------------------------------------------------------------
def contributions(ids=None, hv=None, only_hv=False):
    """{(region, month, patent_type, measure): n}: what the fact rows of the patents `ids` (None: all)
    add to FactAggregate — the only definition of the aggregates (see models.FactAggregate). `hv`: the
    high-value configuration the hv measures are built for (parse_hv_stamp of FactState.hv_config; None:
    no hv measures); `only_hv`: those measures alone (rebuild_high_value)."""
    out = {}
    if hv is not None:
        _hv_contributions(out, ids, hv)
    if only_hv:
        return out

    def only(model):
        if ids is None:
            return model.objects.all()
        where, params = _among(f"{_t(model)}.patent_id", ids)   # one statement whatever the number of ids
        return model.objects.extra(where=[where], params=params)
    queries = [
        ("grants", "grant_region_id", "grant_date",
         only(PatentFact).filter(grant_domestic=True, grant_date__isnull=False)),
        ("filings", "filing_region_id", "filing_date",
         only(PatentFact).filter(filing_domestic=True, filing_date__isnull=False)),
        ("valid_in", "region_id", "start", only(PatentInterval).filter(domestic=True)),
        ("valid_out", "region_id", "end", only(PatentInterval).filter(domestic=True, end__isnull=False)),
    ]
    for measure, region_field, date_field, qs in queries:
        for region, ptype, month, n in qs.annotate(m=TruncMonth(date_field)).values(region_field, "patent_type", "m") \
                .annotate(n=Count("*")).values_list(region_field, "patent_type", "m", "n").order_by():
            key = (region or 0, _as_date(month), ptype, measure)
            out[key] = out.get(key, 0) + n
    return out


def _as_date(value):
    if isinstance(value, str):   # SQLite answers raw SQL with text
        return dt.date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# ---- High-value stock as intervals (issue 17 item 2) -----------------------------------------------
# Of the high-value criteria (stats.indicators._criterion_q), three hold on an interval of a validity interval:
# strategic (S) and overseas family (O) are flags copied on the interval, and "maintained over N years" (M) holds
# from the first day D with filing_date < _years_before(D, N) (maintained_from) to the interval's end. So
# alive∧S, alive∧O, alive∧M and alive∧(S∨O∨M of the criteria that are on) are intervals whose starts and ends
# are counted per region × month like valid_in / valid_out: hvs_*, hvo_*, hvm_* and hv_* (the union). The
# pledge and award criteria (few patents, dates and lists from the configuration) are counted on those
# patents' intervals by the reader. Which criteria are on and N are configuration: FactState.hv_config stamps
# the configuration the hv measures were built for (hv_stamp); readers use them only when it is the current
# one, otherwise they scan the intervals (stats.indicators.prefetch_stock).
HV_MEASURES = ("hv_in", "hv_out", "hvs_in", "hvs_out", "hvo_in", "hvo_out", "hvm_in", "hvm_out")
HV_STAMP_VERSION = 1


def hv_stamp(active):
    """The stamp of a high-value configuration: `active` = the criteria that are on (indicators.criteria()).
    Only what the hv measures depend on: whether S, O and M are on, and M's years (as _criterion_q reads them)."""
    from .figures import CriterionKind
    kinds = {c.kind: c for c in active}
    m = kinds.get(CriterionKind.MAINTAINED)
    years = str(int(m.threshold or 10)) if m is not None else "-"
    return (f"hv{HV_STAMP_VERSION}:s{int(CriterionKind.STRATEGIC in kinds)}"
            f"o{int(CriterionKind.OVERSEAS in kinds)}m{years}")


def parse_hv_stamp(stamp):
    """(strategic on, overseas on, maintained years or None) of a stamp; None for no / another version's stamp."""
    prefix = f"hv{HV_STAMP_VERSION}:"
    if not stamp or not stamp.startswith(prefix):
        return None
    body = stamp[len(prefix):]                     # s1o0m10 / s1o1m-
    s_on, o_on, m = body[1] == "1", body[3] == "1", body[5:]
    return s_on, o_on, (None if m == "-" else int(m))


def current_hv_stamp():
    from .criteria import criteria
    return hv_stamp(criteria())


def stored_hv_stamp():
    return FactState.objects.values_list("hv_config", flat=True).order_by("pk").first() or ""


def _locked_hv_config():
    """The stored configuration, read under a share lock of the state row: a refresh then keeps to the
    configuration the stored hv measures were built for until it commits — rebuild_high_value (which locks
    the row for update) waits for it, and a refresh that starts later waits for the rebuilt measures."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT hv_config FROM {_t(FactState)} ORDER BY id LIMIT 1 FOR SHARE")
            row = cur.fetchone()
        return parse_hv_stamp(row[0] if row else "")
    return parse_hv_stamp(stored_hv_stamp())   # SQLite: one writer at a time


def maintained_from(filing_date, years):
    """The first day D on which a patent filed on `filing_date` counts as maintained over `years` years
    (stats.indicators._criterion_q: filing_date < _years_before(D, years)): the day after the filing date,
    `years` years on — a 29 February without one in that year rolls over to 1 March (_years_before maps
    both 28 and 29 February of a leap year to 28 February, so neither is over the filing day 28 February).
    E.g. filed 2012-12-31, 10 years: 2023-01-01. None without a filing date. _maintained_from_sql is the same
    rule in SQL (tests/stats/test_high_value_aggregates.py checks both against _years_before)."""
    if filing_date is None:
        return None
    day = filing_date + dt.timedelta(days=1)
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def _maintained_from_sql(column, years):
    if connection.vendor == "postgresql":
        day = f"({column} + 1)"
        plus = f"CAST({day} + make_interval(years => {int(years)}) AS date)"   # 29 February → 28 February
        return (f"(CASE WHEN to_char({day}, 'MM-DD') = '02-29' AND to_char({plus}, 'MM-DD') = '02-28'"
                f" THEN {plus} + 1 ELSE {plus} END)")
    return f"date({column}, '+1 day', '+{int(years)} years')"   # SQLite rolls 29 February over to 1 March


def _month_sql(expr):
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({expr} AS timestamp)) AS date)"
    return f"date({expr}, 'start of month')"


def _hv_contributions(out, ids, hv):
    """Add the hv measures of the intervals of `ids` (None: all) for the configuration `hv` to `out`:
    each measure X's interval [begin, end) adds X_in at begin's month and X_out at end's month, as
    valid_in / valid_out do for [start, end); an empty one (begin ≥ end) adds nothing. One statement, which
    reads the intervals once (the CTE iv; the patents' intervals by key when `ids` are given)."""
    s_on, o_on, years = hv
    q = connection.ops.quote_name
    start, end = "i.s", "i.e"
    kept = f"({end} IS NULL OR {{begin}} < {end})"
    branches = []   # (measure prefix, begin, condition)
    flags = [c for on, c in ((s_on, "i.strategic"), (o_on, "i.overseas_family")) if on]
    if s_on:
        branches.append(("hvs", start, "i.strategic"))
    if o_on:
        branches.append(("hvo", start, "i.overseas_family"))
    if years is not None:
        later = f"(CASE WHEN i.since > {start} THEN i.since ELSE {start} END)"
        branches.append(("hvm", later, "i.since IS NOT NULL"))
        if flags:
            flag = " OR ".join(flags)
            branches.append(("hv", f"(CASE WHEN {flag} THEN {start} ELSE {later} END)",
                             f"({flag} OR i.since IS NOT NULL)"))
        else:
            branches.append(("hv", later, "i.since IS NOT NULL"))
    elif flags:
        branches.append(("hv", start, "(" + " OR ".join(flags) + ")"))
    if not branches:
        return
    since = _maintained_from_sql("x.filing_date", years) if years is not None else "x.filing_date"
    if ids is None:
        source, params = f"{_t(PatentInterval)} x", []
    else:
        rows, params = _id_rows(ids)
        source = f"{rows} JOIN {_t(PatentInterval)} x ON x.patent_id = h_ids.id"
    cte = (f"WITH iv AS (SELECT x.region_id, x.patent_type, x.{q('start')} AS s, x.{q('end')} AS e, x.strategic, "
           f"x.overseas_family, {since} AS since FROM {source} WHERE x.domestic)")
    selects = []
    for prefix, begin, cond in branches:
        where = f"{cond} AND {kept.format(begin=begin)}"
        selects.append(f"SELECT i.region_id, i.patent_type, '{prefix}_in' AS measure, {_month_sql(begin)} AS m "
                       f"FROM iv i WHERE {where}")
        selects.append(f"SELECT i.region_id, i.patent_type, '{prefix}_out' AS measure, {_month_sql(end)} AS m "
                       f"FROM iv i WHERE {where} AND {end} IS NOT NULL")
    with connection.cursor() as cur:
        cur.execute(f"{cte} SELECT region_id, patent_type, measure, m, COUNT(*) FROM ({' UNION ALL '.join(selects)}) h "
                    f"GROUP BY region_id, patent_type, measure, m", params)
        for region, ptype, measure, month, n in cur.fetchall():
            key = (region or 0, _as_date(month), ptype, measure)
            out[key] = out.get(key, 0) + n


def _apply(delta):
    """Append `delta` ({key: n}) to FactAggregate as rows of changes (see models.FactAggregate): an
    insert takes no lock a concurrent writer waits for."""
    rows = [FactAggregate(region=r, month=m, patent_type=t, measure=k, n=n)
            for (r, m, t, k), n in sorted(delta.items()) if n]
    FactAggregate.objects.bulk_create(rows, batch_size=1000)


def compact_aggregates():
    """Fold the change rows of each key into one (nightly, stats.tasks); returns the rows removed. The
    table is locked against writers for the moment it takes (rows ∝ keys + the day's changes)."""
    A = _t(FactAggregate)
    with transaction.atomic():
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"LOCK TABLE {A} IN SHARE ROW EXCLUSIVE MODE")
            cur.execute(f"SELECT COUNT(*) FROM {A}")
            before = cur.fetchone()[0]
            cur.execute("DROP TABLE IF EXISTS h_compact")
            cur.execute(f"CREATE TEMPORARY TABLE h_compact AS SELECT region, month, patent_type, measure, SUM(n) AS n "
                        f"FROM {A} GROUP BY region, month, patent_type, measure HAVING SUM(n) <> 0")
            cur.execute(f"DELETE FROM {A}")
            cur.execute(f"INSERT INTO {A} (region, month, patent_type, measure, n) "
                        f"SELECT region, month, patent_type, measure, n FROM h_compact")
            cur.execute("DROP TABLE h_compact")
            cur.execute(f"SELECT COUNT(*) FROM {A}")
            return before - cur.fetchone()[0]


def _diff(new, old):
    delta = dict(new)
    for k, n in old.items():
        delta[k] = delta.get(k, 0) - n
    return delta


@transaction.atomic
def rebuild(sig=None, progress=None, hv_config=None):
    """Rewrite all facts and aggregates; returns (patents, intervals). `progress(done, total)` is optional.
    The hv measures are built for `hv_config` (a stamp; None: the current configuration), which is stamped."""
    # The state row first: refreshes hold it shared until they commit (_locked_hv_config).
    state = FactState.objects.select_for_update().first() or FactState()
    stamp = current_hv_stamp() if hv_config is None else hv_config
    PatentInterval.objects.all().delete()
    PatentFact.objects.all().delete()
    FactAggregate.objects.all().delete()
    _write_facts(None, progress)
    _apply(contributions(hv=parse_hv_stamp(stamp)))
    n_patents = PatentFact.objects.count()
    n_intervals = PatentInterval.objects.count()
    state.signature, state.rebuilt_at, state.patents, state.intervals = sig or signature(), timezone.now(), \
        n_patents, n_intervals
    state.hv_config = stamp
    state.save()
    FactState.objects.exclude(pk=state.pk).delete()
    return n_patents, n_intervals


def rebuild_high_value(stamp=None):
    """Recompute the hv measures alone for the configuration `stamp` (None: the current one) and stamp it,
    in one transaction (after an edit of the criteria: hv_job). Returns the stamp, or None when the facts were
    never built (ensure_fresh builds everything, stamped)."""
    with transaction.atomic():
        state = FactState.objects.select_for_update().order_by("pk").first()
        if state is None:
            return None
        stamp = current_hv_stamp() if stamp is None else stamp
        FactAggregate.objects.filter(measure__in=HV_MEASURES).delete()
        _apply(contributions(hv=parse_hv_stamp(stamp), only_hv=True))
        state.hv_config = stamp
        state.save(update_fields=["hv_config"])
    return stamp


def refresh_patents(patent_ids, new=()):
    """Recompute the facts of exactly the patents `patent_ids` (ids of deleted patents: their facts are
    dropped) with the rules of rebuild(), and move the aggregates by the difference, inside the caller's
    transaction (or one of its own). Call it in the transaction that changed the patents or their events,
    after the change: the facts then commit — or roll back — with the data. Returns the number of
    patents whose facts were written.

    Set-based: the same dozen statements for one patent as for a million (the ids travel as one parameter, or
    sit in an IdTable); only patents with events go through the rules in Python. `new`: those of the ids that are
    patents the caller created in its transaction — they have no facts yet (ids are never reused), so there is
    nothing of theirs to lock, subtract or delete (an IdTable says it of each id itself)."""
    from ipdesk.registry.models import Patent
    if isinstance(patent_ids, IdTable):   # `new` is in the table
        ids = patent_ids
        if not ids.count():
            return 0
        known = ids.known() if ids.known().count() else None
        if connection.vendor == "postgresql":
            # The fact tables are read by key from memory. At the default cost of a random read (4, a spinning
            # disk) the planner scanned the 900,000 intervals of a province whole for an import of 10,000 rows
            # (0.17 s a statement, 1.5 s the import instead of 1.1 s). For the rest of the import's transaction.
            with connection.cursor() as cur:
                cur.execute("SET LOCAL random_page_cost = 1.1")
    else:
        ids = sorted({int(i) for i in patent_ids if i is not None})
        if not ids:
            return 0
        new = {int(i) for i in new}
        known = [i for i in ids if i not in new] if new else ids
    old = {}
    with transaction.atomic():
        hv = _locked_hv_config()
        if known:
            with connection.cursor() as cur:
                # Two transactions refreshing one patent (an edit and an event, say) take turns on its row, in
                # id order: the second then reads the facts the first committed, never deletes around them.
                if connection.features.has_select_for_update:
                    where, params = _among("id", known)
                    cur.execute(f"SELECT id FROM {_t(Patent)} WHERE {where} ORDER BY id FOR UPDATE", params)
                old = contributions(known, hv)
                for model in (PatentInterval, PatentFact):
                    where, params = _among("patent_id", known)
                    cur.execute(f"DELETE FROM {_t(model)} WHERE {where}", params)
        written = _write_facts(ids)[0]
        _apply(_diff(contributions(ids, hv), old))
    return written


# ---- The check: stored state against a full recomputation ---------------------------------------
FACT_COLUMNS = ("patent_id", "patent_type", "filing_date", "filing_region_id", "filing_domestic", "grant_date",
                "grant_region_id", "grant_domestic", "pct", "strategic", "overseas_family", "first_pledge")
INTERVAL_COLUMNS = ("patent_id", "patent_type", "region_id", "domestic", "start", "end", "filing_date", "strategic",
                    "overseas_family", "first_pledge")
AGGREGATE_COLUMNS = ("region", "month", "patent_type", "measure", "n")


def check(sample=20):
    """Compare the stored facts and aggregates with a full recomputation, changing nothing: the stored
    rows are copied into temporary tables, rebuild() runs inside a savepoint, the two are compared in
    SQL and the savepoint is rolled back. Returns {"facts": n, "intervals": n, "aggregates": n,
    "patents": [up to `sample` patent ids whose facts differ]} — all zero / empty when they agree.
    (It holds the fact tables' rows for the length of a rebuild: run it when few write, e.g. nightly.)"""
    tables = [("facts", _t(PatentFact), FACT_COLUMNS, ""), ("intervals", _t(PatentInterval), INTERVAL_COLUMNS, ""),
              ("aggregates", f"(SELECT region, month, patent_type, measure, SUM(n) AS n FROM {_t(FactAggregate)} "
                             f"GROUP BY region, month, patent_type, measure HAVING SUM(n) <> 0) a",
               AGGREGATE_COLUMNS, "")]
    q = connection.ops.quote_name
    out = {}
    patents = set()
    with transaction.atomic():
        stamp = stored_hv_stamp()   # the hv measures are compared for the configuration they were built for
        sid = transaction.savepoint_create()
        try:
            with connection.cursor() as cur:
                for name, table, cols, where in tables:
                    cur.execute(f"CREATE TEMPORARY TABLE h_stored_{name} AS SELECT {', '.join(q(c) for c in cols)} "
                                f"FROM {table}{where}")
            rebuild(hv_config=stamp)
            with connection.cursor() as cur:
                for name, table, cols, where in tables:
                    collist = ", ".join(q(c) for c in cols)
                    fresh = f"SELECT {collist} FROM {table}{where}"
                    stored = f"SELECT {collist} FROM h_stored_{name}"
                    n = 0
                    for a, b in ((fresh, stored), (stored, fresh)):
                        cur.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) d")
                        n += cur.fetchone()[0]
                        if name != "aggregates":
                            cur.execute(f"SELECT d.patent_id FROM ({a} EXCEPT {b}) d ORDER BY 1 LIMIT {int(sample)}")
                            patents.update(r[0] for r in cur.fetchall())
                    cur.execute(f"SELECT (SELECT COUNT(*) FROM {table}{where}) - (SELECT COUNT(*) FROM h_stored_{name})")
                    n = n or abs(cur.fetchone()[0])   # duplicates the set comparison cannot see
                    out[name] = n
        finally:
            transaction.savepoint_rollback(sid)
            with connection.cursor() as cur:
                for name, *_ in tables:
                    cur.execute(f"DROP TABLE IF EXISTS h_stored_{name}")
    out["patents"] = sorted(patents)[:sample]
    return out


def differences(found):
    return sum(v for k, v in found.items() if k != "patents")


def record_check():
    """check(), its outcome kept on FactState (shown on the dashboard) and, when the facts differ, a
    notification to the city officers (core.notify, once per day and finding). Returns check()'s answer."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from ipdesk.core.notify import notify
    from ipdesk.core.scoping import Role
    found = check()
    n = differences(found)
    state = FactState.objects.first() or FactState()
    state.checked_at, state.check_differences = timezone.now(), n
    state.save()
    if n:
        officers = get_user_model().objects.filter(is_active=True, role=Role.CITY_OFFICER)
        notify(officers, _("指标数据核对发现 %(n)s 处差异，请运行 ipdesk rebuild_facts 修复") % {"n": n},
               kind="facts_check", key=f"facts_check:{timezone.localdate().isoformat()}:{n}",
               body=_("涉及的专利（部分）：%(ids)s") % {"ids": ", ".join(str(i) for i in found["patents"])})
    return found


# ---- Keeping the facts fresh on every write ---------------------------------------------------
_local = threading.local()


@contextlib.contextmanager
def collecting():
    """Within the block, saves and deletes of patents and events only note the patent ids; the facts of
    all of them are refreshed once when the block ends (still inside the caller's transaction) — for
    code that saves many records one by one. Nested blocks share the outer one's refresh."""
    outer = getattr(_local, "pending", None)
    if outer is not None:
        yield outer
        return
    _local.pending = pending = set()
    try:
        yield pending
    finally:
        _local.pending = None
    refresh_patents(pending)


def _touched(*patent_ids):
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.update(i for i in patent_ids if i is not None)
    else:
        refresh_patents(patent_ids)


def _patent_saved(sender, instance, raw=False, **kwargs):
    if not raw:   # raw: loaddata / restore write rows as they were, facts included
        _touched(instance.pk)


def _patent_deleted(sender, instance, **kwargs):
    _touched(instance.pk)


def _event_pre_save(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._facts_old_patent_id = sender._base_manager.filter(pk=instance.pk).values_list(
            "patent_id", flat=True).first()


def _event_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _touched(instance.patent_id, getattr(instance, "_facts_old_patent_id", None))


def _event_deleted(sender, instance, **kwargs):
    _touched(instance.patent_id)


def _criterion_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(start_hv_job_if_stale)


def start_hv_job_if_stale():
    """After an edit of the high-value criteria: when the configuration the hv measures were built for is no
    longer the current one, recompute them in a job (hv_job); readers scan the intervals until it is done."""
    stored = FactState.objects.values_list("hv_config", flat=True).order_by("pk").first()
    if stored is None or stored == current_hv_stamp():
        return None
    from django.utils.translation import gettext as _

    from ipdesk.core import jobs
    return jobs.start("stats.rebuild_high_value", _("重算高价值发明专利汇总"))


def connect_signals():
    """Called by StatsConfig.ready: every save and delete of a patent or event through the ORM refreshes
    that patent's facts in the same transaction (queryset .update() and bulk_* send no signal: such
    code calls refresh_patents itself)."""
    from django.db.models import signals

    from ipdesk.registry.models import Patent, PatentEvent
    signals.post_save.connect(_patent_saved, sender=Patent, dispatch_uid="stats.facts.patent_saved")
    signals.post_delete.connect(_patent_deleted, sender=Patent, dispatch_uid="stats.facts.patent_deleted")
    signals.pre_save.connect(_event_pre_save, sender=PatentEvent, dispatch_uid="stats.facts.event_pre_save")
    signals.post_save.connect(_event_saved, sender=PatentEvent, dispatch_uid="stats.facts.event_saved")
    signals.post_delete.connect(_event_deleted, sender=PatentEvent, dispatch_uid="stats.facts.event_deleted")
    # An edit of the criteria (page, API, admin, finance's award signal) changes what the hv measures count.
    from .models import HighValueCriterion
    signals.post_save.connect(_criterion_changed, sender=HighValueCriterion, dispatch_uid="stats.facts.criterion_saved")
    signals.post_delete.connect(_criterion_changed, sender=HighValueCriterion,
                                dispatch_uid="stats.facts.criterion_deleted")


@job_handler("stats.rebuild_facts")
def rebuild_job(job):
    """After a large import: rebuild the facts in the background with progress (后台任务)."""
    n_patents, n_intervals = rebuild(progress=lambda done, total: job.report(done, total))
    return {"patents": n_patents, "intervals": n_intervals}



@job_handler("stats.rebuild_high_value")
def hv_job(job):
    """After an edit of the high-value criteria: recompute the hv measures for the new configuration."""
    return {"hv_config": rebuild_high_value()}
