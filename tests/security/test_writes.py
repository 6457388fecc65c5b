"""Write paths: no silent overwrite, and the commissioner is set only through the assignment workflow.

Attack 1: a client that leaves out the version it read (API `version`, form `_version`) used to
overwrite whatever had been saved in between. Now an update must name its version: without one the
API answers 428 Precondition Required, with a stale one 409 Conflict, and the form refuses to save.
Attack 3: PATCH /api/enterprises/<id>/ {"commissioner": <any user>} made anyone "commissioner"
with no assignment record and no notification.
"""
import pytest

from ipdesk.core.scoping import Role


def _enterprise(users):
    return users["enterprise"].enterprise  # 薛城区 370403: in the district officer's scope


# ---- 1. API: an update must carry the version it was read at -----------------------------------
@pytest.mark.parametrize("body", [{"name": "无版本覆盖有限公司"},
                                  {"name": "无版本覆盖有限公司", "version": None},
                                  {"name": "无版本覆盖有限公司", "version": ""}],
                         ids=["missing", "null", "empty"])
def test_api_patch_without_a_version_is_refused_with_428(body, clients, users):
    ent = _enterprise(users)
    before = (ent.name, ent.version)
    r = clients["district"].patch(f"/api/enterprises/{ent.pk}/", body, content_type="application/json")
    assert r.status_code == 428, r.content
    message = r.json()["version"][0]
    assert "版本" in message and "version" in message
    ent.refresh_from_db()
    assert (ent.name, ent.version) == before


def test_api_put_without_a_version_is_refused_with_428(clients, users):
    ent = _enterprise(users)
    url = f"/api/enterprises/{ent.pk}/"
    body = clients["district"].get(url).json()
    body.pop("version")
    body["name"] = "整体覆盖有限公司"
    r = clients["district"].put(url, body, content_type="application/json")
    assert r.status_code == 428, r.content
    ent.refresh_from_db()
    assert ent.name != "整体覆盖有限公司"


def test_api_patch_with_a_stale_version_is_refused_with_409(clients, users):
    ent = _enterprise(users)
    url = f"/api/enterprises/{ent.pk}/"
    read = ent.version
    first = clients["city"].patch(url, {"address": "先保存的地址", "version": read}, content_type="application/json")
    assert first.status_code == 200, first.content
    r = clients["district"].patch(url, {"address": "后保存的地址", "version": read}, content_type="application/json")
    assert r.status_code == 409, r.content
    assert "已被他人修改" in r.json()["version"][0]
    ent.refresh_from_db()
    assert ent.address == "先保存的地址" and ent.version == read + 1


