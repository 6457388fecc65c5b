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
