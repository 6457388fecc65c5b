"""Table cells at the cost of the value they show.

django-tables2 renders a date cell by compiling a small template for every cell (its DateColumn and
DateTimeColumn are TemplateColumns built on `{{ value|date:… }}`), and asks `inspect.signature`
which keyword arguments a cell's render method takes, again for every cell. On a 25-row list those
two made up more than half the time of the page. Here:

- `DateColumn` and `DateTimeColumn` format with `django.utils.formats.date_format`, which is what
  the `date` filter does, without a template; they are registered with django-tables2's column
  library, so every model date field of every table uses them (`install`, called by `CoreConfig.ready()`).
- The signature of a render method depends only on the function, not on the row: `BaseTable`, the base
  of every table, builds its rows as `Row`s, which read it once per function (`signature`) where
  django-tables2's rows read it once per cell.
"""
import datetime
from html import escape as _escape

import django_tables2 as tables
from django.db import models
from django.utils import formats, timezone
from django_tables2 import utils as tables_utils
from django_tables2.columns import library
from django_tables2.rows import BoundRow, BoundRows


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
_signatures = {}


def signature(fn):
    """django-tables2's reading of `fn`'s arguments (django_tables2.utils.signature), once per function: a bound
    method is remembered by its function, whichever row or column it is bound to."""
    func = getattr(fn, "__func__", None)
    key = (func, True) if func is not None else (fn, False)
    try:
        return _signatures[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable: nothing to remember it by
        return tables_utils.signature(fn)
    result = tables_utils.signature(fn)
    if len(_signatures) < SIGNATURES_KEPT:   # functions made at run time must not grow it without end
        _signatures[key] = result
    return result


def call_with_appropriate(fn, kwargs):
    """django_tables2.utils.call_with_appropriate with the remembered `signature`: `fn` gets the arguments it
    names (all of them if it takes **kwargs), and is not called (None) when it names one `kwargs` lacks."""
    args, kwargs_name = signature(fn)
    if not kwargs_name:
        if any(arg not in kwargs for arg in args):
            return None
        kwargs = {key: kwargs[key] for key in args}
    return fn(**kwargs)


class Row(BoundRow):
    """A table row whose cells call render and value methods through `call_with_appropriate` (the two
    per-cell calls of django-tables2's BoundRow, rows.py `_call_render` and `_call_value`)."""

    def _call_render(self, bound_column, value=None):
        kwargs = self._optional_cell_arguments(bound_column, value)
        content = call_with_appropriate(bound_column.render, kwargs)
        return bound_column.link(content, **kwargs) if bound_column.link else content

    def _call_value(self, bound_column, value=None):
        method = bound_column.value
        if getattr(method, "__func__", None) is tables.Column.value:
            method = bound_column.column.render   # all Column.value does is call render with these arguments
        return call_with_appropriate(method, self._optional_cell_arguments(bound_column, value))


class Rows(BoundRows):
    """The rows of a `BaseTable`: `Row`s, also when paginated (a page slices them)."""

    def __iter__(self):
        yield from self.generator_pinned_row(self.pinned_data.get("top"))
        for record in self.data:
            yield Row(record, table=self.table)
        yield from self.generator_pinned_row(self.pinned_data.get("bottom"))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return Rows(data=self.data[key], table=self.table, pinned_data=self.pinned_data)
        return Row(record=self.data[key], table=self.table)


class BaseTable(tables.Table):
    """The base of every table (NetBox's BaseTable): django-tables2's Table with `Rows`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = Rows(data=self.data, table=self, pinned_data=self.pinned_data)


def install():
    library.register(DateColumn)
    library.register(DateTimeColumn)   # after DateColumn: the library tries the last registered first
    library.register(AmountColumn)


class SelectColumn(tables.CheckBoxColumn):
    """The row selection of a list (行选择) for its batch actions: each box belongs to the page's batch form
    (`form="bulk-form"`, core/object_list.html), so the table needs no form around it; the header box selects
    the page (core/static/core/bulk.js). Never exported."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("attrs", {
            "input": {"name": "pk", "form": "bulk-form", "class": "form-check-input", "data-bulk-row": ""},
            "th__input": {"class": "form-check-input", "data-bulk-all": ""},
            "th": {"class": "bulk-select"}, "td": {"class": "bulk-select"}})
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    @property
    def header(self):
        from django.utils.html import format_html
        from django.utils.translation import gettext
        return format_html('<input type="checkbox" {} aria-label="{}">',
                           tables_utils.AttributeDict(self.attrs.get("th__input", {})).as_html(),
                           gettext("全选本页"))


