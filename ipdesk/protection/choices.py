"""Choices of the rights-protection module (维权援助、专利侵权纠纷行政裁决、协同保护、服务网点)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class RightType(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")
    COPYRIGHT = "copyright", _("著作权")
    GI = "gi", _("地理标志")
    TRADE_SECRET = "trade_secret", _("商业秘密")


class AssistanceSource(models.TextChoices):
    OUTREACH = "outreach", _("主动对接（主动找）")
    APPLICATION = "application", _("企业申请")
    REFERRAL_IN = "referral_in", _("外单位转入")


class AssistanceStatus(models.TextChoices):
    APPLIED = "applied", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    HANDLING = "handling", _("承办中")
    REFERRED = "referred", _("已转办")
    CLOSED = "closed", _("已办结")
    VISITED = "visited", _("已回访")
    DECLINED = "declined", _("不予受理")


class AssistanceServiceKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询指导")
    INFRINGEMENT_OPINION = "opinion", _("侵权判定意见")
    EXPERT_REVIEW = "expert_review", _("专家论证")
    PRO_BONO = "pro_bono", _("公益代理（如无效宣告请求）")
    OVERSEAS_GUIDANCE = "overseas", _("海外维权指导")
    OTHER = "other", _("其他")


class AssistanceOutcome(models.TextChoices):
    RESOLVED = "resolved", _("纠纷化解")
    SETTLED = "settled", _("达成和解")
    LITIGATION = "litigation", _("进入诉讼/裁决")
    REFERRED = "referred", _("转交其他部门办理")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    OTHER = "other", _("其他")


class AdjudicationStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    FILED = "filed", _("已立案")
    ANSWERED = "answered", _("已答辩")
    HEARD = "heard", _("已口头审理")
    DECIDED = "decided", _("已作出裁决")
    MEDIATED = "mediated", _("调解结案")
    WITHDRAWN = "withdrawn", _("撤回结案")
    SERVED = "served", _("已送达")
    REJECTED = "rejected", _("不予受理")


class ExcludedPeriodKind(models.TextChoices):
    """Periods that do not count towards the closure limit (公告、鉴定、中止等时间不计入)."""
    SUSPENSION = "suspension", _("中止")
    APPRAISAL = "appraisal", _("鉴定")
    ANNOUNCEMENT = "announcement", _("公告")
    OTHER = "other", _("其他不计入期间")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    MONTHS = "months", _("月")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CooperationKind(models.TextChoices):
    COURT_MEDIATION = "court_mediation", _("诉调对接")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("司法确认")
    POLICE = "police", _("移送公安机关（行刑衔接）")
    PROCURATORATE = "procuratorate", _("移送检察机关（行刑衔接）")


class CooperationStatus(models.TextChoices):
    SENT = "sent", _("已移送/已申请")
    ACCEPTED = "accepted", _("对方已受理")
    DECLINED = "declined", _("对方不予受理")
    CONCLUDED = "concluded", _("已办结")


class CooperationResult(models.TextChoices):
    CONFIRMED = "confirmed", _("裁定确认有效")
    NOT_CONFIRMED = "not_confirmed", _("不予确认")
    MEDIATED = "mediated", _("调解成功")
    MEDIATION_FAILED = "mediation_failed", _("调解不成")
    PROSECUTED = "prosecuted", _("立案侦查/提起公诉")
    NOT_PROSECUTED = "not_prosecuted", _("不予追诉")
    OTHER = "other", _("其他")


class StationKind(models.TextChoices):
    WORKSTATION = "workstation", _("知识产权保护工作站")
    BRAND_STATION = "brand_station", _("商标品牌指导站")


class StationServiceKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    TRAINING = "training", _("培训宣讲")
    GUIDANCE = "guidance", _("品牌培育指导")
    DISPUTE = "dispute", _("纠纷调处")
    MONITORING = "monitoring", _("侵权监测预警")
    OTHER = "other", _("其他")


class EventKind(models.TextChoices):
    """Kinds of case-timeline events (typed rows written by protection.actions only)."""
    CREATED = "created", _("登记")
    TRANSITION = "transition", _("状态变更")
    ASSIGNED = "assigned", _("指派承办人")
    SERVICE = "service", _("提供服务")
    REFERRED = "referred", _("转办")
    FOLLOW_UP = "follow_up", _("回访")
    COPY_SERVED = "copy_served", _("送达请求书副本")
    ANSWER_COPY_SERVED = "answer_copy_served", _("送达答辩书副本")
    HEARING_SCHEDULED = "hearing_scheduled", _("确定口头审理")
    SUSPENDED = "suspended", _("中止/不计入期间开始")
    RESUMED = "resumed", _("恢复/不计入期间结束")
    EXTENDED = "extended", _("延长期限")
    REPLY = "reply", _("对方回复")
    DOCUMENT = "document", _("生成文书")
    ATTACHMENT = "attachment", _("上传附件")
    ATTACHMENT_REMOVED = "attachment_removed", _("删除附件")
    NOTE = "note", _("备注")


def limit_event_choices():
    """The events a time limit starts or stops at (TimeLimitRule.start_event / stop_events), by name: the
    case statuses of an adjudication and the timeline events that carry a date (送达副本, 确定口审)."""
    return [*AdjudicationStatus.choices, *[(k.value, k.label) for k in (
        EventKind.COPY_SERVED, EventKind.ANSWER_COPY_SERVED, EventKind.HEARING_SCHEDULED, EventKind.SUSPENDED,
        EventKind.RESUMED, EventKind.EXTENDED)]]
