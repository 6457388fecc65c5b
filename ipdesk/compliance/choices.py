from django.db import models
from django.utils.translation import gettext_lazy as _


class Behaviour(models.TextChoices):
    """The behaviours CNIPA counts as abnormal patent applications (非正常申请专利行为), meant to carry the words of
    《关于规范申请专利行为的规定》 (国家知识产权局令第77号, 2023) 第三条 items (一)–(九).

    Source of the words, and what is not verified (see BEHAVIOUR_SOURCE): the official text of 77号 could not be
    read here. Items (一)–(八) follow a public copy of the list (alaskaalehouse.com/info/1051/1072.html, traditional
    characters, rendered here in simplified; the copy does not name the regulation it quotes) that agrees item by
    item with an English translation of the list (borsamip.com/NewsHot/2528.html). Item (九)'s Chinese words were
    not found (the translation reads "Other irregular patent applications and related behaviors that violate
    the ..."): the label below is this system's and is 待核对. None is marked verified until an officer checks the
    list against 77号 as published.
    """
    DUPLICATE = "duplicate", _("同时或者先后提交发明创造内容明显相同、或者实质上由不同发明创造特征或要素简单组合变化而形成的多件专利申请")
    FABRICATED = "fabricated", _("所提交专利申请存在编造、伪造或变造发明创造内容、实验数据或技术效果，或者抄袭、简单替换、拼凑现有技术或现有设计等类似情况")
    BEYOND_CAPACITY = "beyond_capacity", _("所提交专利申请的发明创造与申请人、发明人实际研发能力及资源条件明显不符")
    MACHINE_GENERATED = "machine_generated", _("所提交多件专利申请的发明创造内容系主要利用计算机程序或者其他技术随机生成")
    DEGRADED = "degraded", _("所提交专利申请的发明创造系为规避可专利性审查目的而故意形成的明显不符合技术改进或设计常理，或者无实际保护价值的变劣、堆砌、非必要缩限保护范围的发明创造，或者无任何检索和审查意义的内容")
    SCATTERED = "scattered", _("为逃避打击非正常申请专利行为监管措施而将实质上与特定单位、个人或地址关联的多件专利申请分散、先后或异地提交")
    TRADING = "trading", _("不以实施专利技术、设计或其他正当目的倒买倒卖专利申请权或专利权，或者虚假变更发明人、设计人")
    AGENCY_INDUCED = "agency_induced", _("专利代理机构、专利代理师，或者其他机构或个人，代理、诱导、教唆、帮助他人或者与之合谋实施各类非正常申请专利行为")
    OTHER = "other", _("其他违反诚实信用原则、扰乱正常专利工作秩序的非正常申请专利行为")


