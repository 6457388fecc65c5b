"""作废 (void) with a reason, soft and audited, and 撤销作废 (restore): core.voiding, core.views.ObjectVoidView,
the 已作废记录 filter of a list, the void on the detail page, the API (issue 19 item 4)."""
import re

import pytest

from ipdesk.core.models import AuditAction, AuditEntry
from ipdesk.core.scoping import Role
from ipdesk.services.models import ServiceRequest

pytestmark = pytest.mark.django_db

LIST = "/services/requests/"


@pytest.fixture
def reqs(users, make_enterprise, stype):
    """A request of the enterprise user's enterprise (薛城区) and one of an enterprise of 滕州市."""
    from ipdesk.services import actions
    own = actions.submit_request(users["city"], users["enterprise"].enterprise, stype, "申请快速预审", "说明")
    other = actions.submit_request(users["city"], make_enterprise("滕州他人科技有限公司", "370481"), stype, "滕州的申请")
    return {"own": own, "other": other}


def _void_url(req):
    return f"/services/requests/{req.pk}/void/"


def _listed(client, path=LIST, **params):
    """The record ids a list page shows, read from its selection boxes."""
    html = client.get(path, params).content.decode()
    return {int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', html)}


def test_officer_voids_a_request_with_a_reason_and_it_leaves_the_lists(users, clients, reqs):
    req, client = reqs["own"], clients["district"]
    page = client.get(_void_url(req))
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert 'data-confirm' in page.content.decode()  # the browser asks before the void is sent

    refused = client.post(_void_url(req), {"reason": "  "})
    assert refused.status_code == 400
    assert ServiceRequest.objects.filter(pk=req.pk).exists()   # a void without a reason is refused

    done = client.post(_void_url(req), {"reason": "企业重复提交"})
    assert done.status_code == 302 and done["Location"] == req.get_absolute_url()
    stored = ServiceRequest.all_objects.get(pk=req.pk)
    assert stored.voided_at is not None and stored.voided_by == users["district"] and stored.void_reason == "企业重复提交"
    assert stored.version == req.version + 1
    assert not ServiceRequest.objects.filter(pk=req.pk).exists()    # the default manager: records in force only
    assert req.pk not in _listed(client)
    assert req.pk not in _listed(clients["city"])

    detail = client.get(req.get_absolute_url())
    assert detail.status_code == 200
    body = detail.content.decode()
    assert 'data-testid="void-notice"' in body and "企业重复提交" in body
    assert 'data-testid="restore"' in body and 'data-testid="void"' not in body

    entry = AuditEntry.objects.filter(action=AuditAction.VOID, object_type="services.servicerequest",
                                      object_id=str(req.pk)).get()
    assert entry.username == "district"
    assert entry.before["voided_at"] is None and entry.after["void_reason"] == "企业重复提交"
    assert entry.after["voided_by"] == users["district"].pk
    # recorded once, as a void, not also as an edit
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="services.servicerequest",
                                         object_id=str(req.pk), timestamp__gte=entry.timestamp).exists()


def test_the_voided_filter_shows_voided_records_to_officers_only(users, clients, reqs):
    from ipdesk.core import voiding
    voiding.void(reqs["own"], users["district"], "录入错误")
    assert _listed(clients["district"], voided="1") == {reqs["own"].pk}
    assert _listed(clients["city"], voided="1") == {reqs["own"].pk}
    assert "录入错误" not in clients["other_district"].get(LIST, {"voided": "1"}).content.decode()
    assert _listed(clients["other_district"], voided="1") == set()        # out of scope, voided or not
    assert 'data-testid="show-voided"' in clients["district"].get(LIST).content.decode()
    # a role that is not office staff cannot ask for them: it sees the records in force
    assert _listed(clients["enterprise"], voided="1") == set()
    assert 'data-testid="show-voided"' not in clients["enterprise"].get(LIST).content.decode()


@pytest.mark.parametrize("role", ["enterprise", "commissioner", "leader", "lawyer"])
def test_roles_that_may_not_void_get_403_and_no_button(users, clients, reqs, role):
    req = reqs["own"]
    client = clients[role]
    assert client.get(_void_url(req)).status_code == 403
    assert client.post(_void_url(req), {"reason": "试图作废"}).status_code == 403
    assert ServiceRequest.objects.filter(pk=req.pk).exists()
    detail = client.get(req.get_absolute_url())
    if detail.status_code == 200:   # the roles that may read it see no void button nor 作废 link
        assert 'data-testid="void"' not in detail.content.decode()
    listing = client.get(LIST).content.decode()
    assert _void_url(req) not in listing and 'data-testid="bulk-void"' not in listing


