from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "ipdesk.finance"
    label = "finance"
    verbose_name = _("运用与项目")
