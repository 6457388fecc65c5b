import datetime as dt
from decimal import Decimal

import factory

from .base import Factory
from .registry import EnterpriseFactory


def _dictionary_entry(dictionary, code):
    from ipdesk.regions.models import DictionaryEntry
    return DictionaryEntry.objects.get(dictionary=dictionary, code=code)


def _set_patents(obj, create, patents, **kwargs):
    if create and patents:
        obj.patents.set(patents)


class SubsidyRuleFactory(Factory):
    """2022's interest subsidy (贴息): half the interest paid, at most 200,000 yuan an enterprise."""

    class Meta:
        model = "finance.SubsidyRule"

    year = 2022
    name = "贴息"
    interest_share = Decimal("0.5")
    cap_per_enterprise_yuan = Decimal("200000")


class InsuranceSubsidyRuleFactory(Factory):
    """2022's premium subsidy for enforcement insurance: 80 % of the premium, at most 40,000 yuan."""

    class Meta:
        model = "finance.InsuranceSubsidyRule"

    year = 2022
    insurance_type = "enforcement"
    premium_share = Decimal("0.8")
    cap_per_enterprise_yuan = Decimal("40000")


class WithPatentsFactory(Factory):
    """A row with patents (a pledge, a policy): `patents=[…]` sets them once the row is saved."""

    class Meta:
        abstract = True

    patents = factory.PostGeneration(_set_patents)


class PledgeFactory(WithPatentsFactory):
    """A pledge registered 2022-03-01 with the Bank of China (BOC of the `regions` dictionaries). Written as a row:
    `finance.actions.register_pledge` checks the patents."""

    class Meta:
        model = "finance.Pledge"

    registration_no = factory.Sequence(lambda n: f"T2022{n:06d}")
    pledgor = factory.SubFactory(EnterpriseFactory)
    pledgee = factory.LazyFunction(lambda: _dictionary_entry("bank", "BOC"))
    amount_10k_yuan = Decimal("1000")
    registration_date = dt.date(2022, 3, 1)


class InsurancePolicyFactory(WithPatentsFactory):
    """An enforcement insurance policy with PICC (of the `regions` dictionaries) for a year from 2022-03-01.
    Written as a row: `finance.actions.save_policy` computes the subsidy."""

    class Meta:
        model = "finance.InsurancePolicy"

    policy_no = factory.Sequence(lambda n: f"PT{n:05d}")
    insurer = factory.LazyFunction(lambda: _dictionary_entry("insurer", "PICC"))
    enterprise = factory.SubFactory(EnterpriseFactory)
    insurance_type = "enforcement"
    premium_yuan = Decimal("10000")
    cover_yuan = Decimal("1000000")
    start_date = dt.date(2022, 3, 1)
    end_date = factory.LazyAttribute(lambda o: o.start_date.replace(year=o.start_date.year + 1))


class FundedProjectFactory(Factory):
    """A navigation project of 2022 funded with 100,000 yuan; with a recipient, in the recipient's region,
    else in 薛城区 (370403)."""

    class Meta:
        model = "finance.FundedProject"

    kind = "navigation"
    name = factory.Sequence(lambda n: f"测试项目{n}")
    recipient = None
    recipient_name = factory.LazyAttribute(lambda o: o.recipient.name if o.recipient else "测试承担单位")
    region = factory.LazyAttribute(lambda o: o.recipient.region if o.recipient else "370403")
    year = 2022
    amount_10k_yuan = Decimal("10")


class PatentAwardFactory(Factory):
    """A China Patent Award of excellence (2022) won by an enterprise, in the enterprise's region."""

    class Meta:
        model = "finance.PatentAward"

    kind = "china"
    grade = "excellence"
    year = 2022
    enterprise = factory.SubFactory(EnterpriseFactory)
    enterprise_name = factory.LazyAttribute(lambda o: o.enterprise.name)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    patent = None
