"""Template helpers shared by every module."""
from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ipdesk.core.columns import html_text

register = template.Library()

_SELECTS = {"select", "selectmultiple", "nullbooleanselect"}


@register.filter
def bs(field, size=""):
    """Render a form field with its Bootstrap class (form-control / form-select / form-check-input)."""
    kind = field.widget_type
    if kind in ("checkbox", "checkboxselectmultiple", "radioselect"):
        css = "form-check-input"
    elif kind in _SELECTS:
        css = "form-select"
    else:
        css = "form-control"
    if size:
        css += f" {css.split('-')[0]}-{css.split('-')[1]}-{size}" if css != "form-check-input" else ""
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag
def table_rows(table):
    """The rows of a django-tables2 table page (core/table.html): the same cells as its bootstrap5
    template renders, without a template lookup per cell; a column's td attributes are computed once
    unless they depend on the row."""
    columns = list(table.columns)
    fixed = {c.name: c.attrs["td"].as_html() for c in columns if not _td_attrs_vary(table, c)}
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            attrs = fixed.get(column.name)
            if attrs is None:
                attrs = column.attrs["td"].as_html()
            if column.localize is None or column.localize:
                cell = formats.localize(cell)
            cells.append(f"<td {html_text(attrs)}>{html_text(cell)}</td>")
        rows.append(f"<tr {html_text(row.attrs.as_html())}>{''.join(cells)}</tr>")
    if not rows and table.empty_text:
        rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text))
    return mark_safe("\n".join(rows))


def _td_attrs_vary(table, column):
    attrs = {**table.attrs, **column.column.attrs}
    return any(callable(v) for v in attrs.get("td", attrs.get("cell", {})).values())