def test_officers_see_the_void_button_and_link(clients, reqs):
    req = reqs["own"]
    assert 'data-testid="void"' in clients["district"].get(req.get_absolute_url()).content.decode()
    listing = clients["district"].get(LIST).content.decode()
    assert _void_url(req) in listing and 'data-testid="bulk-void"' in listing
    assert ">查看</a>" in listing and ">作废</a>" in listing


def test_voiding_out_of_scope_is_refused(users, clients, reqs):
    req = reqs["own"]   # 薛城区: not the 滕州 officer's
    client = clients["other_district"]
    assert client.get(_void_url(req)).status_code == 404
    assert client.post(_void_url(req), {"reason": "越权作废"}).status_code == 404
    assert ServiceRequest.objects.filter(pk=req.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.VOID).exists()


def test_a_voided_record_cannot_be_voided_again_or_edited(users, clients, reqs):
    from ipdesk.core import voiding
    req = reqs["own"]
    voiding.void(req, users["district"], "重复")
    assert clients["district"].get(_void_url(req)).status_code == 404
    with pytest.raises(voiding.VoidRefused):
        voiding.void(ServiceRequest.all_objects.get(pk=req.pk), users["city"], "再次")
    # a step on a voided request finds nothing to act on
    assert clients["district"].post(f"/services/requests/{req.pk}/accept/", {}).status_code in (302, 404)
    assert ServiceRequest.all_objects.get(pk=req.pk).status == "submitted"


def test_restore_brings_the_record_back_and_is_audited(users, clients, reqs):
    from ipdesk.core import voiding
    req = reqs["own"]
    voiding.void(req, users["district"], "误作废")
    assert clients["enterprise"].post(f"/services/requests/{req.pk}/restore/").status_code == 403
    assert clients["other_district"].post(f"/services/requests/{req.pk}/restore/").status_code == 404
    response = clients["district"].post(f"/services/requests/{req.pk}/restore/")
    assert response.status_code == 302
    stored = ServiceRequest.objects.get(pk=req.pk)
    assert stored.voided_at is None and stored.void_reason == "" and stored.voided_by is None
    assert req.pk in _listed(clients["district"])
    entry = AuditEntry.objects.get(action=AuditAction.RESTORE, object_id=str(req.pk))
    assert entry.before["void_reason"] == "误作废" and entry.after["voided_at"] is None


def test_the_api_leaves_voided_records_out(users, clients, reqs):
    from ipdesk.core import voiding
    voiding.void(reqs["own"], users["district"], "重复提交")
    for role in ("city", "district", "enterprise", "commissioner"):
        data = clients[role].get("/api/service-requests/").json()
        rows = data["results"] if isinstance(data, dict) else data
        assert reqs["own"].pk not in {row["id"] for row in rows}, role
        assert clients[role].get(f"/api/service-requests/{reqs['own'].pk}/").status_code == 404, role
    rows = clients["city"].get("/api/service-requests/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert reqs["other"].pk in {row["id"] for row in rows}


def test_a_paid_subsidy_may_not_be_voided():
    from ipdesk.finance.choices import SubsidyStatus
    from ipdesk.finance.models import InterestSubsidyApplication
    assert InterestSubsidyApplication(status=SubsidyStatus.PAID).void_refusal()
    assert InterestSubsidyApplication(status=SubsidyStatus.SUBMITTED).void_refusal() is None


def test_generic_crud_lists_get_void_pages_instead_of_a_hard_delete(users, clients, regions):
    """The generic views once wired a hard delete (`…/delete/`) no page linked to; the records officers enter are
    voided instead, and the reference data keeps no delete at all."""
    from django.urls import NoReverseMatch, reverse

    from ipdesk.compliance.models import Agency
    agency = Agency.objects.create(name="枣庄某专利代理事务所", uscc="91370400MA3C0ABC14", region=regions["370403"])
    with pytest.raises(NoReverseMatch):
        reverse("compliance:agency_delete", args=[agency.pk])
    assert clients["district"].post(f"/compliance/agencies/{agency.pk}/void/", {"reason": "已注销，误录"}).status_code == 302
    assert not Agency.objects.filter(pk=agency.pk).exists() and Agency.all_objects.filter(pk=agency.pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.VOID, object_type="compliance.agency").exists()
    assert Role.DISTRICT_OFFICER in Agency.void_roles
