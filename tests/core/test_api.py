"""REST API: token and session auth, list-page filters, pagination, OpenAPI schema and an offline docs page."""
import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_anonymous_callers_are_refused(client):
    assert client.get("/api/regions/").status_code in (401, 403)


def test_token_authentication(users, regions):
    token = Token.objects.create(user=users["leader"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/regions/")
    assert response.status_code == 200
    assert response.json()["count"] == len(regions)


def test_session_authentication(clients):
    assert clients["leader"].get("/api/me/").json()["username"] == "leader"


def test_same_filters_as_the_list_page(clients, regions):
    api = clients["leader"].get("/api/regions/", {"parent": "370400"}).json()
    page = clients["leader"].get("/regions/", {"parent": "370400"}).content.decode()
    codes = {r["code"] for r in api["results"]}
    assert codes == {"370402", "370403", "370404", "370405", "370406", "370481"}
    assert all(code in page for code in codes) and "370000" not in {r["code"] for r in api["results"]}


def test_pagination(clients, regions):
    body = clients["leader"].get("/api/regions/", {"page_size": 2}).json()
    assert set(body) >= {"count", "next", "previous", "results"}


def test_leaders_cannot_write_through_the_api(clients, regions):
    response = clients["leader"].post("/api/populations/", {"region": regions["370403"].pk, "year": 2030,
                                                            "population": 1}, content_type="application/json")
    assert response.status_code == 403


def test_bad_input_gets_a_field_message(clients, regions):
    response = clients["city"].post("/api/populations/", {"region": regions["370403"].pk, "year": "二〇二三",
                                                          "population": -5}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "year" in body and "population" in body


def test_stale_version_is_refused(clients, regions):
    created = clients["city"].post("/api/populations/", {"region": regions["370403"].pk, "year": 2024,
                                                         "population": 100}, content_type="application/json").json()
    url = f"/api/populations/{created['id']}/"
    ok = clients["city"].patch(url, {"population": 101, "version": created["version"]}, content_type="application/json")
    assert ok.status_code == 200
    stale = clients["city"].patch(url, {"population": 102, "version": created["version"]}, content_type="application/json")
    assert stale.status_code == 409 and "version" in stale.json()


def test_openapi_schema_is_valid_and_lists_the_endpoints(clients):
    from drf_spectacular.validation import validate_schema
    response = clients["leader"].get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    for path in ("/api/regions/", "/api/populations/", "/api/jobs/", "/api/me/"):
        assert path in schema["paths"], path


def test_docs_page_works_offline(clients):
    page = clients["leader"].get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "https://" not in page
