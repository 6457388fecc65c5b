"""Each role's day in a real browser (issue 19: "done when a browser test per role walks its daily path"):
sign in → the 工作台 to-do list → open the item → take the step → the next person sees it arrive (in the
notifications or the to-do list) → download the document of the role (PDF, XLSX, DOCX).

Written against what a person sees (links, button texts, test ids, URLs), not internal functions; records a
role finds waiting are put there through the browser by the role that makes them, where that is another
person's daily step. With IPDESK_SCREENSHOTS=1 each role's workbench is saved to
docs/screenshots/workbench-<role>.png (not in CI)."""
import datetime as dt
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


# ---- helpers ------------------------------------------------------------------------------------------
def _screenshot(page, role):
    """The role's 工作台, saved only when asked for (IPDESK_SCREENSHOTS=1)."""
    if os.environ.get("IPDESK_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workbench-{role}.png"), full_page=True)


@pytest.fixture
def as_(chromium, live_server):
    """as_(user) → a page signed in as `user`, one browser context per person, kept for the test: a person
    signs in once (a second sign-in within the same 30 s would reuse a one-time password, which is refused)."""
    contexts, pages = [], {}

    def signed_in(user):
        if user.pk not in pages:
            context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.base_url = live_server.url
            page.set_default_timeout(15000)
            page.on("dialog", lambda dialog: dialog.accept())   # irreversible steps ask first (data-confirm)
            login(page, user)
            pages[user.pk] = page
        return pages[user.pk]
    yield signed_in
    for context in contexts:
        context.close()


def _todo(page):
    page.goto(f"{page.base_url}/")
    return page.locator("[data-testid=todo]")


def _open_from_todo(page, text):
    todo = _todo(page)
    assert text in todo.inner_text(), todo.inner_text()
    todo.locator(f"[data-testid=todo-item] a:has-text('{text}')").first.click()
    page.wait_for_load_state()


def _notifications(page):
    page.goto(f"{page.base_url}/notifications/")
    return page.inner_text("main")


def _step(page, name, fields=None):
    """A step of a case page (protection/_step_form.html): open it, fill it, confirm it."""
    page.click(f"[data-testid=step-{name}] summary")
    for field, value in (fields or {}).items():
        selector = f"#{name}-{field}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.click(f"[data-testid=submit-{name}]")
    page.wait_for_load_state()


def _download(page, click):
    with page.expect_download() as info:
        click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _xlsx_text(data):
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True))


def _get(page, url):
    """A document opened inline (a PDF), fetched with the page's session."""
    response = page.request.get(url if url.startswith("http") else page.base_url + url)
    assert response.ok, response.status
    return response.headers.get("content-type", ""), response.body()


def _enterprise_applies_for_assistance(as_, enterprise_user, title):
    """The enterprise's step: from its portal, an application for rights-protection assistance (维权援助)."""
    page = as_(enterprise_user)
    page.goto(f"{page.base_url}/services/portal/")
    page.click("[data-testid=portal-assistance]")
    page.fill("#id_title", title)
    page.select_option("#id_right_type", "patent")
    page.fill("#id_other_party", "某网店")
    page.click("[data-testid=apply-submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=case-status]") == "待受理"
    return page.url


def _district_accepts_and_assigns(as_, district, lawyer, title):
    page = as_(district)
    _open_from_todo(page, title)
    _step(page, "accepted")
    assert page.inner_text("[data-testid=case-status]") == "已受理"
    _step(page, "handling", {"handler": str(lawyer.pk)})
    assert page.inner_text("[data-testid=case-status]") == "承办中"


@pytest.fixture
def fee_patent(users):
    """A granted invention patent of the enterprise whose annual fee falls due within the month."""
    from django.utils import timezone

    from ipdesk.registry.models import Patent
    own = users["enterprise"].enterprise
    due = timezone.localdate() + dt.timedelta(days=20)
    return Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="一种锂电池",
                                 holder=own, holder_name=own.name, region=own.region,
                                 filing_date=dt.date(2017, due.month, min(due.day, 28)),
                                 grant_date=dt.date(2019, 5, 3), legal_status="valid")


