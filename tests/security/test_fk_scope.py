"""Links stay inside the writer's scope: every foreign key and many-to-many a user may set is chosen
from what that user may reach, on the API and in the forms.

Attack 2: a 薛城区 (370403) district officer linked 滕州市 (370481) records to its own — a service
station with a Tengzhou host_enterprise, a standard with a Tengzhou drafter — and the linked
enterprise's name then showed to every role. The API routes and their writable relations are
discovered from the routers and serializers, not listed by hand, so a new endpoint joins by itself.
"""
import datetime as dt

import pytest
from rest_framework.relations import ManyRelatedField, RelatedField

from ipdesk.accounts.models import User
from ipdesk.regions.models import Region
from tests.security.test_scope_matrix import records, sides  # noqa: F401  (fixtures: a record of every model)

SCOPE_WORDS = "数据权限范围"


def _links_to_scoped_data(target):
    """Whether picking a row of `target` is a matter of scope: records of a district (or of an
    enterprise, a commissioner…), regions, and user accounts; not the city-wide vocabularies."""
    if target in (Region, User):
        return True
    scope = getattr(target, "scope", None)
    return scope is not None and (not scope.public or bool(scope.region))


def writable_links():
    """(prefix, viewset, field name, target model, many) for every writable relation on every API route."""
    from ipdesk.core.api_urls import root
    out = []
    for prefix, viewset, basename in root.registry:
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None:
            continue
        methods = set(getattr(viewset, "http_method_names", ())) & {"post", "put", "patch"}
        if not methods or not (hasattr(viewset, "create") or hasattr(viewset, "partial_update")):
            continue
        for name, field in serializer_class(context={}).fields.items():
            if field.read_only:
                continue
            many = isinstance(field, ManyRelatedField)
            relation = field.child_relation if many else field
            if isinstance(relation, RelatedField) and relation.queryset is not None \
                    and _links_to_scoped_data(relation.queryset.model):
                out.append((prefix, viewset, name, relation.queryset.model, many))
    return out


def _other_side(target, records, regions, users):  # noqa: F811
    if target is Region:
        return regions["370481"]
    if target is User:
        return users["other_district"]
    return records[target]["B"]


def _value(field_obj, relation_field):
    slug = getattr(relation_field, "slug_field", None)
    return getattr(field_obj, slug) if slug else field_obj.pk


def _linked(obj, name, many):
    return sorted(getattr(obj, name).values_list("pk", flat=True)) if many else getattr(obj, f"{name}_id", None)


def _names_the_field(response, name):
    try:
        body = response.json()
    except ValueError:
        return False
    messages = body.get(name) if isinstance(body, dict) else None
    return bool(messages) and any(SCOPE_WORDS in str(m) for m in messages)


def test_every_writable_link_on_the_api_is_limited_to_the_writers_scope(records, clients, regions, users):  # noqa: F811
    """As the 370403 district officer, POST and PATCH every writable relation with a 370481 row: 400,
    the field named, the record unchanged."""
    links = writable_links()
    problems, checked = [], set()
    client = clients["district"]
    for prefix, viewset, name, target, many in links:
        if target not in (Region, User) and target not in records:
            problems.append(f"{prefix}.{name}: no side-B record of {target._meta.label} to try")
            continue
        relation = viewset.serializer_class(context={}).fields[name]
        relation = relation.child_relation if many else relation
        other = _other_side(target, records, regions, users)
        value = _value(other, relation)
        payload = {name: [value] if many else value}
        if "post" in viewset.http_method_names:
            r = client.post(f"/api/{prefix}/", payload, content_type="application/json")
            if r.status_code not in (403, 405):
                checked.add((prefix, name, "POST"))
                if r.status_code != 400 or not _names_the_field(r, name):
                    problems.append(f"POST /api/{prefix}/ {name}=370481 row: HTTP {r.status_code} {r.content[:300]!r}")
        model = viewset.queryset.model
        if "patch" in viewset.http_method_names and model in records:
            obj = records[model]["A"]
            obj.refresh_from_db()
            before = _linked(obj, name, many)
            r = client.patch(f"/api/{prefix}/{obj.pk}/", {**payload, "version": obj.version},
                             content_type="application/json")
            if r.status_code not in (403, 404, 405):
                checked.add((prefix, name, "PATCH"))
                if r.status_code != 400 or not _names_the_field(r, name):
                    problems.append(f"PATCH /api/{prefix}/{obj.pk}/ {name}=370481 row: HTTP {r.status_code} "
                                    f"{r.content[:300]!r}")
                obj.refresh_from_db()
                after = _linked(obj, name, many)
                if after != before:
                    problems.append(f"PATCH /api/{prefix}/{obj.pk}/ changed {name}: {before} -> {after}")
    # the two reported routes, and the generic reach of the check
    assert ("protection/stations", "host_enterprise", "POST") in checked
    assert ("protection/stations", "host_enterprise", "PATCH") in checked
    assert ("standards", "drafter", "POST") in checked
    assert ("standards", "drafter", "PATCH") in checked
    assert len(checked) >= 40, sorted(checked)
    assert not problems, "\n".join(problems)


