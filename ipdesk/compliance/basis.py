"""The basis (依据) of the abnormal-application and agency rules, for core.basis (see compliance/choices.py and
compliance/rules.py for what was read and what is 待核对)."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

from .choices import BEHAVIOUR_SOURCE, Behaviour

declare(
    "compliance.behaviours", _("非正常申请专利行为"), "《关于规范申请专利行为的规定》", document="国家知识产权局令第77号",
    article="第三条第（一）至（九）项", edition="2023",
    excerpt="\n".join(f"{BEHAVIOUR_SOURCE[b][0]}：{b.label}" for b in Behaviour),
    note="措辞取自公开转载（未注明法规名称），与英文译本逐项一致；第（九）项中文原文未找到，为本系统概括。"
         "待核对：未与局令第77号正式文本核对。",
    code=("ipdesk.compliance.choices.Behaviour", "ipdesk.compliance.choices.BEHAVIOUR_SOURCE"))
declare(
    "compliance.reply_deadline", _("非正常申请通知的答复期限"), "国家知识产权局非正常专利申请通知书", article="待核对",
    excerpt="通知书未写明期限时，默认自通知书发文日起1个月（同日，该月无同日的为月末）；月的计算依专利法实施细则第五条。",
    note="待核对：期限由每份通知书规定，未见规定该期限的文本；节假日顺延与邮寄推定收到日未计入，须由工作人员录入。",
    code=("ipdesk.compliance.rules.default_deadline", "ipdesk.compliance.rules.reply_deadline"))
declare(
    "compliance.withdrawal_rate", _("非正常专利申请撤回率"), "本系统计算方法", kind=Kind.METHOD,
    excerpt="撤回率 =（主动撤回 + 逾期视为撤回）÷（已通知 − 陈述意见成立）；两类撤回分列。",
    note="计算方法，不是法定依据。", code=("ipdesk.compliance.rules.withdrawal_rate",),
    indicators=("abnormal_withdrawal_rate", "abnormal_notified", "abnormal_withdrawn"))
declare(
    "compliance.agency_credit", _("代理机构信用等级"), "本单位配置", kind=Kind.CONFIG,
    excerpt="100分减去各类事件的扣分，按等级线评定 A/B/C/D；扣分与等级线为本单位配置。",
    note="按地方服务规范配置，无全国统一法定依据（待核对地方规范名称）。",
    code=("ipdesk.compliance.rules.credit_score", "ipdesk.compliance.rules.credit_grade"))
