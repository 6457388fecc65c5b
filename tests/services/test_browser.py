"""The main path in a real browser: an enterprise user submits a request in the portal, its
commissioner accepts, handles and completes it from the workbench, and the enterprise rates it."""
import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_from_submission_to_rating(page, users, stype, other_enterprise, make_request):
    from ipdesk.services.models import ServiceRequest
    foreign = make_request(other_enterprise["user"], other_enterprise["enterprise"], title="他人企业的申请")
    base = page.base_url

    # The enterprise submits from its portal.
    login(page, users["enterprise"])
    page.goto(f"{base}/services/portal/")
    assert "他人企业的申请" not in page.inner_text("main")
    page.click("[data-testid=portal-new]")
    page.select_option("#id_service_type", str(stype.pk))
    page.fill("#id_title", "申请快速预审主体备案")
    page.fill("#id_description", "我公司拟申请快速预审主体备案，请专员指导。")
    page.click("[data-testid=submit-request]")
    assert page.inner_text("[data-testid=request-status]") == "已提出"
    req = ServiceRequest.objects.get(title="申请快速预审主体备案")
    assert req.enterprise == users["enterprise"].enterprise
    page.goto(f"{base}/services/requests/{foreign.pk}/")
    assert "他人企业的申请" not in page.content()                 # another enterprise's request: not found

    # The commissioner finds it on the workbench and carries it through.
    page.context.clear_cookies()
    login(page, users["commissioner"])
    page.goto(f"{base}/services/workbench/")
    assert "他人企业的申请" not in page.inner_text("main")
    page.click("[data-testid=wb-open-table] >> text=申请快速预审主体备案")
    page.fill("#accept-note", "已收到，今日受理")
    page.click("[data-testid=btn-accept]")
    assert page.inner_text("[data-testid=request-status]") == "已受理"
    page.click("[data-testid=btn-process]")
    assert page.inner_text("[data-testid=request-status]") == "办理中"
    page.fill("#complete-result", "已协助完成预审主体备案。")
    page.click("[data-testid=btn-complete]")
    assert page.inner_text("[data-testid=request-status]") == "已办结"

    # The enterprise sees the result and rates the service.
    page.context.clear_cookies()
    login(page, users["enterprise"])
    page.goto(f"{base}/services/portal/")
    assert page.locator("[data-testid=to-rate]").count() == 1
    page.click("[data-testid=portal-requests] >> text=申请快速预审主体备案")
    assert "已协助完成预审主体备案" in page.inner_text("main")
    page.check("input[name=rating][value='5']")
    page.fill("[data-testid=rating-comment]", "专员响应很快")
    page.click("[data-testid=btn-rate]")
    assert page.inner_text("[data-testid=request-status]") == "已评价"
    timeline = page.inner_text("[data-testid=timeline]")
    for step in ("提出", "受理", "办理", "办结", "评价"):
        assert step in timeline
    req.refresh_from_db()
    assert (req.status, req.rating, req.rating_comment) == ("rated", 5, "专员响应很快")
    assert list(req.events.values_list("actor__username", flat=True)) == \
        ["enterprise", "commissioner", "commissioner", "commissioner", "enterprise"]
