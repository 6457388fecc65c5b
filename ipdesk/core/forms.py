"""Form widgets every module shares.

`DateInput` is the one date widget of the project's forms. A browser's `<input type="date">` shows a
value only when it is a "valid date string", yyyy-mm-dd (WHATWG HTML §2.3.5.1, ISO 8601 / GB/T 7408);
Django's DateInput otherwise renders the first of the active language's DATE_INPUT_FORMATS, which for
zh-hans is "%Y/%m/%d". The browser then shows an empty field, and saving the unchanged form fails on a
required date or silently clears an optional one.
"""
from django import forms
from django.core.exceptions import ValidationError

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


class AutocompleteSelect(SearchableSelect):
    """A searchable select for a choice among many records (enterprises, people) whose options load as the
    user types, from the JSON endpoint `core:autocomplete` of its `kind` (core.autocomplete), which answers
    only records in the user's scope and at most a page of them: a select of 330 — or 30,000 — enterprises
    is not written into every page. While the field's own choices are few (at most INLINE_LIMIT) they are
    all rendered, as a plain searchable select; beyond that only the chosen option is rendered, so the form
    still submits and shows its value, and the field still validates against its own (scoped) queryset."""
    INLINE_LIMIT = 100

    def __init__(self, kind, attrs=None, choices=()):
        self.kind = kind
        super().__init__(attrs=attrs, choices=choices)

    def _many(self):
        queryset = getattr(self.choices, "queryset", None)
        return queryset is not None and queryset[:self.INLINE_LIMIT + 1].count() > self.INLINE_LIMIT

    def get_context(self, name, value, attrs):
        many = self._many()
        full = self.choices
        if many:
            self.choices = self._chosen(value)
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.choices = full
        if many:
            from django.urls import reverse
            context["widget"]["attrs"]["data-autocomplete"] = reverse("core:autocomplete", args=[self.kind])
        return context

    def _chosen(self, value):
        """The empty choice and the chosen records only."""
        iterator = self.choices
        field = iterator.field
        keys = [v for v in self.format_value(value) if v not in (None, "")]   # "12" is one key, not "1", "2"
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        if keys:
            key = field.to_field_name or "pk"
            try:
                rows = list(iterator.queryset.filter(**{f"{key}__in": keys}))
            except (ValueError, TypeError, ValidationError):
                rows = []
            choices += [(iterator.choice(row)[0], field.label_from_instance(row)) for row in rows]
        return choices


# Models whose records are many (enterprises, patents, people): their choice fields are searchable;
# a single choice of an enterprise loads its options from core.autocomplete when they are many (its scope,
# what the user may see, is the field's own: core.views.limit_choices_to_scope). People are fewer, and a
# form often narrows them (commissioners only): their selects keep their own options, and the people
# autocomplete serves the filters whose choice is exactly "whom the officer may assign".
SEARCHABLE_MODELS = {("registry", "enterprise"), ("registry", "patent"), ("registry", "trademark"),
                     ("accounts", "user"), ("regions", "region")}
AUTOCOMPLETE_KINDS = {("registry", "enterprise"): "enterprises"}


def make_searchable(field):
    """Mark `field`'s select as searchable when it chooses among enterprises, patents, people or regions;
    a single choice of an enterprise becomes an AutocompleteSelect. A field with another
    widget (radio buttons, checkboxes, a hidden input) is left as it is."""
    model = getattr(getattr(field, "queryset", None), "model", None)
    if model is None or (model._meta.app_label, model._meta.model_name) not in SEARCHABLE_MODELS:
        return field
    widget = field.widget
    kind = AUTOCOMPLETE_KINDS.get((model._meta.app_label, model._meta.model_name))
    if kind and type(widget) in (forms.Select, SearchableSelect):
        field.widget = AutocompleteSelect(kind, attrs=widget.attrs)
        field.widget.choices = widget.choices
        field.widget.is_required = widget.is_required
        return field
    if type(widget) in (forms.Select, forms.SelectMultiple) or isinstance(widget, (SearchableSelect,
                                                                                   SearchableSelectMultiple)):
        widget.attrs.setdefault("data-searchable", "")
    return field
