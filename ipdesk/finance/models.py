"""Financing, insurance, funded projects, standards, awards and training (SPEC 2.8, 2.9, 2.12, 2.13).

Banks and insurers are the city's `regions.DictionaryEntry` dictionaries "bank" and "insurer"
rather than models of their own: they are short reference lists the city office already edits in
数据字典, they carry no behaviour, and a second table would let the two lists drift apart.
Money: pledge loans and project funds are in 万元 (how the office reports them); interest,
premiums and subsidies are in 元 (how they are paid).
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.models import AuditedModel, VoidableModel
from ipdesk.core.scoping import OFFICERS, Role, Scope

from .choices import (AwardGrade, AwardKind, InsuranceType, PledgeEventKind, PledgeStatus, ProjectKind, ProjectLevel,
                      ProjectStatus, StandardKind, SubsidyEventKind, SubsidyStatus)

ENTERPRISE_SCOPE = dict(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner")
CITY_ONLY = frozenset({Role.CITY_OFFICER})
POSITIVE = [MinValueValidator(Decimal("0.01"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def _date_order(start, end, start_label, end_label, end_field):
    from django.core.exceptions import ValidationError
    if start and end and end < start:
        raise ValidationError({end_field: f"{end_label}（{end:%Y-%m-%d}）不能早于{start_label}（{start:%Y-%m-%d}）"})


class Pledge(VoidableModel):
    """A patent pledge registration (专利权质押登记): pledgor enterprise, pledgee bank, patents, amount.

    Registering and releasing go through finance.actions, which check every refusal ground (finance.rules.
    pledge_refusals) and write the legal-status events (registry.PatentEvent pledge / pledge_release).
    """
    registration_no = models.CharField(_("登记号"), max_length=40, unique=True)
    pledgor = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="pledges",
                                verbose_name=_("出质人"))
    pledgee = models.ForeignKey("regions.DictionaryEntry", on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"dictionary": "bank"}, verbose_name=_("质权人（银行）"))
    patents = models.ManyToManyField("registry.Patent", related_name="pledges", verbose_name=_("质押专利"))
    amount_10k_yuan = models.DecimalField(_("质押金额（万元）"), max_digits=14, decimal_places=2, validators=POSITIVE)
    registration_date = models.DateField(_("登记日"), db_index=True)
    start_date = models.DateField(_("债务起始日"), null=True, blank=True)
    end_date = models.DateField(_("债务到期日"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.EFFECTIVE,
                              editable=False, db_index=True)
    released_on = models.DateField(_("解除日"), null=True, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Declarations the registry records cannot replace (finance.rules.pledge_refusals): set by the officer who
    # checked the pledge contract and the CNIPA register; each one maps to a refusal ground.
    co_owners_consent = models.BooleanField(
        _("全体共有人同意"), default=False,
        help_text=_("共有专利出质须取得全体共有人同意或全体共有人另有约定（专利权质押登记办法第四条）"))
    invalidation_pending = models.BooleanField(_("无效宣告程序中"), default=False,
                                               help_text=_("专利权已被启动无效宣告程序（经办人核实后勾选）"))
    invalidation_continue = models.BooleanField(_("当事人知情仍同意继续办理"), default=False,
                                                help_text=_("无效宣告程序中，当事人被告知后仍声明同意继续办理质押登记"))
    ownership_dispute = models.BooleanField(_("权属纠纷中止程序中"), default=False,
                                            help_text=_("专利权归属纠纷已请求国家知识产权局中止有关程序"))
    preservation_order = models.BooleanField(_("法院保全措施"), default=False,
                                             help_text=_("人民法院已裁定对专利权采取保全措施"))

    scope = Scope(region="pledgor__region", enterprise="pledgor", commissioner="pledgor__commissioner")

    class Meta:
        ordering = ["-registration_date", "registration_no"]
        verbose_name = _("专利质押登记")
        verbose_name_plural = _("专利质押登记")

    def clean(self):
        _date_order(self.start_date, self.end_date, "债务起始日", "债务到期日", "end_date")

    # Nobody voids a pledge (no 作废 button, no batch void): see void_refusal.
    void_roles = frozenset()

    def void_refusal(self):
        """A registered pledge has written its legal-status events on the patents (pledge / pledge_release,
        counted by the figures): voiding the record would leave them behind. It is ended by 解除质押 instead,
        as the API's DELETE has always answered."""
        return _("质押登记已写入专利法律状态事件，不能作废；请使用解除质押。")

    def __str__(self):
        return self.registration_no


