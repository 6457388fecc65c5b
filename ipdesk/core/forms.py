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
