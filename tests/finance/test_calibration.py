"""The demo reproduces the press conference's 2022 figures (SPEC section 6) through the provider."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from ipdesk.finance import demo
from ipdesk.finance.choices import AwardKind, ProjectKind, StandardKind
from ipdesk.finance.indicators import finance_indicators
from ipdesk.finance.models import (FundedProject, InsurancePolicy, MatchmakingEvent, PatentAward, Pledge, Standard,
                                   TrainingClass)
from ipdesk.regions.models import Region
from ipdesk.registry.models import GIProduct, PatentEvent

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The registry demo then the finance demo, once for the module (rolled back at its end)."""
    from django.db import transaction
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("setup_city", stdout=io.StringIO())
            from ipdesk.registry import demo as registry_demo
            registry_demo.load()
            demo.load()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def figures(year):
    return finance_indicators(Region.objects.get(code="370400"), D(year, 1, 1), D(year, 12, 31))


def test_pledge_financing_2022(loaded):
    f, prev = figures(2022), figures(2021)
    assert f["pledged_patents"] == 138
    assert f["pledge_amount_10k_yuan"] == Decimal("107900")
    assert f["pledge_enterprises_over_10m"] == 34
    assert prev["pledge_amount_10k_yuan"] == Decimal("44587")
    yoy = (f["pledge_amount_10k_yuan"] - prev["pledge_amount_10k_yuan"]) / prev["pledge_amount_10k_yuan"]
    assert round(yoy * 100) == 142


def test_every_demo_pledge_is_valid_and_wrote_its_events(loaded):
    for pledge in Pledge.objects.prefetch_related("patents"):
        for patent in pledge.patents.all():
            assert patent.holder_id == pledge.pledgor_id
            assert patent.grant_date <= pledge.registration_date
            assert PatentEvent.objects.filter(patent=patent, kind="pledge", date=pledge.registration_date).exists()


def test_patent_insurance_2022(loaded):
    f = figures(2022)
    assert (f["insurers"], f["insurance_enterprises"], f["insurance_patents"]) == (9, 19, 251)
    assert f["insurance_premium_10k_yuan"] > 100
    assert f["insurance_subsidy_10k_yuan"] == Decimal("76")
    # The subsidy is the rules' result, line by line, not a stored figure.
    capped = InsurancePolicy.objects.filter(start_date__year=2022, premium_yuan=Decimal("30000")).get()
    assert capped.subsidy_yuan == Decimal("20000") and "本年已核定 20,000.00 元" in capped.working[2]["formula"]


def test_projects_2022(loaded):
    def kind(k):
        return FundedProject.objects.filter(year=2022, kind=k)
    transfer = kind(ProjectKind.TRANSFER_PILOT).get()
    assert (transfer.recipient_name, transfer.amount_10k_yuan) == ("枣庄常大技术推广服务有限公司", Decimal("50"))
    navigation = kind(ProjectKind.NAVIGATION)
    assert sorted(navigation.values_list("recipient_name", flat=True)) == sorted(
        ["山东连云山建筑科技有限公司", "枣庄泰瑞精细化工有限公司", "枣庄鑫金山智能装备有限公司"])
    assert sum(p.amount_10k_yuan for p in navigation) == 50
    assert [p.amount_10k_yuan for p in kind(ProjectKind.OVERSEAS_RISK)] == [Decimal("20")]
    assert [p.amount_10k_yuan for p in kind(ProjectKind.WORKSTATION)] == [Decimal("10")] * 2
    assert kind(ProjectKind.HIGH_VALUE_PILOT).count() == 7
    pilot = kind(ProjectKind.STANDARDISATION_PILOT).get()
    assert pilot.recipient_name == "山东连云山建筑科技有限公司"
    assert pilot.standards.filter(kind=StandardKind.GROUP).count() == 2
    f = figures(2022)
    assert f["projects"] == 15 and f["project_funds_10k_yuan"] == Decimal("140")


def test_gi_awards_training_matchmaking(loaded):
    assert set(Standard.objects.filter(kind=StandardKind.LOCAL).values_list("gi_product__name", flat=True)) == {
        "店子长红枣", "山亭火樱桃", "伏里土陶"}
    assert GIProduct.objects.filter(name__in=["店子长红枣", "山亭火樱桃", "伏里土陶"]).count() == 3
    awards = {(a.enterprise_name, a.get_grade_display()) for a in PatentAward.objects.filter(
        year=2022, kind=AwardKind.PROVINCIAL)}
    assert awards == {("山东泰和水有限公司", "二等奖"), ("兖矿鲁南化工有限公司", "三等奖"),
                      ("山东丰源轮胎制造股份有限公司", "三等奖")}
    assert TrainingClass.objects.filter(start_date__year=2022).count() == 2
    assert MatchmakingEvent.objects.filter(date__year=2022).count() >= 10


def test_loading_again_changes_nothing(loaded):
    before = figures(2022), Pledge.objects.count(), InsurancePolicy.objects.count(), FundedProject.objects.count()
    demo.load()
    assert (figures(2022), Pledge.objects.count(), InsurancePolicy.objects.count(),
            FundedProject.objects.count()) == before
