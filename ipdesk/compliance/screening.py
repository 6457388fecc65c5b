"""Runs detection over the registry's patent applications and stores what it finds as candidates.

The glue between the database and the pure functions of compliance.detection: it reads the
applications filed since a date (and, for bursts, the 24 months before), runs the three detectors,
and writes one DetectionRun with its Candidates and their evidence. Used by `ipdesk detect` and the
"run detection" job; nothing is sent to anyone.
"""
import datetime
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from . import detection
from .choices import CandidateKind
from .models import Candidate, DetectionRun

HISTORY_MONTHS = 24
TEXT_FIELDS = (("full", "全文"), ("abstract", "摘要"), ("claim1", "主权项"))
SNIPPET = 400
MIN_CHARS = 30


def _months_between(start, end):
    return max((end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= start.day else 0), 1)


def _first_applicant(p):
    from ipdesk.registry.rules import split_names
    names = split_names(p.applicants)
    return names[0] if names else p.holder_name


def collect(since, until=None, threshold=detection.THRESHOLD, report=None):
    """Candidates as plain dicts (kind, subject, score, region_id, application_nos, evidence)."""
    from ipdesk.registry.models import Patent
    until = until or timezone.localdate()
    history_start = (since.replace(day=1) - datetime.timedelta(days=31 * HISTORY_MONTHS)).replace(day=1)
    rows = list(Patent.objects.filter(filing_date__gte=history_start, filing_date__lte=until)
                .select_related("holder").order_by("application_no"))
    window = [p for p in rows if p.filing_date >= since]
    before = [p for p in rows if p.filing_date < since]
    found = []
    if report:
        report(0, 3, f"{len(window)} 件申请")

    # 1. Near-duplicates, on the whole text and on the abstract and the main claim alone (recombined
    #    filings share a part, not the whole).
    texts = {
        "full": [" ".join(filter(None, [p.title, p.abstract, p.claim1])) for p in window],
        "abstract": [p.abstract for p in window],
        "claim1": [p.claim1 for p in window],
    }
    pair_fields = defaultdict(dict)
    for key, label in TEXT_FIELDS:
        if len(window) < 2:
            break
        # Too little text (a bare title such as "一种夹具") makes look-alikes of unrelated filings.
        norm = [detection.normalize_text(t) for t in texts[key]]
        corpus = detection.ShingledCorpus([t if len(t) >= MIN_CHARS else "" for t in norm], normalized=True)
        engine = "datasketch" if len(window) <= 50_000 else "numpy"
        pairs, _ = detection.near_duplicate_pairs(corpus, threshold, engine=engine)
        for i, j, s in pairs:
            pair_fields[(i, j)][label] = round(s, 4)
    merged = [(i, j, max(fields.values())) for (i, j), fields in pair_fields.items()]
    for group in detection.clusters(sorted(merged)):
        members = sorted({i for p in group for i in p[:2]})
        first = window[members[0]]
        found.append({
            "kind": CandidateKind.NEAR_DUPLICATE,
            "subject": f"{_first_applicant(first)} 等 {len(members)} 件内容相同或相近的申请",
            "score": max(p[2] for p in group), "region_id": first.region_id,
            "application_nos": [window[i].application_no for i in members],
            "evidence": {"threshold": threshold, "shingle": f"{detection.SHINGLE_SIZE}-字符片段", "pairs": [{
                "a": window[i].application_no, "b": window[j].application_no, "similarity": round(s, 4),
                "fields": pair_fields[(i, j)],
                "a_applicant": _first_applicant(window[i]), "b_applicant": _first_applicant(window[j]),
                "a_title": window[i].title, "b_title": window[j].title,
                "a_text": texts["full"][i][:SNIPPET], "b_text": texts["full"][j][:SNIPPET]} for i, j, s in group]},
        })
    if report:
        report(1, 3)

    # 2. Bursts by applicant (against its history and its R&D staff) and by agency.
    months = _months_between(since, until)
    for kind, key_of, size_of in (
            (CandidateKind.BURST_APPLICANT, _first_applicant, lambda p: p.holder.rd_staff if p.holder else None),
            (CandidateKind.BURST_AGENCY, lambda p: (p.agency or "").strip(), lambda p: None)):
        counts = Counter(k for k in map(key_of, window) if k)
        history, sizes, region_of, nos = defaultdict(list), {}, {}, defaultdict(list)
        dates = defaultdict(list)
        for p in before:
            k = key_of(p)
            if k:
                dates[k].append(p.filing_date)
        for k in counts:
            history[k] = detection.monthly_history(dates.get(k, []), since, HISTORY_MONTHS)
        for p in window:
            k = key_of(p)
            if k:
                nos[k].append(p.application_no)
                region_of.setdefault(k, p.region_id)
                if size_of(p):
                    sizes[k] = size_of(p)
        for burst in detection.filing_bursts(counts, history, months, sizes):
            found.append({"kind": kind, "subject": burst.key, "score": min(burst.z, 99.0),
                          "region_id": region_of.get(burst.key), "application_nos": sorted(nos[burst.key]),
                          "evidence": {**burst.evidence(), "window": [str(since), str(until)],
                                       "window_months": months, "history_months": HISTORY_MONTHS,
                                       "history_monthly_counts": history[burst.key]}})
    if report:
        report(2, 3)

    # 3. Filings scattered across linked applicants.
    filings = [{"applicant": _first_applicant(p), "address": p.address, "contact": "", "agency": p.agency,
                "application_no": p.application_no, "region_id": p.region_id} for p in window]
    region_by_no = {f["application_no"]: f["region_id"] for f in filings}
    for group in detection.linked_applicants(filings):
        found.append({"kind": CandidateKind.LINKED,
                      "subject": "、".join(list(group["applicants"])[:3]) + f" 等 {len(group['applicants'])} 个关联申请人",
                      "score": group["total_filings"], "region_id": region_by_no[group["application_nos"][0]],
                      "application_nos": group["application_nos"], "evidence": group})
    if report:
        report(3, 3)
    return found, {"applications": len(window), "history_applications": len(before)}


@transaction.atomic
def run(since, user=None, until=None, threshold=detection.THRESHOLD, report=None):
    """Detect and store: a DetectionRun with its candidates."""
    found, counts = collect(since, until, threshold, report)
    run = DetectionRun.objects.create(since=since, created_by=user if user and user.pk else None,
                                      params={"threshold": threshold, "until": str(until) if until else None})
    Candidate.objects.bulk_create([Candidate(run=run, **c) for c in found])
    from ipdesk.core import audit
    from ipdesk.core.models import AuditAction
    audit.record(AuditAction.ACTION, run, after={"detection": "run", "candidates": len(found)})
    run.summary = {**counts, "candidates": len(found), "by_kind": dict(Counter(c["kind"] for c in found))}
    run.save(update_fields=["summary"])
    return run, found
