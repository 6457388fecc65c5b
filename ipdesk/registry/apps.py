from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "ipdesk.registry"
    label = "registry"
    verbose_name = _("创新主体与知识产权")
    nav = (
        {"label": _("检索"), "url": "registry:search"},
        {"label": _("企业"), "url": "registry:enterprise_list"},
        {"label": _("专利"), "url": "registry:patent_list"},
        {"label": _("PCT国际申请"), "url": "registry:pctapplication_list"},
        {"label": _("法律状态事件"), "url": "registry:patentevent_list"},
        {"label": _("商标"), "url": "registry:trademark_list"},
        {"label": _("地理标志产品"), "url": "registry:giproduct_list"},
        {"label": _("高价值专利培育库"), "url": "registry:cultivationmembership_list"},
        {"label": _("联系人"), "url": "registry:contact_list", "roles": ("city_officer", "district_officer",
                                                                          "commissioner", "enterprise")},
        {"label": _("待匹配权利人"), "url": "registry:unmatched_owners", "roles": ("city_officer", "district_officer")},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_autocomplete, register_demo_loader
        register_api("ipdesk.registry.api")
        register_demo_loader("registry", "ipdesk.registry.demo.load")
        register_autocomplete("enterprises", "ipdesk.registry.autocomplete.enterprises")
