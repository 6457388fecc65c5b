"""The change history (变更记录) of a record page reads as people write it (issue "The officer's day", item 6):
field labels rather than attribute names, names rather than ids (masked when the viewer may not see the
record named), choice labels, local time rather than UTC ISO text, and an enterprise user sees only the
entries made while the record was its own."""
import datetime
import re

import pytest
from django.utils import timezone

from ipdesk.core import context
from ipdesk.core.models import AuditEntry
from ipdesk.core.templatetags.history import object_type_label, readable_entries


def _history_panel(html):
    start = html.index('data-testid="history"')
    return html[start:html.index("</div>\n", html.index("</ul>", start))]


@pytest.fixture
def case(users):
    from ipdesk.protection.models import AssistanceCase
    from ipdesk.accounts.models import User
    User.objects.filter(pk=users["district"].pk).update(display_name="张三")
    ent = users["enterprise"].enterprise
    with context.acting_as(users["city"]):
        case = AssistanceCase.objects.create(title="商标被抢注维权", source="outreach", right_type="trademark",
                                             enterprise=ent, region=ent.region, received_on=datetime.date(2024, 5, 6))
        case.handler = users["district"]
        case.is_overseas = True
        case.save()
    return case


def test_an_update_names_the_field_and_the_person(case, clients):
    html = clients["city"].get(case.get_absolute_url()).content.decode()
    panel = _history_panel(html)
    assert "承办人：— → 张三" in panel
    assert "海外纠纷：否 → 是" in panel
    assert "handler" not in panel and "is_overseas" not in panel
    assert f"→ {case.handler_id}<" not in panel


def test_a_person_the_viewer_may_not_see_is_masked(case, users):
    entry = AuditEntry.objects.filter(object_type="protection.assistancecase", action="update").latest("id")
    rows = readable_entries([entry], case, users["enterprise"])
    changes = dict((label, (before, after)) for label, before, after in rows[0]["changes"])
    assert changes["承办人"] == ("—", "***")  # the enterprise user cannot open the officer's account
    rows = readable_entries([entry], case, users["city"])
    assert dict((label, after) for label, _, after in rows[0]["changes"])["承办人"] == "张三"


def test_choices_show_their_label_and_moments_local_time(users, regions, make_enterprise):
    from ipdesk.compliance.models import Candidate
    cand = Candidate._meta  # the screening page's records: reviewed_at was shown as UTC ISO text
    field = cand.get_field("reviewed_at")
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    from ipdesk.core.templatetags.history import _Resolver
    text = _Resolver(users["city"]).value(field, moment.isoformat())
    assert text == "2026-03-02 07:30"  # Asia/Shanghai, UTC+8
    status = cand.get_field("status")
    code, label = status.choices[0]
    assert _Resolver(users["city"]).value(status, code) == str(label)


def test_the_panel_shows_local_time(case, clients):
    entry = AuditEntry.objects.filter(object_type="protection.assistancecase").latest("id")
    local = timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M")
    panel = _history_panel(clients["city"].get(case.get_absolute_url()).content.decode())
    assert local in panel
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", panel)


def test_the_enterprise_sees_only_the_entries_of_its_own_time(users, regions, make_enterprise, client_for):
    """A patent that came to the enterprise by transfer: the former holder's entries stay hidden."""
    from ipdesk.registry.models import Patent
    own = users["enterprise"].enterprise
    former = make_enterprise("原权利人有限公司", "370481")
    with context.acting_as(users["city"]):
        patent = Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="一种夹具",
                                       holder=former, holder_name=former.name, region=regions["370481"])
        patent.title = "一种改进的夹具"  # while the former holder had it
        patent.save()
        patent.holder, patent.holder_name, patent.region = own, own.name, own.region
        patent.save()
        patent.title = "一种新型夹具"  # since the transfer
        patent.save()
    entries = list(AuditEntry.objects.filter(object_type="registry.patent", object_id=str(patent.pk)))
    assert len(entries) == 4
    rows = readable_entries(entries, patent, users["enterprise"])
    titles = [dict((label, after) for label, _, after in r["changes"]).get("名称") for r in rows]
    assert "一种新型夹具" in titles
    assert "一种改进的夹具" not in titles
    assert len(rows) == 2  # the transfer itself and the change after it
    # officers see the whole history
    assert len(readable_entries(entries, patent, users["city"])) == 4
    html = client_for(users["enterprise"]).get(patent.get_absolute_url()).content.decode()
    panel = _history_panel(html)
    assert "名称：一种夹具 → 一种改进的夹具" not in panel and "名称：一种改进的夹具 → 一种新型夹具" in panel


def test_the_operation_log_names_record_types(users, clients, regions):
    from ipdesk.regions.models import Population
    with context.acting_as(users["city"]):
        Population.objects.create(region=regions["370403"], year=2022, population=500000)
    html = clients["city"].get("/audit/").content.decode()
    assert object_type_label("regions.population") in html
    text = re.sub(r"<[^>]*>", " ", html)     # what a person reads, not the filter's option values
    assert "regions.population" not in text and "accounts.user" not in text
