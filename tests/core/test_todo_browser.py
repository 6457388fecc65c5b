"""The officer's day in a real browser: an enterprise submits a request, the district officer finds it in the
to-do list of the 工作台 and the bell, opens it and accepts it, and the enterprise's portal shows the
acceptance and its annual-fee deadline. Screenshots go to IPDESK_SCREENSHOT_DIR when set."""
import datetime as dt
import os
from pathlib import Path

import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_reaches_the_district_officers_workbench(page, users, tmp_path):
    from django.utils import timezone

    from ipdesk.registry.models import Patent
    from ipdesk.services.models import ServiceType
    shots = Path(os.environ.get("IPDESK_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    stype = ServiceType.objects.create(code="prexam", name="快速预审主体备案", promised_days=5, former_days=30,
                                       day_unit="workday")
    own = users["enterprise"].enterprise
    today = timezone.localdate()
    anniversary = today + dt.timedelta(days=20)
    Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="一种锂电池",
                          holder=own, holder_name=own.name, region=own.region,
                          filing_date=dt.date(2017, anniversary.month, min(anniversary.day, 28)),
                          grant_date=dt.date(2019, 5, 3), legal_status="valid")
    base = page.base_url

    login(page, users["enterprise"])
    page.goto(f"{base}/services/portal/new/")
    page.select_option("#id_service_type", str(stype.pk))
    page.fill("#id_title", "申请快速预审主体备案")
    page.click("[data-testid=submit-request]")

    page.context.clear_cookies()
    login(page, users["other_district"])
    assert "申请快速预审主体备案" not in page.inner_text("[data-testid=todo]")   # another district's

    page.context.clear_cookies()
    login(page, users["district"])
    todo = page.locator("[data-testid=todo]")   # 临期: promised within 5 working days, inside TODO_DAYS
    assert "申请快速预审主体备案" in todo.inner_text()
    page.screenshot(path=str(shots / "workbench-district.png"), full_page=True)
    assert page.locator("[data-testid=current-user]").count()
    todo.locator("text=申请快速预审主体备案").click()
    page.fill("#accept-note", "已受理")
    page.click("[data-testid=btn-accept]")
    assert page.inner_text("[data-testid=request-status]") == "已受理"

    page.context.clear_cookies()
    login(page, users["enterprise"])
    page.goto(f"{base}/services/portal/")
    reminders = page.inner_text("main")
    assert "您的服务申请已受理" in reminders and "201710601862.3" in reminders
    page.screenshot(path=str(shots / "portal-enterprise.png"), full_page=True)
