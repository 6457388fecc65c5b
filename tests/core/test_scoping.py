"""Data scope: one mechanism (Model.objects.restrict) on every path — page, detail, export, API."""
import io

import pytest
from openpyxl import load_workbook

from ipdesk.core.scoping import CHANGE, Role
from ipdesk.registry.models import Enterprise, Patent


@pytest.fixture
def two_districts(users, make_enterprise):
    """An enterprise and a patent in 薛城区 (the district officer's) and in 滕州市 (not theirs)."""
    served = users["enterprise"].enterprise
    other = make_enterprise("滕州远方机械有限公司", "370481")
    mine = Patent.objects.create(application_no="201710601862.3", patent_type="invention", title="本辖区专利",
                                 holder=served, holder_name=served.name, region=served.region)
    theirs = Patent.objects.create(application_no="201310699744.2", patent_type="invention", title="外辖区专利",
                                   holder=other, holder_name=other.name, region=other.region)
    return {"served": served, "other": other, "mine": mine, "theirs": theirs}


def visible(model, user, action="view"):
    return set(model.objects.restrict(user, action).values_list("pk", flat=True))


def test_each_role_sees_its_own_enterprises(users, two_districts):
    served, other = two_districts["served"].pk, two_districts["other"].pk
    assert visible(Enterprise, users["city"]) == {served, other}
    assert visible(Enterprise, users["leader"]) == {served, other}
    assert visible(Enterprise, users["district"]) == {served}
    assert visible(Enterprise, users["other_district"]) == {other}
    assert visible(Enterprise, users["commissioner"]) == {served}
    assert visible(Enterprise, users["enterprise"]) == {served}
    assert visible(Enterprise, users["lawyer"]) == set()


def test_children_of_a_district_are_in_its_scope(users, regions, make_enterprise):
    # 枣庄高新区 is a functional zone attached to 薛城区: the 薛城 officer sees it, the 滕州 officer does not.
    zone = make_enterprise("高新区软件有限公司", "370400-GX")
    assert zone.pk in visible(Enterprise, users["district"])
    assert zone.pk not in visible(Enterprise, users["other_district"])
    # the scope compares region ids (the district's and those under it), without joining the regions
    sql = str(Patent.objects.restrict(users["district"]).query)
    assert "regions_region" not in sql and str(regions["370400-GX"].pk) in sql and str(regions["370403"].pk) in sql


def test_moving_the_zone_moves_its_records(users, regions, make_enterprise):
    zone_firm = make_enterprise("高新区软件有限公司", "370400-GX")
    zone = regions["370400-GX"]
    zone.parent = regions["370481"]
    zone.save()
    assert zone_firm.pk not in visible(Enterprise, users["district"])
    assert zone_firm.pk in visible(Enterprise, users["other_district"])


def test_leaders_and_lawyers_change_nothing(users, two_districts):
    assert visible(Enterprise, users["leader"], CHANGE) == set()
    assert visible(Patent, users["leader"], CHANGE) == set()
    assert visible(Enterprise, users["district"], CHANGE) == {two_districts["served"].pk}


def test_inactive_and_anonymous_users_see_nothing(users, two_districts):
    from django.contrib.auth.models import AnonymousUser
    users["city"].is_active = False
    assert visible(Patent, users["city"]) == set()
    assert visible(Patent, AnonymousUser()) == set()


def test_patents_follow_holder_scope(users, two_districts):
    mine, theirs = two_districts["mine"].pk, two_districts["theirs"].pk
    assert visible(Patent, users["district"]) == {mine}
    assert visible(Patent, users["commissioner"]) == {mine}
    assert visible(Patent, users["enterprise"]) == {mine}
    assert visible(Patent, users["city"]) == {mine, theirs}


# ---- the same scope on the page, detail, export and API paths (user accounts are region-scoped) ----

def test_user_list_page_detail_export_and_api_are_scoped(users, clients):
    district, other = users["district"], users["other_district"]
    client = clients["district"]
    page = client.get("/accounts/users/").content.decode()
    assert district.username in page and other.username not in page
    assert client.get(f"/accounts/users/{district.pk}/").status_code == 200
    assert client.get(f"/accounts/users/{other.pk}/").status_code == 404
    export = client.get("/accounts/users/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert district.username in names and other.username not in names
    api = client.get("/api/users/").json()
    assert {u["username"] for u in api["results"]} == {district.username}
    assert client.get(f"/api/users/{other.pk}/").status_code == 404


def test_user_pages_do_not_exist_for_other_roles(users, clients):
    for role in ("commissioner", "enterprise", "lawyer", "leader"):
        assert clients[role].get("/accounts/users/").status_code == 404, role
        assert clients[role].get(f"/accounts/users/{users['district'].pk}/").status_code == 404, role


def test_city_officer_sees_all_accounts(users, clients):
    page = clients["city"].get("/accounts/users/").content.decode()
    assert users["district"].username in page and users["other_district"].username in page


def test_district_officer_cannot_place_a_record_outside_the_district(users, clients, regions):
    # Population rows are reference data only city officers change: the form does not exist for others.
    assert clients["district"].get("/regions/populations/add/").status_code == 404
    response = clients["city"].post("/regions/populations/add/", {"region": regions["370403"].pk, "year": 2023,
                                                                 "population": 500000, "source": "统计年鉴"})
    assert response.status_code == 302


def test_jobs_are_visible_to_their_owner_and_city_officers(users, clients):
    from ipdesk.core.models import Job
    job = Job.objects.create(kind="test", title="区局导入", created_by=users["district"])
    assert clients["district"].get(f"/jobs/{job.pk}/").status_code == 200
    assert clients["other_district"].get(f"/jobs/{job.pk}/").status_code == 404
    assert clients["city"].get(f"/jobs/{job.pk}/").status_code == 200
    assert clients["other_district"].get(f"/api/jobs/{job.pk}/").status_code == 404


def test_messages_are_personal_even_for_city_officers(users, clients):
    from ipdesk.core.models import Notification
    Notification.objects.create(recipient=users["district"], kind="test", title="只给区局的提醒")
    assert "只给区局的提醒" in clients["district"].get("/notifications/").content.decode()
    assert "只给区局的提醒" not in clients["city"].get("/notifications/").content.decode()


def test_role_choices_cover_spec_roles():
    assert {r.value for r in Role} == {"city_officer", "district_officer", "commissioner", "enterprise", "lawyer",
                                      "leader"}
