from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "ipdesk.services"
    label = "services"
    verbose_name = _("服务专员通办")
    nav = (
        {"label": _("专员工作台"), "url": "services:workbench", "roles": ("commissioner",)},
        {"label": _("企业服务门户"), "url": "services:portal", "roles": ("enterprise",)},
        {"label": _("我的知识产权"), "url": "services:portal_assets", "roles": ("enterprise",)},
        {"label": _("服务申请"), "url": "services:request_list",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
        {"label": _("专员分配"), "url": "services:assignment_list",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
        {"label": _("专精特新问题台账"), "url": "services:problemlog_list",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
        {"label": _("问题按企业统计"), "url": "services:problem_counts",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
        {"label": _("服务事项与时限"), "url": "services:servicetype_list",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
        {"label": _("通办成效"), "url": "services:figures",
         "roles": ("city_officer", "district_officer", "commissioner", "leader")},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader
        register_api("ipdesk.services.api")
        register_demo_loader("services", "ipdesk.services.demo.load")

        from . import indicators  # noqa: F401  (registers the figures provider)
