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


def test_menu_and_unread_count_are_read_once_per_page(clients, users):
    """The navigation is computed when the page shows it, once, although the table's own template runs
    the context processors again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ipdesk.core.models import Notification
    Notification.objects.create(recipient=users["district"], kind="reminder", title="待办提醒")
    with CaptureQueriesContext(connection) as ctx:
        page = clients["district"].get("/registry/patents/")
    assert page.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "core_notification" in q["sql"]]
    assert len(counts) == 1, counts
    html = page.content.decode()
    assert '<span class="badge rounded-pill bg-danger ms-1">1</span>' in html
    assert 'href="/registry/patents/"' in html and "后台任务" in html and "操作日志" not in html   # by role
