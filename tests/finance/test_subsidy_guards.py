"""贴息: an application needs a pledge of the applying enterprise in force in the subsidy year and a
subsidy rule for that year; an officer cannot approve or pay a subsidy of 0.00 元 (reject it instead)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ipdesk.finance import actions
from ipdesk.finance.models import InterestSubsidyApplication
from tests.factories import SubsidyRuleFactory

D = datetime.date
pytestmark = pytest.mark.django_db
ADD = "finance:interestsubsidyapplication_add"


@pytest.fixture
def rule(db):
    return SubsidyRuleFactory(year=2022, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=20000)


def _data(world, pledge, year=2022, interest="10000"):
    data = {"enterprise": world["own"].pk, "year": year, "bank": world["bank"].pk, "loan_amount_10k_yuan": "1200",
            "loan_start": f"{year}-03-01", "loan_end": f"{year + 1}-02-28", "interest_paid_yuan": interest}
    if pledge is not None:
        data["pledge"] = pledge.pk
    return data


def _errors(response):
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_enterprise_cannot_apply_without_a_pledge(clients, world, pledges, rule):
    response = clients["enterprise"].post(reverse(ADD), _data(world, None))
    assert response.status_code == 200 and "质押登记" in _errors(response)
    assert not InterestSubsidyApplication.objects.exists()
    api = clients["enterprise"].post("/api/interest-subsidies/", {**_data(world, None), "bank": "BOC"},
                                     content_type="application/json")
    assert api.status_code == 400 and "质押登记" in str(api.json())
    assert not InterestSubsidyApplication.objects.exists()


def test_a_pledge_outside_the_subsidy_year_is_refused(clients, world, pledges):
    """The enterprise's pledge was registered 2022-03-01: it is no pledge of 2021."""
    SubsidyRuleFactory(year=2021, interest_share=Decimal("0.5"), cap_per_enterprise_yuan=20000)
    response = clients["enterprise"].post(reverse(ADD), _data(world, pledges["mine"], year=2021))
    assert response.status_code == 200 and "2021" in _errors(response) and "Y2022000001" in _errors(response)
    assert not InterestSubsidyApplication.objects.exists()


def test_a_year_without_a_rule_is_refused_and_named(clients, world, pledges, rule):
    response = clients["enterprise"].post(reverse(ADD), _data(world, pledges["mine"], year=2023))
    assert response.status_code == 200 and "2023年未配置贴息规则" in _errors(response)
    assert not InterestSubsidyApplication.objects.exists()
    api = clients["district"].post("/api/interest-subsidies/", {**_data(world, pledges["mine"], year=2023),
                                                                 "bank": "BOC"}, content_type="application/json")
    assert api.status_code == 400 and "2023年未配置贴息规则" in str(api.json())


def test_zero_subsidy_cannot_be_approved_or_paid(clients, world, pledges, rule):
    """The cap of 20,000 元 is used up by a first approval: the second computes to 0.00 元."""
    first = actions.approve_application(actions.submit_application(InterestSubsidyApplication(
        enterprise=world["own"], year=2022, pledge=pledges["mine"], bank=world["bank"], loan_amount_10k_yuan=1200,
        loan_start=D(2022, 3, 1), loan_end=D(2023, 2, 28), interest_paid_yuan=Decimal("60000"))))
    assert first.subsidy_yuan == Decimal("20000.00")
    assert clients["enterprise"].post(reverse(ADD), _data(world, pledges["mine"])).status_code == 302
    second = InterestSubsidyApplication.objects.exclude(pk=first.pk).get()
    assert second.subsidy_yuan == 0
    approve = reverse("finance:interestsubsidyapplication_decide", args=[second.pk, "approve"])
    body = clients["district"].post(approve, follow=True).content.decode()
    assert "审核通过失败" in body and "0.00 元" in body
    second.refresh_from_db()
    assert second.status == "submitted"
    api = clients["district"].post(f"/api/interest-subsidies/{second.pk}/approve/")
    assert api.status_code == 400 and "0.00 元" in str(api.json())
    # An application approved at 0.00 元 before this check existed is not paid either.
    InterestSubsidyApplication.objects.filter(pk=second.pk).update(status="approved")
    pay = reverse("finance:interestsubsidyapplication_decide", args=[second.pk, "pay"])
    body = clients["district"].post(pay, {"date": "2022-12-01"}, follow=True).content.decode()
    assert "拨付失败" in body and "0.00 元" in body
    second.refresh_from_db()
    assert second.status == "approved" and second.paid_on is None
    # Rejecting with a reason remains the way to close it.
    InterestSubsidyApplication.objects.filter(pk=second.pk).update(status="submitted")
    reject = reverse("finance:interestsubsidyapplication_decide", args=[second.pk, "reject"])
    clients["district"].post(reject, {"note": "年度贴息额度已用完"})
    second.refresh_from_db()
    assert second.status == "rejected"
