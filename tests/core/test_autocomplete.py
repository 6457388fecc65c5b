"""The type-to-search endpoint of the searchable selects (core.autocomplete): each role gets only what it may
choose, a page at a time."""
import pytest

from ipdesk.core import autocomplete
from ipdesk.core.scoping import Role

URL = "/autocomplete/{}/"


def _names(client, kind, **params):
    response = client.get(URL.format(kind), params)
    assert response.status_code == 200, response.status_code
    data = response.json()
    return {row["text"] for row in data["results"]}, data


@pytest.fixture
def world(users, make_enterprise):
    own = users["enterprise"].enterprise                       # 薛城区, served by the commissioner
    return {"own": own, "neighbour": make_enterprise("薛城邻居材料有限公司", "370403"),
            "tengzhou": make_enterprise("滕州机床有限公司", "370481")}


def test_enterprises_in_scope_of_each_role(users, clients, world):
    everyone = {world["own"].name, world["neighbour"].name, world["tengzhou"].name}
    assert _names(clients["city"], "enterprises")[0] == everyone
    assert _names(clients["leader"], "enterprises")[0] == everyone
    assert _names(clients["district"], "enterprises")[0] == {world["own"].name, world["neighbour"].name}
    assert _names(clients["other_district"], "enterprises")[0] == {world["tengzhou"].name}
    assert _names(clients["commissioner"], "enterprises")[0] == {world["own"].name}
    assert _names(clients["enterprise"], "enterprises")[0] == {world["own"].name}
    assert _names(clients["lawyer"], "enterprises")[0] == set()


def test_enterprises_search_by_name_and_credit_code(users, clients, world):
    assert _names(clients["city"], "enterprises", q="机床")[0] == {"滕州机床有限公司"}
    assert _names(clients["district"], "enterprises", q="机床")[0] == set()   # out of 薛城区: not found
    uscc = world["neighbour"].uscc
    rows = clients["district"].get(URL.format("enterprises"), {"q": uscc}).json()["results"]
    assert rows == [{"id": str(world["neighbour"].pk), "text": "薛城邻居材料有限公司"}]


def test_enterprises_answer_a_page_at_a_time(users, clients, make_enterprise, monkeypatch):
    monkeypatch.setattr(autocomplete, "LIMIT", 3)
    for n in range(4):
        make_enterprise(f"批量{n}有限公司", "370481")
    names, data = _names(clients["city"], "enterprises", q="批量")
    assert len(names) == 3 and data["more"] is True
    names, data = _names(clients["city"], "enterprises", q="批量3")
    assert names == {"批量3有限公司"} and data["more"] is False


def test_people_an_officer_may_assign(users, clients, make_user):
    colleague = make_user("xuecheng2", Role.DISTRICT_OFFICER, "370403")
    make_user("ent2", Role.ENTERPRISE)
    district, _ = _names(clients["district"], "people")
    assert district == {"city", "district", colleague.username, "lawyer"}   # not 滕州市's officer
    city, _ = _names(clients["city"], "people")
    assert {"city", "district", "other_district", "lawyer", colleague.username} == city
    assert _names(clients["district"], "people", q="xuecheng")[0] == {colleague.username}


@pytest.mark.parametrize("role", ["enterprise", "commissioner", "lawyer", "leader"])
def test_people_are_no_choice_of_other_roles(users, clients, role):
    assert clients[role].get(URL.format("people")).status_code == 404


def test_unknown_kind_and_anonymous(users, clients, client):
    assert clients["city"].get(URL.format("contacts")).status_code == 404
    response = client.get(URL.format("enterprises"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
