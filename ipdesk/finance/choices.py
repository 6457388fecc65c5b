from django.db import models
from django.utils.translation import gettext_lazy as _


class PledgeStatus(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    RELEASED = "released", _("已解除")


class PledgeEventKind(models.TextChoices):
    REGISTERED = "registered", _("质押登记")
    RELEASED = "released", _("质押解除")


class SubsidyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")
    PAID = "paid", _("已拨付")


class SubsidyEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("申报")
    RECOMPUTED = "recomputed", _("重新核算")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")
    PAID = "paid", _("拨付")


class InsuranceType(models.TextChoices):
    ENFORCEMENT = "enforcement", _("专利执行险")
    INFRINGEMENT_LOSS = "infringement_loss", _("专利被侵权损失险")
    OVERSEAS = "overseas", _("海外侵权责任险")
    PLEDGE_GUARANTEE = "pledge_guarantee", _("知识产权质押融资保证保险")
    OTHER = "other", _("其他")


class ProjectKind(models.TextChoices):
    NAVIGATION = "navigation", _("专利导航项目")
    TRANSFER_PILOT = "transfer_pilot", _("专利转移转化试点")
    OVERSEAS_RISK = "overseas_risk", _("海外知识产权侵权风险防控")
    WORKSTATION = "workstation", _("知识产权保护工作站项目")
    HIGH_VALUE_PILOT = "high_value_pilot", _("高价值专利培育试点")
    STANDARDISATION_PILOT = "standardisation_pilot", _("专利标准化试点")


class ProjectLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区（市）级")


class ProjectStatus(models.TextChoices):
    APPROVED = "approved", _("已立项")
    IN_PROGRESS = "in_progress", _("实施中")
    ACCEPTED = "accepted", _("已验收")
    TERMINATED = "terminated", _("已终止")


class StandardKind(models.TextChoices):
    LOCAL = "local", _("地方标准")
    GROUP = "group", _("团体标准")
    ENTERPRISE = "enterprise", _("企业标准")


class AwardKind(models.TextChoices):
    CHINA = "china", _("中国专利奖")
    PROVINCIAL = "provincial", _("省专利奖")


class AwardGrade(models.TextChoices):
    GOLD = "gold", _("金奖")
    SILVER = "silver", _("银奖")
    EXCELLENCE = "excellence", _("优秀奖")
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
