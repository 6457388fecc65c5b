"""The filter forms of the list pages (issue 19 item 4): date pickers, choices by name within the user's
scope, and enterprises in a select that loads on demand (core.filters.FilterSet, core.forms.AutocompleteSelect)."""
import datetime as dt
import importlib
import inspect
import re

import django_filters
import pytest
from django import forms
from django.test import RequestFactory

from ipdesk.core.filters import FilterSet
from ipdesk.core.forms import AutocompleteSelect
from ipdesk.registry.filters import PatentFilter
from ipdesk.registry.models import Patent
from tests.registry.conftest import registry  # noqa: F401  (fixture)

APPS = ["core", "regions", "registry", "stats", "services", "protection", "finance", "compliance"]


def _filtersets():
    for app in APPS:
        module = importlib.import_module(f"ipdesk.{app}.filters")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, django_filters.FilterSet) and cls.__module__ == module.__name__ \
                    and getattr(cls._meta, "model", None) is not None:
                yield cls


def _request(user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    return request


def _filterset(cls, user, **params):
    request = _request(user, **params)
    return cls(request.GET, queryset=cls._meta.model.objects.all(), request=request)


def test_every_filterset_of_every_app_derives_from_the_core_one():
    found = list(_filtersets())
    assert len(found) > 30
    assert [cls.__name__ for cls in found if not issubclass(cls, FilterSet)] == []


def test_every_date_filter_renders_a_date_picker_with_an_iso_value(users):
    dated = 0
    for cls in _filtersets():
        names = [n for n, f in cls.base_filters.items() if issubclass(f.field_class, forms.DateField)]
        if not names:
            continue
        fs = _filterset(cls, users["city"], **{n: "2022-09-08" for n in names})
        html = str(fs.form)
        for name in names:
            dated += 1
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
            assert 'type="date"' in tag, (cls.__name__, tag)
            assert 'value="2022-09-08"' in tag, (cls.__name__, tag)
    assert dated >= 15


def test_no_filter_asks_for_a_code_or_an_internal_id(users):
    """A region is chosen by name, an enterprise by name: no label asks for 区划代码, 企业ID and the like."""
    for cls in _filtersets():
        form = _filterset(cls, users["city"]).form
        for name, field in form.fields.items():
            label = str(field.label or "")
            assert not re.search(r"(区划|上级|指标)代码|企业ID|网点编号", label), (cls.__name__, name, label)
        assert "---------" not in str(form), cls.__name__     # an empty choice reads 全部


def test_region_filter_offers_the_districts_of_the_user_by_name_and_filters_the_subtree(users, regions, registry):
    district = _filterset(PatentFilter, users["district"])
    options = dict(district.form.fields["region"].choices)
    names = {str(label) for label in options.values()}
    assert "薛城区" in names and "滕州市" not in names and "枣庄市" not in names
    assert "370403" in {str(v) for v in options}            # the URL still carries the code

    city = _filterset(PatentFilter, users["city"], region="370403")
    assert city.is_valid()
    assert set(city.qs) == {registry["own_patent"], registry["unmatched"]}
    assert set(_filterset(PatentFilter, users["city"], region="370400").qs) == set(Patent.objects.all())
    # another district's region is no choice of a district officer: the filter refuses it, nothing leaks
    other = _filterset(PatentFilter, users["district"], region="370481")
    assert not other.is_valid() and "region" in other.errors


def test_enterprise_filter_chooses_by_name_within_scope(users, registry):
    own, other = registry["own"], registry["other"]
    city = _filterset(PatentFilter, users["city"], holder=str(own.pk))
    assert city.is_valid() and list(city.qs) == [registry["own_patent"]]
    html = str(city.form["holder"])
    assert f'<option value="{own.pk}" selected>{own.name}</option>' in html

    district = _filterset(PatentFilter, users["district"])
    names = [str(label) for _v, label in district.form.fields["holder"].choices]
    assert own.name in names and other.name not in names
    refused = _filterset(PatentFilter, users["district"], holder=str(other.pk))
    assert not refused.is_valid() and "holder" in refused.errors


def test_enterprise_select_of_many_renders_only_the_chosen_one_and_loads_the_rest(users, registry, make_enterprise,
                                                                                   monkeypatch):
    monkeypatch.setattr(AutocompleteSelect, "INLINE_LIMIT", 2)
    make_enterprise("第三家有限公司", "370403")
    other = registry["other"]
    own = make_enterprise("选中的有限公司", "370481", id=4321)   # a key of several digits, as in any real database
    html = str(_filterset(PatentFilter, users["city"], holder=str(own.pk)).form["holder"])
    assert 'data-autocomplete="/autocomplete/enterprises/"' in html
    assert own.name in html and other.name not in html and "第三家有限公司" not in html
    few = str(_filterset(PatentFilter, users["district"]).form["holder"])   # two in 薛城区: all rendered
    assert "data-autocomplete" not in few and "第三家有限公司" in few


def test_list_page_filter_by_name(users, clients, registry):
    """Through the page: the region select shows names and choosing one narrows the rows."""
    response = clients["city"].get("/registry/patents/", {"region": "370481"})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<option value="370481" selected>\s*滕州市', page)
    assert registry["other_patent"].application_no in page
    assert registry["own_patent"].application_no not in page


def test_date_filters_filter(users, registry):
    cls = PatentFilter
    fs = _filterset(cls, users["city"], filed_from="2017-07-01", filed_to=dt.date(2017, 8, 31).isoformat())
    assert fs.is_valid()
    assert set(fs.qs) == {registry["own_patent"], registry["other_patent"]}


def test_handler_filter_offers_the_people_the_officer_may_assign(users):
    from ipdesk.protection.filters import AssistanceCaseFilter
    from ipdesk.protection.models import AssistanceCase
    own = users["enterprise"].enterprise
    case = {"source": "application", "enterprise": own, "region": own.region}
    mine = AssistanceCase.objects.create(**case, right_type="trademark", title="商标被抢注",
                                         received_on=dt.date(2026, 1, 5), handler=users["lawyer"])
    AssistanceCase.objects.create(**case, right_type="patent", title="专利被侵权",
                                  received_on=dt.date(2026, 1, 6), handler=users["district"])
    district = _filterset(AssistanceCaseFilter, users["district"])
    names = {str(label) for _v, label in district.form.fields["handler"].choices}
    assert {"lawyer", "district", "city"} <= names and "other_district" not in names
    assert "data-autocomplete" not in str(district.form["handler"])       # few people: rendered in the page
    chosen = _filterset(AssistanceCaseFilter, users["district"], handler=str(users["lawyer"].pk))
    assert chosen.is_valid() and list(chosen.qs) == [mine]
    assert not _filterset(AssistanceCaseFilter, users["district"], handler=str(users["other_district"].pk)).is_valid()
    # a role that assigns no one is offered no one
    assert [v for v, _label in _filterset(AssistanceCaseFilter, users["enterprise"]).form.fields["handler"].choices
            if v] == []


def test_jobs_and_audit_filter_by_name_not_code(users):
    from ipdesk.core.filters import AuditFilter, JobFilter
    kinds = dict(_filterset(JobFilter, users["city"]).form.fields["kind"].choices)
    assert str(kinds["import"]) == "数据导入"
    types = dict(_filterset(AuditFilter, users["city"]).form.fields["object_type"].choices)
    assert str(types["registry.enterprise"]) == "企业" and str(types["accounts.user"]) == "用户"
