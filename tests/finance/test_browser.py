"""The main path in a real browser: a district officer registers a pledge (a wrong patent is explained
first), releases it, and takes an interest-subsidy application through review and payment."""
from decimal import Decimal

import pytest

from ipdesk.finance.models import InterestSubsidyApplication, Pledge
from tests.conftest import login
from tests.factories import SubsidyRuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_release_and_subsidise_a_pledge(page, users, world, bank):
    SubsidyRuleFactory(year=2022, name="2022年贴息", interest_share=Decimal("0.5"), cap_per_enterprise_yuan=200000)
    login(page, users["district"])
    page.on("dialog", lambda dialog: dialog.accept())  # the officer confirms 解除质押, 审核通过, 拨付 (data-confirm)
    page.click("text=专利质押登记")
    page.click("text=新增")
    page.fill("#id_registration_no", "Y2022370000999")
    page.select_option("#id_pledgor", label=world["own"].name)
    page.select_option("#id_pledgee", label=bank.label)
    page.fill("#id_amount_10k_yuan", "1200")
    page.fill("#id_registration_date", "2022-06-01")
    page.fill("#id_patent_numbers", world["own_patents"][0].application_no + "\n202210123456.7")
    page.click("button:has-text('保存')")
    assert "申请号校验位错误：202210123456.7（校验位应为 1）" in page.inner_text("main")
    assert not Pledge.objects.exists()
    page.fill("#id_patent_numbers", "\n".join(p.application_no for p in world["own_patents"][:2]))
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=patents]")
    assert world["own_patents"][1].application_no in page.inner_text("[data-testid=patents]")
    assert "质押登记" in page.inner_text("[data-testid=events]")

    page.fill("[data-testid=release-form] input[name=date]", "2022-05-01")
    page.click("[data-testid=release-form] button")
    assert "不能早于登记日" in page.inner_text("main")
    page.fill("[data-testid=release-form] input[name=date]", "2023-05-31")
    page.click("[data-testid=release-form] button")
    assert "质押已解除" in page.inner_text("main")
    assert Pledge.objects.get().status == "released"

    page.click("text=贴息申请")
    page.click("text=新增")
    page.select_option("#id_enterprise", label=world["own"].name)
    page.fill("#id_year", "2022")
    page.select_option("#id_pledge", label="Y2022370000999")
    page.select_option("#id_bank", label=bank.label)
    page.fill("#id_loan_amount_10k_yuan", "1200")
    page.fill("#id_loan_start", "2022-06-01")
    page.fill("#id_loan_end", "2023-05-31")
    page.fill("#id_interest_paid_yuan", "52200")
    page.click("button:has-text('保存')")
    working = page.inner_text("[data-testid=working]")
    assert "52,200.00 元 × 50% = 26,100.00 元" in working and "26100.00" in working
    page.click("[data-testid=approve]")
    page.click("[data-testid=pay]")
    assert "已拨付" in page.inner_text("main")
    assert InterestSubsidyApplication.objects.get().status == "paid"


def test_figures_page_draws_its_chart(page, users, pledges):
    login(page, users["city"])
    page.goto(f"{page.base_url}/finance/figures/?region=370400&year=2022")
    assert page.inner_text("[data-key=pledged_patents] td:nth-child(2)") == "4"
    page.wait_for_selector("#chart canvas")
