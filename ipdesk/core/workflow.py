"""The one workflow layer (办理流程): every stateful record declares its states and transitions once, in
its app's `workflows.py`, and every state change goes through `perform()`.

A `Transition` says, in one place: the states it may start from (`source`), the state it leads to
(`target`), its label, the Django `form` that collects and validates its input, the `roles` allowed, a
`guard` (a pure rule: `guard(obj, data)` returns an error code or None — no database, no side effect),
its `effect` (an action function `effect(obj, user, data)` that changes the locked row), its `event` (the
typed event constructor of the app's `events.py`) and its `notices` (who is told, as `Notice`s).

`perform(obj, name, user, data)` is the one way to take a step:
  1. the role check (`roles`, then the workflow's `actor` rule — e.g. only the enterprise that asked may rate);
  2. inside one transaction, the row locked (`select_for_update`) and re-read *within the user's
     CHANGE scope* (`Model.objects.restrict(user, CHANGE)`), so a row out of scope is refused and two
     officers clicking at once are serialised;
  3. the source state and the guard checked on the locked row;
  4. the effect run, then the step's event written and its notices sent through `core.notify.notify`
     (`Workflow.checked` last): all commit or roll back with the step.
The effect only changes the record; perform() is the one writer of a step's event and its notices. An effect
whose event needs what only the effect knows (the day it settled on, the note it composed, the row it added)
returns that as its result (protection's and services' `events.Step`), which perform() hands to the event hook:
`event(obj, user, data, before, result)`.
`submit(obj, name, user, raw)` takes a step from raw input (a POST, an API body, an import row): role and state
first, then the transition's form (`InvalidInput` naming the fields), then perform().
A refusal raises `WorkflowError` (a ValidationError) or `WorkflowDenied` (a PermissionDenied), both with a
`code` from the app's `error_codes.py`, so the page shows the message and the API answers
{"code": …, "message": …}; existing `except ValidationError` / `except PermissionDenied` handlers keep working.

One action view (`TransitionView`), one template tag (`{% workflow_actions object as steps %}` with the
`core/_workflow_actions.html` include) and one DRF mixin (`workflow_action`) serve every workflow;
`ipdesk workflows [--json]` and the 办理流程 help page read the same declarations (`all_workflows()`).

Why a small module and not a library (checked against their documentation, docs.viewflow.io/fsm and the
django-fsm-2 README, November 2026):
- django-fsm-2 keeps the state in an `FSMField` with `@transition` methods on the model: every status
  column would become an FSMField (model changes and AlterField migrations in six apps), and its
  `protected=True` fields — the only way to stop writes that bypass the transitions — refuse the plain
  assignment our generic edit forms and the optimistic `version` check (`AuditedModel`) rely on, and need
  `FSMModelMixin` to reload. Its transitions also live on the model, where our domain rules do not.
- viewflow's `fsm` works over a plain field (State.setter/getter on a separate flow class), which fits,
  but it brings the whole viewflow package (its workflow engine, views and templates) for the part we use.
This module is about 400 lines with no new dependency, no model field change and no migration.
"""
import dataclasses
import enum
import html
import math
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .scoping import CHANGE


class WorkflowErrorCode(enum.StrEnum):
    """Refusals every workflow shares; an app's own codes live in its `error_codes.py`."""
    OUT_OF_SCOPE = "out_of_scope"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    INVALID_TRANSITION = "invalid_transition"
    UNKNOWN_TRANSITION = "unknown_transition"
    INVALID_INPUT = "invalid_input"


MESSAGES = {
    WorkflowErrorCode.OUT_OF_SCOPE: gettext_lazy("该记录不在您的办理范围内。"),
    WorkflowErrorCode.ROLE_NOT_ALLOWED: gettext_lazy("您的角色不能执行此操作。"),
    WorkflowErrorCode.INVALID_TRANSITION: gettext_lazy("当前状态为“%(state)s”，不能执行“%(step)s”；可执行的下一步：%(allowed)s。"),
    WorkflowErrorCode.UNKNOWN_TRANSITION: gettext_lazy("未知的操作“%(step)s”。"),
    WorkflowErrorCode.INVALID_INPUT: gettext_lazy("提交的内容有误。"),
}


class WorkflowError(ValidationError):
    """A step refused for what the record or the input is (HTTP 400). `code` is an error-code enum member."""

    def __init__(self, code, message, field=None):
        self.error_code = code
        if field:
            super().__init__({field: [ValidationError(str(message), code=str(code))]})
        else:
            super().__init__(str(message), code=str(code))


