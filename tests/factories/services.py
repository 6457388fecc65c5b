import datetime as dt

import factory
from django.utils import timezone

from .base import Factory
from .registry import EnterpriseFactory


class ServiceTypeFactory(Factory):
    """快速预审主体备案: promised in 5 working days, 30 before the one-stop service. `calendar=True`: 政策咨询,
    2 calendar days (10 before)."""

    class Meta:
        model = "services.ServiceType"

    class Params:
        calendar = factory.Trait(code="policy", name="政策咨询", promised_days=2, former_days=10, day_unit="calendar")

    code = factory.Sequence(lambda n: f"type{n}")
    name = "快速预审主体备案"
    promised_days = 5
    former_days = 30
    day_unit = "workday"


class ProblemLogFactory(Factory):
    """An open policy problem an enterprise raised (专精特新企业问题台账). `solved=True`: solved 15 days later."""

    class Meta:
        model = "services.ProblemLog"

    class Params:
        solved = factory.Trait(status="solved", resolution="已解决",
                               solved_on=factory.LazyAttribute(lambda o: o.raised_on + dt.timedelta(days=15)))

    enterprise = factory.SubFactory(EnterpriseFactory)
    category = "policy"
    description = "政策咨询"
    raised_on = factory.LazyFunction(timezone.localdate)
