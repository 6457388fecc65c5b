import datetime as dt

import factory

from ipdesk.registry.rules import _app_check, uscc_check_char

from .base import Factory

TYPE_DIGIT = {"invention": "1", "utility": "2", "design": "3"}  # the kind digit of an application number


def credit_code(n, prefix="91370400MA"):
    """The n-th valid 统一社会信用代码 (GB 32100-2015) starting with `prefix`: 17 characters and the check character."""
    body = f"{prefix}{n:0{17 - len(prefix)}d}"
    return body + uscc_check_char(body)


def application_no(n, kind="1", year=2022):
    """The n-th valid 申请号 (ZC 0006-2003) of a year and kind digit (1 invention, 2 utility, 3 design)."""
    body = f"{year}{kind}{n:07d}"
    return f"{body}.{_app_check(body)}"


def _application_no(patent, n):
    return application_no(n, TYPE_DIGIT[patent.patent_type], patent.filing_date.year)


class EnterpriseFactory(Factory):
    """An enterprise of 薛城区 (370403) unless told otherwise."""

    class Meta:
        model = "registry.Enterprise"

    uscc = factory.Sequence(credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = "370403"


class PatentFactory(Factory):
    """A domestic invention of 薛城区, pending unless given a grant date (then valid); filed 700 days before
    its grant, or on 2021-03-01. With a holder, it is the holder's: its name and region."""

    class Meta:
        model = "registry.Patent"

    class Params:
        # a granted patent of no particular dates (those the finance tests have always used)
        granted = factory.Trait(filing_date=dt.date(2019, 1, 1), grant_date=dt.date(2020, 5, 1))

    patent_type = "invention"
    grant_date = None
    filing_date = factory.LazyAttribute(
        lambda o: o.grant_date - dt.timedelta(days=700) if o.grant_date else dt.date(2021, 3, 1))
    application_no = factory.LazyAttributeSequence(_application_no)
    title = factory.Sequence(lambda n: f"测试专利{n}")
    holder = None
    holder_name = factory.LazyAttributeSequence(lambda o, n: o.holder.name if o.holder else f"权利人{n}")
    region = factory.LazyAttribute(lambda o: o.holder.region if o.holder else "370403")
    is_domestic = True
    country_code = "37"
    legal_status = factory.LazyAttribute(lambda o: "valid" if o.grant_date else "pending")



class PctApplicationFactory(Factory):
    """A domestic PCT international application (registry.PctApplication) by 甲公司, filed 2022-01-01, not placed
    in a region unless given one."""

    class Meta:
        model = "registry.PctApplication"

    international_application_no = factory.Sequence(lambda n: f"PCT/CN2022/{n:06d}")
    international_filing_date = dt.date(2022, 1, 1)
    title = "一种发明"
    applicants = "甲公司"
    first_applicant = "甲公司"
    region = None
    is_domestic = True
