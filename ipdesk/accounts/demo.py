"""The demo accounts (core.demo.ACCOUNTS), the last step of `ipdesk load_demo`: the enterprise user needs an
enterprise and the commissioner an enterprise to serve, so every other app's demo records come first."""
from django.contrib.auth import get_user_model

from ipdesk.core.demo import ACCOUNTS, DEMO_PASSWORD
from ipdesk.core.scoping import Role
from ipdesk.regions.models import Region
from ipdesk.registry.models import Enterprise


def load(stdout=None):
    User = get_user_model()
    enterprise = Enterprise.objects.filter(users__username="qiye").first() or \
        Enterprise.objects.order_by("-is_key_enterprise", "id").first()
    for username, name, role, region_code, superuser in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            continue
        user = User(username=username, display_name=name, role=role, is_superuser=superuser, is_staff=superuser,
                    region=Region.objects.filter(code=region_code).first() if region_code else None,
                    enterprise=enterprise if role == Role.ENTERPRISE else None)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if stdout:
            stdout.write(f"  demo account {username} ({user.get_role_display()})")
    commissioner = User.objects.get(username="zhuanyuan")
    if enterprise is not None and enterprise.commissioner_id is None:
        enterprise.commissioner = commissioner
        enterprise.save()
