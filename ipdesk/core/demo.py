"""Demo accounts: one per role, documented in README.md. Created by `ipdesk load_demo` (accounts.demo); the
demo loaders of other apps that need one of these accounts read the list here."""
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

