"""The main user paths in a real browser: a district officer carries an adjudication request to a
served decision with the step buttons; an enterprise applies for assistance and follows it."""
import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _step(page, name, fields=None, select_many=None):
    page.click(f"[data-testid=step-{name}] summary")
    for field, value in (fields or {}).items():
        selector = f"#{name}-{field}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    if select_many:
        page.select_option(f"#{name}-handlers", select_many)
    page.click(f"[data-testid=submit-{name}]")
    page.wait_for_load_state()


def test_officer_carries_a_request_to_a_served_decision(page, users, panel, adjudication):
    login(page, users["district"])
    page.goto(f"{page.base_url}/protection/adjudications/")
    page.click(f"text={adjudication.number}")
    assert page.inner_text("[data-testid=case-status]") == "已申请"
    # A wrong panel is refused with a message, and nothing changes.
    _step(page, "filed", {"date": "2024-05-21"}, select_many=[str(panel[0].pk), str(panel[1].pk)])
    assert "3名或3名以上单数" in page.inner_text("main")
    assert page.inner_text("[data-testid=case-status]") == "已申请"
    _step(page, "filed", {"date": "2024-05-21"}, select_many=[str(p.pk) for p in panel[:3]])
    assert page.inner_text("[data-testid=case-status]") == "已立案"
    _step(page, "copy_served", {"date": "2024-05-22"})
    _step(page, "answered", {"date": "2024-06-03", "note": "否认侵权"})
    _step(page, "heard", {"date": "2024-06-12", "note": "到庭"})
    _step(page, "decided", {"infringement_found": "true", "result": "责令停止侵权", "date": "2024-06-28"})
    assert page.inner_text("[data-testid=case-status]") == "已作出裁决"
    _step(page, "served", {"date": "2024-07-01", "note": "直接送达"})
    assert page.inner_text("[data-testid=case-status]") == "已送达"
    timeline = page.inner_text("[data-testid=timeline]")
    for word in ("登记", "送达请求书副本", "已口头审理", "已作出裁决", "已送达"):
        assert word in timeline
    assert page.locator("[data-testid=limit-closure]").inner_text().endswith("按期完成")
    with page.expect_download() as info:
        page.click("[data-testid=doc-decision]")
    assert info.value.suggested_filename.endswith(".docx")


def test_enterprise_applies_and_follows_its_case(page, users):
    login(page, users["enterprise"])
    page.goto(f"{page.base_url}/protection/assistance/apply/")
    page.fill("#id_title", "产品外观被仿冒")
    page.select_option("#id_right_type", "patent")
    page.fill("#id_other_party", "某网店")
    page.click("[data-testid=apply-submit]")
    page.wait_for_load_state()
    assert "援助申请已提交" in page.inner_text("main")
    assert page.inner_text("[data-testid=case-status]") == "待受理"
    assert page.locator("[data-testid=step-accepted]").count() == 0
