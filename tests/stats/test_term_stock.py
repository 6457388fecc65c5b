"""The stock of valid invention patents ends each patent at the earlier of its lapse and the end of its
statutory term (专利法第四十二条, with term compensation), whatever its status says — worked examples."""
import datetime as dt

import pytest

from ipdesk.registry.rules import term_termination_date
from ipdesk.stats import indicators as ind
from ipdesk.stats import rules
from tests.factories import PatentFactory

D = dt.date


def test_no_period_runs_past_the_term():
    # Filed 2004-05-20: the term ends 2024-05-19, the patent is out of force from 2024-05-20.
    end = term_termination_date("invention", D(2004, 5, 20))
    assert end == D(2024, 5, 20)
    assert rules.in_force_periods(D(2008, 1, 1), [], "valid", None, end) == [(D(2008, 1, 1), D(2024, 5, 20))]
    # a lapse before the term end still ends it first; a restoration after the term brings nothing back
    assert rules.in_force_periods(D(2008, 1, 1), [], "lapsed", D(2015, 1, 1), end) == [(D(2008, 1, 1), D(2015, 1, 1))]
    assert rules.in_force_periods(D(2008, 1, 1), [(D(2024, 3, 1), "lapse"), (D(2024, 6, 1), "restoration")],
                                  "valid", None, end) == [(D(2008, 1, 1), D(2024, 3, 1))]


def test_an_expired_patent_without_a_lapse_date_counts_until_its_term_end():
    end = term_termination_date("invention", D(2001, 7, 1))
    assert rules.in_force_periods(D(2004, 1, 1), [], "expired", None, end) == [(D(2004, 1, 1), D(2021, 7, 1))]
    assert rules.in_force_periods(D(2004, 1, 1), [], "expired", None, end, recorded_on=D(2021, 7, 1)) == \
        [(D(2004, 1, 1), D(2021, 7, 1))]
    # "expired" recorded before its term could have ended contradicts the term: it dates nothing
    assert rules.in_force_periods(D(2004, 1, 1), [], "expired", None, end, recorded_on=D(2021, 6, 30)) == []
    # lapsed or revoked since an unknown date: still no period can be asserted
    assert rules.in_force_periods(D(2004, 1, 1), [], "lapsed", None, end) == []


@pytest.mark.django_db
def test_stock_ends_at_the_term_whatever_the_status_says(regions, event):
    city = regions["370400"]
    stale = PatentFactory(filing_date=D(2002, 3, 10), grant_date=D(2006, 1, 1))                       # "valid" forever
    expired = PatentFactory(filing_date=D(2002, 6, 1), grant_date=D(2006, 1, 1),
                            legal_status="expired")                                            # no lapse date
    compensated = PatentFactory(filing_date=D(2002, 3, 10), grant_date=D(2007, 1, 1), term_compensation_days=100)
    with_events = PatentFactory(filing_date=D(2002, 3, 10), grant_date=D(2006, 1, 1))              # goes through Python
    event(with_events, "transfer", D(2010, 1, 1), before="370481", after="370403", domestic_after=True)
    assert (stale.legal_status, expired.lapse_date) == ("valid", None)
    assert ind.valid_invention_patents(city, D(2021, 12, 31)) == 4
    assert ind.valid_invention_patents(city, D(2022, 3, 9)) == 4      # last day of the term (filed 2002-03-10)
    assert ind.valid_invention_patents(city, D(2022, 3, 10)) == 2     # compensated + expired (to 2022-05-31)
    assert ind.valid_invention_patents(city, D(2022, 5, 31)) == 2
    assert ind.valid_invention_patents(city, D(2022, 6, 1)) == 1      # compensated: to 2022-06-17
    assert ind.valid_invention_patents(city, D(2022, 6, 17)) == 1
    assert ind.valid_invention_patents(city, D(2022, 6, 18)) == 0


@pytest.mark.django_db
def test_the_database_computes_the_same_term_end_as_the_rule(regions):
    from ipdesk.stats.facts import rebuild
    from ipdesk.stats.models import PatentInterval
    cases = [(D(2004, 2, 29), 0), (D(2080, 2, 29), 0), (D(2003, 12, 31), 365), (D(2010, 1, 31), 29),
             (D(2012, 2, 29), 1)]
    made = {PatentFactory(filing_date=f, grant_date=f + dt.timedelta(days=900), term_compensation_days=c).pk: (f, c)
            for f, c in cases}
    rebuild()
    got = dict(PatentInterval.objects.filter(patent_id__in=made).values_list("patent_id", "end"))
    assert got == {pk: term_termination_date("invention", f, compensation_days=c) for pk, (f, c) in made.items()}
