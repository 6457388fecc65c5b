"""{% workflow_actions object as steps %}: the transitions the current user may take on `object` now, each
with its unbound form and its action URL, for `core/_workflow_actions.html` (the one button/form include)."""
from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

from ipdesk.core.workflow import bind, workflow_for

register = template.Library()


@dataclass
class Step:
    name: str
    label: str
    url: str
    form: object
    template: str
    changes_state: bool = True
    target: str = ""


@register.simple_tag(takes_context=True)
def workflow_actions(context, obj, writable=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    wf = workflow_for(obj)
    if writable is None:
        writable = context.get("writable")
    steps = []
    for t in wf.available(obj, user, writable):
        try:
            url = reverse(wf.url_name, args=[obj.pk, t.name])
        except NoReverseMatch:      # one URL for every step, the step chosen in the form
            url = reverse(wf.url_name, args=[obj.pk])
        steps.append(Step(t.name, t.label, url, bind(obj, t, user) if t.form else None, t.template,
                          t.target is not None, t.target or ""))
    return steps
