import datetime

import pytest
from django.utils import timezone

from tests.factories import ServiceTypeFactory


@pytest.fixture
def calendar_type(db):
    """政策咨询: 2 calendar days (10 before the one-stop service)."""
    return ServiceTypeFactory(calendar=True)


@pytest.fixture
def other_enterprise(make_enterprise, make_user):
    """An enterprise of 滕州市 with its own commissioner and enterprise user: out of everyone else's scope."""
    from ipdesk.core.scoping import Role
    commissioner = make_user("other_commissioner", Role.COMMISSIONER)
    ent = make_enterprise("滕州他人科技有限公司", "370481", commissioner=commissioner)
    user = make_user("other_enterprise", Role.ENTERPRISE, enterprise=ent)
    return {"enterprise": ent, "commissioner": commissioner, "user": user}


@pytest.fixture
def make_request(stype):
    from ipdesk.services import actions

    def make(user, enterprise=None, title="申请快速预审", at=None, service_type=None):
        return actions.submit_request(user, enterprise or user.enterprise, service_type or stype, title, "说明", at=at)
    return make


def aware(y, m, d, h=9, mi=0):
    return timezone.make_aware(datetime.datetime(y, m, d, h, mi))
