import datetime

import pytest

from ipdesk.core.scoping import Role


@pytest.fixture
def panel(make_user):
    """Three officers of 薛城区 who can sit on an adjudication panel."""
    return [make_user(f"officer{i}", Role.DISTRICT_OFFICER, "370403") for i in range(1, 5)]


@pytest.fixture
def adjudication(users, regions):
    """A request for adjudication in 薛城区 by the enterprise user's enterprise, received 2024-05-17."""
    from ipdesk.protection import actions
    from ipdesk.protection.models import AdjudicationCase
    ent = users["enterprise"].enterprise
    case = AdjudicationCase.objects.create(title="侵犯实用新型专利权纠纷", requester=ent, requester_name=ent.name,
                                           respondent_name="某五金经营部", patent_no="201710601862.3",
                                           region=regions["370403"], received_on=datetime.date(2024, 5, 17))
    actions.register(case, users["district"])
    return case


@pytest.fixture
def assistance(users, regions):
    from ipdesk.protection import actions
    from ipdesk.protection.models import AssistanceCase
    ent = users["enterprise"].enterprise
    case = AssistanceCase.objects.create(title="商标被抢注维权", source="outreach", right_type="trademark",
                                         enterprise=ent, region=ent.region, received_on=datetime.date(2024, 5, 6))
    actions.register(case, users["district"])
    return case


@pytest.fixture
def other_adjudication(make_enterprise, users):
    """A case of 滕州市, outside the 薛城区 officer's district and not the enterprise user's."""
    from ipdesk.protection import actions
    from ipdesk.protection.models import AdjudicationCase
    ent = make_enterprise("滕州某机械有限公司", "370481")
    case = AdjudicationCase.objects.create(title="滕州纠纷", requester=ent, requester_name=ent.name,
                                           respondent_name="某厂", patent_no="201310699744.2", region=ent.region,
                                           received_on=datetime.date(2024, 6, 3))
    actions.register(case, users["other_district"])
    return case
