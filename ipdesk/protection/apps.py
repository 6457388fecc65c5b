from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "ipdesk.protection"
    label = "protection"
    verbose_name = _("维权援助与纠纷处理")
