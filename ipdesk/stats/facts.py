"""Rebuild the derived patent facts (PatentFact, PatentInterval) from the registry.

Why a fact table: see stats.models. Most patents have no transfer or status event; their facts
follow from the patent row alone and are written by one INSERT … SELECT in the database (fast
enough for millions of rows). Patents with events go through the pure rules in stats.rules in
Python, in batches. `ensure_fresh()` compares a cheap signature of the registry with the one
the facts were built from and rebuilds when they differ, so a figure never comes from stale facts
(after an import, a manual edit, or a test creating records).
"""
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from ipdesk.core.audit import data_generation
from ipdesk.core.jobs import job_handler
from ipdesk.registry.fees import fee_rule
from ipdesk.registry.rules import term_termination_date

from . import rules
from .models import FactState, PatentFact, PatentInterval

EVENT_KINDS = ("transfer", "lapse", "restoration", "invalidation", "expiry", "pledge")
BATCH = 5000
# How long a registry signature is trusted while no change goes through the application: a change
# made beside it (SQL in the database) is seen within this many seconds.
SIGNATURE_TTL = 30


# Bumped when the facts' rules change (2: strategic by the patent's IPC branch, issue 16), so facts built
# by an earlier version are rebuilt although the registry did not change.
FACTS_VERSION = 2


def signature():
    from ipdesk.registry.models import Patent, PatentEvent
    p = Patent.objects.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id"))
    e = PatentEvent.objects.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id"))
    return f"v{FACTS_VERSION}|{p['n']}:{p['i']}:{p['m']}|{e['n']}:{e['i']}:{e['m']}"[:200]


def current_signature():
    """signature(), read once per change of data (core.audit.data_generation) and SIGNATURE_TTL: its
    exact form counts every patent, a scan that would otherwise run on each figure of each page."""
    key = f"stats:registry-signature:{data_generation()}"
    sig = cache.get(key)
    if sig is None:
        sig = signature()
        cache.set(key, sig, SIGNATURE_TTL)
    return sig


def ensure_fresh():
    """Rebuild the facts when the registry changed since they were built. Concurrent callers queue
    on the state row and check again (with the exact signature), so only one of them rebuilds."""
    state = FactState.objects.first()
    if state is not None and state.signature == current_signature():
        return
    sig = signature()
    if state is not None and state.signature == sig:
        return
    with transaction.atomic():
        state = FactState.objects.select_for_update().first() or FactState.objects.create()
        sig = signature()
        if state.signature != sig:
            rebuild(sig)


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
    anniversary = (f"CASE WHEN strftime('%m-%d', p.filing_date) = '02-29' AND strftime('%m-%d', {plus}) = '03-01'"
                   f" THEN date(p.filing_date, '+{years} years', '-1 day') ELSE {plus} END")
    return f"date({anniversary}, '+' || COALESCE(p.term_compensation_days, 0) || ' days')"


@transaction.atomic
def rebuild(sig=None, progress=None):
    """Rewrite all facts; returns (patents, intervals). `progress(done, total)` is optional."""
    from ipdesk.registry.models import Patent, PatentEvent

    PatentInterval.objects.all().delete()
    PatentFact.objects.all().delete()
    P, EV = _t(Patent), _t(PatentEvent)
    F, I = _t(PatentFact), _t(PatentInterval)
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
            FROM {P} p WHERE {no_events}""")
        cur.execute(f"""
            INSERT INTO {I} (patent_id, patent_type, region_id, domestic, start, "end", filing_date, strategic,
                             overseas_family, first_pledge)
            SELECT p.id, p.patent_type, p.region_id, p.is_domestic, p.grant_date,
                   {ends}, p.filing_date, {strategic}, p.overseas_family, NULL
            FROM {P} p
            WHERE {no_events} AND p.grant_date IS NOT NULL AND p.patent_type = 'invention'
              AND (NOT {dead} OR p.lapse_date IS NOT NULL
                   OR (p.legal_status = 'expired' AND {term} IS NOT NULL AND {term} <= {recorded}))
              AND ({ends} IS NULL OR {ends} > p.grant_date)""")
    n_patents = PatentFact.objects.count()
    n_intervals = PatentInterval.objects.count()

    # Patents with events: the pure rules decide.
    with_events = PatentEvent.objects.filter(kind__in=EVENT_KINDS).values_list("patent_id", flat=True).distinct()
    ids = sorted(set(with_events))
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset:offset + BATCH]
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
            progress(offset + len(chunk), len(ids))
    state = FactState.objects.select_for_update().first() or FactState()
    state.signature, state.rebuilt_at, state.patents, state.intervals = sig or signature(), timezone.now(), \
        n_patents, n_intervals
    state.save()
    FactState.objects.exclude(pk=state.pk).delete()
    return n_patents, n_intervals


@job_handler("stats.rebuild_facts")
def rebuild_job(job):
    """After a large import: rebuild the facts in the background with progress (后台任务)."""
    n_patents, n_intervals = rebuild(progress=lambda done, total: job.report(done, total))
    return {"patents": n_patents, "intervals": n_intervals}

