"""The one workflow layer (core.workflow): every stateful model declares its workflow, the command lists them,
the 办理流程 page draws them with every label escaped."""
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from ipdesk.core.workflow import Transition, Workflow, all_workflows, graph, svg, workflow_for


def _stateful_models():
    return [m for m in apps.get_models() if m.__module__.startswith("ipdesk.")
            and any(f.name == "status" for f in m._meta.get_fields())]


def test_every_model_with_a_status_declares_its_workflow():
    declared = {w.model for w in all_workflows()}
    stateful = _stateful_models()
    assert stateful, "no model with a status field found"
    missing = [m._meta.label for m in stateful if m not in declared]
    assert not missing, f"models with a status field but no workflow: {missing}"
    for model in stateful:
        wf = workflow_for(model)
        states = set(model._meta.get_field("status").choices and dict(model._meta.get_field("status").choices))
        assert {v for v, _l in wf.states.choices} == states, model._meta.label   # the field's own choices
        for t in wf.transitions.values():
            assert set(t.source) <= states and (t.target is None or t.target in states), (model._meta.label, t.name)
            assert t.system or t.effect is not None, (model._meta.label, t.name)


def test_command_lists_every_stateful_model_as_json():
    out = StringIO()
    call_command("workflows", "--json", stdout=out)
    listed = {w["model"]: w for w in json.loads(out.getvalue())}
    assert {m._meta.label_lower for m in _stateful_models()} <= set(listed)
    accept = next(t for t in listed["services.servicerequest"]["transitions"] if t["name"] == "accept")
    assert accept["source"] == ["submitted"] and accept["target"] == "accepted" and accept["label"] == "受理"
    assert "commissioner" in accept["roles"]
    text = StringIO()
    call_command("workflows", stdout=text)
    assert "services.servicerequest" in text.getvalue() and "受理" in text.getvalue()


def test_svg_escapes_every_label():
    from django.db import models

    class Odd(models.TextChoices):
        A = "a", "<script>alert(1)</script>"
        B = "b", "B & co"

    model = workflow_for(apps.get_model("services", "ServiceRequest")).model
    wf = Workflow(model, Odd, [Transition("go", ("a",), "b", '"><img src=x onerror=alert(1)>', effect=lambda *a: None)],
                  label="<b>x</b>")
    drawn = str(svg(wf))
    assert "<script>" not in drawn and "<img" not in drawn and "<b>" not in drawn
    assert "&lt;script&gt;" in drawn and "B &amp; co" in drawn
    states, edges = graph(wf)
    assert edges == [{"name": "go", "source": "a", "target": "b", "label": '"><img src=x onerror=alert(1)>',
                      "roles": [], "system": False}]


@pytest.mark.django_db
def test_workflow_help_page_draws_the_workflows_of_the_users_modules(clients):
    url = reverse("core:help_workflows")
    page = clients["city"].get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="workflow-services.servicerequest"' in html and "<svg" in html
    enterprise_page = clients["enterprise"].get(url).content.decode()
    assert 'data-testid="workflow-compliance.abnormalapplication"' not in enterprise_page
    assert clients["city"].get(reverse("core:help", args=["services"])).content.decode().count(url) == 1
