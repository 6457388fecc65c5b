"""Annual-fee (年费) due dates of granted patents, from the pure rule in rules.next_fee_due.

The rule's numbers (grace period, reminder days, terms) come from settings.IPDESK_ANNUAL_FEE when
set, else rules.ANNUAL_FEE_DEFAULTS.
"""
from django.conf import settings

from . import rules
from .choices import LegalStatus


def fee_rule():
    return {**rules.ANNUAL_FEE_DEFAULTS, **getattr(settings, "IPDESK_ANNUAL_FEE", {})}


def next_fee(patent, as_of):
    """{"due", "grace_end", "days_left"} for a valid granted patent, else None."""
    if patent.legal_status != LegalStatus.VALID or not patent.grant_date or not patent.filing_date:
        return None
    found = rules.next_fee_due(patent.patent_type, patent.filing_date, max(as_of, patent.grant_date),
                               patent.fee_paid_until, fee_rule())
    if found is None:
        return None
    due, grace_end = found
    return {"due": due, "grace_end": grace_end, "days_left": (due - as_of).days}


def fee_schedule(patents, as_of):
    """[(patent, fee)] of the valid patents in `patents` (a queryset), soonest due first."""
    rows = []
    for patent in patents.filter(legal_status=LegalStatus.VALID, grant_date__isnull=False).only(
            "id", "application_no", "title", "patent_type", "filing_date", "grant_date", "legal_status",
            "fee_paid_until", "holder_id", "region_id").iterator(chunk_size=2000):
        fee = next_fee(patent, as_of)
        if fee is not None:
            rows.append((patent, fee))
    rows.sort(key=lambda r: r[1]["due"])
    return rows
