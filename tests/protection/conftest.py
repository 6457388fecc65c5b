import datetime

import pytest

from ipdesk.core.scoping import Role
from tests.factories import AdjudicationCaseFactory, AssistanceCaseFactory


@pytest.fixture
def panel(make_user):
    """Three officers of 薛城区 who can sit on an adjudication panel."""
    return [make_user(f"officer{i}", Role.DISTRICT_OFFICER, "370403") for i in range(1, 5)]


@pytest.fixture
def adjudication(users, regions):
    """A request for adjudication in 薛城区 by the enterprise user's enterprise, received 2024-05-17."""
    return AdjudicationCaseFactory(requester=users["enterprise"].enterprise, registered_by=users["district"])


@pytest.fixture
def assistance(users, regions):
    return AssistanceCaseFactory(enterprise=users["enterprise"].enterprise, registered_by=users["district"])


@pytest.fixture
def other_adjudication(make_enterprise, users):
    """A case of 滕州市, outside the 薛城区 officer's district and not the enterprise user's."""
    return AdjudicationCaseFactory(title="滕州纠纷", requester=make_enterprise("滕州某机械有限公司", "370481"),
                                   respondent_name="某厂", patent_no="201310699744.2",
                                   received_on=datetime.date(2024, 6, 3), registered_by=users["other_district"])
