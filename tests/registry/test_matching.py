"""Enterprise matching, the one home (registry.matching): credit code first, then the name's matching key,
current names before former names (曾用名), the first of several holders, and only among the enterprises given."""
import pytest

from ipdesk.registry import matching
from ipdesk.registry.models import Enterprise, EnterpriseNameHistory


@pytest.fixture
def firms(make_enterprise):
    renamed = make_enterprise("枣庄新名科技有限公司", "370403")
    EnterpriseNameHistory.objects.create(enterprise=renamed, name="枣庄旧名科技有限责任公司")
    current = make_enterprise("枣庄同名科技有限公司", "370481")
    elsewhere = make_enterprise("滕州另一科技有限公司", "370481")
    EnterpriseNameHistory.objects.create(enterprise=elsewhere, name="枣庄同名科技有限公司")  # a current name wins
    return {"renamed": renamed, "current": current, "elsewhere": elsewhere}


def test_a_name_matches_its_current_name_then_a_former_name(firms):
    assert matching.enterprise_named("枣庄新名科技有限公司") == firms["renamed"]
    assert matching.enterprise_named(" 枣庄旧名科技有限公司 ") == firms["renamed"]  # 有限责任公司 → 有限公司, spaces
    assert matching.enterprise_named("枣庄同名科技有限公司") == firms["current"]
    assert matching.enterprise_named("无此企业有限公司") is None
    assert matching.enterprise_named("") is None


def test_the_first_holder_decides_and_a_credit_code_comes_before_the_name(firms):
    assert matching.first_holder_enterprise("枣庄旧名科技有限公司；滕州另一科技有限公司") == firms["renamed"]
    assert matching.match_enterprise(firms["elsewhere"].uscc, "枣庄新名科技有限公司") == firms["elsewhere"]
    assert matching.match_enterprise("", "枣庄新名科技有限公司") == firms["renamed"]
    assert matching.enterprise_with_credit_code("") is None


def test_matching_stays_within_the_enterprises_given(firms):
    district = Enterprise.objects.filter(region__code="370403")
    assert matching.enterprise_named("滕州另一科技有限公司", district) is None
    assert matching.enterprise_named("枣庄旧名科技有限公司", district) == firms["renamed"]
    assert matching.enterprise_with_credit_code(firms["current"].uscc, district) is None


def test_the_file_index_answers_as_the_one_record_rule(firms, django_assert_num_queries):
    with django_assert_num_queries(2):
        index = matching.EnterpriseIndex()
    renamed, current = firms["renamed"], firms["current"]
    with django_assert_num_queries(0):
        assert index.match("", "枣庄旧名科技有限公司") == (renamed.pk, renamed.region_id)
        assert index.match("", "枣庄同名科技有限公司") == (current.pk, current.region_id)
        assert index.match(current.uscc, "枣庄新名科技有限公司") == (current.pk, current.region_id)
        assert index.match("", "无此企业有限公司") == (None, None)
        assert index.signal[renamed.pk] == renamed.region_signal
    scoped = matching.EnterpriseIndex(Enterprise.objects.filter(region__code="370481"))
    assert scoped.match("", "枣庄旧名科技有限公司") == (None, None)  # a former name of an enterprise out of reach
