"""Template helpers shared by every module."""
from django import template

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