# ---- The two reported cases, end to end ----------------------------------------------------------
@pytest.fixture
def tengzhou(make_enterprise):
    return make_enterprise("滕州外区企业有限公司", "370481")


def _station(regions, host):
    return {"kind": "workstation", "name": "薛城知识产权保护工作站", "host": "薛城某单位", "host_enterprise": host,
            "region": regions["370403"].pk, "is_active": True}


def test_station_with_another_districts_host_enterprise_is_refused(clients, regions, users, tengzhou):
    from ipdesk.protection.models import ServiceStation
    r = clients["district"].post("/api/protection/stations/", _station(regions, tengzhou.pk),
                                 content_type="application/json")
    assert r.status_code == 400 and _names_the_field(r, "host_enterprise"), r.content
    assert not ServiceStation.objects.filter(host_enterprise=tengzhou).exists()
    own = clients["district"].post("/api/protection/stations/", _station(regions, users["enterprise"].enterprise_id),
                                   content_type="application/json")
    assert own.status_code == 201, own.content
    station = ServiceStation.objects.get(pk=own.json()["id"])
    r = clients["district"].patch(f"/api/protection/stations/{station.pk}/",
                                  {"host_enterprise": tengzhou.pk, "version": station.version},
                                  content_type="application/json")
    assert r.status_code == 400 and _names_the_field(r, "host_enterprise"), r.content
    station.refresh_from_db()
    assert station.host_enterprise_id == users["enterprise"].enterprise_id


def test_standard_with_another_districts_drafter_is_refused(clients, regions, users, tengzhou):
    from ipdesk.finance.models import Standard
    body = {"kind": "local", "code": "DB3704/T 001-2024", "name": "薛城石榴", "region": regions["370403"].pk,
            "drafter": tengzhou.pk}
    r = clients["district"].post("/api/standards/", body, content_type="application/json")
    assert r.status_code == 400 and _names_the_field(r, "drafter"), r.content
    assert not Standard.objects.filter(drafter=tengzhou).exists()
    body["drafter"] = users["enterprise"].enterprise_id
    assert clients["district"].post("/api/standards/", body, content_type="application/json").status_code == 201


def test_region_outside_the_district_is_refused_by_name(clients, regions, users):
    elsewhere = {**_station(regions, None), "region": regions["370481"].pk}
    r = clients["district"].post("/api/protection/stations/", elsewhere, content_type="application/json")
    assert r.status_code == 400 and _names_the_field(r, "region"), r.content
    # the city officer picks any region
    ok = clients["city"].post("/api/protection/stations/", elsewhere, content_type="application/json")
    assert ok.status_code == 201, ok.content


# ---- The same in the forms -----------------------------------------------------------------------
def test_station_form_offers_and_accepts_only_own_enterprises(clients, regions, users, tengzhou):
    from ipdesk.protection.models import ServiceStation
    page = clients["district"].get("/protection/stations/add/")
    choices = set(page.context["form"].fields["host_enterprise"].queryset.values_list("pk", flat=True))
    assert users["enterprise"].enterprise_id in choices and tengzhou.pk not in choices
    regions_offered = set(page.context["form"].fields["region"].queryset.values_list("code", flat=True))
    assert "370403" in regions_offered and "370481" not in regions_offered
    data = {**_station(regions, tengzhou.pk), "is_active": "on"}
    r = clients["district"].post("/protection/stations/add/", data)
    assert r.status_code == 200 and r.context["form"].errors.get("host_enterprise"), r.status_code
    assert not ServiceStation.objects.filter(host_enterprise=tengzhou).exists()
    station = ServiceStation.objects.create(kind="workstation", name="已有网点", host="某单位", region=regions["370403"])
    r = clients["district"].post(f"/protection/stations/{station.pk}/edit/",
                                 {**data, "name": "已有网点", "_version": station.version})
    assert r.status_code == 200 and r.context["form"].errors.get("host_enterprise")
    station.refresh_from_db()
    assert station.host_enterprise_id is None


def test_standard_form_refuses_another_districts_drafter(clients, regions, users, tengzhou):
    from ipdesk.finance.models import Standard
    data = {"kind": "local", "code": "DB3704/T 002-2024", "name": "薛城石榴（表单）",
            "region": regions["370403"].pk, "drafter": tengzhou.pk, "issued_on": dt.date(2024, 1, 1).isoformat()}
    r = clients["district"].post("/finance/standards/add/", data)
    assert r.status_code == 200 and r.context["form"].errors.get("drafter")
    assert not Standard.objects.filter(code="DB3704/T 002-2024").exists()
    data["drafter"] = users["enterprise"].enterprise_id
    assert clients["district"].post("/finance/standards/add/", data).status_code == 302
    assert Standard.objects.get(code="DB3704/T 002-2024").drafter_id == users["enterprise"].enterprise_id