class ActionsColumn(tables.Column):
    """The 操作 column: 查看 / 编辑 / 作废 per row, each shown only when the user may do it on that row
    (NetBox's ActionsColumn, netbox/netbox/tables/columns.py). Which rows of the page the user may change is
    asked once per page (one query), not once per row."""

    def __init__(self, **kwargs):
        from django.utils.translation import gettext_lazy
        kwargs.setdefault("verbose_name", gettext_lazy("操作"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap row-actions"}, "th": {"class": "text-nowrap"}})
        super().__init__(**kwargs)
        self._changeable = None
        self._urls = {}

    def _url(self, record, kind):
        from django.urls import NoReverseMatch

        from .reversing import reverse_pk
        opts = record._meta
        name = f"{opts.app_label}:{opts.model_name}_{kind}"
        if name not in self._urls:
            try:
                reverse_pk(name, record.pk)
                self._urls[name] = True
            except NoReverseMatch:
                self._urls[name] = False
        return reverse_pk(name, record.pk) if self._urls[name] else None

    def _may_change(self, table, record):
        if self._changeable is None:
            from .scoping import CHANGE
            from .voiding import is_voidable
            user = getattr(getattr(table, "request", None), "user", None)
            model = type(record)
            pks = [row.record.pk for row in table.paginated_rows]  # the page's rows (all of them unpaginated)
            manager = model.all_objects if is_voidable(model) else model._default_manager
            self._changeable = set(manager.restrict(user, CHANGE).filter(pk__in=pks).values_list("pk", flat=True)) \
                if user is not None and hasattr(manager, "restrict") else set()
            self._may_void = bool(user is not None and _may_void(user, model))
        return record.pk in self._changeable

    def render(self, record, table):
        from django.utils.safestring import mark_safe
        from django.utils.translation import gettext
        links = []
        view_url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else None
        if view_url:
            links.append((view_url, "link-primary", gettext("查看")))
        voided = getattr(record, "voided_at", None) is not None
        if voided:
            return mark_safe(_links_html(links) + f'<span class="badge text-bg-secondary ms-1">'
                                                  f'{html_text(gettext("已作废"))}</span>')
        if self._may_change(table, record):
            edit_url = self._url(record, "edit")
            if edit_url:
                links.append((edit_url, "link-primary", gettext("编辑")))
            if self._may_void:
                void_url = self._url(record, "void")
                if void_url:
                    links.append((void_url, "link-danger", gettext("作废")))
        return mark_safe(_links_html(links)) if links else "—"


def _links_html(links):
    """<a class="…" href="…">…</a> of each (url, css class, text), joined by a space, every value escaped."""
    return " ".join(f'<a class="{html_text(c)}" href="{html_text(u)}">{html_text(t)}</a>' for u, c, t in links)


def html_text(value):
    """conditional_escape(value) as a str, without its lazy-argument wrapper: a value that is already HTML
    (__html__) as it is, anything else through html.escape(str(value)) as django.utils.html.escape does. A table
    page escapes a thousand values (core.templatetags.ipdesk.table_rows, ActionsColumn)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def _may_void(user, model):
    from .voiding import may_void
    return may_void(user, model)
