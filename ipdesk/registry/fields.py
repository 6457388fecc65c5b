"""Model fields for the two identifiers every app stores: the patent application number (申请号,
ZC 0006-2003) and the unified social credit code (统一社会信用代码, GB 32100-2015).

The canonical forms and their error messages are registry.rules' `normalize_application_no` and
`normalize_uscc`; these fields apply them wherever a value enters, so that forms, serializers and models
need no call of their own:

- `to_python` (hence `full_clean`, ModelForms, the admin, deserialisation) returns the canonical form of a
  valid value and anything else as it is (a restore of an old backup never fails on a value); `validate`
  (hence `full_clean`) raises a ValidationError (code "invalid_identifier") whose message is the rule's
  reason, e.g. "申请号校验位错误：…（校验位应为 X）". A field may wrap the reason in its own wording:
  `error_messages={"invalid_identifier": _("涉案专利号有误：%(e)s")}` (`%(reason)s` and `%(e)s` both name it).
  Empty values are left to the usual blank/required checks.
- `formfield()` is an `IdentifierFormField`: it normalises in `clean` (through `to_python`), before the
  max_length check, with the same message.
- `IdentifierModelSerializer` (a `rest_framework.serializers.ModelSerializer` with DRF's documented
  `serializer_field_mapping` extended, no global patch) gives these model fields an
  `IdentifierSerializerField` that does the same in `to_internal_value`, so the UniqueValidator and the
  max_length check see the canonical value.
- Saving (`pre_save`) puts a valid value in canonical form on the instance; an invalid one is stored as
  given (the gate is validation: forms, serializers, `full_clean` and the import parsers).
- Lookups: `get_prep_value` puts a valid value in canonical form and leaves anything else as it is, so
  `filter(application_no="CN 2023 1 0000001.X")` finds the canonical row and a malformed number simply finds
  nothing (no exception). It applies to exact, in, range and comparisons; pattern lookups (contains,
  startswith, iexact …) do not prepare their value in Django (`prepare_rhs = False`), so prefix and substring
  searches are unchanged.
"""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from . import rules

INVALID = "invalid_identifier"


def _params(exc):
    reason = str(exc)
    return {"reason": reason, "e": reason}  # "e": the placeholder of protection's existing catalogue entry


def _canonical_or_none(normalize, value):
    try:
        return normalize(value)
    except rules.InvalidIdentifier:
        return None


_USCC_SHAPE = re.compile(f"[{rules.USCC_CHARS}]{{18}}")


# ---- Forms -------------------------------------------------------------------------------------
class IdentifierFormField(forms.CharField):
    """A CharField whose `clean` returns the canonical identifier (normalised in `to_python`)."""

    def __init__(self, *, normalize, message="%(reason)s", **kwargs):
        self.normalize, self.message = normalize, message
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return self.normalize(value)
        except rules.InvalidIdentifier as exc:
            raise ValidationError(self.message, code=INVALID, params=_params(exc)) from None


# ---- Models ------------------------------------------------------------------------------------
class IdentifierField(models.CharField):
    """A CharField holding an identifier in its canonical form (see the module's docstring)."""
    default_error_messages = {INVALID: "%(reason)s"}

    canonical_shape = None  # a compiled pattern: a value of this shape is stored and looked up as it is

    @staticmethod
    def normalize(value):  # pragma: no cover - every subclass names its rule
        raise NotImplementedError

    def _prepared(self, value):
        """The canonical form of a valid value, anything else as it is. A value already of the canonical shape
        is returned at once: it is either canonical or invalid, and either way stays (the check digit is not
        computed for each of a million imported rows, which core.imports.writing prepares one by one)."""
        if self.canonical_shape.fullmatch(value):
            return value
        canonical = _canonical_or_none(self.normalize, value)
        return value if canonical is None else canonical

    def to_python(self, value):
        """The canonical form of a valid value, anything else as it is: reading never fails, so a backup or
        fixture holding a row stored before these fields (or by SQL beside the application) still loads
        (deserialisation calls to_python); `validate` is the gate."""
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self._prepared(value)

    def validate(self, value, model_instance):
        """full_clean's check (after to_python): a value that is no valid identifier is refused with the
        rule's reason (code "invalid_identifier")."""
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        try:
            self.normalize(value)
        except rules.InvalidIdentifier as exc:
            raise ValidationError(self.error_messages[INVALID], code=INVALID, params=_params(exc)) from None

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str) and value:
            prepared = self._prepared(value)
            if prepared is not value:
                setattr(model_instance, self.attname, prepared)
            return prepared
        return value

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)  # lazy strings resolved; not our strict to_python
        if value is None or value == "":
            return value
        return self._prepared(value if isinstance(value, str) else str(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IdentifierFormField, "normalize": self.normalize,
                                    "message": self.error_messages[INVALID], **kwargs})


class ApplicationNumberField(IdentifierField):
    """申请号 in its canonical form `YYYYTNNNNNNN.C` (rules.normalize_application_no, ZC 0006-2003)."""
    normalize = staticmethod(rules.normalize_application_no)
    canonical_shape = rules._APP_NO_CANONICAL


class CreditCodeField(IdentifierField):
    """统一社会信用代码, upper-case and half-width (rules.normalize_uscc, GB 32100-2015)."""
    normalize = staticmethod(rules.normalize_uscc)
    canonical_shape = _USCC_SHAPE


# ---- DRF ---------------------------------------------------------------------------------------
class IdentifierSerializerField(serializers.CharField):
    """A serializer CharField returning the canonical identifier; the message is the model field's."""

    def __init__(self, *, normalize, message="%(reason)s", **kwargs):
        self.normalize, self.message = normalize, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return value
        try:
            return self.normalize(value)
        except rules.InvalidIdentifier as exc:
            raise serializers.ValidationError(str(self.message % _params(exc)), code=INVALID) from None


class IdentifierModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer mapping ApplicationNumberField and CreditCodeField to `IdentifierSerializerField`
    (DRF's `serializer_field_mapping`, looked up along the model field's MRO)."""
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                IdentifierField: IdentifierSerializerField}

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, IdentifierField) and issubclass(field_class, IdentifierSerializerField):
            kwargs.update(normalize=model_field.normalize, message=model_field.error_messages[INVALID])
        return field_class, kwargs
