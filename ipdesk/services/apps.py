from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "ipdesk.services"
    label = "services"
    verbose_name = _("服务专员通办")
