"""Annual-fee (年费) status of granted patents, from the pure rule in rules.annual_fee_status.

The rule's numbers (grace period, late-fee steps, reminder days, terms) come from settings.IPDESK_ANNUAL_FEE
when set, else rules.ANNUAL_FEE_DEFAULTS.
"""
from django.conf import settings

from . import rules
from .choices import LegalStatus


def fee_rule():
    return {**rules.ANNUAL_FEE_DEFAULTS, **getattr(settings, "IPDESK_ANNUAL_FEE", {})}


def next_fee(patent, as_of):
    """The rules.FeeStatus of the annual fee a valid granted patent owes next — this year's while it is in its
    grace period — or None (not granted, dead, or past its term)."""
    if patent.legal_status != LegalStatus.VALID or not patent.grant_date or not patent.filing_date:
        return None
    return rules.annual_fee_status(patent.patent_type, patent.filing_date, as_of, patent.fee_paid_until,
                                   grant_date=patent.grant_date, rule=fee_rule(),
                                   compensation_days=patent.term_compensation_days)


def fee_schedule(patents, as_of):
    """[(patent, fee)] of the valid patents in `patents` (a queryset), soonest due first (overdue ones first)."""
    rows = []
    for patent in patents.filter(legal_status=LegalStatus.VALID, grant_date__isnull=False).only(
            "id", "application_no", "title", "patent_type", "filing_date", "grant_date", "legal_status",
            "fee_paid_until", "term_compensation_days", "holder_id", "region_id").iterator(chunk_size=2000):
        fee = next_fee(patent, as_of)
        if fee is not None:
            rows.append((patent, fee))
    rows.sort(key=lambda r: r[1].due)
    return rows
