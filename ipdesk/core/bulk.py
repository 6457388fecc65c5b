"""Batch actions of a list (批量操作): the rows a user ticks, one step applied to each, each record checked.

Every list page (core.views.ObjectListView) offers 导出所选 (the list's XLSX of the ticked rows) and, for a
model that can be voided (core.models.VoidableModel), 批量作废 with one reason. An app adds the batch form
of a step it already has per record with one line, next to its table (NetBox's bulk views,
netbox/netbox/views/generic/bulk_views.py, registered per model):

    bulk.register_transitions(ServiceRequest, "accept")      # a step of its core.workflow declaration
    bulk.register(Model, bulk.BulkAction("approve", _("批量审核通过"), run, roles=OFFICERS, confirm=…))

A step with a form (a note, a person to assign) asks for it once, on a page listing the ticked records, and
applies the same input to each.

A step runs once per record, in its own transaction, on the records of the user's CHANGE scope; a record
out of scope, or one the step refuses (its state, the role), is named in the answer and left as it was.
"""
from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .scoping import CHANGE, _role, can

_registry = {}


@dataclass(frozen=True)
class BulkAction:
    name: str                              # the form's `_action` value
    label: str                             # the button, in the source language (zh-hans)
    run: Callable                          # run(record, user, data): the existing per-record step
    roles: frozenset | None = None         # roles that may; None: any role that may change the model
    confirm: str = ""                      # asked before the step (data-confirm) when it has no form
    icon: str = "bi-check2-square"
    form: type | None = None               # a django Form asked once for the batch (its cleaned data: `data`)
    select_related: tuple = field(default=())

    def allowed(self, user, model):
        if self.roles is not None and _role(user) not in self.roles:
            return False
        return can(user, model, CHANGE)


def register(model, *actions):
    """Offer `actions` on every list of `model`."""
    known = _registry.setdefault(model, [])
    for action in actions:
        if any(a.name == action.name for a in known):
            raise ValueError(f"batch action {action.name!r} registered twice for {model.__name__}")
        known.append(action)


def register_transitions(model, *names, icon="bi-check2-square"):
    """Offer the workflow steps `names` of `model` (core.workflow) as batch actions: label, roles and form
    come from the declaration, and each record goes through `workflow.perform` (its scope, state and guard).
    A name the workflow does not declare (yet) is not offered. Returns how many were registered."""
    from .workflow import workflow_for
    try:
        wf = workflow_for(model)
    except KeyError:
        return 0
    count = 0
    for name in names:
        t = wf.transitions.get(name)
        if t is None or t.effect is None or t.system:
            continue
        register(model, BulkAction(
            name=f"wf-{name}", label=t.label, run=_performer(name), icon=icon, form=t.form,
            roles=frozenset(t.roles) if t.roles else None,
            confirm=_lazy_confirm(t.label)))
        count += 1
    return count


def _performer(name):
    def run(obj, user, data):
        from .workflow import perform
        return perform(obj, name, user, data)
    return run


def _lazy_confirm(label):
    from django.utils.functional import lazy
    return lazy(lambda: _("确定对所选记录执行“%(step)s”？") % {"step": label}, str)()


def actions_for(user, model):
    return [a for a in _registry.get(model, ()) if a.allowed(user, model)]


def find(user, model, name):
    return next((a for a in actions_for(user, model) if a.name == name), None)


def message_of(exc):
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or _("无权执行该操作")


def run(action, user, model, pks, data=None):
    """(done, refused): the records the step was applied to, and "record：why" for each it was not."""
    done, refused = [], []
    qs = model._default_manager.restrict(user, CHANGE).filter(pk__in=pks)
    if action.select_related:
        qs = qs.select_related(*action.select_related)
    reachable = {o.pk: o for o in qs}
    for pk in pks:
        obj = reachable.get(pk)
        if obj is None:
            refused.append(_("编号 %(pk)s：不存在、已作废或不在您的数据权限范围内") % {"pk": pk})
            continue
        try:
            with transaction.atomic():
                action.run(obj, user, dict(data or {}))
        except (ValidationError, PermissionDenied, ValueError) as exc:
            refused.append(f"{obj}：{message_of(exc)}")
        else:
            done.append(obj)
    return done, refused
