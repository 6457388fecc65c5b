"""Role × endpoint matrix for data scope (数据权限), discovered, not listed by hand.

For every scoped model one record is built on side A (薛城区 370403: the district officer's district,
the enterprise user's own enterprise, the test commissioner and lawyer) and one on side B (滕州市
370481, another enterprise, another commissioner and lawyer). Then every API route (from the
routers every app registers) and every record page (`<app>:<model>_detail`) and list page is asked
by every role. A role below the city level must never reach side B (other district: never side A);
what the model's Scope grants it on its own side it must reach. Leaders never write.
"""
import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from ipdesk.core.scoping import Role
from tests.security.factory import Side, build, scoped_models

OFFICERS = {"city", "leader", "district", "other_district"}
ROLES = ["city", "leader", "district", "other_district", "enterprise", "commissioner", "lawyer"]


@pytest.fixture
def sides(users, make_user, make_enterprise, regions):
    other_commissioner = make_user("commissioner_b", Role.COMMISSIONER)
    other_lawyer = make_user("lawyer_b", Role.LAWYER)
    b_enterprise = make_enterprise("滕州对照企业有限公司", "370481", commissioner=other_commissioner)
    a = Side(regions["370403"], users["enterprise"].enterprise, users["commissioner"], users["lawyer"], users["city"])
    b = Side(regions["370481"], b_enterprise, other_commissioner, other_lawyer, users["city"])
    return a, b


# Records whose working copy belongs to the city officers until it is issued: the matrix checks the
# region/enterprise sides of the issued record; the draft rule has its own test
# (tests/stats/test_bulletin_scope.py).
ISSUED_STATE = {"stats.bulletin": {"status": "published"}}


def expected(model, role, side_name):
    """Whether `role` should reach a record of `model` built on side A or B, from the Scope declaration."""
    scope = model.scope
    if scope.personal:
        return False
    if scope.public or role in ("city", "leader"):
        return True
    if role == "district":
        return side_name == "A" and bool(scope.region)
    if role == "other_district":
        return side_name == "B" and bool(scope.region)
    if role == "enterprise":
        return side_name == "A" and bool(scope.enterprise)
    if role == "commissioner":
        return side_name == "A" and bool(scope.commissioner)
    if role == "lawyer":
        return side_name == "A" and bool(scope.lawyer)
    return False


@pytest.fixture
def records(sides):
    a_side, b_side = sides
    built, failures = {}, []
    for model in scoped_models():
        try:
            if model.scope.enterprise == "pk":  # the enterprise itself: side A is the enterprise user's own
                built[model] = {"A": a_side.enterprise, "B": b_side.enterprise}
                continue
            with transaction.atomic():
                built[model] = {"A": build(model, a_side), "B": build(model, b_side)}
                for obj in built[model].values():
                    for field, value in ISSUED_STATE.get(model._meta.label_lower, {}).items():
                        type(obj)._base_manager.filter(pk=obj.pk).update(**{field: value})
                        setattr(obj, field, value)
        except Exception as exc:  # a model the generic builder cannot fill: reported, and the test fails
            existing = list(model._base_manager.order_by("pk")[:2]) if model.scope.public else []
            if existing:  # reference data seeded by migrations (unique kinds): every role reads it anyway
                built[model] = {"A": existing[0], "B": existing[-1]}
                continue
            failures.append(f"{model._meta.label}: {type(exc).__name__}: {exc}")
    assert not failures, "cannot build records for: " + "; ".join(failures)
    return built


