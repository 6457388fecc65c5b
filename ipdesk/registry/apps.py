from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "ipdesk.registry"
    label = "registry"
    verbose_name = _("创新主体与知识产权")
