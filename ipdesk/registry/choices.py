from django.db import models
from django.utils.translation import gettext_lazy as _


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明")
    UTILITY = "utility", _("实用新型")
    DESIGN = "design", _("外观设计")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("审中")
    VALID = "valid", _("有效")
    LAPSED = "lapsed", _("失效")
    REVOKED = "revoked", _("无效宣告")
    EXPIRED = "expired", _("期限届满")
    REJECTED = "rejected", _("驳回")
    WITHDRAWN = "withdrawn", _("撤回")


class PatentEventKind(models.TextChoices):
    FILING = "filing", _("申请")
    PUBLICATION = "publication", _("公开")
    GRANT = "grant", _("授权")
    TRANSFER = "transfer", _("转让")
    PLEDGE = "pledge", _("质押")
    PLEDGE_RELEASE = "pledge_release", _("质押解除")
    LAPSE = "lapse", _("失效")
    RESTORATION = "restoration", _("恢复")
    INVALIDATION = "invalidation", _("无效宣告")
    EXPIRY = "expiry", _("期限届满")


class CultivationTier(models.TextChoices):
    CULTIVATE = "cultivate", _("培育")
    RESERVE = "reserve", _("储备")
    RECOMMEND = "recommend", _("推荐")


class TrademarkStatus(models.TextChoices):
    PENDING = "pending", _("申请中")
    REGISTERED = "registered", _("已注册")
    EXPIRED = "expired", _("已失效")
    CANCELLED = "cancelled", _("已注销/撤销")
