"""The service request's workflow (services.workflows through core.workflow): the buttons a user sees are the
steps perform() would take for them, refusals carry codes, and the system (user None) is not scope-checked."""
import pytest
from django.urls import reverse

from ipdesk.core.workflow import perform, workflow_for
from ipdesk.services.choices import RequestStatus
from ipdesk.services.models import ServiceRequest

pytestmark = pytest.mark.django_db


def _names(req, user):
    return [t.name for t in workflow_for(ServiceRequest).available(req, user)]


def test_buttons_are_the_steps_the_user_may_take(users, make_request, clients):
    req = make_request(users["enterprise"])
    assert _names(req, users["commissioner"]) == ["accept", "reject"]
    assert _names(req, users["enterprise"]) == [] and _names(req, users["leader"]) == []
    perform(req, "accept", users["commissioner"], {"note": "收到"})
    perform(req, "process", users["commissioner"])
    perform(req, "complete", users["commissioner"], {"result": "已办结"})
    req.refresh_from_db()
    assert _names(req, users["enterprise"]) == ["rate"] and _names(req, users["commissioner"]) == []
    page = clients["enterprise"].get(reverse("services:request_detail", args=[req.pk])).content.decode()
    assert 'data-testid="btn-rate"' in page and 'data-testid="btn-accept"' not in page


def test_page_shows_the_coded_refusal_message(users, make_request, clients):
    req = make_request(users["enterprise"])
    resp = clients["commissioner"].post(reverse("services:request_step", args=[req.pk, "complete"]),
                                        {"result": "x"}, follow=True)
    assert "当前状态为“已提出”，不能执行“办结”；可执行的下一步：已受理、不予受理。" in resp.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_the_system_takes_a_step_without_a_user(users, make_request):
    req = make_request(users["enterprise"])
    perform(req, "accept", None, {"note": "导入"})
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and req.events.last().actor is None


def test_perform_writes_the_event_and_the_notices_the_effect_only_changes_the_request(users, make_request):
    """perform() is the one writer of a step's event and messages: the effect changes the request and returns an
    events.Step (issue 20, item 1)."""
    from ipdesk.core.models import Notification
    from ipdesk.services import events
    req = make_request(users["enterprise"])
    before_events, before_notes = req.events.count(), Notification.objects.filter(kind="service_accepted").count()
    step = workflow_for(ServiceRequest).transition("accept").effect(req, users["commissioner"], {"note": "收到"})
    assert isinstance(step, events.Step)
    assert (step.kind, step.from_status, step.to_status, step.note) == ("accepted", "submitted", "accepted", "收到")
    assert req.events.count() == before_events
    assert Notification.objects.filter(kind="service_accepted").count() == before_notes
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.ACCEPTED   # the effect changed the record
    req = make_request(users["enterprise"], title="申请专利导航")
    perform(req, "accept", users["commissioner"], {"note": "收到"})
    row = req.events.last()
    assert (row.kind, row.from_status, row.to_status, row.note, row.actor) == (
        "accepted", "submitted", "accepted", "收到", users["commissioner"])
    note = Notification.objects.get(recipient=users["enterprise"], kind="service_accepted")
    assert note.title == f"您的服务申请已受理：{req.title}" and note.dedupe_key == f"svc-{req.pk}-service_accepted"


def test_every_lifecycle_step_declares_its_event():
    from ipdesk.services import events
    wf = workflow_for(ServiceRequest)
    assert {t.name for t in wf.transitions.values() if t.effect is not None and t.event is events.record_step} == {
        "accept", "process", "complete", "reject", "rate"}
    assert {t.name for t in wf.transitions.values() if t.notices is not None} == {"accept", "complete", "reject"}
