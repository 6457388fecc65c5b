from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ipdesk.finance"
    label = "finance"
    verbose_name = _("运用与项目")
    nav = (
        {"label": _("专利质押登记"), "url": "finance:pledge_list"},
        {"label": _("贴息申请"), "url": "finance:interestsubsidyapplication_list"},
        {"label": _("专利保险"), "url": "finance:insurancepolicy_list"},
        {"label": _("银政企对接"), "url": "finance:matchmakingevent_list"},
        {"label": _("资助项目"), "url": "finance:fundedproject_list"},
        {"label": _("标准与地理标志"), "url": "finance:standard_list"},
        {"label": _("专利奖"), "url": "finance:patentaward_list"},
        {"label": _("培训班"), "url": "finance:trainingclass_list"},
        {"label": _("融资与项目统计"), "url": "finance:figures"},
        {"label": _("贴息规则"), "url": "finance:subsidyrule_list", "roles": ("city_officer", "district_officer")},
        {"label": _("保费补贴规则"), "url": "finance:insurancesubsidyrule_list",
         "roles": ("city_officer", "district_officer")},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader
        register_api("ipdesk.finance.api")
        register_demo_loader("finance", "ipdesk.finance.demo.load")

        from . import indicators, signals  # noqa: F401  (registers the indicator provider and award sync)