def api_routes():
    from ipdesk.core.api_urls import root
    for prefix, viewset, basename in root.registry:
        queryset = getattr(viewset, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is not None:
            yield prefix, viewset, basename, model


def test_every_api_route_applies_data_scope(records, clients):
    problems, checked = [], 0
    for prefix, viewset, basename, model in api_routes():
        if model not in records:
            continue
        for role in ROLES:
            client = clients[role]
            listing = client.get(f"/api/{prefix}/", {"page_size": 1000})
            for side_name, obj in records[model].items():
                r = client.get(f"/api/{prefix}/{obj.pk}/")
                want = expected(model, role, side_name)
                got = r.status_code == 200
                checked += 1
                if r.status_code not in (200, 403, 404):
                    problems.append(f"{prefix} {role} {side_name}: HTTP {r.status_code}")
                elif got and not want:
                    problems.append(f"LEAK /api/{prefix}/{obj.pk}/ reached by {role} (side {side_name})")
                elif want and not got and (role in OFFICERS or not model.scope.public):
                    # reference data (public) may be narrowed to staff by an app; own records may not be hidden
                    problems.append(f"/api/{prefix}/{obj.pk}/ refused to {role} (side {side_name}): HTTP {r.status_code}")
                if listing.status_code == 200 and not want:
                    body = listing.json()
                    rows = body.get("results", body) if isinstance(body, dict) else body
                    ids = {row.get("id") for row in rows if isinstance(row, dict)}
                    if obj.pk in ids and model.scope.public is False:
                        problems.append(f"LEAK /api/{prefix}/ lists {model._meta.label} {obj.pk} to {role}")
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_leaders_and_out_of_scope_users_cannot_write_through_the_api(records, clients):
    problems = []
    for prefix, viewset, basename, model in api_routes():
        if model not in records or not hasattr(viewset, "partial_update"):
            continue
        obj = records[model]["A"]
        for role in ("leader", "other_district"):
            r = clients[role].patch(f"/api/{prefix}/{obj.pk}/", {}, content_type="application/json")
            if r.status_code not in (403, 404, 405):
                problems.append(f"PATCH /api/{prefix}/{obj.pk}/ by {role}: HTTP {r.status_code}")
            r = clients[role].delete(f"/api/{prefix}/{obj.pk}/")
            if r.status_code not in (403, 404, 405):
                problems.append(f"DELETE /api/{prefix}/{obj.pk}/ by {role}: HTTP {r.status_code}")
    for model, objs in records.items():
        assert type(objs["A"])._base_manager.filter(pk=objs["A"].pk).exists(), model
    assert not problems, "\n".join(problems)


def test_every_record_page_applies_data_scope(records, clients):
    problems, checked = [], 0
    for model, objs in records.items():
        opts = model._meta
        for side_name, obj in objs.items():
            try:
                url = reverse(f"{opts.app_label}:{opts.model_name}_detail", args=[obj.pk])
            except NoReverseMatch:
                break
            for role in ROLES:
                r = clients[role].get(url)
                checked += 1
                want = expected(model, role, side_name)
                if r.status_code == 200 and not want:
                    problems.append(f"LEAK {url} shown to {role} (side {side_name})")
                elif r.status_code >= 500:
                    problems.append(f"{url} {role}: HTTP {r.status_code}")
                elif want and r.status_code == 404 and role in ("district", "other_district", "city", "leader"):
                    problems.append(f"{url} refused to {role} (side {side_name})")
            for role in ("leader", "other_district" if side_name == "A" else "district"):
                try:
                    edit = reverse(f"{opts.app_label}:{opts.model_name}_edit", args=[obj.pk])
                except NoReverseMatch:
                    continue
                r = clients[role].post(edit, {})
                if r.status_code not in (403, 404):
                    problems.append(f"POST {edit} by {role}: HTTP {r.status_code}")
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_every_list_page_shows_only_rows_in_scope(records, clients):
    from ipdesk.core.views import ObjectListView
    from tests.security.urlwalk import example, walk
    problems, checked = [], 0
    for template, callback, name in walk():
        cls = getattr(callback, "view_class", None)
        if not (cls and issubclass(cls, ObjectListView)) or cls.model not in records:
            continue
        path = example(template)
        if path is None:
            continue
        model = cls.model
        for role in ROLES:
            r = clients[role].get(path, {"per_page": 500})
            if r.status_code == 404:
                continue
            if r.status_code != 200 or r.context is None:
                problems.append(f"{path} {role}: HTTP {r.status_code}")
                continue
            shown = r.context.get("filter").qs if r.context.get("filter") is not None else r.context["object_list"]
            pks = set(shown.values_list("pk", flat=True))
            checked += 1
            for side_name, obj in records[model].items():
                if obj.pk in pks and not expected(model, role, side_name):
                    problems.append(f"LEAK {path} lists {model._meta.label} {obj.pk} to {role} (side {side_name})")
    assert checked > 0
    assert not problems, "\n".join(problems)
