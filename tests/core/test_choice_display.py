"""AuditedModel._get_FIELD_display (get_FOO_display) from a label map kept per field and language: the same text as
Django's own method for every value of every field with choices of every audited model, in each language, and
for values outside the choices."""
import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from ipdesk.core.models import AuditedModel


def _fields_with_choices():
    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


FIELDS = list(_fields_with_choices())


def test_many_audited_fields_have_choices():
    assert len(FIELDS) > 20


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_equals_djangos_for_every_choice_and_for_values_outside_them(language):
    with translation.override(language):
        for model, field in FIELDS:
            values = [value for value, _ in field.flatchoices] + ["not-a-choice", None, 12345]
            for value in values:
                record = model(**{field.attname: value})
                ours = getattr(record, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(record, field), (model, field.name, value)
