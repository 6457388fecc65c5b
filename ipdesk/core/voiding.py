"""Void (作废) and restore (撤销作废) a hand-entered record: the one way, for pages, batch actions and the API.

A void is soft and audited: the record keeps its data, gets `voided_at/voided_by/void_reason`, drops out of
the default manager (core.models.VoidableModel) and one audit entry (AuditAction.VOID) names who, when and
why. Who may: a role in the model's `void_roles` (officers), on a record within `restrict(user, CHANGE)`,
in a state whose `void_refusal()` says nothing against it. A batch checks every record and refuses, by
name, those it may not touch, leaving the others done (issue 19 item 4).
"""
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import AuditAction, VoidableModel
from .scoping import CHANGE, _role, can

REASON_MAX = 500


def is_voidable(model):
    return isinstance(model, type) and issubclass(model, VoidableModel)


def may_void(user, model):
    """Whether the user's role may void records of `model` at all (the button, the batch action)."""
    return is_voidable(model) and _role(user) in model.void_roles and can(user, model, CHANGE)


class VoidRefused(Exception):
    pass


def _fields(obj):
    return {"voided_at": obj.voided_at.isoformat() if obj.voided_at else None,
            "voided_by": obj.voided_by_id, "void_reason": obj.void_reason}


def void(obj, user, reason):
    """Void one record the caller has already found in its CHANGE scope; raises VoidRefused with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise VoidRefused(_("请填写作废原因。"))
    if len(reason) > REASON_MAX:
        raise VoidRefused(_("作废原因不能超过 %(n)s 个字。") % {"n": REASON_MAX})
    model = type(obj)
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=obj.pk)
        if current.voided_at is not None:
            raise VoidRefused(_("%(obj)s 已作废。") % {"obj": current})
        refusal = current.void_refusal()
        if refusal:
            raise VoidRefused(f"{current}：{refusal}")
        before = _fields(current)
        now = timezone.now()
        # an UPDATE without the save signal: the void is recorded once, as a void, not also as an edit
        model._base_manager.filter(pk=obj.pk).update(voided_at=now, voided_by=user, void_reason=reason,
                                                     version=F("version") + 1, updated_at=now)
        current.refresh_from_db()
        audit.record(AuditAction.VOID, current, before, _fields(current))
        current.voided_or_restored()
    obj.voided_at, obj.voided_by_id, obj.void_reason, obj.version = (current.voided_at, current.voided_by_id,
                                                                     current.void_reason, current.version)
    return current


def restore(obj, user):
    """Undo a void (撤销作废): the record is back in the lists; audited as RESTORE with the old reason."""
    model = type(obj)
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=obj.pk)
        if current.voided_at is None:
            raise VoidRefused(_("%(obj)s 未作废，无需撤销。") % {"obj": current})
        before = _fields(current)
        model._base_manager.filter(pk=obj.pk).update(voided_at=None, voided_by=None, void_reason="",
                                                     version=F("version") + 1, updated_at=timezone.now())
        current.refresh_from_db()
        audit.record(AuditAction.RESTORE, current, before, _fields(current))
        current.voided_or_restored()
    return current


def void_many(model, user, pks, reason):
    """Void the records `pks` of `model`: (done, refused) where refused is a list of "record：why" lines.
    A pk out of the user's CHANGE scope (or not there at all) is refused by its number, never voided."""
    done, refused = [], []
    if not may_void(user, model):
        return done, [_("您的角色不能作废%(model)s。") % {"model": model._meta.verbose_name}]
    reachable = {o.pk: o for o in model.all_objects.restrict(user, CHANGE).filter(pk__in=pks)}
    for pk in pks:
        obj = reachable.get(pk)
        if obj is None:
            refused.append(_("编号 %(pk)s：不存在或不在您的数据权限范围内") % {"pk": pk})
            continue
        try:
            done.append(void(obj, user, reason))
        except VoidRefused as exc:
            refused.append(str(exc))
    return done, refused
