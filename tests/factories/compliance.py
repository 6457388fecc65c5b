import datetime as dt

import factory

from .base import Factory
from .registry import credit_code


class AgencyFactory(Factory):
    """A patent agency of 薛城区 (370403) with a valid credit code (GB 32100-2015)."""

    class Meta:
        model = "compliance.Agency"

    name = factory.Sequence(lambda n: f"枣庄测试{n}知识产权代理有限公司")
    uscc = factory.Sequence(lambda n: credit_code(n, prefix="91370400MA3D"))
    region = "370403"


class AbnormalBatchFactory(Factory):
    """A batch of abnormal applications (非正常专利申请) the office received on 2022-03-10."""

    class Meta:
        model = "compliance.AbnormalBatch"

    name = factory.Sequence(lambda n: f"2022年第{n}批")
    received = dt.date(2022, 3, 10)


class DetectionRunFactory(Factory):
    """A detection run over the applications filed since 2022-01-01."""

    class Meta:
        model = "compliance.DetectionRun"

    since = dt.date(2022, 1, 1)


class CandidateFactory(Factory):
    """A new near-duplicate lead of 薛城区 (370403) from a detection run."""

    class Meta:
        model = "compliance.Candidate"

    run = factory.SubFactory(DetectionRunFactory)
    kind = "near_duplicate"
    subject = factory.Sequence(lambda n: f"测试线索{n}")
    score = 1.0
    region = "370403"
