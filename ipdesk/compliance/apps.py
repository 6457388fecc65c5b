from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

OFFICERS_AND_LEADERS = ("city_officer", "district_officer", "leader")


class ComplianceConfig(AppConfig):
    name = "ipdesk.compliance"
    label = "compliance"
    verbose_name = _("代理监管与非正常申请")
    nav = (
        {"label": _("代理机构"), "url": "compliance:agency_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("专利代理师"), "url": "compliance:agent_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("检查记录"), "url": "compliance:inspection_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("投诉"), "url": "compliance:complaint_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("行政处罚"), "url": "compliance:penalty_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("信用评价规则"), "url": "compliance:creditgraderule_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("核查批次"), "url": "compliance:abnormalbatch_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("非正常专利申请"), "url": "compliance:abnormalapplication_list", "roles": OFFICERS_AND_LEADERS},
        {"label": _("撤回率"), "url": "compliance:withdrawal_rates", "roles": OFFICERS_AND_LEADERS},
        {"label": _("线索审核"), "url": "compliance:candidate_list", "roles": OFFICERS_AND_LEADERS},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_demo_loader
        register_api("ipdesk.compliance.api")
        register_demo_loader("compliance", "ipdesk.compliance.demo.load")

        from . import indicators, jobs, signals  # noqa: F401  (figures provider, detection job, credit upkeep)
