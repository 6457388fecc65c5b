"""A generic record builder for the attack tests: one row of ANY scoped model, placed on a chosen
"side" (a district, an enterprise, a commissioner and a lawyer), built from the model's own field
declarations and Scope paths — so the data-scope matrix covers each model as soon as it lands."""
import datetime
import decimal
import itertools

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ipdesk.core.models import AuditedModel

_seq = itertools.count(1)


class Side:
    """Where a record lives: its region, enterprise, and the commissioner/lawyer users it belongs to."""

    def __init__(self, region, enterprise, commissioner, lawyer, fallback_user):
        self.region, self.enterprise = region, enterprise
        self.commissioner, self.lawyer, self.fallback_user = commissioner, lawyer, fallback_user


def scoped_models():
    from django.apps import apps
    out = []
    for model in apps.get_models():
        if not issubclass(model, AuditedModel) or model._meta.abstract or model._meta.proxy:
            continue
        if model._meta.label_lower == "accounts.user":
            continue  # accounts have their own rules (tests/accounts), not a Scope side
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def _first(path):
    return (path or "").split("__")[0]


def _identifier(name, n):
    """Valid identifiers where a model's save() normalises them (ZC 0006-2003, GB 32100-2015)."""
    from ipdesk.registry.rules import _app_check, uscc_check_char
    if name in ("application_no", "patent_no", "pct_application_no"):
        digits = f"20221{n:07d}"
        return f"{digits}.{_app_check(digits)}"
    if name == "uscc":
        body = f"91370400MC{n:07d}"
        return body + uscc_check_char(body)
    return None


def _value(f, n):
    special = _identifier(f.name, n)
    if special is not None:
        return special
    if f.choices:
        flat = [c[0] for c in f.flatchoices]
        return flat[n % len(flat)] if f.unique else flat[0]
    if isinstance(f, models.BinaryField):
        return b"x"
    if isinstance(f, models.FileField):
        return f"{f.name}{n}.txt"
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, (models.CharField, models.TextField)):
        text = f"{f.name}{n}"
        return text[-f.max_length:] if f.max_length else text
    if isinstance(f, models.IntegerField):
        name = f.name.lower()
        if "year" in name:
            return 1990 + n % 60  # varied: (year, kind) pairs are often unique
        if "month" in name:
            return 1 + n % 12
        return 1 + n % 50
    if isinstance(f, models.DecimalField):
        return decimal.Decimal("1.00")
    if isinstance(f, models.FloatField):
        return 1.0
    if isinstance(f, models.DateTimeField):
        return datetime.datetime(2022, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(hours=n)
    if isinstance(f, models.DateField):
        return datetime.date(2022, 1, 1) + datetime.timedelta(days=n % 300)
    if isinstance(f, models.DurationField):
        return datetime.timedelta(days=1)
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.UUIDField):
        import uuid
        return uuid.uuid4()
    return None


def build(model, side, _depth=0):
    """Create one saved row of `model` on `side`; related rows are built on the same side."""
    from ipdesk.accounts.models import User
    from ipdesk.regions.models import Region
    from ipdesk.registry.models import Enterprise
    if _depth > 6:
        raise RecursionError(f"relation chain too deep at {model._meta.label}")
    scope = getattr(model, "scope", None)
    on_path = {_first(p) for p in (scope.region, scope.enterprise, scope.commissioner, scope.lawyer) if p} \
        if scope else set()
    n = next(_seq)
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in ("created_at", "updated_at", "version") or getattr(f, "auto_now", False) \
                or getattr(f, "auto_now_add", False):
            continue
        if f.is_relation:
            rel = f.related_model
            needed = f.name in on_path or not f.null
            if rel is Region:
                values[f.name] = side.region if needed or True else None
            elif rel is Enterprise:
                values[f.name] = side.enterprise if needed else None
            elif rel is User:
                if scope and f.name == _first(scope.lawyer):
                    values[f.name] = side.lawyer
                elif scope and f.name == _first(scope.commissioner):
                    values[f.name] = side.commissioner
                elif not f.null:
                    values[f.name] = side.fallback_user
            elif rel is ContentType:
                values[f.name] = ContentType.objects.get_for_model(Region)
            elif needed:
                values[f.name] = build(rel, side, _depth + 1)
            continue
        if f.has_default() or (f.null and not f.unique) or (f.blank and isinstance(f, (models.CharField,
                                                                                           models.TextField))):
            continue
        values[f.name] = _value(f, n)
    obj = model(**values)
    with transaction.atomic():
        obj.save()
    # scope paths that start with a reverse relation (a batch seen through its applications): add a child
    for path in (scope.region, scope.enterprise) if scope else ():
        if not path:
            continue
        try:
            f = model._meta.get_field(_first(path))
        except Exception:
            continue
        if f.one_to_many and not f.concrete:
            child = f.related_model
            build_child(child, f.field.name, obj, side, _depth + 1)
    return obj


def build_child(model, fk_name, parent, side, depth):
    from ipdesk.regions.models import Region
    from ipdesk.registry.models import Enterprise
    n = next(_seq)
    values = {fk_name: parent}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in values or f.name in ("created_at", "updated_at", "version"):
            continue
        if f.is_relation:
            if f.related_model is Region:
                values[f.name] = side.region
            elif f.related_model is Enterprise:
                values[f.name] = side.enterprise
            elif not f.null:
                values[f.name] = build(f.related_model, side, depth + 1)
            continue
        if f.has_default() or f.null or (f.blank and isinstance(f, (models.CharField, models.TextField))):
            continue
        values[f.name] = _value(f, n)
    obj = model(**values)
    with transaction.atomic():
        obj.save()
    return obj
