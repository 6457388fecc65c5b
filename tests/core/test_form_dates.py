"""Edit forms show their dates, so saving an unchanged record keeps them.

`<input type="date">` shows a value only in ISO form (yyyy-mm-dd, WHATWG HTML "valid date string");
the zh-hans DATE_INPUT_FORMATS start with "%Y/%m/%d", which a browser shows as an empty field, so a
required date failed ("该字段是必填项") and an optional one was cleared. core.forms.DateInput renders ISO.
"""
import datetime as dt
import importlib
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.urls import get_resolver, reverse
from django.utils import translation

from ipdesk.registry.rules import uscc_check_char


class FormValues(HTMLParser):
    """What a browser would post back from the page's form without an action (the edit form, not the
    sign-out form of the menu): the inputs' values, the selected options, the textareas; a date input
    whose value is not ISO posts nothing, as a browser does."""

    def __init__(self):
        super().__init__()
        self.data, self.dates, self._select, self._textarea, self._in_form = {}, {}, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and not a.get("action"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind == "date":
                value = a.get("value") or ""
                self.dates[a["name"]] = value
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    value = ""  # the browser cannot show it, and posts the field empty
                self.data[a["name"]] = value
            elif kind not in ("submit", "button", "file"):
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n") if not self.data[self._textarea] else data


def post_back_unchanged(client, url):
    page = client.get(url)
    assert page.status_code == 200
    parser = FormValues()
    parser.feed(page.content.decode())
    return parser, client.post(url, parser.data)


@pytest.fixture
def records(regions):
    from ipdesk.compliance.models import AbnormalBatch, Agency, Complaint, Inspection, Penalty
    body = "91370400MA3D00001"
    agency = Agency.objects.create(name="枣庄众诚知识产权代理有限公司", uscc=body + uscc_check_char(body),
                                   region=regions["370403"])
    return {
        "inspection": (Inspection.objects.create(agency=agency, date=dt.date(2022, 9, 8), result="qualified",
                                                 rectification_due=dt.date(2022, 10, 31)),
                       {"date": dt.date(2022, 9, 8), "rectification_due": dt.date(2022, 10, 31)}),
        "complaint": (Complaint.objects.create(agency=agency, received=dt.date(2022, 9, 8), complainant="张三",
                                               summary="代理费争议"), {"received": dt.date(2022, 9, 8)}),
        "penalty": (Penalty.objects.create(agency=agency, date=dt.date(2022, 9, 8), kind="warning",
                                           amount=Decimal("5000.00")), {"date": dt.date(2022, 9, 8)}),
        "abnormalbatch": (AbnormalBatch.objects.create(name="2022年第一批", received=dt.date(2022, 9, 8),
                                                       default_region=regions["370400"]),
                          {"received": dt.date(2022, 9, 8)}),
    }


@pytest.mark.parametrize("name", ["inspection", "complaint", "penalty", "abnormalbatch"])
def test_edit_form_saved_unchanged_keeps_its_dates(client_for, users, records, name):
    record, dates = records[name]
    version = record.version
    parser, response = post_back_unchanged(client_for(users["city"]), reverse(f"compliance:{name}_edit", args=[record.pk]))
    assert response.status_code == 302, [e for e in response.context["form"].errors.items()]
    record.refresh_from_db()
    assert {field: getattr(record, field) for field in dates} == dates
    assert {field: parser.dates.get(field) for field in dates} == {f: d.isoformat() for f, d in dates.items()}
    assert record.version >= version


def _project_forms():
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("ipdesk."):
            try:
                importlib.import_module(f"{cfg.name}.forms")
            except ModuleNotFoundError:
                pass
    get_resolver().url_patterns  # forms declared next to their views

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)
    return {f for f in below(forms.BaseForm) if f.__module__.startswith("ipdesk.")}


def test_every_date_field_of_the_project_renders_iso():
    seen, wrong = 0, []
    with translation.override("zh-hans"):
        for form in _project_forms():
            for name, field in getattr(form, "base_fields", {}).items():
                if not isinstance(field, forms.DateField) or isinstance(field, forms.DateTimeField):
                    continue
                seen += 1
                html = field.widget.render(name, dt.date(2022, 9, 8))
                if 'value="2022-09-08"' not in html:
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}: {html}")
    assert seen >= 20
    assert not wrong, "\n".join(wrong)
