from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ipdesk.stats"
    label = "stats"
    verbose_name = _("指标与通报")
