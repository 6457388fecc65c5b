import datetime as dt

import pytest

from ipdesk.registry.models import Contact, CultivationMembership, GIProduct, Patent, PatentEvent, Trademark


@pytest.fixture
def registry(users, make_enterprise, regions):
    """Two enterprises (薛城区: the enterprise user's own, served by the commissioner; 滕州市: another) with a
    patent, a trademark, an event, a contact and a cultivation membership each, plus an unmatched patent."""
    own = users["enterprise"].enterprise
    other = make_enterprise("滕州其他科技有限公司", "370481")
    data = {"own": own, "other": other}
    for key, e, number in (("own", own, "201710601862.3"), ("other", other, "201310699744.2")):
        p = Patent.objects.create(application_no=number, patent_type="invention", title=f"{e.name}的锂电池专利",
                                  applicants=e.name, holder=e, holder_name=e.name, region=e.region,
                                  filing_date=dt.date(2017, 8, 1), grant_date=dt.date(2019, 5, 3), legal_status="valid")
        data[f"{key}_patent"] = p
        data[f"{key}_event"] = PatentEvent.objects.create(patent=p, kind="grant", date=dt.date(2019, 5, 3))
        data[f"{key}_trademark"] = Trademark.objects.create(registration_no=number[:8], name="商标", nice_class=9,
                                                            owner_name=e.name, owner=e, region=e.region)
        data[f"{key}_contact"] = Contact.objects.create(enterprise=e, name="张三", phone="13912345678",
                                                        id_number="370402199001011234")
        data[f"{key}_cultivation"] = CultivationMembership.objects.create(enterprise=e, year=2022, tier="reserve")
        data[f"{key}_gi"] = GIProduct.objects.create(name=f"{key}红枣", region=e.region)
    data["unmatched"] = Patent.objects.create(application_no="202110699820.4", patent_type="invention",
                                              title="未匹配专利", applicants="薛城未登记有限公司",
                                              holder_name="薛城未登记有限公司", region=regions["370403"])
    return data
