"""Small hand-made compliance data: two agencies (薛城区, 滕州市), a batch with one application in
each district, and a detection run with one near-duplicate candidate in each district."""
import datetime as dt

import pytest

from tests.factories import AbnormalBatchFactory, AgencyFactory, CandidateFactory
from tests.factories import application_no as app_no

ABSTRACT = ("本发明公开了一种智能灌溉装置，包括水泵、控制器和土壤湿度传感器，所述控制器根据湿度数据"
            "控制水泵启停，实现按需灌溉，节约用水，结构简单，成本低廉。")
# The same text with full-width letters/digits, half-width punctuation and extra spaces.
ABSTRACT_VARIANT = ("本发明公开了一种智能灌溉装置, 包括水泵、控制器和土壤湿度传感器; 所述控制器根据湿度数据"
                    "控制水泵启停,实现按需灌溉,节约用水,结构简单,成本低廉.")


@pytest.fixture
def data(regions, users, make_enterprise):
    from ipdesk.compliance import actions
    xue = make_enterprise("薛城精工机械有限公司", "370403")
    a1 = AgencyFactory(name="枣庄众诚知识产权代理有限公司", region="370403")
    a2 = AgencyFactory(name="滕州市墨子专利代理事务所", region="370481")
    batch = AbnormalBatchFactory(name="2022年第一批", received=dt.date(2022, 3, 10), default_region=regions["370400"])
    notice, deadline = dt.date(2022, 3, 15), dt.date(2022, 4, 15)
    app1 = actions.register_application(batch, None, application_no=app_no(1), title="一种夹具", applicant=xue.name,
                                        agency_name=a1.name, behaviour="duplicate", notice_date=notice, deadline=deadline)
    app2 = actions.register_application(batch, None, application_no=app_no(2), title="一种烘干机",
                                        applicant="滕州某某机械厂", address="山东省滕州市北辛街道1号",
                                        agency_name=a2.name, behaviour="fabricated", notice_date=notice, deadline=deadline)
    c1 = CandidateFactory(run__since=dt.date(2022, 1, 1), kind="near_duplicate", subject="薛城线索", score=1.0,
                          region="370403", application_nos=[app_no(11), app_no(12)],
                          evidence={"pairs": [{"a": app_no(11), "b": app_no(12), "similarity": 1.0, "fields": {"全文": 1.0},
                                               "a_text": ABSTRACT, "b_text": ABSTRACT_VARIANT}]})
    c2 = CandidateFactory(run=c1.run, kind="burst_applicant", subject="滕州线索", score=5.0, region="370481",
                          application_nos=[app_no(21)], evidence={"window_filings": 12})
    return {"enterprise": xue, "agency": a1, "other_agency": a2, "batch": batch, "app": app1, "other_app": app2,
            "run": c1.run, "candidate": c1, "other_candidate": c2}
