"""High-value criteria (issue 16 item 4): the pledge criterion is off until a threshold is configured,
"maintained over 10 years" runs from the filing date, and the bulletin (page and API) states every
criterion, on or off, with its count; the strategic criterion follows the patent's IPC (item 3)."""
import datetime as dt

import pytest

from ipdesk.stats import indicators as ind
from ipdesk.stats.actions import prepare_bulletin
from ipdesk.stats.models import HighValueCriterion
from tests.factories import PatentFactory

D = dt.date
pytestmark = pytest.mark.django_db


def figs(region, end):
    return ind.patent_figures([region], D(end.year, 1, 1), end)[region.pk]


def test_pledge_criterion_without_threshold_is_off_and_says_why(regions):
    pledge = HighValueCriterion.objects.get(kind="pledge")
    assert pledge.enabled and pledge.threshold == 0
    assert "pledge" not in {c.kind for c in ind.criteria()}
    status = {c["kind"]: c for c in ind.criteria_status()}
    assert status["pledge"]["on"] is False and "阈值" in status["pledge"]["off_reason"]
    assert status["strategic"]["on"] is True
    pledge.threshold = 500
    pledge.save()
    assert "pledge" in {c.kind for c in ind.criteria()}
    HighValueCriterion.objects.filter(kind="overseas").update(enabled=False)
    assert {c["kind"]: c["on"] for c in ind.criteria_status()}["overseas"] is False


def test_defaults_without_stored_criteria_leave_the_pledge_off(regions):
    HighValueCriterion.objects.all().delete()
    assert [c.kind for c in ind.criteria()] == ["strategic", "overseas", "maintained", "award"]


def test_maintained_over_10_years_counts_from_the_filing_date(regions):
    city = regions["370400"]
    # filed 2012-12-31, granted 2016: on 2022-12-31 maintained exactly 10 years (not over); over from 2023-01-01
    PatentFactory(filing_date=D(2012, 12, 31), grant_date=D(2016, 5, 1))
    # filed 2012-12-30: over 10 years on 2022-12-31 — although granted only 8 years before
    PatentFactory(filing_date=D(2012, 12, 30), grant_date=D(2014, 12, 31))
    assert figs(city, D(2022, 12, 31))["high_value_maintained"] == 1
    assert figs(city, D(2023, 1, 1))["high_value_maintained"] == 2


def test_strategic_by_the_patents_ipc_with_a_keyword_rule(regions, make_enterprise):
    from ipdesk.regions.models import IndustryChain
    city = regions["370400"]
    chain = IndustryChain.objects.create(code="NEV", name="新能源汽车", strategic_emerging=True)
    firm = make_enterprise(industry_chain=chain)
    # 5.2 rule 5: H01M10/0525 with the keyword 汽车 (…汽车相关关键词)
    miss, hit = (PatentFactory(grant_date=D(2021, 1, 1), ipc_main="H01M 10/0525") for _ in range(2))
    miss.title, hit.title = "一种储能用锂离子电池", "一种电动汽车用锂离子电池"
    miss.save()
    hit.save()
    PatentFactory(grant_date=D(2021, 1, 1), ipc_main="A63G 31/00", holder=firm)  # holder's chain strategic: not counted
    hit.refresh_from_db()
    miss.refresh_from_db()
    assert miss.sei_branch == ""
    assert hit.sei_label == "5.2 新能源汽车装置、配件制造"
    f = figs(city, D(2022, 12, 31))
    assert f["valid_invention_patents"] == 3 and f["high_value_strategic"] == 1


def test_bulletin_and_its_api_state_each_criterion_with_its_count(regions, clients):
    PatentFactory(grant_date=D(2021, 3, 1), ipc_main="G06F 40/30")                  # 1.5 人工智能
    PatentFactory(grant_date=D(2021, 3, 1), overseas_family=True)
    PatentFactory(grant_date=D(2021, 3, 1))
    bulletin = prepare_bulletin(regions["370400"], 2022, 6)
    criteria = {c["kind"]: c for c in bulletin.data["high_value_criteria"]}
    assert set(criteria) == {"strategic", "overseas", "maintained", "pledge", "award"}
    assert (criteria["strategic"]["count"], criteria["overseas"]["count"], criteria["maintained"]["count"]) == (1, 1, 0)
    assert criteria["pledge"]["on"] is False and criteria["pledge"]["count"] is None
    # the summary (in every rendering) says which criteria count and which do not
    assert "战略性新兴产业发明专利（1件）" in bulletin.summary and "未计入：实现较高质押融资金额的发明专利" in bulletin.summary
    page = clients["city"].get(f"/stats/bulletins/{bulletin.pk}/").content.decode()
    assert 'data-testid="high-value-criteria"' in page and "未设置质押金额阈值，不计入" in page
    api = clients["city"].get(f"/api/bulletins/{bulletin.pk}/").json()
    assert {c["kind"]: c["count"] for c in api["data"]["high_value_criteria"]}["strategic"] == 1
    figures = clients["leader"].get("/api/indicators/", {"region": "370400", "as_of": "2022-06-30"}).json()
    assert (figures["high_value_strategic"], figures["high_value_overseas"]) == (1, 1)
    assert "high_value_pledge" not in figures


def test_patent_page_and_high_value_records_show_the_branch(regions, clients):
    p = PatentFactory(grant_date=D(2021, 3, 1), ipc_main="G06F 40/30")
    page = clients["city"].get(f"/registry/patents/{p.pk}/").content.decode()
    assert "1.5 人工智能" in page and "G06F40*" in page
    records = clients["city"].get("/stats/records/", {"figure": "high_value_strategic", "region": "370400",
                                                        "from": "2022-01-01", "to": "2022-06-30"}).content.decode()
    assert p.application_no in records and "1.5 人工智能" in records
