"""The subsidy decisions and the pledge release through core.workflow's one action view and API action: the
step writes its event and tells the enterprise once (perform), refusals carry finance.error_codes."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ipdesk.core.models import Notification
from ipdesk.finance import actions
from ipdesk.finance.models import InterestSubsidyApplication
from tests.factories import SubsidyRuleFactory


@pytest.fixture
def application(world, pledges):
    SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=200000)
    return actions.submit_application(InterestSubsidyApplication(
        enterprise=world["own"], year=2022, pledge=pledges["mine"], bank=world["bank"], loan_amount_10k_yuan=1200,
        loan_start=datetime.date(2022, 3, 1), loan_end=datetime.date(2023, 2, 28), interest_paid_yuan=Decimal("10000")))


def test_a_decision_writes_one_event_and_tells_the_enterprise_once(clients, users, application):
    url = reverse("finance:interestsubsidyapplication_decide", args=[application.pk, "approve"])
    response = clients["district"].post(url, {"note": "材料齐全"}, follow=True)
    assert "已审核通过。" in response.content.decode()
    assert [(e.kind, e.note, e.amount_yuan) for e in application.events.order_by("pk")] == [
        ("submitted", "", Decimal("5000.00")), ("approved", "材料齐全", Decimal("5000.00"))]
    notes = Notification.objects.filter(recipient=users["enterprise"])
    assert [(n.title, n.body) for n in notes] == [("2022年贴息申请审核通过", "核定贴息 5000.00 元")]


def test_a_refusal_without_a_reason_is_coded_and_changes_nothing(clients, users, application):
    api = clients["district"].post(f"/api/interest-subsidies/{application.pk}/reject/", {"note": " "},
                                   content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "finance_reason_required"
    application.refresh_from_db()
    assert application.status == "submitted" and not application.events.filter(kind="rejected").exists()
    assert not Notification.objects.filter(recipient=users["enterprise"]).exists()
    clients["district"].post(f"/api/interest-subsidies/{application.pk}/reject/", {"note": "不符合条件"},
                             content_type="application/json")
    event = application.events.get(kind="rejected")
    assert (event.note, event.amount_yuan) == ("不符合条件", Decimal("0"))
    assert Notification.objects.get(recipient=users["enterprise"]).body == "理由：不符合条件"


def test_the_enterprise_may_not_decide_403_through_the_api_404_on_the_page(clients, application):
    api = clients["enterprise"].post(f"/api/interest-subsidies/{application.pk}/approve/")
    assert api.status_code == 403 and api.json()["code"] == "finance_not_officer"
    page = reverse("finance:interestsubsidyapplication_decide", args=[application.pk, "approve"])
    assert clients["enterprise"].post(page).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_release_with_a_bad_date_names_the_field(clients, pledges):
    api = clients["district"].post(f"/api/pledges/{pledges['mine'].pk}/release/", {"date": "2022-13-01"},
                                   content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "invalid_input" and "date" in api.json()
    page = clients["district"].post(reverse("finance:pledge_release", args=[pledges["mine"].pk]), {"date": ""},
                                    follow=True).content.decode()
    assert "解除失败：解除日：" in page
    assert pledges["mine"].events.filter(kind="released").count() == 0
    clients["district"].post(reverse("finance:pledge_release", args=[pledges["mine"].pk]), {"date": "2022-09-01"})
    assert pledges["mine"].events.filter(kind="released").count() == 1
