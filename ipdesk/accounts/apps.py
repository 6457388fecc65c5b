from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ipdesk.accounts"
    label = "accounts"
    verbose_name = _("系统管理")
    nav = (
        {"label": _("用户管理"), "url": "accounts:user_list", "roles": ("city_officer", "district_officer")},
        {"label": _("修改密码"), "url": "accounts:password_change"},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader
        register_api("ipdesk.accounts.api")
        register_demo_loader("accounts", "ipdesk.accounts.demo.load", order=1000)  # last: needs enterprises
