from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "ipdesk.compliance"
    label = "compliance"
    verbose_name = _("代理监管与非正常申请")
