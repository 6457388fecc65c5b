import datetime as dt

import factory

from .base import Factory
from .registry import EnterpriseFactory


def _register(case, create, user, **kwargs):
    """`registered_by=user`: the case's creation recorded in its timeline, as the pages do after the first
    save (`protection.actions.register`: the 登记 event and the notices to the region's officers)."""
    if create and user is not None:
        from ipdesk.protection import actions
        actions.register(case, user)


class CaseFactory(Factory):
    """What the three kinds of case share: `registered_by=user` records the creation."""

    class Meta:
        abstract = True

    registered_by = factory.PostGeneration(_register)


class AssistanceCaseFactory(CaseFactory):
    """An application for assistance (维权援助) by an enterprise, in its region, received 2024-05-06."""

    class Meta:
        model = "protection.AssistanceCase"

    title = "商标被抢注维权"
    source = "outreach"
    right_type = "trademark"
    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    received_on = dt.date(2024, 5, 6)


class AdjudicationCaseFactory(CaseFactory):
    """A request for adjudication (专利侵权纠纷行政裁决) by an enterprise, in its region, received 2024-05-17."""

    class Meta:
        model = "protection.AdjudicationCase"

    title = "侵犯实用新型专利权纠纷"
    requester = factory.SubFactory(EnterpriseFactory)
    requester_name = factory.LazyAttribute(lambda o: o.requester.name)
    respondent_name = "某五金经营部"
    patent_no = "201710601862.3"
    region = factory.LazyAttribute(lambda o: o.requester.region)
    received_on = dt.date(2024, 5, 17)


class CooperationCaseFactory(CaseFactory):
    """A case handed to the police (行刑衔接) in 薛城区 (370403), received 2024-04-01."""

    class Meta:
        model = "protection.CooperationCase"

    kind = "police"
    title = "涉嫌假冒注册商标"
    receiving_body = "枣庄市公安局"
    region = "370403"
    received_on = dt.date(2024, 4, 1)