class PledgeEvent(AuditedModel):
    """A step of a pledge's timeline (登记 / 解除), written by finance.actions."""
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=PledgeEventKind.choices)
    date = models.DateField(_("日期"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(region="pledge__pledgor__region", enterprise="pledge__pledgor",
                  commissioner="pledge__pledgor__commissioner", change_roles=frozenset())

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("质押事件")
        verbose_name_plural = _("质押事件")

    def __str__(self):
        return f"{self.pledge} {self.get_kind_display()}"


class MatchmakingEvent(AuditedModel):
    """A bank–government–enterprise matchmaking event (银政企对接活动) with the banks and enterprises present."""
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("日期"), db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    banks = models.ManyToManyField("regions.DictionaryEntry", blank=True, related_name="+",
                                   limit_choices_to={"dictionary": "bank"}, verbose_name=_("参会银行"))
    enterprises = models.ManyToManyField("registry.Enterprise", blank=True, related_name="matchmaking_events",
                                         verbose_name=_("参会企业"))
    attendee_count = models.PositiveIntegerField(_("参会人数"), default=0)
    intended_amount_10k_yuan = models.DecimalField(_("意向融资额（万元）"), max_digits=14, decimal_places=2,
                                                   default=0, validators=NON_NEGATIVE)
    note = models.TextField(_("备注"), blank=True)

    scope = Scope(region="region")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("银政企对接活动")
        verbose_name_plural = _("银政企对接活动")

    def __str__(self):
        return self.title


class SubsidyRule(AuditedModel):
    """The office's interest-subsidy rule for a year (贴息政策): share of interest paid, cap, conditions."""
    year = models.PositiveIntegerField(_("年度"), unique=True)
    name = models.CharField(_("政策名称"), max_length=200)
    interest_share = models.DecimalField(_("贴息比例"), max_digits=5, decimal_places=4, validators=SHARE,
                                         help_text=_("实付利息的比例，如 0.5 表示 50%"))
    cap_per_enterprise_yuan = models.DecimalField(_("每家企业年度上限（元）"), max_digits=14, decimal_places=2,
                                                  validators=NON_NEGATIVE)
    requires_insurance = models.BooleanField(_("须投保质押融资保证保险"), default=False)
    requires_pledge = models.BooleanField(_("须有有效专利质押登记"), default=True)
    min_loan_10k_yuan = models.DecimalField(_("最低贷款额（万元）"), max_digits=14, decimal_places=2, default=0,
                                            validators=NON_NEGATIVE)
    basis = models.CharField(_("政策依据"), max_length=300, blank=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("贴息规则")
        verbose_name_plural = _("贴息规则")

    def __str__(self):
        return f"{self.year} {self.name}"


class InterestSubsidyApplication(VoidableModel):
    """An interest-subsidy application (专利质押贷款贴息申请); the subsidy and its working come from the rule."""
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="interest_subsidies",
                                   verbose_name=_("申请企业"))
    year = models.PositiveIntegerField(_("贴息年度"), db_index=True)
    pledge = models.ForeignKey(Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="subsidies",
                               verbose_name=_("质押登记"))
    bank = models.ForeignKey("regions.DictionaryEntry", on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"dictionary": "bank"}, verbose_name=_("贷款银行"))
    loan_amount_10k_yuan = models.DecimalField(_("贷款金额（万元）"), max_digits=14, decimal_places=2, validators=POSITIVE)
    loan_start = models.DateField(_("贷款起始日"))
    loan_end = models.DateField(_("贷款到期日"))
    interest_paid_yuan = models.DecimalField(_("实付利息（元）"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    rule = models.ForeignKey(SubsidyRule, null=True, blank=True, on_delete=models.PROTECT, editable=False,
                             related_name="applications", verbose_name=_("适用规则"))
    subsidy_yuan = models.DecimalField(_("核定贴息（元）"), max_digits=14, decimal_places=2, default=0, editable=False)
    working = models.JSONField(_("核算过程"), default=list, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=SubsidyStatus.choices, default=SubsidyStatus.SUBMITTED,
                              editable=False, db_index=True)
    paid_on = models.DateField(_("拨付日"), null=True, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    # Enterprises apply for their own subsidy (and may correct it until it is reviewed); only
    # officers review and pay (finance.actions checks the role).
    scope = Scope(**ENTERPRISE_SCOPE, change_roles=OFFICERS | {Role.ENTERPRISE})

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("贴息申请")
        verbose_name_plural = _("贴息申请")

    def clean(self):
        _date_order(self.loan_start, self.loan_end, "贷款起始日", "贷款到期日", "loan_end")

    def __str__(self):
        return f"{self.enterprise} {self.year}年贴息"

    def void_refusal(self):
        """Money paid out is not undone by voiding the application that asked for it (core.voiding)."""
        if self.status == SubsidyStatus.PAID:
            return _("贴息已拨付，不能作废。")
        return None


class SubsidyEvent(AuditedModel):
    """A step of a subsidy application's timeline (申报 / 核算 / 审核 / 拨付)."""
    application = models.ForeignKey(InterestSubsidyApplication, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=SubsidyEventKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("操作人"))
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(region="application__enterprise__region", enterprise="application__enterprise",
                  commissioner="application__enterprise__commissioner", change_roles=frozenset())

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("贴息事件")
        verbose_name_plural = _("贴息事件")

    def __str__(self):
        return f"{self.application} {self.get_kind_display()}"


class InsuranceSubsidyRule(AuditedModel):
    """The premium subsidy for one insurance type and year (保费补贴): share of premium, cap per enterprise."""
    year = models.PositiveIntegerField(_("年度"))
    insurance_type = models.CharField(_("险种"), max_length=20, choices=InsuranceType.choices)
    premium_share = models.DecimalField(_("补贴比例"), max_digits=5, decimal_places=4, validators=SHARE,
                                        help_text=_("保费的比例，如 0.8 表示 80%"))
    cap_per_enterprise_yuan = models.DecimalField(_("每家企业该险种年度上限（元）"), max_digits=14, decimal_places=2,
                                                  validators=NON_NEGATIVE)
    basis = models.CharField(_("政策依据"), max_length=300, blank=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["-year", "insurance_type"]
        unique_together = [("year", "insurance_type")]
        verbose_name = _("保费补贴规则")
        verbose_name_plural = _("保费补贴规则")

    def __str__(self):
        return f"{self.year} {self.get_insurance_type_display()}"


class InsurancePolicy(VoidableModel):
    """A patent insurance policy (专利保险保单) with the premium subsidy computed from the year's rule."""
    policy_no = models.CharField(_("保单号"), max_length=60, unique=True)
    insurer = models.ForeignKey("regions.DictionaryEntry", on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"dictionary": "insurer"}, verbose_name=_("保险机构"))
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="insurance_policies",
                                   verbose_name=_("投保企业"))
    insurance_type = models.CharField(_("险种"), max_length=20, choices=InsuranceType.choices)
    patents = models.ManyToManyField("registry.Patent", blank=True, related_name="insurance_policies",
                                     verbose_name=_("承保专利"))
    premium_yuan = models.DecimalField(_("保费（元）"), max_digits=14, decimal_places=2, validators=POSITIVE)
    cover_yuan = models.DecimalField(_("保险金额（元）"), max_digits=16, decimal_places=2, validators=POSITIVE)
    start_date = models.DateField(_("保险起期"), db_index=True)
    end_date = models.DateField(_("保险止期"))
    rule = models.ForeignKey(InsuranceSubsidyRule, null=True, blank=True, on_delete=models.PROTECT, editable=False,
                             related_name="policies", verbose_name=_("适用补贴规则"))
    subsidy_yuan = models.DecimalField(_("保费补贴（元）"), max_digits=14, decimal_places=2, default=0, editable=False)
    working = models.JSONField(_("核算过程"), default=list, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope = Scope(**ENTERPRISE_SCOPE)

    class Meta:
        ordering = ["-start_date", "policy_no"]
        verbose_name = _("专利保险保单")
        verbose_name_plural = _("专利保险保单")

    def clean(self):
        _date_order(self.start_date, self.end_date, "保险起期", "保险止期", "end_date")

    def voided_or_restored(self):
        """A voided policy no longer takes its share of the enterprise's yearly cap (and a restored one takes
        it again): the subsidies of its siblings are recomputed (finance.actions.compute_policy_subsidies)."""
        from .actions import compute_policy_subsidies
        compute_policy_subsidies(self.enterprise_id, self.insurance_type, self.start_date.year)

    def __str__(self):
        return self.policy_no


class FundedProject(VoidableModel):
    """A funded project (项目与资金): navigation, transfer pilot, overseas risk, workstation, pilots."""
    kind = models.CharField(_("项目类别"), max_length=30, choices=ProjectKind.choices, db_index=True)
    name = models.CharField(_("项目名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=12, choices=ProjectLevel.choices, default=ProjectLevel.PROVINCIAL)
    recipient = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="funded_projects", verbose_name=_("承担单位（企业）"))
    recipient_name = models.CharField(_("承担单位"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    year = models.PositiveIntegerField(_("立项年度"), db_index=True)
    amount_10k_yuan = models.DecimalField(_("资助金额（万元）"), max_digits=12, decimal_places=2, default=0,
                                          validators=NON_NEGATIVE)
    status = models.CharField(_("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.APPROVED)
    note = models.TextField(_("备注"), blank=True)

    scope = Scope(region="region", enterprise="recipient", commissioner="recipient__commissioner")

    class Meta:
        ordering = ["-year", "kind", "name"]
        verbose_name = _("资助项目")
        verbose_name_plural = _("资助项目")

    def __str__(self):
        return self.name


class ProjectMilestone(AuditedModel):
    """A milestone of a funded project (立项 / 中期检查 / 验收 …)."""
    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("项目"))
    title = models.CharField(_("节点"), max_length=200)
    due_date = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(region="project__region", enterprise="project__recipient",
                  commissioner="project__recipient__commissioner")

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self):
        return f"{self.project} · {self.title}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()


class Standard(AuditedModel):
    """A local, group or enterprise standard (标准), e.g. for a GI product or from a standardisation pilot."""
    kind = models.CharField(_("标准类别"), max_length=12, choices=StandardKind.choices)
    code = models.CharField(_("标准号"), max_length=60, unique=True)
    name = models.CharField(_("标准名称"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    issuer = models.CharField(_("发布单位"), max_length=200, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    gi_product = models.ForeignKey("registry.GIProduct", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="standards", verbose_name=_("地理标志产品"))
    pilot = models.ForeignKey(FundedProject, null=True, blank=True, on_delete=models.SET_NULL, related_name="standards",
                              limit_choices_to={"kind": ProjectKind.STANDARDISATION_PILOT},
                              verbose_name=_("专利标准化试点"))
    drafter = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="standards", verbose_name=_("主要起草企业"))

    scope = Scope(region="region")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("标准")
        verbose_name_plural = _("标准")

    def __str__(self):
        return f"{self.code} {self.name}"


class PatentAward(AuditedModel):
    """A patent award (专利奖): China Patent Award or the provincial award; feeds the high-value criteria."""
    kind = models.CharField(_("奖项"), max_length=12, choices=AwardKind.choices)
    grade = models.CharField(_("等次"), max_length=12, choices=AwardGrade.choices)
    year = models.PositiveIntegerField(_("年度"), db_index=True)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="patent_awards", verbose_name=_("获奖企业"))
    enterprise_name = models.CharField(_("获奖单位"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    patent = models.ForeignKey("registry.Patent", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="awards", verbose_name=_("获奖专利"))
    patent_title = models.CharField(_("专利名称"), max_length=300, blank=True)

    scope = Scope(region="region", enterprise="enterprise", commissioner="enterprise__commissioner")

    class Meta:
        ordering = ["-year", "kind", "grade"]
        verbose_name = _("专利奖")
        verbose_name_plural = _("专利奖")

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}{self.get_grade_display()} {self.enterprise_name}"


class TrainingClass(AuditedModel):
    """A training class (培训班) with the enterprises that attended."""
    title = models.CharField(_("培训班名称"), max_length=200)
    start_date = models.DateField(_("开班日期"), db_index=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    topic = models.CharField(_("主题"), max_length=300, blank=True)
    enterprises = models.ManyToManyField("registry.Enterprise", blank=True, related_name="training_classes",
                                         verbose_name=_("参训企业"))
    attendee_count = models.PositiveIntegerField(_("参训人数"), default=0)

    scope = Scope(region="region")

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def clean(self):
        _date_order(self.start_date, self.end_date, "开班日期", "结束日期", "end_date")

    def __str__(self):
        return self.title
