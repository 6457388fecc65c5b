"""Rights protection (维权援助), patent infringement adjudication (专利侵权纠纷行政裁决), collaborative
protection (诉调对接、司法确认、行刑衔接) and the service network (保护工作站、商标品牌指导站).

Every case keeps a timeline of typed `CaseEvent` rows written only by protection.actions; the
legal time limits are `TimeLimitRule` rows counted over the office's `CalendarDay` calendar by
the pure functions of protection.rules.
"""
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipdesk.core.models import AuditedModel, VoidableModel
from ipdesk.core.scoping import VIEW, Role, Scope
from ipdesk.registry.fields import ApplicationNumberField

from . import rules
from .choices import (AdjudicationStatus, AssistanceOutcome, AssistanceServiceKind, AssistanceSource,
                      AssistanceStatus, CalendarDayKind, CooperationKind, CooperationResult, CooperationStatus,
                      EventKind, ExcludedPeriodKind, LimitUnit, RightType, StationKind, StationServiceKind)

OFFICERS_AND_LAWYERS = frozenset({Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.LAWYER})
CITY_ONLY = frozenset({Role.CITY_OFFICER})


# ---- The office's calendar and the time-limit rules ----------------------------------------------
class CalendarDay(AuditedModel):
    """A day the office's calendar treats differently from an ordinary weekday/weekend: a statutory
    holiday (法定节假日) or an adjusted working day (调休上班). Seeded from the chinese-calendar
    package for 2020–2026; the office adds next year's days when the State Council publishes them."""
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @classmethod
    def work_calendar(cls):
        rows = list(cls.objects.values_list("date", "kind"))
        holidays = frozenset(d for d, k in rows if k == CalendarDayKind.HOLIDAY)
        return rules.WorkCalendar(holidays=holidays,
                                  workdays=frozenset(d for d, k in rows if k == CalendarDayKind.WORKDAY),
                                  years=frozenset(d.year for d in holidays))   # every year has 元旦 at least


