from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

STAFF = ("city_officer", "district_officer", "leader")


class StatsConfig(AppConfig):
    name = "ipdesk.stats"
    label = "stats"
    verbose_name = _("指标与通报")
    nav = (
        {"label": _("领导驾驶舱"), "url": "stats:dashboard", "roles": STAFF},
        {"label": _("指标查询"), "url": "stats:indicators", "roles": STAFF},
        {"label": _("专利通报"), "url": "stats:bulletin_list", "roles": STAFF},
        {"label": _("考核目标"), "url": "stats:target_list", "roles": STAFF},
        {"label": _("高价值专利口径"), "url": "stats:highvaluecriterion_list", "roles": STAFF},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader
        register_api("ipdesk.stats.api")
        register_demo_loader("stats", "ipdesk.stats.demo.load")
        from . import facts  # registers the "stats.rebuild_facts" job handler
        facts.connect_signals()
