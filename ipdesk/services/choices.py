from django.db import models
from django.utils.translation import gettext_lazy as _


class DayUnit(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    CALENDAR = "calendar", _("自然日")


class RequestStatus(models.TextChoices):
    """The lifecycle of a service request (提出 → 受理 → 办理 → 办结 → 评价); 不予受理 ends it early."""
    SUBMITTED = "submitted", _("已提出")
    ACCEPTED = "accepted", _("已受理")
    PROCESSING = "processing", _("办理中")
    COMPLETED = "completed", _("已办结")
    RATED = "rated", _("已评价")
    REJECTED = "rejected", _("不予受理")


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.PROCESSING)
DONE_STATUSES = (RequestStatus.COMPLETED, RequestStatus.RATED)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提出")
    ACCEPTED = "accepted", _("受理")
    PROCESSING = "processing", _("办理")
    COMPLETED = "completed", _("办结")
    RATED = "rated", _("评价")
    REJECTED = "rejected", _("不予受理")
    COMMENTED = "commented", _("留言")
    ATTACHED = "attached", _("上传附件")
    OVERDUE_WARNED = "overdue_warned", _("超期预警")


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class ProblemCategory(models.TextChoices):
    """Problems 专精特新 enterprises raise (专精特新企业问题台账)."""
    FAST_EXAMINATION = "fast_exam", _("快速审查/预审")
    PRIORITY_EXAMINATION = "priority_exam", _("优先审查")
    PLEDGE = "pledge", _("质押融资")
    STANDARD_29490 = "gb29490", _("贯标（GB/T 29490）")
    NAVIGATION = "navigation", _("专利导航")
    OVERSEAS_DISPUTE = "overseas", _("海外纠纷应对")
    INFRINGEMENT = "infringement", _("侵权维权")
    TRADEMARK = "trademark", _("商标注册与品牌")
    POLICY = "policy", _("政策咨询与资助")
    TALENT = "talent", _("人才培训")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待解决")
    SOLVED = "solved", _("已解决")


# What a service request may carry as attachments (judged by content, see services.uploads).
ATTACHMENT_KINDS = frozenset({"pdf", "png", "jpg", "docx", "xlsx", "doc", "xls", "zip"})
