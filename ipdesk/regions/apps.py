from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "ipdesk.regions"
    label = "regions"
    verbose_name = _("基础数据")
    nav = (
        {"label": _("行政区划"), "url": "regions:region_list"},
        {"label": _("年末人口"), "url": "regions:population_list"},
        {"label": _("产业链"), "url": "regions:industrychain_list"},
        {"label": _("数据字典"), "url": "regions:dictionaryentry_list", "roles": ("city_officer",)},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader, register_model
        register_api("ipdesk.regions.api")
        register_demo_loader("regions", "ipdesk.regions.demo.load", reference=True)
        register_model("region", "regions.Region")  # core.scoping: a district officer's own districts