# ---- the roles ----------------------------------------------------------------------------------------
def test_enterprise_user(as_, users, fee_patent):
    """Portal (its 工作台) with the fee reminder → applies for assistance → the district officer is told →
    the enterprise downloads the case summary as PDF."""
    page = as_(users["enterprise"])
    page.goto(f"{page.base_url}/services/portal/")
    assert fee_patent.application_no in page.inner_text("main")          # 消息与缴费提醒 / 待办
    _screenshot(page, "enterprise")
    page.click(f"main a:has-text('{fee_patent.application_no}')")          # the reminder opens the patent
    page.wait_for_load_state()
    assert fee_patent.title in page.inner_text("main")
    case_url = _enterprise_applies_for_assistance(as_, users["enterprise"], "产品外观被仿冒")

    page = as_(users["district"])
    assert "新的维权援助申请" in _notifications(page)
    assert "产品外观被仿冒" in _todo(page).inner_text()
    page = as_(users["other_district"])                                     # another district hears nothing
    assert "产品外观被仿冒" not in _notifications(page)

    page = as_(users["enterprise"])
    page.goto(case_url)
    pdf_href = page.locator("a:has-text('PDF')").first.get_attribute("href")
    kind, body = _get(page, pdf_href)
    assert kind.startswith("application/pdf") and body.startswith(b"%PDF")


def test_district_officer(as_, users):
    """To-do: a new assistance application → accept it and name the public lawyer → the lawyer finds the
    case in its to-do → the officer exports the assistance cases to XLSX."""
    _enterprise_applies_for_assistance(as_, users["enterprise"], "商标被抢注")
    page = as_(users["district"])
    _todo(page)
    _screenshot(page, "district_officer")
    _district_accepts_and_assigns(as_, users["district"], users["lawyer"], "商标被抢注")
    number = page.locator("h4").first.inner_text()

    page = as_(users["lawyer"])
    todo = _todo(page).inner_text()
    assert "商标被抢注" in todo and "办结" in todo
    assert "您被指派承办维权援助案件" in _notifications(page)

    page = as_(users["district"])
    page.goto(f"{page.base_url}/protection/assistance/")
    name, data = _download(page, lambda: page.click("[data-testid=export-xlsx]"))
    assert name.endswith(".xlsx") and "商标被抢注" in _xlsx_text(data), number


def test_public_lawyer(as_, users):
    """To-do: the case assigned to it → 办结 → the district officer's to-do asks for the follow-up visit
    (回访) → the lawyer downloads the case summary PDF."""
    _enterprise_applies_for_assistance(as_, users["enterprise"], "专利被侵权")
    _district_accepts_and_assigns(as_, users["district"], users["lawyer"], "专利被侵权")

    page = as_(users["lawyer"])
    _todo(page)
    _screenshot(page, "lawyer")
    _open_from_todo(page, "专利被侵权")
    _step(page, "closed", {"outcome": page.locator("#closed-outcome option:not([value=''])").first
                           .get_attribute("value"), "outcome_note": "已出具侵权判定意见"})
    assert page.inner_text("[data-testid=case-status]") == "已办结"
    case_url = page.url

    page = as_(users["district"])
    todo = _todo(page).inner_text()
    assert "专利被侵权" in todo and "回访" in todo
    assert "维权援助案件已办结，待回访" in _notifications(page)

    page = as_(users["lawyer"])
    page.goto(case_url)
    kind, body = _get(page, page.locator("a:has-text('PDF')").first.get_attribute("href"))
    assert kind.startswith("application/pdf") and body.startswith(b"%PDF")


def test_commissioner(as_, users, stype):
    """To-do: its enterprise's new service request → 受理 → the enterprise is told → the commissioner exports
    its requests to XLSX."""
    page = as_(users["enterprise"])
    page.goto(f"{page.base_url}/services/portal/")
    page.click("[data-testid=portal-new]")
    page.select_option("#id_service_type", str(stype.pk))
    page.fill("#id_title", "申请快速预审主体备案")
    page.click("[data-testid=submit-request]")
    assert page.inner_text("[data-testid=request-status]") == "已提出"

    page = as_(users["commissioner"])
    assert "新的服务申请" in _notifications(page)
    _todo(page)
    _screenshot(page, "commissioner")
    _open_from_todo(page, "申请快速预审主体备案")
    page.fill("#accept-note", "已收到，今日受理")
    page.click("[data-testid=btn-accept]")
    assert page.inner_text("[data-testid=request-status]") == "已受理"

    page = as_(users["enterprise"])
    assert "您的服务申请已受理" in _notifications(page)

    page = as_(users["commissioner"])
    page.goto(f"{page.base_url}/services/requests/")
    name, data = _download(page, lambda: page.click("[data-testid=export-xlsx]"))
    assert name.endswith(".xlsx") and "申请快速预审主体备案" in _xlsx_text(data)


