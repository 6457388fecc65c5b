"""Demo accounts: one per role, documented in README.md. Used by `ipdesk load_demo`."""
from ipdesk.core.scoping import Role

DEMO_PASSWORD = "Ipdesk@2026demo"

ACCOUNTS = [
    # username, display name, role, region code, superuser
    ("admin", "系统管理员", Role.CITY_OFFICER, "370400", True),
    ("shiju", "市局 王科长", Role.CITY_OFFICER, "370400", False),
    ("xuecheng", "薛城区局 李干事", Role.DISTRICT_OFFICER, "370403", False),
    ("tengzhou", "滕州市局 张干事", Role.DISTRICT_OFFICER, "370481", False),
    ("zhuanyuan", "服务专员 刘专员", Role.COMMISSIONER, None, False),
    ("qiye", "企业用户 赵经理", Role.ENTERPRISE, None, False),
    ("lvshi", "公职律师 陈律师", Role.LAWYER, None, False),
    ("lingdao", "分管领导 孙局长", Role.LEADER, "370400", False),
]


def load_accounts(stdout=None):
    from ipdesk.accounts.models import User
    from ipdesk.regions.models import Region
    from ipdesk.registry.models import Enterprise

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