_FOUND = "措辞取自公开转载（未注明法规名称），与英文译本逐项一致；待核对：未与局令第77号正式文本核对"
# value -> (item of 77号 第三条, verified against the official text, note)
BEHAVIOUR_SOURCE = {
    Behaviour.DUPLICATE: ("第三条第（一）项", False, _FOUND),
    Behaviour.FABRICATED: ("第三条第（二）项", False, _FOUND),
    Behaviour.BEYOND_CAPACITY: ("第三条第（三）项", False, _FOUND),
    Behaviour.MACHINE_GENERATED: ("第三条第（四）项", False, _FOUND),
    Behaviour.DEGRADED: ("第三条第（五）项", False, _FOUND),
    Behaviour.SCATTERED: ("第三条第（六）项", False, _FOUND),
    Behaviour.TRADING: ("第三条第（七）项", False, _FOUND),
    Behaviour.AGENCY_INDUCED: ("第三条第（八）项", False, _FOUND),
    Behaviour.OTHER: ("第三条第（九）项", False, "待核对：中文原文未找到，本项措辞为本系统概括"),
}
# Labels this system used before (imports written with them still map to the same behaviour).
OLD_BEHAVIOUR_LABELS = {
    "提交多件内容明显相同或实质上由不同发明创造特征或要素简单组合变化而形成的专利申请": Behaviour.DUPLICATE,
    "所提交多件专利申请的发明创造内容主要利用计算机程序或者其他技术随机生成": Behaviour.MACHINE_GENERATED,
    "所提交专利申请的发明创造为以规避可专利性审查目的而故意形成的明显不符合技术改进或设计常理，或者无实际保护价值的变劣、"
    "堆砌、非必要缩限保护范围的发明创造，或者无任何检索和审查意义的内容": Behaviour.DEGRADED,
    "为逃避获利回报、逃避费用监管等，将实质上与特定单位、个人或地址关联的多件专利申请分散、先后或异地提交": Behaviour.SCATTERED,
}


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待通知")            # found by our own detection, not yet notified
    NOTIFIED = "notified", _("已通知")          # notice served, waiting for withdrawal or statement
    WITHDRAWN = "withdrawn", _("主动撤回")
    STATEMENT = "statement", _("已陈述意见")
    UPHELD = "upheld", _("认定非正常")          # statement not accepted
    CLEARED = "cleared", _("意见成立")          # statement accepted: not abnormal
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("逾期视为撤回")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    NOTIFIED = "notified", _("送达通知")
    WITHDRAWN = "withdrawn", _("撤回申请")
    STATEMENT = "statement", _("提交陈述意见")
    UPHELD = "upheld", _("认定非正常")
    CLEARED = "cleared", _("意见成立")
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("逾期视为撤回")
    REMINDER = "reminder", _("期限提醒")
    NOTE = "note", _("备注")


class InspectionResult(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    SUBSTANTIATED = "substantiated", _("属实")
    UNFOUNDED = "unfounded", _("不属实")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    SUSPEND = "suspend", _("责令停止承接新的专利代理业务")
    REVOKE = "revoke", _("吊销执业许可证")


class CreditEvent(models.TextChoices):
    """What the office's credit rules deduct points for (信用评价扣分项)."""
    INSPECTION_BASIC = "inspection_basic", _("检查基本合格")
    INSPECTION_UNQUALIFIED = "inspection_unqualified", _("检查不合格")
    COMPLAINT = "complaint_substantiated", _("投诉属实")
    PENALTY_WARNING = "penalty_warning", _("警告处罚")
    PENALTY_FINE = "penalty_fine", _("罚款处罚")
    PENALTY_SUSPEND = "penalty_suspend", _("停止承接业务")
    PENALTY_REVOKE = "penalty_revoke", _("吊销执业许可证")
    ABNORMAL = "abnormal_application", _("代理的申请被认定非正常或逾期视为撤回（每件）")


class RuleKind(models.TextChoices):
    DEDUCTION = "deduction", _("扣分项")
    GRADE = "grade", _("等级线")


class CandidateKind(models.TextChoices):
    NEAR_DUPLICATE = "near_duplicate", _("内容重复/拼凑")
    BURST_APPLICANT = "burst_applicant", _("申请人异常集中申请")
    BURST_AGENCY = "burst_agency", _("代理机构异常集中代理")
    LINKED = "linked_applicants", _("关联申请人分散申请")


class CandidateStatus(models.TextChoices):
    NEW = "new", _("待审核")
    REVIEWED = "reviewed", _("已审核（疑似）")
    DISMISSED = "dismissed", _("已排除")
    BATCHED = "batched", _("已转核查批次")


CANDIDATE_BEHAVIOUR = {
    CandidateKind.NEAR_DUPLICATE: Behaviour.DUPLICATE,
    CandidateKind.BURST_APPLICANT: Behaviour.BEYOND_CAPACITY,
    CandidateKind.BURST_AGENCY: Behaviour.AGENCY_INDUCED,
    CandidateKind.LINKED: Behaviour.SCATTERED,
}
