"""Names for the internal codes a page would otherwise show raw (issue "The officer's day", item 5):
the kind of a message (service_request, finance_pledge_due …) and the kind of a background job.

Message kinds are free text written by each app's notify() call; they are named here by their first
word (service_…, finance_…, protection_…), so a new kind of a known app still reads as its app's
message, and an unknown one as a plain reminder — never as its code.
"""
from django import template
from django.utils.translation import gettext_lazy as _, gettext_noop as N_

register = template.Library()

NOTIFICATION_KINDS = {  # the kind's first word -> what the message is about
    "service": _("服务申请"),
    "commissioner": _("服务专员"),
    "protection": _("维权保护"),
    "adjudication": _("行政裁决"),
    "assistance": _("维权援助"),
    "finance": _("金融服务"),
    "abnormal": _("非正常专利申请"),
    "compliance": _("非正常专利申请"),
    "audit": _("审计日志"),
    "job": _("后台任务"),
    "import": _("数据导入"),
    "file": _("数据导入"),
    "rolled": _("数据导入"),
    "fee": _("年费提醒"),
    "registry": _("知识产权登记"),
    "stats": _("统计"),
}
DICTIONARIES = {  # regions.DictionaryEntry.dictionary
    "bank": _("银行"),
    "insurer": _("保险机构"),
    "enterprise_tag": _("企业标签"),
}
JOB_KINDS = {
    "import": _("数据导入"),
    "audit_verify": _("审计日志完整性校验"),
    "compliance.detect": _("非正常申请线索筛查"),
}


@register.filter
def notification_kind(code):
    code = str(code or "")
    return NOTIFICATION_KINDS.get(code.replace(".", "_").split("_")[0], _("消息提醒"))


@register.filter
def job_kind(code):
    code = str(code or "")
    return JOB_KINDS.get(code) or JOB_KINDS.get(code.split(".")[0]) or _("后台任务")


@register.filter
def dictionary_name(code):
    return DICTIONARIES.get(str(code or ""), code)


# The units of the indicator tables (stats.indicators.unit and the figures pages translate them where
# they are shown); marked here so that makemessages puts them in the catalogue.
UNITS = (N_("件"), N_("家"), N_("个"), N_("天"), N_("万元"), N_("笔"), N_("份"), N_("分"), N_("元"))
