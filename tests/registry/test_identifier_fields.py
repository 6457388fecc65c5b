"""The identifier model fields (registry.fields): 申请号 (ZC 0006-2003) and 统一社会信用代码 (GB 32100-2015),
normalised by the field in models, forms, the admin and DRF serializers, with the rules' own messages."""
import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from ipdesk.compliance.models import AbnormalApplication, Agency
from ipdesk.protection.api import AdjudicationCaseSerializer
from ipdesk.protection.models import AdjudicationCase
from ipdesk.registry.api import EnterpriseSerializer, PatentSerializer, PctApplicationSerializer
from ipdesk.registry.fields import (ApplicationNumberField, CreditCodeField, IdentifierFormField,
                                    IdentifierModelSerializer, IdentifierSerializerField)
from ipdesk.registry.forms import PatentForm
from ipdesk.registry.models import Enterprise, Patent, PctApplication
from tests.factories import EnterpriseFactory, PatentFactory

NUMBER = "201710601862.3"                       # a valid invention application number (check digit 3)
BAD_DIGIT = "201710601862.4"
BAD_DIGIT_MESSAGE = "申请号校验位错误：201710601862.4（校验位应为 3）"
BAD_FORM_MESSAGE = "申请号格式不正确：2017106（应为12位数字加校验位，或2003年前的8位数字加校验位）"
USCC = "91370400MA3C4N5K1Y"                     # a valid credit code (check character Y)
BAD_USCC = "91370400MA3C4N5K1A"
BAD_USCC_MESSAGE = "统一社会信用代码校验位错误：91370400MA3C4N5K1A（校验位应为 Y）"


def field(model, name):
    return model._meta.get_field(name)


# ---- to_python: full_clean, deserialisation -------------------------------------------------------
@pytest.mark.parametrize("raw", [NUMBER, "CN 2017 1060 1862.3", "ZL201710601862.3", "zl 2017106018623",
                                 "２０１７１０６０１８６２．３"])
def test_application_number_to_python_gives_the_canonical_form(raw):
    assert field(Patent, "application_no").to_python(raw) == NUMBER


def test_credit_code_to_python_gives_the_canonical_form():
    assert field(Enterprise, "uscc").to_python(" 91370400ma3c4n5k1y ") == USCC
    assert field(Agency, "uscc").to_python("９１３７０４００ＭＡ３Ｃ４Ｎ５Ｋ１Ｙ") == USCC


@pytest.mark.parametrize("model, name, raw, message", [
    (Patent, "application_no", BAD_DIGIT, BAD_DIGIT_MESSAGE),
    (Patent, "application_no", "2017106", BAD_FORM_MESSAGE),
    (AbnormalApplication, "application_no", BAD_DIGIT, BAD_DIGIT_MESSAGE),
    (PctApplication, "national_application_no", BAD_DIGIT, BAD_DIGIT_MESSAGE),
    (Enterprise, "uscc", BAD_USCC, BAD_USCC_MESSAGE),
    (Agency, "uscc", "9137040OMA3C4N5K1Y", "统一社会信用代码含非法字符 O：9137040OMA3C4N5K1Y（不使用 I、O、S、V、Z）"),
    (AdjudicationCase, "patent_no", BAD_DIGIT, "涉案专利号有误：" + BAD_DIGIT_MESSAGE),
])
def test_a_bad_identifier_is_a_validation_error_with_the_rules_message(model, name, raw, message):
    assert field(model, name).to_python(raw) == raw            # reading never fails (restore, fixtures)
    with pytest.raises(ValidationError) as exc:
        field(model, name).clean(raw, None)                     # full_clean's path: to_python, then validate
    assert exc.value.messages == [message]
    assert exc.value.error_list[0].code == "invalid_identifier"


@pytest.mark.django_db
def test_a_backup_row_with_an_invalid_identifier_still_loads(regions):
    """Rows stored before these fields existed (or written by SQL beside the application) may hold an invalid
    number; deserialisation (ipdesk restore, loaddata) goes through to_python and must not refuse them."""
    from django.core import serializers as django_serializers
    ent = EnterpriseFactory(name="旧数据企业", uscc=USCC)
    Enterprise.objects.filter(pk=ent.pk).update(uscc=BAD_USCC)
    dumped = django_serializers.serialize("json", Enterprise.objects.filter(pk=ent.pk))
    Enterprise.objects.filter(pk=ent.pk).delete()
    for obj in django_serializers.deserialize("json", dumped):
        obj.save()
    assert Enterprise.objects.get(pk=ent.pk).uscc == BAD_USCC


