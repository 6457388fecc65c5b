"""个人资料 /accounts/profile/ (issue 19 item 4): name, role, region, a change-password link, recent sign-ins."""
import pytest
from django.urls import reverse

ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_profile_shows_who_i_am(role, users, clients):
    user = users[role]
    response = clients[role].get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert user.display_name in html
    assert str(user.get_role_display()) in html
    assert (str(user.region) if user.region_id else "—") in html.split('data-testid="profile-region"', 1)[1][:200]
    assert f'href="{reverse("accounts:password_change")}"' in html
    assert f'href="{reverse("accounts:profile")}"' in html  # the name in the title bar leads here


@pytest.mark.django_db
def test_profile_lists_my_recent_logins_only(users, clients):
    from ipdesk.core import audit, context
    from ipdesk.core.models import AuditAction
    for user, ip in ((users["district"], "10.0.0.7"), (users["other_district"], "10.9.9.9")):
        with context.acting_as(user, ip=ip):
            audit.record(AuditAction.LOGIN, user=user, object_type_name="accounts.user", object_id=str(user.pk))
    html = clients["district"].get(reverse("accounts:profile")).content.decode()
    table = html.split('data-testid="recent-logins"', 1)[1]
    assert "10.0.0.7" in table and "10.9.9.9" not in table


def test_profile_needs_a_signed_in_user(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
