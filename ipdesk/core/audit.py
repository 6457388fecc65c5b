"""The one audit mechanism: append hash-chained entries, and verify the chain.

Model saves reach it through core.signals; logins, exports, imports and state transitions call
`record()` directly. Bulk writers (imports) call `record_many()` so a large file costs one insert
per batch, not one per row.
"""
import datetime
import decimal
import uuid

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(instance):
    """The audited values of a model instance: concrete fields, foreign keys by id."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    secret = set(getattr(instance, "audit_secret", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(instance, f.attname)
        data[f.name] = "***" if f.name in secret and value else jsonable(value)
    return data


def object_type(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _entry(action, obj=None, before=None, after=None, *, object_type_name="", object_id="", object_repr="",
           user=None, ctx=None):
    ctx = ctx or context.current()
    user = user if user is not None else ctx.user
    if obj is not None:
        object_type_name = object_type_name or object_type(type(obj))
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry(
        timestamp=timezone.now(), user_id_value=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "", request_id=ctx.request_id or "", ip=ctx.ip or "",
        action=action, object_type=object_type_name, object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200], before=jsonable(before), after=jsonable(after),
    )


def _append(entries):
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = entry.compute_hash()
            prev = entry.hash
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return entries


def record(action, obj=None, before=None, after=None, **kwargs):
    """Append one entry. kwargs: object_type_name, object_id, object_repr, user."""
    return _append([_entry(action, obj, before, after, **kwargs)])[0]


def record_many(items):
    """Append many entries at once; items are dicts of record()'s arguments."""
    ctx = context.current()
    return _append([_entry(ctx=ctx, **item) for item in items])


def history(obj):
    """The audit entries of one record, newest first (a record page's 变更记录)."""
    return AuditEntry.objects.filter(object_type=object_type(type(obj)), object_id=str(obj.pk))


def verify(batch=5000):
    """Walk the chain in order; return (entries checked, list of problems)."""
    problems = []
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            checked += 1
            if entry.prev_hash != prev:
                problems.append(f"entry {entry.id}: previous-hash link broken (an entry before it was removed or altered)")
            if entry.compute_hash() != entry.hash:
                problems.append(f"entry {entry.id}: contents do not match its hash (altered in the database)")
            prev = entry.hash
            last_id = entry.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        problems.append("the chain ends before its recorded head (entries at the end were removed)")
    return checked, problems


DATA_ACTIONS = ("create", "update", "delete", "import", "action")


def data_generation():
    """A number that grows with every change of domain data made through the application: the id of
    the last audit entry that records one (every ORM save and delete, import and state transition
    writes one). Caches of derived figures are keyed on it, so any edit, in any process, retires them.
    Reading it is one step back along the primary key."""
    return AuditEntry.objects.filter(action__in=DATA_ACTIONS).order_by("-pk").values_list("pk", flat=True).first() or 0
