"""China Patent Award winners feed the high-value criterion "award"; provincial awards do not."""
import pytest

from ipdesk.stats.models import HighValueCriterion
from tests.factories import PatentAwardFactory

pytestmark = pytest.mark.django_db


def awarded():
    return HighValueCriterion.objects.get(kind="award").application_numbers.split()


def test_china_patent_award_adds_and_removes_the_patent(world, regions):
    patent = world["own_patents"][0]
    provincial = PatentAwardFactory(kind="provincial", grade="second", year=2022, enterprise=world["own"],
                                    patent=patent)
    assert patent.application_no not in awarded()
    china = PatentAwardFactory(kind="china", grade="excellence", year=2022, enterprise=world["own"], patent=patent)
    assert awarded().count(patent.application_no) == 1
    provincial.delete()
    assert patent.application_no in awarded()
    china.kind = "provincial"
    china.save()
    assert patent.application_no not in awarded()
    china.kind = "china"
    china.save()
    china.delete()
    assert patent.application_no not in awarded()