def test_city_officer(as_, users, fee_patent):
    """To-do: an interest-subsidy application (贴息) the district entered on a pledge it registered → 审核通过
    → the enterprise is told → the city officer exports the applications to XLSX."""
    from ipdesk.finance.models import SubsidyRule
    from ipdesk.regions.models import DictionaryEntry
    own = users["enterprise"].enterprise
    bank = DictionaryEntry.objects.get(dictionary="bank", code="BOC")
    SubsidyRule.objects.create(year=2022, name="2022年贴息", interest_share=Decimal("0.5"),
                               cap_per_enterprise_yuan=Decimal("200000"))
    page = as_(users["district"])
    page.goto(f"{page.base_url}/finance/pledges/add/")
    page.fill("#id_registration_no", "Y2022370000999")
    page.select_option("#id_pledgor", label=own.name)
    page.select_option("#id_pledgee", label=bank.label)
    page.fill("#id_amount_10k_yuan", "1200")
    page.fill("#id_registration_date", "2022-06-01")
    page.fill("#id_patent_numbers", fee_patent.application_no)
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=patents]")
    page.goto(f"{page.base_url}/finance/subsidies/add/")
    page.select_option("#id_enterprise", label=own.name)
    page.fill("#id_year", "2022")
    page.select_option("#id_pledge", label="Y2022370000999")
    page.select_option("#id_bank", label=bank.label)
    page.fill("#id_loan_amount_10k_yuan", "1200")
    page.fill("#id_loan_start", "2022-06-01")
    page.fill("#id_loan_end", "2023-05-31")
    page.fill("#id_interest_paid_yuan", "52200")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=working]")

    page = as_(users["city"])
    _todo(page)
    _screenshot(page, "city_officer")
    _open_from_todo(page, f"{own.name} 2022年贴息")
    page.click("[data-testid=approve]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=pay]").count() == 1            # approved: the next step is payment

    page = as_(users["enterprise"])
    assert "2022年贴息申请" in _notifications(page)

    page = as_(users["city"])
    page.goto(f"{page.base_url}/finance/subsidies/")
    name, data = _download(page, lambda: page.click("[data-testid=export-xlsx]"))
    assert name.endswith(".xlsx") and own.name in _xlsx_text(data)


def test_leader(as_, users, regions):
    """To-do: the targets' progress → opens the figures of the target → (read-only: no step to take; the
    city officer publishes the bulletin) → downloads the published bulletin as DOCX."""
    from django.utils import timezone

    from ipdesk.stats.models import Target
    today = timezone.localdate()
    for year in range(today.year - 4, today.year + 1):   # whichever year the latest data falls in
        Target.objects.create(region=regions["370400"], year=year, indicator="invention_grants", value=10)

    page = as_(users["city"])
    page.goto(f"{page.base_url}/stats/bulletins/")
    page.click("[data-testid=prepare-form] button")
    page.wait_for_selector("[data-testid=publish]")
    page.click("[data-testid=publish]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=status]") == "已发布"
    bulletin_url = page.url

    page = as_(users["leader"])
    assert "专利工作通报已发布" in _notifications(page)
    _todo(page)
    _screenshot(page, "leader")
    _open_from_todo(page, "发明专利授权")
    assert "/stats/indicators/" in page.url
    page.goto(f"{page.base_url}/stats/bulletins/")
    assert page.locator("[data-testid=prepare-form]").count() == 0      # read-only: nothing to prepare
    page.goto(bulletin_url)
    assert page.locator("[data-testid=publish-form]").count() == 0
    name, data = _download(page, lambda: page.click("a:has-text('DOCX')"))
    assert name.endswith(".docx") and data[:2] == b"PK"
