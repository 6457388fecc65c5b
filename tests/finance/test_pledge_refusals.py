"""Refusal grounds of a patent pledge registration (专利权质押登记 不予登记情形), one worked example per ground,
and the registration paths (action, form, API) that enforce them. Sources: finance.rules.REFUSAL_BASIS."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ipdesk.finance import actions, rules
from ipdesk.finance.models import Pledge
from ipdesk.registry.models import PatentEvent
from tests.factories import PatentFactory

D = dt.date
AS_OF = D(2024, 4, 1)


def weekdays(day):   # a calendar without holidays, so the worked examples do not depend on chinese-calendar
    return day.weekday() < 5


def patent(**kw):
    """An invention filed 2015-03-10, granted 2018-06-01, held by enterprise 7 alone, fees paid to 2025-03-09."""
    base = dict(application_no="201510123456.1", holder_id=7, holder_name="甲公司", legal_status="valid",
                grant_date=D(2018, 6, 1), patent_type="invention", filing_date=D(2015, 3, 10),
                fee_paid_until=D(2025, 3, 9), owners=("甲公司",))
    base.update(kw)
    return rules.PatentFacts(**base)


def terms(**kw):
    base = dict(pledgor_id=7, end_date=D(2026, 3, 31))
    base.update(kw)
    return rules.PledgeTerms(**base)


def codes(p=None, t=None, as_of=AS_OF):
    return [code for code, _ in rules.pledge_refusals(p or patent(), t or terms(), as_of, workday=weekdays)]


def test_a_granted_patent_in_force_with_fees_paid_and_a_debt_within_its_term_is_registered():
    assert rules.pledge_refusals(patent(), terms(), AS_OF, workday=weekdays) == []


def test_fee_in_its_grace_period_is_refused():
    # 年费缴至 2024-03-09: the 10th-year fee was due 2024-03-10 (filing anniversary); on 2024-04-01 it is in the
    # 6-month grace period (滞纳期) to 2024-09-10.
    [(code, message)] = rules.pledge_refusals(patent(fee_paid_until=D(2024, 3, 9)), terms(), AS_OF, workday=weekdays)
    assert code == "fee_unpaid"
    assert "第10年度年费（应缴日 2024-03-10）" in message and "滞纳期（至 2024-09-10）" in message


def test_fee_unpaid_after_the_grace_period_is_refused_as_terminated_from_the_due_date():
    [(code, message)] = rules.pledge_refusals(patent(fee_paid_until=D(2023, 3, 9)), terms(), AS_OF, workday=weekdays)
    assert code == "fee_unpaid"
    assert "第9年度年费（应缴日 2023-03-10）" in message and "自 2023-03-10 起终止" in message


def test_on_the_due_date_itself_the_fee_is_not_yet_late():
    assert codes(patent(fee_paid_until=D(2024, 3, 9)), as_of=D(2024, 3, 11)) == []   # 2024-03-10 is a Sunday


def test_debt_ending_after_the_last_day_of_the_term_is_refused():
    # invention filed 2015-03-10: 20 years, the last protected day is 2035-03-09
    assert codes(t=terms(end_date=D(2035, 3, 9))) == []
    [(code, message)] = rules.pledge_refusals(patent(), terms(end_date=D(2035, 3, 10)), AS_OF, workday=weekdays)
    assert code == "debt_beyond_term" and "保护期届满日 2035-03-09" in message
    # 30 days of term compensation move the last day to 2035-04-08
    assert codes(patent(term_compensation_days=30), terms(end_date=D(2035, 4, 8))) == []


def test_design_term_is_15_years_from_2021_06_01():
    before = patent(patent_type="design", filing_date=D(2021, 5, 31), grant_date=D(2021, 10, 1))
    after = patent(patent_type="design", filing_date=D(2021, 6, 1), grant_date=D(2021, 10, 1))
    end = terms(end_date=D(2031, 6, 1))
    assert codes(before, end) == ["debt_beyond_term"]     # 10 years: last day 2031-05-30
    assert codes(after, end) == []                         # 15 years: last day 2036-05-31


def test_a_patent_past_its_term_is_terminated_whatever_its_status_says():
    old = patent(patent_type="utility", filing_date=D(2012, 1, 1), grant_date=D(2012, 8, 1), fee_paid_until=None)
    [(code, message)] = rules.pledge_refusals(old, terms(end_date=None), D(2022, 6, 1), workday=weekdays)
    assert code == "terminated" and "保护期已于 2021-12-31 届满" in message


def test_lapsed_then_restored_counts_as_never_lapsed():
    lapsed = dict(legal_status="lapsed", lapse_date=D(2022, 3, 1), fee_paid_until=None)
    restored = patent(**lapsed, events=((D(2022, 3, 1), "lapse"), (D(2022, 5, 1), "restoration")))
    assert codes(restored, as_of=D(2022, 6, 1)) == []
    assert codes(restored, as_of=D(2022, 4, 1)) == ["terminated"]
    assert codes(patent(**lapsed), as_of=D(2022, 6, 1)) == ["terminated"]     # no restoration recorded


@pytest.mark.parametrize("kw, code", [
    ({"legal_status": "revoked"}, "invalidated"),
    ({"events": ((D(2023, 1, 5), "invalidation"),)}, "invalidated"),
    ({"legal_status": "pending", "grant_date": None}, "not_granted"),
    ({"grant_date": D(2024, 4, 2)}, "not_granted"),
    ({"holder_id": 8, "holder_name": "乙公司"}, "not_holder"),
    ({"pledged_in": ("Y2023000001",)}, "already_pledged"),
    ({"events": ((D(2023, 1, 5), "pledge"),)}, "already_pledged"),
])
def test_grounds_from_the_records(kw, code):
    assert codes(patent(**kw)) == [code]


def test_a_recorded_pledge_that_was_released_no_longer_blocks():
    released = ((D(2023, 1, 5), "pledge"), (D(2024, 1, 5), "pledge_release"))
    assert codes(patent(events=released)) == []
    same_day = ((D(2024, 1, 5), "pledge"), (D(2024, 1, 5), "pledge_release"))
    assert codes(patent(events=same_day)) == []


def test_co_owned_patent_needs_every_co_owners_consent():
    shared = patent(owners=("甲公司", "乙大学"))
    [(code, message)] = rules.pledge_refusals(shared, terms(), AS_OF, workday=weekdays)
    assert code == "co_owner_consent" and "甲公司、乙大学共有" in message and "第四条" in message
    assert codes(shared, terms(co_owners_consent=True)) == []


@pytest.mark.parametrize("declared, code", [
    ({"invalidation_pending": True}, "invalidation_pending"),
    ({"ownership_dispute": True}, "ownership_dispute"),
    ({"preservation_order": True}, "preservation_order"),
])
def test_grounds_from_the_officers_declarations(declared, code):
    assert codes(t=terms(**declared)) == [code]


def test_invalidation_pending_is_registered_when_the_parties_told_of_it_still_ask():
    assert codes(t=terms(invalidation_pending=True, invalidation_continue=True)) == []


def test_every_ground_has_a_stated_basis():
    assert set(rules.REFUSAL_BASIS) >= set(rules.PATENT_GROUNDS) | set(rules.DECLARED_GROUNDS) | {
        "fee_unpaid", "already_pledged"}


# ---- Enforcement on the registration paths ----------------------------------------------------


def _register(world, patents, **kw):
    args = dict(registration_no="Y2024000001", pledgor=world["own"], pledgee=world["bank"], patents=patents,
                amount_10k_yuan=Decimal("500"), registration_date=D(2024, 4, 1))
    args.update(kw)
    return actions.register_pledge(**args)


@pytest.mark.django_db
def test_the_action_refuses_naming_the_patent_and_the_ground(world):
    shared = PatentFactory(holder=world["own"], current_owner=f"{world['own'].name}；枣庄学院", granted=True)
    with pytest.raises(ValidationError) as exc:
        _register(world, [shared])
    assert f"专利 {shared.application_no}：专利权为{world['own'].name}、枣庄学院共有" in str(exc.value)
    assert not Pledge.objects.exists()
    pledge = _register(world, [shared], co_owners_consent=True)
    assert pledge.co_owners_consent and PatentEvent.objects.filter(patent=shared, kind="pledge").exists()


@pytest.mark.django_db
def test_the_action_refuses_a_debt_beyond_the_term(world):
    p = world["own_patents"][0]        # invention filed 2019-01-01: last protected day 2038-12-31
    with pytest.raises(ValidationError) as exc:
        _register(world, [p], end_date=D(2039, 1, 1))
    assert "保护期届满日 2038-12-31" in str(exc.value)
    assert _register(world, [p], end_date=D(2038, 12, 31)).end_date == D(2038, 12, 31)


@pytest.mark.django_db
def test_a_patent_lapsed_and_restored_is_pledged_and_counted_valid_by_the_statistics(world, regions):
    from ipdesk.stats import indicators
    p = PatentFactory(holder=world["own"], granted=True, legal_status="lapsed", lapse_date=D(2022, 3, 1))
    PatentEvent.objects.create(patent=p, kind="lapse", date=D(2022, 3, 1), owner_after="lapse")
    PatentEvent.objects.create(patent=p, kind="restoration", date=D(2022, 5, 1), owner_after="restoration")
    pledge = _register(world, [p], registration_date=D(2022, 6, 1))
    assert list(pledge.patents.all()) == [p]
    district = regions[world["own"].region.code]
    # the own patents of the fixture are valid too: the restored one is counted on 2022-06-01, not on 2022-04-01
    others = len(world["own_patents"])
    assert indicators.valid_invention_patents(district, D(2022, 6, 1)) == others + 1
    assert indicators.valid_invention_patents(district, D(2022, 4, 1)) == others


@pytest.mark.django_db
def test_the_form_shows_the_ground_and_the_declaration_lets_it_through(clients, world, bank):
    url = reverse("finance:pledge_add")
    p = world["own_patents"][0]
    data = {"registration_no": "Y2024000009", "pledgor": world["own"].pk, "pledgee": bank.pk,
            "amount_10k_yuan": "100", "registration_date": "2024-04-01", "patent_numbers": p.application_no,
            "invalidation_pending": "on"}
    response = clients["district"].post(url, data)
    assert response.status_code == 200 and not Pledge.objects.exists()
    assert "专利权已被启动无效宣告程序（经办人声明）" in response.content.decode()
    data["invalidation_continue"] = "on"
    response = clients["district"].post(url, data)
    assert response.status_code == 302
    assert Pledge.objects.get().invalidation_continue


@pytest.mark.django_db
def test_the_api_refuses_with_a_400_naming_the_ground(clients, world):
    p = world["own_patents"][1]
    body = {"registration_no": "Y2024000010", "pledgor": world["own"].pk, "pledgee": "BOC",
            "patent_numbers": [p.application_no], "amount_10k_yuan": "100", "registration_date": "2024-04-01",
            "preservation_order": True}
    response = clients["district"].post("/api/pledges/", body, content_type="application/json")
    assert response.status_code == 400
    assert "人民法院已裁定对专利权采取保全措施" in str(response.json())
    body["preservation_order"] = False
    response = clients["district"].post("/api/pledges/", body, content_type="application/json")
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_editing_the_debt_end_date_beyond_the_term_is_refused(clients, world):
    pledge = _register(world, [world["own_patents"][2]], end_date=D(2025, 4, 1))
    response = clients["district"].patch(f"/api/pledges/{pledge.pk}/", {"end_date": "2039-01-01", "version": pledge.version},
                                         content_type="application/json")
    assert response.status_code == 400 and "2038-12-31" in str(response.json())


def test_a_pledge_recorded_on_the_registration_date_is_this_one_and_a_release_that_day_counts():
    assert codes(patent(events=((AS_OF, "pledge"),))) == []
    assert codes(patent(events=((D(2023, 1, 5), "pledge"), (AS_OF, "pledge_release")))) == []
