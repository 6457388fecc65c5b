"""Table cells at the cost of the value they show.

django-tables2 renders a date cell by compiling a small template for every cell (its DateColumn and
DateTimeColumn are TemplateColumns built on `{{ value|date:… }}`), and asks `inspect.signature`
which keyword arguments a cell's render method takes, again for every cell. On a 25-row list those
two made up more than half the time of the page. Here:

- `DateColumn` and `DateTimeColumn` format with `django.utils.formats.date_format`, which is what
  the `date` filter does, without a template; they are registered with django-tables2's column
  library, so every model date field of every table uses them.
- The signature of a render method depends only on the function, not on the row: it is computed
  once per function (`remember_signatures`, called when the app is ready).

Both are installed by `CoreConfig.ready()`.
"""
import datetime

import django_tables2 as tables
from django.db import models
from django.utils import formats, timezone
from django_tables2 import utils as tables_utils
from django_tables2.columns import library


class DateColumn(tables.Column):
    """A date, in the short date format of the active language (ISO in exports)."""

    def __init__(self, format=None, short=True, **kwargs):
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
        super().__init__(**kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)

    def render(self, value):
        return formats.date_format(value, self.format)

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class DateTimeColumn(DateColumn):
    """A moment, shown in the local time zone (ISO with a space in exports)."""

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(format=format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"), **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)

    def render(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, self.format)

    def value(self, value):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value


class AmountColumn(tables.Column):
    """An amount (元, 万元) with thousands separators, 1,234,567.89, right-aligned (issue 19 item 4); the
    export keeps the number."""
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", self.attrs)
        super().__init__(**kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DecimalField) or (
                isinstance(field, (models.IntegerField, models.FloatField)) and "yuan" in field.name):
            return cls(**kwargs)

    def render(self, value):
        return f"{value:,}"

    def value(self, value):
        return value


SIGNATURES_KEPT = 4096


def remember_signatures():
    """Make django-tables2 read each render method's signature once, not once per cell."""
    compute = tables_utils.signature
    if getattr(compute, "remembers", False):
        return
    known = {}

    def signature(fn):
        func = getattr(fn, "__func__", None)
        key = (func, True) if func is not None else (fn, False)
        try:
            return known[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable: nothing to remember it by
            return compute(fn)
        result = compute(fn)
        if len(known) < SIGNATURES_KEPT:   # functions made at run time must not grow it without end
            known[key] = result
        return result

    signature.remembers = True
    tables_utils.signature = signature


def install():
    library.register(DateColumn)
    library.register(DateTimeColumn)   # after DateColumn: the library tries the last registered first
    library.register(AmountColumn)
    remember_signatures()
