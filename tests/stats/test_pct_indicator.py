"""The PCT indicator counts PCT international applications (registry.PctApplication) by international filing
date in the region of their first applicant, domestic only — not CN national-phase patents (SPEC section 3)."""
import datetime as dt

import pytest

from ipdesk.stats import indicators as ind
from tests.factories import PatentFactory, PctApplicationFactory

D = dt.date
pytestmark = pytest.mark.django_db


def pct_app(number, filed, region=None, domestic=True):
    return PctApplicationFactory(international_application_no=number, international_filing_date=filed, region=region,
                                 is_domestic=domestic)


def test_pct_counts_international_applications_not_national_phase_patents(regions):
    city, teng, xue = regions["370400"], regions["370481"], regions["370403"]
    pct_app("PCT/CN2022/000001", D(2022, 1, 1), teng)
    pct_app("PCT/CN2022/000002", D(2022, 12, 31), xue)
    pct_app("PCT/CN2021/000003", D(2021, 12, 31), teng)          # filed the year before
    pct_app("PCT/CN2022/000004", D(2022, 6, 1), None)            # first applicant not placed in the city
    pct_app("PCT/HK2022/000005", D(2022, 6, 1), teng, domestic=False)  # Hong Kong applicant with a local address
    # a CN national-phase entry (type digit 8) with its PCT number, and a CN patent naming a PCT number:
    # foreign filings entering China, never the city's PCT applications
    PatentFactory(region="370481", filing_date=D(2022, 2, 1), pct_application_no="PCT/US2021/000006", is_pct=True)
    PatentFactory(region="370481", filing_date=D(2022, 3, 1), pct_application_no="PCT/CN2022/000007")
    assert ind.pct_applications(city, D(2022, 1, 1), D(2022, 12, 31)) == 2
    assert ind.pct_applications(teng, D(2022, 1, 1), D(2022, 12, 31)) == 1
    assert ind.pct_applications(city, D(2021, 1, 1), D(2021, 12, 31)) == 1
    f = ind.figures(city, D(2022, 12, 31))
    assert (f["pct_applications"], f["pct_applications_yoy"]) == (2, 1.0)


def test_pct_drills_into_the_pct_list(regions):
    from ipdesk.stats.views import drill_url
    url = drill_url("pct_applications", regions["370481"], D(2022, 1, 1), D(2022, 12, 31))
    assert url.startswith("/registry/pct/") and "region=370481" in url and "year=2022" in url


def test_pct_list_filter_by_region_and_year(clients, regions):
    pct_app("PCT/CN2022/000001", D(2022, 1, 1), regions["370481"])
    pct_app("PCT/CN2021/000003", D(2021, 12, 31), regions["370481"])
    pct_app("PCT/CN2022/000002", D(2022, 5, 1), regions["370403"])
    page = clients["city"].get("/registry/pct/", {"region": "370481", "year": 2022}).content.decode()
    assert "PCT/CN2022/000001" in page and "PCT/CN2021/000003" not in page and "PCT/CN2022/000002" not in page


def test_forecast_records_start_reads_pct_records(regions):
    from ipdesk.stats.forecast import records_start
    assert records_start("pct_applications") is None
    pct_app("PCT/CN2019/000001", D(2019, 4, 2), regions["370481"])
    assert records_start("pct_applications") == (2019, 4)