class WorkflowDenied(PermissionDenied):
    """A step refused for who the user is (HTTP 403)."""

    def __init__(self, code, message):
        super().__init__(str(message))
        self.code = self.error_code = code


def error_code(exc, default=WorkflowErrorCode.INVALID_INPUT):
    """The code of a refusal: the WorkflowError/Denied code, else the first coded ValidationError's code."""
    code = getattr(exc, "error_code", None)
    if code:
        return str(code)
    if isinstance(exc, ValidationError):
        errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
        for group in errors:
            for err in group:
                if getattr(err, "code", None):
                    return str(err.code)
    if isinstance(exc, PermissionDenied):
        return str(WorkflowErrorCode.ROLE_NOT_ALLOWED)
    return str(default)


def error_message(exc):
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or _("您无权执行此操作。")


# ---- declarations --------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Transition:
    name: str                      # the URL slug and API action name ("accept")
    source: tuple                  # states it may start from
    target: str | None             # the state it leads to; None for a step that keeps the state
    label: object                  # gettext_lazy
    effect: Callable | None = None  # effect(locked_obj, user, data) -> result; None: not a user step
    form: type | None = None       # django.forms.Form collecting `data`
    roles: tuple = ()              # roles allowed; () = anyone who may change the record
    guard: Callable | None = None  # guard(obj, data) -> error code or None (pure)
    clean: Callable | None = None  # clean(data) -> data, raising the app's coded errors (API input unchecked by a form)
    done: object = ""              # the success message (or done(obj) -> message, with the record after the step)
    template: str = ""             # optional markup for the button/form (else the generic one)
    offered: Callable | None = None  # offered(obj) -> bool: when a page shows a step (may read related rows)
    system: bool = False           # taken by the system (a job, an import, the edit form), not a button
    event: Callable | None = None  # event(obj, user, data, before, result) -> the typed event row (the app's
    #                                events.py); `result` is what the effect returned
    notices: Callable | None = None  # notices(obj, user, data) -> Notice(s) perform() sends through notify()

    def starts_from(self, state):
        return state in self.source


@dataclasses.dataclass(frozen=True)
class Notice:
    """One message a step sends (core.notify.notify): to `users`, linking to the record unless `link`."""
    users: object
    title: str
    kind: str
    key: str = ""
    body: str = ""
    link: str = ""


class StepForm(forms.Form):
    """The form of a step that needs the record or the user (choices filled per user, checks against the
    record): the action view, the API action and `submit()` pass both, and the step's name (`step`)."""

    def __init__(self, *args, obj=None, user=None, step="", **kwargs):
        self.obj, self.user, self.step = obj, user, step
        super().__init__(*args, **kwargs)


class Workflow:
    """The states and transitions of one model. Subclass to word the refusals as the app always has."""
    field = "status"
    error_prefix = gettext_lazy("提交未成功：")
    hide_refused = False    # True: the page answers 404 to a role that may not take the step (as a wrong URL)

    def __init__(self, model, states, transitions, *, label=None, note="", actor=None, url_name="", codes=None):
        self.model, self.states, self.note = model, states, note
        self.transitions = {t.name: t for t in transitions}
        self.label = label or model._meta.verbose_name
        self.actor = actor            # actor(obj, user, transition) -> error code or None
        self.url_name = url_name      # the action view's URL name (args: pk, name)
        self.codes = codes            # the app's error-code enum (for the docs and the command)

    @property
    def key(self):
        return self.model._meta.label_lower

    def transition(self, name):
        try:
            return self.transitions[name]
        except KeyError:
            raise WorkflowError(WorkflowErrorCode.UNKNOWN_TRANSITION,
                                MESSAGES[WorkflowErrorCode.UNKNOWN_TRANSITION] % {"step": name}) from None

    def state_of(self, obj):
        return getattr(obj, self.field)

    def state_label(self, state):
        return dict(self.states.choices).get(state, state)

    def next_from(self, state):
        """User transitions that may start from `state` (their names, in declaration order)."""
        return [t for t in self.transitions.values() if t.starts_from(state) and not t.system]

    # -- refusals (override to keep an app's wording) --
    def refusal_prefix(self, t):
        """What a refused step's message starts with on the page."""
        return str(self.error_prefix)

    def choose(self, obj, data):
        """The transition a single-URL form or API call names (override: e.g. by its target state)."""
        return data.get("step") or ""

    def error_body(self, obj):
        """Extra keys of an API refusal (e.g. the steps allowed now)."""
        return {}

    def checked(self, obj, user, t, data, result):
        """Called inside the step's transaction after the effect; raise to roll the step back."""

    def role_error(self, obj, t, user):
        return WorkflowDenied(WorkflowErrorCode.ROLE_NOT_ALLOWED, MESSAGES[WorkflowErrorCode.ROLE_NOT_ALLOWED])

    def scope_error(self, obj, t, user):
        return WorkflowDenied(WorkflowErrorCode.OUT_OF_SCOPE, MESSAGES[WorkflowErrorCode.OUT_OF_SCOPE])

    def state_error(self, obj, t):
        allowed = "、".join(str(x.label) for x in self.next_from(self.state_of(obj))) or _("无")
        return WorkflowError(WorkflowErrorCode.INVALID_TRANSITION, MESSAGES[WorkflowErrorCode.INVALID_TRANSITION]
                             % {"state": self.state_label(self.state_of(obj)), "step": t.label, "allowed": allowed})

    def guard_error(self, obj, t, code, data):
        """The message of a guard's code: the app's error_codes MESSAGES formatted with the record."""
        from importlib import import_module
        module = import_module(f"{self.model.__module__.rsplit('.', 1)[0]}.error_codes")
        return WorkflowError(code, module.message(code, obj=obj, data=data))

    # -- questions --
    def lock(self, obj, user):
        qs = self.model.objects.restrict(user, CHANGE) if user is not None else self.model.objects.all()
        return qs.select_for_update().filter(pk=obj.pk).first()

    def may_act(self, obj, t, user):
        if t.roles and not user.has_role(*t.roles):
            return False
        return self.actor is None or self.actor(obj, user, t) is None

    def available(self, obj, user, writable=None):
        """The transitions `user` may take on `obj` now (for the buttons): source, role, actor, guard."""
        if writable is None:
            writable = self.model.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()
        if not writable:
            return []
        return [t for t in self.next_from(self.state_of(obj))
                if t.effect is not None and self.may_act(obj, t, user) and (t.guard is None or t.guard(obj, {}) is None)
                and (t.offered is None or t.offered(obj))]


