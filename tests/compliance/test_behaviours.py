"""Abnormal patent applications (issue 16 item 10): the behaviour list in the wording of 《关于规范申请专利行为的
规定》 (国家知识产权局令第77号, 2023) art. 3 as far as it could be found, marked 待核对 where it could not; the
withdrawal rate with active withdrawals (主动撤回) and deemed withdrawals (逾期视为撤回) apart."""
import pytest

from ipdesk.compliance import rules
from ipdesk.compliance.choices import BEHAVIOUR_SOURCE, Behaviour
from ipdesk.compliance.choices import ApplicationStatus as S


def test_the_scattered_filing_item_carries_the_published_words():
    """Item (六): the old label spoke of "逃避获利回报、逃避费用监管", words of no published text."""
    label = str(Behaviour.SCATTERED.label)
    assert label == "为逃避打击非正常申请专利行为监管措施而将实质上与特定单位、个人或地址关联的多件专利申请分散、先后或异地提交"
    assert "获利回报" not in label and "费用监管" not in label


@pytest.mark.parametrize("behaviour,words", [
    (Behaviour.DUPLICATE, "同时或者先后提交发明创造内容明显相同、或者实质上由不同发明创造特征或要素简单组合变化而形成的多件专利申请"),
    (Behaviour.MACHINE_GENERATED, "所提交多件专利申请的发明创造内容系主要利用计算机程序或者其他技术随机生成"),
    (Behaviour.DEGRADED, "所提交专利申请的发明创造系为规避可专利性审查目的而故意形成的"),
    (Behaviour.AGENCY_INDUCED, "专利代理机构、专利代理师，或者其他机构或个人，代理、诱导、教唆、帮助他人或者与之合谋实施各类非正常申请专利行为"),
])
def test_labels_follow_the_found_wording(behaviour, words):
    assert str(behaviour.label).startswith(words)


def test_every_behaviour_says_where_its_words_come_from_and_none_is_verified():
    assert set(BEHAVIOUR_SOURCE) == set(Behaviour.values)
    for value, (item, verified, note) in BEHAVIOUR_SOURCE.items():
        assert item.startswith("第三条第（"), value
        assert verified is False and "待核对" in note, value


def test_old_labels_still_import():
    from ipdesk.compliance.imports import BEHAVIOURS
    assert BEHAVIOURS["为逃避获利回报、逃避费用监管等，将实质上与特定单位、个人或地址关联的多件专利申请分散、先后或异地提交"] \
        == "scattered"
    assert BEHAVIOURS[str(Behaviour.SCATTERED.label)] == "scattered"


def test_the_rate_shows_active_and_deemed_withdrawals_apart():
    """10 notified: 6 withdrawn by the applicant, 3 deemed withdrawn (no reply in time), 1 cleared after a statement:
    rate 9 / 9 = 100%, of which 6 active and 3 deemed."""
    statuses = [S.WITHDRAWN] * 6 + [S.DEEMED_WITHDRAWN] * 3 + [S.CLEARED]
    rate = rules.withdrawal_rate(statuses)
    assert (rate.withdrawn, rate.active_withdrawn, rate.deemed_withdrawn) == (9, 6, 3)
    assert rate.rate == 1.0
    assert rate.active_rate == pytest.approx(6 / 9) and rate.deemed_rate == pytest.approx(3 / 9)


def test_the_rate_shows_both_counts():
    from django.template.loader import render_to_string
    html = render_to_string("compliance/_rate.html", {"rate": rules.withdrawal_rate(
        [S.WITHDRAWN] * 6 + [S.DEEMED_WITHDRAWN] * 3 + [S.CLEARED])})
    assert 'data-testid="rate-active">6<' in html and 'data-testid="rate-deemed">3<' in html


@pytest.mark.django_db
def test_the_rate_page_and_api_show_both_kinds_of_withdrawal(client_for, users, data):
    from django.urls import reverse

    from ipdesk.compliance import actions
    actions.transition(data["app"], "withdrawn", users["city"], date="2022-03-20")
    html = client_for(users["city"]).get(reverse("compliance:withdrawal_rates")).content.decode()
    assert 'data-testid="rate-active">1<' in html and 'data-testid="rate-deemed">0<' in html
    batch = client_for(users["city"]).get(f"/api/abnormal-batches/{data['batch'].pk}/").json()
    assert (batch["withdrawal_rate"]["withdrawn_active"], batch["withdrawal_rate"]["withdrawn_deemed"]) == (1, 0)
