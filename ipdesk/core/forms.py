"""Form widgets every module shares.

`DateInput` is the one date widget of the project's forms. A browser's `<input type="date">` shows a
value only when it is a "valid date string", yyyy-mm-dd (WHATWG HTML §2.3.5.1, ISO 8601 / GB/T 7408);
Django's DateInput otherwise renders the first of the active language's DATE_INPUT_FORMATS, which for
zh-hans is "%Y/%m/%d". The browser then shows an empty field, and saving the unchanged form fails on a
required date or silently clears an optional one.
"""
from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A date picker (`type="date"`) whose value is always ISO, whatever the language."""
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs={**(attrs or {}), "type": "date"}, format=ISO_DATE)


class SearchableSelect(forms.Select):
    """A select the browser turns into a type-to-search list (Tom Select, static/vendor/tom-select, set up
    by static/js/ipdesk.js on `data-searchable`): picking one of 330 enterprises by typing part of its name,
    not by scrolling a list box. The options are the field's queryset, which the generic views have
    already limited to the user's scope (core.views.limit_choices_to_scope); without JavaScript it is the
    plain select."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)


class SearchableSelectMultiple(forms.SelectMultiple):
    """The several-values form of SearchableSelect."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)


# Models whose records are many (enterprises, patents, people): their choice fields are searchable.
SEARCHABLE_MODELS = {("registry", "enterprise"), ("registry", "patent"), ("registry", "trademark"),
                     ("accounts", "user")}


def make_searchable(field):
    """Mark `field`'s select as searchable when it chooses among enterprises, patents or people; a field
    with another widget (radio buttons, checkboxes, a hidden input) is left as it is."""
    model = getattr(getattr(field, "queryset", None), "model", None)
    if model is None or (model._meta.app_label, model._meta.model_name) not in SEARCHABLE_MODELS:
        return field
    widget = field.widget
    if type(widget) in (forms.Select, forms.SelectMultiple) or isinstance(widget, (SearchableSelect,
                                                                                   SearchableSelectMultiple)):
        widget.attrs.setdefault("data-searchable", "")
    return field