_REGISTRY = {}


def register(workflow):
    _REGISTRY[workflow.model] = workflow
    return workflow


def all_workflows():
    """Every declared workflow, importing each app's `workflows` module once."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule
    from importlib import import_module
    for config in apps.get_app_configs():
        if config.name.startswith("ipdesk.") and module_has_submodule(config.module, "workflows"):
            import_module(f"{config.name}.workflows")
    return sorted(_REGISTRY.values(), key=lambda w: w.key)


def workflow_for(model_or_obj):
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    if model not in _REGISTRY:
        all_workflows()
    return _REGISTRY[model]


# ---- the one way to take a step ----------------------------------------------------------------
def perform(obj, name, user, data=None):
    """Take transition `name` on `obj` as `user` with `data` (the form's cleaned data); see the module doc."""
    wf = workflow_for(obj)
    t = wf.transition(name)
    data = dict(data or {})
    if t.clean is not None:
        data = t.clean(data)
    if t.effect is None:
        raise wf.state_error(obj, t)
    if user is not None:    # None: the system itself (demo data, scheduled jobs) — no role, no scope
        if t.roles and not user.has_role(*t.roles):
            raise wf.role_error(obj, t, user)
        if wf.actor is not None and wf.actor(obj, user, t) is not None:
            raise wf.role_error(obj, t, user)
    with transaction.atomic():
        locked = wf.lock(obj, user)
        if locked is None:
            raise wf.scope_error(obj, t, user)
        if not t.starts_from(wf.state_of(locked)):
            raise wf.state_error(locked, t)
        code = t.guard(locked, data) if t.guard else None
        if code:
            raise wf.guard_error(locked, t, code, data)
        before = wf.state_of(locked)
        result = t.effect(locked, user, data)
        if t.event is not None:
            t.event(locked, user, data, before, result)
        _send(locked, t.notices(locked, user, data) if t.notices is not None else None)
        wf.checked(locked, user, t, data, result)
        return result


def _send(obj, notices):
    from .notify import notify
    if isinstance(notices, Notice):
        notices = [notices]
    for n in notices or ():
        notify(n.users, n.title, n.link or obj.get_absolute_url(), n.kind, body=n.body, key=n.key)


class InvalidInput(WorkflowError):
    """A step's form refused its input (HTTP 400): the bound `form` carries the errors by field; the code is
    the first app error code a field raised, else INVALID_INPUT."""

    def __init__(self, form):
        self.form = form
        errors = form.errors.as_data()
        ValidationError.__init__(self, errors)
        self.error_code = next((e.code for errs in errors.values() for e in errs if isinstance(e.code, enum.Enum)),
                               WorkflowErrorCode.INVALID_INPUT)


def bind(obj, t, user, data=None, files=None):
    """The transition's form bound to `data` (None: the blank form a page shows), with the record and the user
    when it is a StepForm."""
    extra = {"obj": obj, "user": user, "step": t.name} if issubclass(t.form, StepForm) else {}
    return t.form(data, files, **extra)


def submit(obj, name, user, data, files=None):
    """Take a step from raw input (a page's POST, an API body, an import row): who may act and whether the step
    may follow now are checked first, then the transition's form validates `data` (InvalidInput with the errors
    by field), then perform() (which checks both again on the locked row)."""
    wf = workflow_for(obj)
    t = wf.transition(name)
    if user is not None and t.effect is not None and not wf.may_act(obj, t, user):
        raise wf.role_error(obj, t, user)
    if t.effect is None or not t.starts_from(wf.state_of(obj)):
        raise wf.state_error(obj, t)
    cleaned = dict(data or {})
    if t.form is not None:
        form = bind(obj, t, user, data, files)
        if not form.is_valid():
            raise InvalidInput(form)
        cleaned = form.cleaned_data
    return perform(obj, name, user, cleaned)


def form_problems(form):
    """A bound form's errors as one line, each after its field's label."""
    return "；".join(f"{form.fields[f].label}：{'；'.join(e)}" if f in form.fields else "；".join(e)
                    for f, e in form.errors.items())


# ---- one action view, one template tag, one API action ------------------------------------------------
class TransitionView(LoginRequiredMixin, View):
    """POST /…/<pk>/<name>/ (or /…/<pk>/… naming the step in the form, Workflow.choose): validate the
    transition's form, perform it, back to the record with a message. `model` is set in the URLconf:
    `TransitionView.as_view(model=ServiceRequest)`."""
    model = None

    def post(self, request, pk, name=None):
        obj = get_object_or_404(self.model.objects.restrict(request.user, CHANGE), pk=pk)
        wf = workflow_for(self.model)
        back = _next_url(request) or obj.get_absolute_url()
        try:
            name = name or wf.choose(obj, request.POST)
        except ValidationError as exc:
            messages.error(request, str(wf.error_prefix) + error_message(exc))
            return redirect(back)
        t = wf.transitions.get(name)
        if t is None or t.effect is None:
            raise Http404
        if wf.hide_refused and not wf.may_act(obj, t, request.user):
            raise Http404
        try:
            submit(obj, name, request.user, request.POST, request.FILES)
        except InvalidInput as exc:
            messages.error(request, wf.refusal_prefix(t) + form_problems(exc.form))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, wf.refusal_prefix(t) + error_message(exc))
        else:
            if t.done:
                done = t.done(self.model.objects.get(pk=obj.pk)) if callable(t.done) else t.done
                messages.success(request, str(done))
        return redirect(back)


