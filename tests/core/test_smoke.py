import pytest


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "知识产权工作平台" in response.content.decode()


def test_home_for_every_role(clients):
    for role, client in clients.items():
        response = client.get("/")
        assert response.status_code == 200, role
