"""The main path in a real browser: review a candidate with its evidence, turn it into a
verification batch, serve the notice and record the withdrawal; the batch's rate follows."""
import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_candidate_to_batch_to_withdrawal(page, data, users):
    login(page, users["district"])
    page.goto(f"{page.base_url}/compliance/candidates/")
    card = page.locator(f"[data-testid=candidate-{data['candidate'].pk}]")
    assert "相似度 1.0" in card.inner_text()                      # the pair side by side, with its similarity
    assert page.locator(f"[data-testid=candidate-{data['other_candidate'].pk}]").count() == 0  # 滕州's lead
    with page.expect_navigation():
        card.locator("button[value=reviewed]").click()
    assert "已审核（疑似）" in page.locator(f"[data-testid=candidate-{data['candidate'].pk}]").inner_text()
    page.locator(f"input[name=candidates][value='{data['candidate'].pk}']").check()
    page.fill("#id_name", "薛城区本局筛查第一批")
    with page.expect_navigation():
        page.click("[data-testid=create-batch]")
    assert "已生成核查批次" in page.content()
    rows = page.locator("[data-testid=batch-applications] tr")
    assert rows.count() == 3  # header + the two applications of the lead, both 待通知
    assert page.locator("[data-testid=batch-applications]").inner_text().count("待通知") == 2
    with page.expect_navigation():
        rows.nth(1).locator("a").click()
    page.select_option("#id_target", "notified")
    page.fill("#id_date", "2023-03-15")
    page.fill("#id_deadline", "2023-04-15")
    with page.expect_navigation():
        page.click("[data-testid=transition-form] button")
    assert "已办理：已通知" in page.content()
    page.select_option("#id_target", "withdrawn")
    page.fill("#id_date", "2023-03-20")
    with page.expect_navigation():
        page.click("[data-testid=transition-form] button")
    timeline = page.inner_text("[data-testid=timeline]")
    assert "送达通知" in timeline and "撤回申请" in timeline
    page.goto(f"{page.base_url}/compliance/withdrawal-rates/")
    assert "薛城区本局筛查第一批" in page.inner_text("[data-testid=by-batch]")
    assert "100.00%" in page.inner_text("[data-testid=by-batch]")