def _next_url(request):
    """The page a step's form came from (`next`), when it is on this site."""
    from django.utils.http import url_has_allowed_host_and_scheme
    nxt = request.POST.get("next")
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}) else ""


def workflow_action(workflow_getter, *names, url_path=None, choose=None, **action_kwargs):
    """A DRF @action taking the steps `names` of a model's workflow (`workflow_getter()`, None: the workflow of the
    viewset's model) at /<pk>/<name>/ (existing URLs kept),
    or, with `url_path`, at /<pk>/<url_path>/ with the step named in the body (`choose(wf, obj, data)`, by
    default Workflow.choose). The body is validated by the step's form; refusals answer {"code", "message"}
    beside DRF's usual error shape: 400 for the record or the input, 403 for a role, 404 out of scope."""
    from rest_framework.decorators import action
    from rest_framework.exceptions import NotFound
    from rest_framework.response import Response

    path = url_path or rf"(?P<step>{'|'.join(names)})"
    attr = (url_path or (names[0] if len(names) == 1 else "step")).replace("-", "_")  # the viewset attribute

    def step(self, request, pk=None, step=None):
        wf = workflow_getter() if workflow_getter else workflow_for(self.queryset.model)
        obj = wf.model.objects.restrict(request.user, CHANGE).filter(pk=pk).first()
        if obj is None:
            raise NotFound()
        if hasattr(request.data, "getlist"):      # a form-encoded body: lists as lists
            data = request.data
        else:
            data = dict(request.data) if hasattr(request.data, "items") else {}
        try:
            if step is None:
                step = (choose or (lambda wf, obj, data: wf.choose(obj, data)))(wf, obj, data)
            result = submit(obj, step, request.user, data)
        except PermissionDenied as exc:
            return Response({"detail": error_message(exc), "code": error_code(exc), "message": error_message(exc)},
                            status=403)
        except ValidationError as exc:
            body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            message = error_message(exc)
            return Response({**body, "detail": message, "code": error_code(exc), "message": message,
                             **wf.error_body(obj)}, status=400)
        if not isinstance(result, wf.model):
            result = wf.model.objects.get(pk=obj.pk)
        return Response(self.get_serializer(result).data)

    step.__name__ = attr    # DRF maps the POST to the viewset attribute of this name
    return action(detail=True, methods=["post"], url_path=path, url_name=attr.replace("_", "-"), **action_kwargs)(step)


