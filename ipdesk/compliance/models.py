"""IP agencies and their supervision; abnormal patent applications and their verification;
detection runs and the candidates they find (SPEC 2.11)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.fields import EncryptedCharField
from ipdesk.core.models import AuditedModel, VoidableModel
from ipdesk.core.scoping import Scope
from ipdesk.registry.fields import ApplicationNumberField, CreditCodeField

from .choices import (ApplicationStatus, Behaviour, CandidateKind, CandidateStatus, ComplaintStatus, CreditEvent,
                      EventKind, InspectionResult, PenaltyKind, RuleKind)

CITY_ONLY = frozenset({"city_officer"})


class Agency(VoidableModel):
    """A patent agency (专利代理机构) practising in the city, keyed by its credit code."""
    name = models.CharField(_("机构名称"), max_length=200)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    uscc = CreditCodeField(_("统一社会信用代码"), max_length=18, unique=True)
    licence_no = models.CharField(_("执业许可证号"), max_length=50, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="agencies",
                               verbose_name=_("所属区划"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    is_active = models.BooleanField(_("执业中"), default=True)
    credit_score = models.PositiveIntegerField(_("信用分"), default=100, editable=False)
    credit_grade = models.CharField(_("信用等级"), max_length=10, blank=True, editable=False)

    scope = Scope(region="region")

    class Meta:
        ordering = ["name"]
        verbose_name = _("代理机构")
        verbose_name_plural = _("代理机构")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from ipdesk.registry.rules import normalize_name
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class Agent(AuditedModel):
    """A patent attorney (专利代理师) of an agency."""
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="agents", verbose_name=_("代理机构"))
    name = models.CharField(_("姓名"), max_length=50)
    certificate_no = models.CharField(_("资格证号"), max_length=50, blank=True)
    # a person's own number: encrypted at rest (core.fields), masked on pages, exports and in the audit log
    phone = EncryptedCharField(_("电话"), max_length=50, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    scope = Scope(region="agency__region")

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("专利代理师")
        verbose_name_plural = _("专利代理师")

    def __str__(self):
        return self.name

    @property
    def masked_fields(self):
        from ipdesk.core.exports import mask_phone
        return {"phone": mask_phone}


class Inspection(VoidableModel):
    """An inspection of an agency against the local service standard (服务规范检查) and its findings."""
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("代理机构"))
    date = models.DateField(_("检查日期"))
    standard = models.CharField(_("检查依据"), max_length=200, default="专利代理服务规范（地方标准）")
    inspectors = models.CharField(_("检查人员"), max_length=200, blank=True)
    result = models.CharField(_("检查结论"), max_length=20, choices=InspectionResult.choices)
    findings = models.TextField(_("发现问题"), blank=True)
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)

    scope = Scope(region="agency__region")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")

    def __str__(self):
        return f"{self.agency} {self.date} {self.get_result_display()}"


class Complaint(VoidableModel):
    """A complaint against an agency (投诉)."""
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("代理机构"))
    received = models.DateField(_("收到日期"))
    complainant = models.CharField(_("投诉人"), max_length=200)
    summary = models.TextField(_("投诉内容"))
    status = models.CharField(_("处理结果"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    resolution = models.TextField(_("处理情况"), blank=True)

    scope = Scope(region="agency__region")

    class Meta:
        ordering = ["-received"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")

    def __str__(self):
        return f"{self.agency} {self.received} {self.complainant}"


class Penalty(VoidableModel):
    """An administrative penalty on an agency (行政处罚)."""
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="penalties", verbose_name=_("代理机构"))
    date = models.DateField(_("处罚日期"))
    kind = models.CharField(_("处罚种类"), max_length=20, choices=PenaltyKind.choices)
    decision_no = models.CharField(_("决定书文号"), max_length=100, blank=True)
    amount = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("违法事实"), blank=True)

    scope = Scope(region="agency__region")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")

    def __str__(self):
        return f"{self.agency} {self.date} {self.get_kind_display()}"


class CreditGradeRule(AuditedModel):
    """One line of the office's credit rules: points deducted per event, or a grade's minimum score."""
    kind = models.CharField(_("类型"), max_length=20, choices=RuleKind.choices)
    event = models.CharField(_("扣分事项"), max_length=40, choices=CreditEvent.choices, blank=True)
    points = models.PositiveIntegerField(_("扣分"), default=0)
    grade = models.CharField(_("等级"), max_length=10, blank=True)
    min_score = models.PositiveIntegerField(_("最低分"), default=0)
    window_years = models.PositiveIntegerField(_("计算年限"), default=3, help_text=_("统计近几年的事项"))
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["kind", "-min_score", "event"]
        verbose_name = _("信用评价规则")
        verbose_name_plural = _("信用评价规则")

    def __str__(self):
        if self.kind == RuleKind.GRADE:
            return f"{self.grade} ≥ {self.min_score}"
        return f"{self.get_event_display()} −{self.points}"

    def clean(self):
        if self.kind == RuleKind.DEDUCTION and not self.event:
            raise ValidationError({"event": _("扣分项须选择扣分事项。")})
        if self.kind == RuleKind.GRADE and not self.grade:
            raise ValidationError({"grade": _("等级线须填写等级，如 A。")})


class AbnormalBatch(AuditedModel):
    """A batch of abnormal applications to verify (非正常专利申请核查批次): from the province's file,
    or made by an officer from reviewed detection candidates."""
    name = models.CharField(_("批次名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=20, choices=[("province", _("省局下发")), ("detection", _("本局筛查"))],
                              default="province")
    received = models.DateField(_("收到日期"))
    default_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("默认区划"),
                                       help_text=_("申请人既未匹配企业、地址也无法解析时归属的区划"))
    note = models.TextField(_("备注"), blank=True)

    scope = Scope(region="applications__region", change_roles=CITY_ONLY)

    class Meta:
        ordering = ["-received", "-id"]
        verbose_name = _("核查批次")
        verbose_name_plural = _("核查批次")

    def __str__(self):
        return self.name


class AbnormalApplication(AuditedModel):
    """One abnormal patent application to verify, assigned to its region and agency."""
    batch = models.ForeignKey(AbnormalBatch, on_delete=models.CASCADE, related_name="applications",
                              verbose_name=_("批次"))
    application_no = ApplicationNumberField(_("申请号"), max_length=20)
    title = models.CharField(_("名称"), max_length=500, blank=True)
    applicant = models.CharField(_("申请人"), max_length=300)
    address = models.CharField(_("申请人地址"), max_length=300, blank=True)
    agency_name = models.CharField(_("代理机构名称"), max_length=200, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="abnormal_applications",
                               verbose_name=_("代理机构"))
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="abnormal_applications", verbose_name=_("申请人企业"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="abnormal_applications",
                               verbose_name=_("所属区划"))
    region_basis = models.CharField(_("归属依据"), max_length=20, blank=True,
                                    choices=[("enterprise", _("匹配企业")), ("address", _("地址解析")), ("default", _("批次默认")),
                                             ("record", _("专利或线索所属区划"))])
    behaviour = models.CharField(_("行为类型"), max_length=30, choices=Behaviour.choices)
    notice_date = models.DateField(_("通知日期"), null=True, blank=True)
    deadline = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.NOTIFIED, db_index=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    scope = Scope(region="region", enterprise="enterprise")

    class Meta:
        ordering = ["deadline", "application_no"]
        verbose_name = _("非正常专利申请")
        verbose_name_plural = _("非正常专利申请")
        constraints = [models.UniqueConstraint(fields=["batch", "application_no"], name="abnormal_once_per_batch")]

    def __str__(self):
        return self.application_no

    def clean(self):
        if self.notice_date and self.deadline and self.deadline < self.notice_date:
            raise ValidationError({"deadline": _("答复期限不能早于通知日期。")})


class ApplicationEvent(AuditedModel):
    """One step of an abnormal application's timeline (typed, written by compliance.actions)."""
    application = models.ForeignKey(AbnormalApplication, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("申请"))
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("经办人"))

    scope = Scope(region="application__region", enterprise="application__enterprise")

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class DetectionRun(AuditedModel):
    """One run of detection over the applications filed since a date (线索筛查)."""
    since = models.DateField(_("申请日起"))
    params = models.JSONField(_("参数"), default=dict, blank=True)
    summary = models.JSONField(_("结果概要"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发起人"))

    scope = Scope(region="candidates__region", owner="created_by")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("筛查运行")
        verbose_name_plural = _("筛查运行")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.since} 起"


class Candidate(AuditedModel):
    """A lead for an officer to review, with its evidence; nothing is sent to anyone automatically."""
    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("筛查运行"))
    kind = models.CharField(_("类型"), max_length=30, choices=CandidateKind.choices, db_index=True)
    subject = models.CharField(_("对象"), max_length=300)
    score = models.FloatField(_("分值"), default=0)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("所属区划"))
    application_nos = models.JSONField(_("涉及申请号"), default=list)
    evidence = models.JSONField(_("证据"), default=dict)
    status = models.CharField(_("状态"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.NEW,
                              db_index=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    batch = models.ForeignKey(AbnormalBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="candidates", verbose_name=_("核查批次"))

    scope = Scope(region="region")

    class Meta:
        ordering = ["status", "-score", "id"]
        verbose_name = _("疑似线索")
        verbose_name_plural = _("疑似线索")

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject}"