def test_empty_values_are_left_to_the_blank_check():
    assert field(PctApplication, "national_application_no").to_python("") == ""
    assert field(Patent, "application_no").to_python(None) is None
    with pytest.raises(ValidationError) as exc:
        field(Patent, "application_no").clean("", None)
    assert exc.value.error_list[0].code == "blank"


def test_full_clean_puts_the_instance_in_canonical_form():
    enterprise = Enterprise(uscc=" 91370400ma3c4n5k1y", name="甲公司")
    enterprise.clean_fields(exclude=["region"])
    assert enterprise.uscc == USCC
    patent = Patent(application_no="CN 2017 1060 1862.3", patent_type="invention", title="x", holder_name="甲")
    with pytest.raises(ValidationError) as exc:
        Patent(application_no=BAD_DIGIT, patent_type="invention", title="x", holder_name="甲").clean_fields()
    assert exc.value.message_dict == {"application_no": [BAD_DIGIT_MESSAGE]}
    patent.clean_fields()
    assert patent.application_no == NUMBER


# ---- formfield(): ModelForms and the admin ----------------------------------------------------------
def test_formfield_normalises_in_clean_before_the_length_check():
    form_field = field(Patent, "application_no").formfield()
    assert isinstance(form_field, IdentifierFormField) and form_field.max_length == 20
    assert form_field.clean(" ZL 2017 1060 1862 . 3 ") == NUMBER          # 21 characters as typed
    with pytest.raises(ValidationError) as exc:
        form_field.clean(BAD_DIGIT)
    assert exc.value.messages == [BAD_DIGIT_MESSAGE]
    with pytest.raises(ValidationError) as exc:
        form_field.clean("")
    assert exc.value.error_list[0].code == "required"
    assert field(PctApplication, "national_application_no").formfield().clean("") == ""
    assert field(Enterprise, "uscc").formfield().clean("91370400ma3c4n5k1y") == USCC


def test_formfield_keeps_a_fields_own_wording():
    with pytest.raises(ValidationError) as exc:
        field(AdjudicationCase, "patent_no").formfield().clean(BAD_DIGIT)
    assert exc.value.messages == ["涉案专利号有误：" + BAD_DIGIT_MESSAGE]


def test_a_model_form_shows_the_message_and_saves_the_canonical_number(db):
    data = {"application_no": BAD_DIGIT, "title": "x", "applicants": "甲", "legal_status": "pending"}
    form = PatentForm(data=data)
    assert form.errors["application_no"] == [BAD_DIGIT_MESSAGE]
    form = PatentForm(data={**data, "application_no": "CN 2017 1060 1862.3"})
    assert form.is_valid(), form.errors
    assert form.save().application_no == NUMBER


def test_the_admin_form_field_normalises():
    from django.contrib import admin
    model_admin = admin.ModelAdmin(Enterprise, admin.site)
    form_field = model_admin.formfield_for_dbfield(field(Enterprise, "uscc"), request=None)
    assert isinstance(form_field, IdentifierFormField)
    assert form_field.clean("91370400ma3c4n5k1y") == USCC


# ---- DRF ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("serializer, name", [(PatentSerializer, "application_no"), (EnterpriseSerializer, "uscc"),
                                              (PctApplicationSerializer, "national_application_no"),
                                              (AdjudicationCaseSerializer, "patent_no")])
def test_model_serializers_get_the_identifier_field(serializer, name):
    assert isinstance(serializer().fields[name], IdentifierSerializerField)


def test_serializer_field_normalises_and_says_what_is_wrong(db):
    number = PatentSerializer().fields["application_no"]
    assert number.run_validation(" ZL 2017 1060 1862 . 3 ") == NUMBER
    with pytest.raises(serializers.ValidationError) as exc:
        number.run_validation(BAD_DIGIT)
    assert exc.value.detail == [BAD_DIGIT_MESSAGE] and exc.value.detail[0].code == "invalid_identifier"
    with pytest.raises(serializers.ValidationError) as exc:
        AdjudicationCaseSerializer().fields["patent_no"].run_validation(BAD_DIGIT)
    assert exc.value.detail == ["涉案专利号有误：" + BAD_DIGIT_MESSAGE]
    assert PctApplicationSerializer().fields["national_application_no"].run_validation("") == ""