# ---- pictures of the workflows (办理流程 help page) ------------------------------------------------
def graph(wf):
    """The nodes and edges of a workflow, with labels as text (for the command and the SVG)."""
    states = [{"value": v, "label": str(lbl)} for v, lbl in wf.states.choices]
    edges = []
    for t in wf.transitions.values():
        if t.target is None:    # a step that keeps the state: listed beside the picture, not drawn
            continue
        for s in t.source:
            edges.append({"name": t.name, "source": str(s), "target": str(t.target),
                          "label": str(t.label), "roles": [str(r) for r in t.roles], "system": t.system})
    return states, edges


def describe(wf):
    """A JSON-ready description of one workflow (for `ipdesk workflows --json`)."""
    from .scoping import Role
    role_labels = dict(Role.choices)
    return {
        "model": wf.key, "label": str(wf.label), "field": wf.field,
        "states": [{"value": v, "label": str(lbl)} for v, lbl in wf.states.choices],
        "transitions": [{"name": t.name, "label": str(t.label), "source": [str(s) for s in t.source],
                         "target": None if t.target is None else str(t.target),
                         "roles": [str(r) for r in t.roles], "role_labels": [str(role_labels.get(r, r)) for r in t.roles],
                         "guard": getattr(t.guard, "__name__", None), "form": getattr(t.form, "__name__", None),
                         "system": t.system} for t in wf.transitions.values()],
        "note": str(wf.note),
    }


def svg(wf, width=720):
    """The workflow as an inline SVG drawn on the server: states on a circle, one arrow per source→target,
    every text escaped. No script, so it is safe under the site's Content-Security-Policy."""
    states, edges = graph(wf)
    n = max(len(states), 1)
    height = 340 if n > 3 else 220
    cx, cy, r = width / 2, height / 2, min(width, height) / 2 - 50
    pos = {}
    for i, s in enumerate(states):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        pos[s["value"]] = (cx + r * 1.6 * math.cos(angle), cy + r * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'class="workflow-graph" aria-label="{html.escape(str(wf.label))}">',
             '<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6c757d"/></marker></defs>']
    pair_count = {}
    for e in edges:
        if e["source"] not in pos or e["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        key = (e["source"], e["target"])
        k = pair_count[key] = pair_count.get(key, 0) + 1
        if key[0] == key[1]:  # a step that keeps the state: a loop above the node
            parts.append(f'<path d="M{x1 - 12:.0f},{y1 - 16:.0f} C{x1 - 40:.0f},{y1 - 60:.0f} {x1 + 40:.0f},'
                         f'{y1 - 60:.0f} {x1 + 12:.0f},{y1 - 16:.0f}" fill="none" stroke="#adb5bd" '
                         f'marker-end="url(#wf-arrow)"/>')
            parts.append(f'<text x="{x1:.0f}" y="{y1 - 50 - 12 * (k - 1):.0f}" font-size="11" text-anchor="middle" '
                         f'fill="#6c757d">{html.escape(e["label"])}</text>')
            continue
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        ux, uy = dx / dist, dy / dist
        sx, sy, ex, ey = x1 + ux * 48, y1 + uy * 18, x2 - ux * 48, y2 - uy * 18
        bend = 18 * k
        mx, my = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
        colour = "#adb5bd" if e["system"] else "#0d6efd"
        parts.append(f'<path d="M{sx:.0f},{sy:.0f} Q{mx:.0f},{my:.0f} {ex:.0f},{ey:.0f}" fill="none" '
                     f'stroke="{colour}" marker-end="url(#wf-arrow)"/>')
        parts.append(f'<text x="{mx:.0f}" y="{my:.0f}" font-size="11" text-anchor="middle" fill="#495057">'
                     f'{html.escape(e["label"])}</text>')
    for s in states:
        x, y = pos[s["value"]]
        parts.append(f'<rect x="{x - 46:.0f}" y="{y - 16:.0f}" width="92" height="32" rx="8" fill="#f8f9fa" '
                     f'stroke="#495057"/><text x="{x:.0f}" y="{y + 5:.0f}" font-size="13" text-anchor="middle">'
                     f'{html.escape(s["label"])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above went through html.escape