def test_api_patch_with_the_current_version_saves_and_counts_up(clients, users):
    ent = _enterprise(users)
    r = clients["district"].patch(f"/api/enterprises/{ent.pk}/", {"address": "新地址", "version": ent.version},
                                  content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["version"] == ent.version + 1
    ent.refresh_from_db()
    assert ent.address == "新地址"


def test_api_version_rule_is_documented_in_the_openapi_schema(clients):
    import yaml
    schema = yaml.safe_load(clients["leader"].get("/api/schema/").content)
    for path in ("/api/enterprises/{id}/", "/api/protection/stations/{id}/", "/api/standards/{id}/"):
        for method in ("put", "patch"):
            responses = schema["paths"][path][method]["responses"]
            assert {"409", "428"} <= set(responses), (path, method, sorted(responses))


# ---- 1. Forms: an edit form that does not say which version it edits does not save ---------------
def _form_values(form):
    """What the browser would send back for an untouched form, hidden `_version` included."""
    values = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        values[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    return values


def test_ui_edit_without_version_shows_a_form_error_and_does_not_save(clients, users):
    ent = _enterprise(users)
    url = f"/registry/enterprises/{ent.pk}/edit/"
    form = clients["district"].get(url).context["form"]
    data = _form_values(form)
    assert data.pop("_version") == ent.version
    data["address"] = "表单无版本地址"
    before = (ent.address, ent.version)
    r = clients["district"].post(url, data)
    assert r.status_code == 200
    errors = " ".join(r.context["form"].non_field_errors())
    assert "刷新" in errors
    ent.refresh_from_db()
    assert (ent.address, ent.version) == before
    data["_version"] = ent.version  # the same form with its version saves
    assert clients["district"].post(url, data).status_code == 302
    ent.refresh_from_db()
    assert ent.address == "表单无版本地址" and ent.version == before[1] + 1


# ---- 3. The commissioner: only through the assignment action -------------------------------------
def test_api_patch_cannot_make_anyone_commissioner(clients, users):
    from ipdesk.services.models import CommissionerAssignment
    ent = _enterprise(users)
    before = ent.commissioner_id
    r = clients["district"].patch(f"/api/enterprises/{ent.pk}/", {"commissioner": users["city"].pk,
                                                                   "version": ent.version},
                                  content_type="application/json")
    assert r.status_code == 400, r.content
    assert "commissioner" in r.json()
    ent.refresh_from_db()
    assert ent.commissioner_id == before
    assert not CommissionerAssignment.objects.filter(enterprise=ent).exists()


def test_api_create_cannot_name_a_commissioner(clients, users, regions):
    from ipdesk.registry.models import Enterprise
    from ipdesk.registry.rules import uscc_check_char
    body = "91370400MX0000001"
    r = clients["city"].post("/api/enterprises/", {"uscc": body + uscc_check_char(body), "name": "自封专员有限公司",
                                                   "region": regions["370403"].pk,
                                                   "commissioner": users["city"].pk},
                             content_type="application/json")
    assert r.status_code == 400 and "commissioner" in r.json(), r.content
    assert not Enterprise.objects.filter(name="自封专员有限公司").exists()


def test_api_round_trip_with_the_unchanged_commissioner_still_saves(clients, users):
    ent = _enterprise(users)
    url = f"/api/enterprises/{ent.pk}/"
    body = clients["district"].get(url).json()
    body["address"] = "原样回传"
    r = clients["district"].put(url, body, content_type="application/json")
    assert r.status_code == 200, r.content
    ent.refresh_from_db()
    assert ent.address == "原样回传" and ent.commissioner == users["commissioner"]


def test_enterprise_edit_form_has_no_commissioner_field(clients, users):
    ent = _enterprise(users)
    url = f"/registry/enterprises/{ent.pk}/edit/"
    form = clients["district"].get(url).context["form"]
    assert "commissioner" not in form.fields
    data = _form_values(form)
    data.update(commissioner=users["city"].pk, address="表单改专员")
    assert clients["district"].post(url, data).status_code == 302
    ent.refresh_from_db()
    assert ent.address == "表单改专员" and ent.commissioner == users["commissioner"]


def test_api_assignment_action_refuses_a_city_officer_as_commissioner(clients, users):
    from ipdesk.services.models import CommissionerAssignment
    ent = _enterprise(users)
    r = clients["district"].post(f"/api/enterprises/{ent.pk}/assign-commissioner/",
                                 {"commissioner": users["city"].pk, "reason": "试图指定市局人员"},
                                 content_type="application/json")
    assert r.status_code == 400, r.content
    assert "服务专员" in r.json()["commissioner"][0]
    ent.refresh_from_db()
    assert ent.commissioner == users["commissioner"]
    assert not CommissionerAssignment.objects.filter(enterprise=ent).exists()


def test_api_assignment_action_records_and_notifies(clients, users, make_user):
    from ipdesk.core.models import Notification
    from ipdesk.services.models import CommissionerAssignment
    ent = _enterprise(users)
    second = make_user("commissioner2", Role.COMMISSIONER)
    r = clients["district"].post(f"/api/enterprises/{ent.pk}/assign-commissioner/",
                                 {"commissioner": second.pk, "reason": "岗位调整"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["commissioner"] == second.pk
    ent.refresh_from_db()
    assert ent.commissioner == second
    row = CommissionerAssignment.objects.get(enterprise=ent, ended_at__isnull=True)
    assert row.commissioner == second and row.previous == users["commissioner"] and row.assigned_by == users["district"]
    assert Notification.objects.filter(recipient=second, kind="commissioner_assigned").exists()
    # out of the officer's district: not found; a leader: refused
    other = clients["other_district"].post(f"/api/enterprises/{ent.pk}/assign-commissioner/",
                                           {"commissioner": users["commissioner"].pk}, content_type="application/json")
    assert other.status_code == 404
    leader = clients["leader"].post(f"/api/enterprises/{ent.pk}/assign-commissioner/",
                                    {"commissioner": users["commissioner"].pk}, content_type="application/json")
    assert leader.status_code == 403


def test_assignment_action_refuses_a_city_officer_as_commissioner(users):
    from django.core.exceptions import ValidationError

    from ipdesk.services import actions
    ent = _enterprise(users)
    with pytest.raises(ValidationError) as exc:
        actions.assign_commissioner(ent, users["city"], users["district"], "试图指定市局人员")
    assert "commissioner" in exc.value.message_dict
    ent.refresh_from_db()
    assert ent.commissioner == users["commissioner"]