def test_a_plain_model_serializer_is_not_patched():
    class Plain(serializers.ModelSerializer):
        class Meta:
            model = Patent
            fields = ["application_no"]

    class Mapped(IdentifierModelSerializer):
        class Meta:
            model = Patent
            fields = ["application_no"]

    assert type(Plain().fields["application_no"]) is serializers.CharField
    assert type(Mapped().fields["application_no"]) is IdentifierSerializerField


def test_the_api_answers_the_canonical_number_and_the_rules_message(clients, regions):
    bad = clients["city"].post("/api/patents/", {"application_no": BAD_DIGIT, "title": "x", "applicants": "甲"},
                               content_type="application/json")
    assert bad.status_code == 400 and bad.json()["application_no"] == [BAD_DIGIT_MESSAGE]
    good = clients["city"].post("/api/patents/", {"application_no": "zl 2017 1060 1862.3", "title": "x",
                                                  "applicants": "甲"}, content_type="application/json")
    assert good.status_code == 201 and good.json()["application_no"] == NUMBER
    again = clients["city"].post("/api/patents/", {"application_no": "CN201710601862.3", "title": "y",
                                                   "applicants": "乙"}, content_type="application/json")
    assert again.status_code == 400 and "application_no" in again.json()  # unique, checked on the canonical value


# ---- Saving and lookups ------------------------------------------------------------------------------
def test_save_stores_a_valid_identifier_canonically_and_an_invalid_one_as_given(regions):
    patent = PatentFactory(application_no="CN 2017 1060 1862.3")
    assert patent.application_no == NUMBER
    assert Patent.objects.filter(pk=patent.pk).values_list("application_no", flat=True).get() == NUMBER
    kept = PatentFactory(application_no="X-1")           # validation is the gate; save does not refuse
    assert Patent.objects.filter(pk=kept.pk).values_list("application_no", flat=True).get() == "X-1"
    enterprise = EnterpriseFactory(uscc=USCC.lower())
    assert Enterprise.objects.filter(pk=enterprise.pk).values_list("uscc", flat=True).get() == USCC


def test_lookups_normalise_a_valid_identifier_and_find_nothing_for_a_bad_one(regions):
    patent = PatentFactory(application_no=NUMBER)
    other = PatentFactory(application_no="201310699744.2")
    assert list(Patent.objects.filter(application_no="CN 2017 1060 1862.3")) == [patent]
    assert list(Patent.objects.filter(application_no="zl2017106018623")) == [patent]
    assert set(Patent.objects.filter(application_no__in=["CN201710601862.3", "201310699744.2", BAD_DIGIT])) == \
        {patent, other}
    assert not Patent.objects.filter(application_no=BAD_DIGIT).exists()       # no exception: nothing found
    assert not Patent.objects.filter(application_no="CN 2017").exists()
    # pattern lookups take the value as typed (Django does not prepare them): prefixes still work
    assert set(Patent.objects.filter(application_no__startswith="20171060")) == {patent}
    assert set(Patent.objects.filter(application_no__startswith="201")) == {patent, other}
    enterprise = EnterpriseFactory(uscc=USCC)
    assert list(Enterprise.objects.filter(uscc=" 91370400ma3c4n5k1y")) == [enterprise]
    assert not Enterprise.objects.filter(uscc=BAD_USCC).exists()
    assert list(Enterprise.objects.filter(uscc__icontains="ma3c4n")) == [enterprise]


def test_lookups_through_a_relation_and_the_filter_normalise(clients, regions):
    from ipdesk.registry.models import PatentEvent
    patent = PatentFactory(application_no=NUMBER)
    PatentEvent.objects.create(patent=patent, kind="grant", date=patent.filing_date)
    assert PatentEvent.objects.filter(patent__application_no="CN 2017 1060 1862.3").count() == 1
    rows = clients["city"].get("/api/patent-events/", {"application_no": "CN201710601862.3"}).json()["results"]
    assert [row["application_no"] for row in rows] == [NUMBER]


def test_fields_deconstruct_to_their_own_class():
    name, path, args, kwargs = field(AdjudicationCase, "patent_no").deconstruct()
    assert path == "ipdesk.registry.fields.ApplicationNumberField"
    assert kwargs["error_messages"] == {"invalid_identifier": "涉案专利号有误：%(e)s"}
    assert field(Agency, "uscc").deconstruct()[1] == "ipdesk.registry.fields.CreditCodeField"
    assert isinstance(field(AbnormalApplication, "application_no"), ApplicationNumberField)
    assert isinstance(field(Enterprise, "uscc"), CreditCodeField)
