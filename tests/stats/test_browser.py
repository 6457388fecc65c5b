"""The main path in a real browser: a city officer reads the dashboard, drills down to the records
behind a figure, prepares the monthly bulletin and publishes it; a leader reads it."""
import datetime as dt

import pytest

from tests.conftest import login
from tests.factories import PatentFactory

D = dt.date
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(regions):
    for i in range(3):
        PatentFactory(region="370481", grant_date=D(2022, 2 + i, 5))
    PatentFactory(region="370403", grant_date=D(2022, 3, 9))
    PatentFactory(region="370403", grant_date=D(2021, 3, 9))
    return regions


def test_dashboard_drill_down_and_bulletin_publication(page, users, records):
    login(page, users["city"])
    page.on("dialog", lambda dialog: dialog.accept())  # the officer confirms 发布通报 (data-confirm)
    page.goto(f"{page.base_url}/stats/?as_of=2022-06-30")
    card = page.locator("[data-testid=drill-invention_grants]")
    assert card.inner_text().strip() == "4"
    page.wait_for_selector("#chart-year canvas")           # ECharts drew the trend
    assert page.locator("[data-testid=ranking] tbody tr").count() == 6
    card.click()
    page.wait_for_selector("[data-testid=records]")
    assert page.locator("[data-testid=records] tbody tr").count() == 4
    assert "发明专利授权量" in page.inner_text("h4")

    page.goto(f"{page.base_url}/stats/bulletins/")
    page.fill("#prepare_year", "2022")
    page.fill("#prepare_month", "6")
    page.click("[data-testid=prepare-form] button")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "草稿"
    assert "截至2022年6月底，全市发明专利授权量4件" in page.inner_text("[data-testid=summary]")
    page.wait_for_selector("#chart-units canvas")
    page.fill("#id_summary", "截至2022年6月底，全市发明专利授权量4件。（已审核）")
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=通报已发布")
    assert page.inner_text("[data-testid=status]") == "已发布"
    assert page.locator("[data-testid=publish-form]").count() == 0
    with page.expect_download() as download:
        page.click("text=PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_leader_reads_but_cannot_publish(page, users, records):
    from ipdesk.stats.actions import prepare_bulletin, publish_bulletin
    bulletin = prepare_bulletin(records["370400"], 2022, 6)
    login(page, users["leader"])
    # a draft stays with the city officers; the leader reads the bulletin once it is published
    assert page.goto(f"{page.base_url}/stats/bulletins/{bulletin.pk}/").status == 404
    publish_bulletin(bulletin, users["city"])
    page.goto(f"{page.base_url}/stats/bulletins/{bulletin.pk}/")
    assert page.inner_text("[data-testid=status]") == "已发布"
    assert page.locator("[data-testid=publish-form]").count() == 0
    page.goto(f"{page.base_url}/stats/?as_of=2022-06-30")
    assert page.locator("[data-testid=drill-valid_invention_patents]").inner_text().strip() == "5"