class TimeLimitRule(AuditedModel):
    """A legal time limit as data (法定期限): from which event, how long, counted how, extendable how far.
    Defaults (protection.rules.DEFAULT_RULES) are configurable; see rules.py for their sources."""
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    start_event = models.CharField(_("起算事件"), max_length=30,
                                   help_text=_("时间线事件：requested 申请、filed 立案、copy_served 送达副本、hearing_scheduled 确定口审"))
    stop_events = models.JSONField(_("终止事件"), default=list, blank=True,
                                   help_text=_("任一事件发生即视为期限内完成，如 [\"decided\", \"mediated\"]"))
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("计算单位"), max_length=15, choices=LimitUnit.choices)
    max_extension = models.PositiveIntegerField(_("最多可延长"), default=0, help_text=_("单位同上；0 表示不得延长"))
    excludes_suspensions = models.BooleanField(_("中止/鉴定/公告期间不计入"), default=False)
    roll_forward = models.BooleanField(_("届满日为休息日顺延"), default=True)
    warn_days = models.PositiveIntegerField(_("提前提醒（天）"), default=3)
    is_notice_floor = models.BooleanField(_("仅作提前通知下限"), default=False,
                                          help_text=_("如口头审理须提前3个工作日通知：不是办理期限，而是最早日期"))
    legal_basis = models.CharField(_("依据"), max_length=300, blank=True)
    # The legal basis in parts, and whether an officer has checked it against the text in force (issue 16 item 8).
    basis_regulation = models.CharField(_("依据法规"), max_length=200, blank=True,
                                        help_text=_("法规名称及文号，如《专利行政执法办法》（国家知识产权局令第71号）"))
    basis_article = models.CharField(_("条款"), max_length=100, blank=True, help_text=_("未核对的写“待核对”"))
    basis_text = models.TextField(_("条文"), blank=True, help_text=_("原文或摘要；摘要须在核对说明中注明"))
    basis_verified = models.BooleanField(_("已核对"), default=False,
                                         help_text=_("由市局工作人员对照现行有效文本核对后勾选"))
    basis_verified_by = models.CharField(_("核对人"), max_length=100, blank=True)
    basis_verified_on = models.DateField(_("核对日期"), null=True, blank=True)
    basis_note = models.CharField(_("核对说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["code"]
        verbose_name = _("法定期限规则")
        verbose_name_plural = _("法定期限规则")

    def __str__(self):
        return f"{self.name}（{self.amount}{self.get_unit_display()}）"

    def get_start_event_display(self):
        """The event by its name (已立案), not its code (filed): issue 19 item 5."""
        from .choices import limit_event_choices
        return dict(limit_event_choices()).get(self.start_event, self.start_event)

    def get_stop_events_display(self):
        from .choices import limit_event_choices
        names = dict(limit_event_choices())
        return "、".join(str(names.get(code, code)) for code in (self.stop_events or []))

    @property
    def basis_status(self):
        """已核对（who, when）or 待核对: shown wherever the limit is."""
        if self.basis_verified:
            when = f"{self.basis_verified_on:%Y-%m-%d}" if self.basis_verified_on else ""
            return "已核对（" + "，".join(x for x in (self.basis_verified_by, when) if x) + "）"
        return "待核对"


class DocumentTemplate(AuditedModel):
    """A DOCX template (docxtpl / Jinja tags such as {{ case.number }}) the office edits in Word and
    uploads again; the newest active one of a kind is used."""
    class Kind(models.TextChoices):
        FILING_NOTICE = "filing_notice", _("立案通知书")
        REJECTION_NOTICE = "rejection_notice", _("不予受理通知书")
        DECISION = "decision", _("行政裁决书")

    kind = models.CharField(_("文书类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    content = models.BinaryField(_("模板文件"), editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)
    audit_exclude = ("created_at", "updated_at", "content")

    class Meta:
        ordering = ["kind", "-id"]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


# ---- Case timeline -------------------------------------------------------------------------------
class CaseEvent(models.Model):
    """One typed event of a case's timeline (办理记录). Written only by protection.events (a step's row by
    perform(), through the transition's event=events.record_step), never edited.
    Not reachable by itself: it is read through its case, which was reached through `restrict()`."""
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices, db_index=True)
    code = models.CharField(_("业务节点"), max_length=30, blank=True, db_index=True,
                            help_text=_("期限规则用的节点：requested, filed, copy_served, answered, heard …"))
    date = models.DateField(_("日期"), default=datetime.date.today)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class CaseMixin(models.Model):
    """What every case shares: a number, a region, a status, a timeline."""
    NUMBER_PREFIX = "CASE"
    events = GenericRelation(CaseEvent)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.number} {self.title}"

    def timeline(self):
        """The case's events in order, each with its status labels (from_label, to_label) for display."""
        labels = dict(self._meta.get_field("status").choices)
        events = list(self.events.select_related("actor").order_by("date", "id"))
        for e in events:
            e.from_label = labels.get(e.from_status, e.from_status)
            e.to_label = labels.get(e.to_status, e.to_status)
        return events

    def save(self, *args, **kwargs):
        if self.number:
            return super().save(*args, **kwargs)
        year = (getattr(self, "received_on", None) or datetime.date.today()).year
        for _attempt in range(5):
            n = type(self)._base_manager.filter(number__startswith=f"{self.NUMBER_PREFIX}{year}-").count() + 1
            self.number = f"{self.NUMBER_PREFIX}{year}-{n:04d}"
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not type(self)._base_manager.filter(number=self.number).exists():
                    raise
                self.number = ""
        raise IntegrityError("could not allocate a case number")


# ---- 维权援助 --------------------------------------------------------------------------------------
class AssistanceCase(CaseMixin, VoidableModel):
    """A rights-protection assistance case (知识产权维权援助案件)."""
    NUMBER_PREFIX = "WQ"
    number = models.CharField(_("案件编号"), max_length=20, unique=True, blank=True, editable=False)
    title = models.CharField(_("案由"), max_length=200)
    source = models.CharField(_("来源"), max_length=15, choices=AssistanceSource.choices)
    right_type = models.CharField(_("权利类型"), max_length=15, choices=RightType.choices)
    is_overseas = models.BooleanField(_("海外纠纷"), default=False)
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="assistance_cases",
                                   verbose_name=_("求助企业"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"), help_text=_("默认为求助企业所在区划"))
    other_party = models.CharField(_("对方当事人"), max_length=200, blank=True)
    description = models.TextField(_("情况说明"), blank=True)
    received_on = models.DateField(_("受理/登记日期"), default=datetime.date.today)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="assistance_cases", verbose_name=_("承办人"),
                                help_text=_("工作人员或公职律师"))
    status = models.CharField(_("状态"), max_length=10, choices=AssistanceStatus.choices,
                              default=AssistanceStatus.ACCEPTED, db_index=True)
    referred_to = models.CharField(_("转办单位"), max_length=200, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=15, choices=AssistanceOutcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    visited_on = models.DateField(_("回访日期"), null=True, blank=True)
    visit_note = models.TextField(_("回访情况"), blank=True)

    scope = Scope(region="region", enterprise="enterprise", lawyer="handler", change_roles=OFFICERS_AND_LAWYERS)
    # The requesting enterprise may add evidence to its own case (core.uploads reads this).
    attachment_upload_action = VIEW

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("维权援助案件")
        verbose_name_plural = _("维权援助案件")

    def save(self, *args, **kwargs):
        if not self.region_id and self.enterprise_id:
            self.region_id = self.enterprise.region_id
        return super().save(*args, **kwargs)


class AssistanceService(AuditedModel):
    """A service given in an assistance case (咨询、侵权判定意见、专家论证、公益代理、海外指导)."""
    case = models.ForeignKey(AssistanceCase, on_delete=models.CASCADE, related_name="services",
                             verbose_name=_("案件"))
    kind = models.CharField(_("服务类型"), max_length=15, choices=AssistanceServiceKind.choices)
    date = models.DateField(_("日期"), default=datetime.date.today)
    description = models.TextField(_("内容"), blank=True)
    provided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("提供人"))

    scope = Scope(region="case__region", enterprise="case__enterprise", lawyer="case__handler",
                  change_roles=OFFICERS_AND_LAWYERS)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("援助服务")
        verbose_name_plural = _("援助服务")

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()}"


# ---- 专利侵权纠纷行政裁决 -------------------------------------------------------------------------
class AdjudicationCase(CaseMixin, VoidableModel):
    """An administrative adjudication of a patent infringement dispute (专利侵权纠纷行政裁决)."""
    NUMBER_PREFIX = "CJ"
    number = models.CharField(_("案号"), max_length=20, unique=True, blank=True, editable=False)
    title = models.CharField(_("案由"), max_length=200)
    requester = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="adjudication_requests", verbose_name=_("请求人企业"))
    requester_name = models.CharField(_("请求人"), max_length=200)
    respondent_name = models.CharField(_("被请求人"), max_length=200)
    respondent_address = models.CharField(_("被请求人地址"), max_length=300, blank=True)
    patent = models.ForeignKey("registry.Patent", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("涉案专利（库内）"))
    patent_no = ApplicationNumberField(_("涉案专利号"), max_length=30,
                                       error_messages={"invalid_identifier": _("涉案专利号有误：%(e)s")})
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("管辖区划"))
    claims = models.TextField(_("请求事项"), blank=True)
    received_on = models.DateField(_("收到请求书日期"), default=datetime.date.today)
    status = models.CharField(_("状态"), max_length=10, choices=AdjudicationStatus.choices,
                              default=AdjudicationStatus.REQUESTED, db_index=True)
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="adjudication_cases",
                                      verbose_name=_("办案人员"), help_text=_("3名或3名以上单数执法人员"))
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    hearing_on = models.DateField(_("口头审理日期"), null=True, blank=True)
    concluded_on = models.DateField(_("结案日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    infringement_found = models.BooleanField(_("认定侵权"), null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    is_suspended = models.BooleanField(_("中止/不计入期间中"), default=False)

    scope = Scope(region="region", enterprise="requester")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("专利侵权纠纷行政裁决案件")
        verbose_name_plural = _("专利侵权纠纷行政裁决案件")

    def save(self, *args, **kwargs):
        if not self.region_id and self.requester_id:
            self.region_id = self.requester.region_id
        return super().save(*args, **kwargs)


class ExcludedPeriod(AuditedModel):
    """A period that does not count towards the closure limit: suspension, appraisal, announcement."""
    case = models.ForeignKey(AdjudicationCase, on_delete=models.CASCADE, related_name="excluded_periods",
                             verbose_name=_("案件"))
    kind = models.CharField(_("类型"), max_length=15, choices=ExcludedPeriodKind.choices)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("结束日"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=300)

    scope = Scope(region="case__region", enterprise="case__requester")

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("不计入期间")
        verbose_name_plural = _("不计入期间")

    def __str__(self):
        return f"{self.get_kind_display()} {self.start}–{self.end or ''}"


class Extension(AuditedModel):
    """An approved extension of a limit (经负责人批准延长)."""
    case = models.ForeignKey(AdjudicationCase, on_delete=models.CASCADE, related_name="extensions",
                             verbose_name=_("案件"))
    rule = models.ForeignKey(TimeLimitRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("期限"))
    amount = models.PositiveIntegerField(_("延长"))
    approved_by = models.CharField(_("批准人"), max_length=100)
    approved_on = models.DateField(_("批准日期"))
    reason = models.CharField(_("理由"), max_length=300)

    scope = Scope(region="case__region", enterprise="case__requester")

    class Meta:
        ordering = ["approved_on", "id"]
        verbose_name = _("期限延长")
        verbose_name_plural = _("期限延长")

    def __str__(self):
        return f"{self.rule.name} +{self.amount}{self.rule.get_unit_display()}"


# ---- 诉调对接、司法确认、行刑衔接 ----------------------------------------------------------------
class CooperationCase(CaseMixin, VoidableModel):
    """A link with another body (协同保护): court mediation (诉调对接), judicial confirmation (司法确认),
    or a referral to the police or procuratorate (行刑衔接); with the receiving body's reply."""
    NUMBER_PREFIX = "XT"
    number = models.CharField(_("编号"), max_length=20, unique=True, blank=True, editable=False)
    kind = models.CharField(_("类型"), max_length=25, choices=CooperationKind.choices)
    title = models.CharField(_("事项"), max_length=200)
    receiving_body = models.CharField(_("接收单位"), max_length=200, help_text=_("如 枣庄市中级人民法院、滕州市公安局"))
    parties = models.CharField(_("当事人"), max_length=300, blank=True)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("涉及企业"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"))
    right_type = models.CharField(_("权利类型"), max_length=15, choices=RightType.choices, default=RightType.PATENT)
    adjudication = models.ForeignKey(AdjudicationCase, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="cooperations", verbose_name=_("关联裁决案件"))
    assistance = models.ForeignKey(AssistanceCase, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="cooperations", verbose_name=_("关联援助案件"))
    summary = models.TextField(_("案情/调解协议摘要"), blank=True)
    received_on = models.DateField(_("移送/申请日期"), default=datetime.date.today)
    status = models.CharField(_("状态"), max_length=10, choices=CooperationStatus.choices,
                              default=CooperationStatus.SENT, db_index=True)
    reply = models.TextField(_("对方回复"), blank=True)
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=20, choices=CooperationResult.choices, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)

    scope = Scope(region="region", enterprise="enterprise")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("协同保护事项")
        verbose_name_plural = _("协同保护事项")


# ---- 服务网点 -------------------------------------------------------------------------------------
class ServiceStation(AuditedModel):
    """A point of the service network: IP protection workstation or trademark brand guidance station."""
    kind = models.CharField(_("类型"), max_length=15, choices=StationKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    host = models.CharField(_("依托单位"), max_length=200)
    host_enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("依托企业（库内）"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("运行中"), default=True)

    # The network is public information: everyone signed in may read it; officers keep it up.
    scope = Scope(region="region", public=True)

    class Meta:
        ordering = ["kind", "region__code", "name"]
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="station_unique_name")]

    def __str__(self):
        return self.name

    @property
    def masked_fields(self):
        from ipdesk.core.exports import mask_phone
        return {"contact_phone": mask_phone}


class StationService(AuditedModel):
    """A service a station recorded (咨询、培训、指导、纠纷调处…)."""
    station = models.ForeignKey(ServiceStation, on_delete=models.CASCADE, related_name="services",
                                verbose_name=_("服务网点"))
    kind = models.CharField(_("服务类型"), max_length=15, choices=StationServiceKind.choices)
    date = models.DateField(_("日期"), default=datetime.date.today)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("服务企业"))
    people = models.PositiveIntegerField(_("服务人次"), default=1)
    description = models.CharField(_("内容"), max_length=300, blank=True)

    scope = Scope(region="station__region", public=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("网点服务记录")
        verbose_name_plural = _("网点服务记录")

    def __str__(self):
        return f"{self.station} {self.date} {self.get_kind_display()}"
