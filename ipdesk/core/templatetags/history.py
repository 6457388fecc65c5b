"""The change history (变更记录) of a record, as a person reads it.

The audit log stores what the database held: attribute names, foreign keys as ids, choice codes and
UTC timestamps in ISO form (core.audit.snapshot). A record page shows instead the field's label, the
linked record's name when the viewer may see that record (its id masked otherwise), the choice's
label, 是/否, and local time (settings.TIME_ZONE), e.g. `承办人：— → 张三` rather than `handler: — → 1`.

An enterprise user sees only the entries made while the record concerned its own enterprise: a patent
transferred to it from another holder shows the entries from the transfer on, not the earlier owner's.
"""
import datetime

from django import template
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from ipdesk.core.scoping import Role

register = template.Library()

EMPTY = "—"
MASKED = "***"   # the same mark the audit log writes for personal data (core.signals.REDACTED)


def model_of(object_type):
    """The model class of an audit entry's object_type ("app_label.model_name"), or None."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type):
    """The name people use for an audit entry's object type: the model's verbose name."""
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def local_time(value):
    """An aware datetime (or its ISO text) in the local time zone, as 2026-01-05 14:30."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime.datetime):
        return None
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


class _Resolver:
    """Turns stored values into text for one viewer, reading each linked model once per id."""

    def __init__(self, user):
        self.user = user
        self._seen = {}

    def related(self, model, pk):
        key = (model, str(pk))
        if key not in self._seen:
            manager = model._default_manager
            qs = manager.restrict(self.user) if hasattr(manager, "restrict") else manager.all()
            try:
                target = qs.filter(pk=pk).first()
            except (ValueError, TypeError):
                target = None
            self._seen[key] = str(target) if target is not None else MASKED
        return self._seen[key]

    def value(self, field, value):
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        if value == MASKED:
            return MASKED
        if field is None:
            return str(value)
        if field.is_relation and (field.many_to_one or field.one_to_one):
            return self.related(field.related_model, value)
        if field.choices:
            labels = {str(k): v for k, v in field.flatchoices}
            return str(labels.get(str(value), value))
        if isinstance(field, models.BooleanField) or isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(field, models.DateTimeField):
            return local_time(value) or str(value)
        if isinstance(field, models.DateField):
            day = parse_date(str(value)) if not isinstance(value, datetime.date) else value
            return day.isoformat() if day else str(value)
        if isinstance(value, (list, tuple)):
            return "、".join(self.value(None, v) for v in value)
        if isinstance(value, dict):
            return "；".join(f"{k}：{self.value(None, v)}" for k, v in value.items())
        if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T" and parse_datetime(value):
            return local_time(value)
        return formats.localize(value) if isinstance(value, (int, float)) else str(value)


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name):
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def _enterprise_field(model):
    """The foreign key that places a record with an enterprise (its Scope's enterprise path), when it is
    a direct one; None for the enterprise itself and for paths through other records."""
    path = getattr(getattr(model, "scope", None), "enterprise", None)
    if not path or "__" in path or path == "pk":
        return None
    field = _field(model, path)
    return field if field is not None and field.many_to_one else None


def _concerning(entries, obj, enterprise_id):
    """The entries made while `obj` belonged to the enterprise: walking back from today's holder,
    an entry concerns it when the holder before or after the entry was that enterprise."""
    field = _enterprise_field(type(obj))
    if field is None:
        return entries
    holder = getattr(obj, field.attname)
    kept = []
    for entry in entries:  # newest first
        after, before = entry.after or {}, entry.before or {}
        if field.name in after:
            holder_after = after[field.name]
            holder_before = before.get(field.name, holder_after) if entry.before is not None else holder_after
        elif entry.after is None and field.name in before:  # a deletion
            holder_after = holder_before = before[field.name]
        else:
            holder_after = holder_before = holder
        if enterprise_id in (holder_before, holder_after):
            kept.append(entry)
        holder = holder_before
    return kept


def readable_entries(entries, obj, user):
    """Dicts for the history panel: entry, action, who, when (local), changes [(label, before, after)]."""
    entries = list(entries)
    if getattr(user, "role", None) == Role.ENTERPRISE and not getattr(user, "is_superuser", False):
        entries = _concerning(entries, obj, getattr(user, "enterprise_id", None))
    model = type(obj)
    resolve = _Resolver(user)
    user_ids = {e.user_id_value for e in entries if e.user_id_value}
    people = {u.pk: str(u) for u in get_user_model()._base_manager.filter(pk__in=user_ids)}
    rows = []
    for entry in entries:
        changes = []
        if entry.action == "update":
            before = entry.before or {}
            for name, after in (entry.after or {}).items():
                field = _field(model, name)
                changes.append((_label(field, name), resolve.value(field, before.get(name)),
                                resolve.value(field, after)))
        rows.append({
            "entry": entry,
            "action": entry.get_action_display(),
            "who": people.get(entry.user_id_value) or entry.username or _("系统"),
            "when": local_time(entry.timestamp),
            "changes": changes,
        })
    return rows


@register.simple_tag(takes_context=True)
def readable_history(context, entries, obj):
    """`{% readable_history history object as rows %}`: the entries of `obj` for the current viewer."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return readable_entries(entries, obj, user)
