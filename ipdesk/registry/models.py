"""Innovation subjects (创新主体) and their IP assets: enterprises, patents, trademarks, GIs."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.fields import EncryptedCharField
from ipdesk.core.models import AuditedModel
from ipdesk.core.scoping import Role, Scope

from .choices import CultivationTier, LegalStatus, PatentEventKind, PatentType, TrademarkStatus
from .fields import ApplicationNumberField, CreditCodeField
from .placement import RegionSignal


_TAG_CACHE = {"at": -1e9, "labels": {}}


def _tag_labels(max_age=30):
    """The enterprise_tag dictionary, read at most every `max_age` seconds (lists and exports call it per row)."""
    import time

    from ipdesk.regions.models import dictionary
    now = time.monotonic()
    if now - _TAG_CACHE["at"] > max_age or not _TAG_CACHE["labels"]:
        _TAG_CACHE.update(at=now, labels=dict(dictionary("enterprise_tag")))
    return _TAG_CACHE["labels"]


class Enterprise(AuditedModel):
    """An enterprise keyed by its unified social credit code (统一社会信用代码, GB 32100-2015)."""
    uscc = CreditCodeField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="enterprises",
                               verbose_name=_("所属区划"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region_signal = models.CharField(_("区划依据"), max_length=20, blank=True, choices=RegionSignal.choices,
                                     help_text=_("导入时决定所属区划的依据（registry.placement）；空：手工设定"))
    industry_chain = models.ForeignKey("regions.IndustryChain", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="enterprises", verbose_name=_("产业链"))
    tags = models.JSONField(_("标签"), default=list, blank=True,
                            help_text=_("数据字典 enterprise_tag 的编码，如 zjtx、hnte、nat_demo"))
    is_key_enterprise = models.BooleanField(_("重点企业库"), default=False)
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="served_enterprises", verbose_name=_("服务专员"))
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    established = models.DateField(_("成立日期"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("员工人数"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("研发人员"), null=True, blank=True)

    scope = Scope(region="region", enterprise="pk", commissioner="commissioner")

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .rules import normalize_name
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    def tag_labels(self):
        """The tags as their dictionary labels (专精特新, 高新技术企业 …)."""
        labels = _tag_labels()
        return [labels.get(code, code) for code in self.tags or []]


class EnterpriseNameHistory(AuditedModel):
    """Former names (曾用名), so patents filed under an old name still match."""
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("曾用名"), max_length=200)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    until = models.DateField(_("使用至"), null=True, blank=True)

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner")

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .rules import normalize_name
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class CultivationMembership(AuditedModel):
    """Membership of the high-value-patent cultivation library (高价值专利培育企业库) for a year and tier."""
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="cultivation")
    year = models.PositiveIntegerField(_("年度"))
    tier = models.CharField(_("梯次"), max_length=10, choices=CultivationTier.choices)
    is_pilot = models.BooleanField(_("培育试点"), default=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner")

    class Meta:
        unique_together = [("enterprise", "year")]
        ordering = ["-year", "enterprise__name"]
        verbose_name = _("高价值专利培育库")
        verbose_name_plural = _("高价值专利培育库")

    def __str__(self):
        return f"{self.enterprise} {self.year} {self.get_tier_display()}"


class Contact(AuditedModel):
    """A contact person of an enterprise; personal data is masked for roles that do not need it."""
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedCharField(_("电话"), max_length=50, blank=True)          # encrypted at rest (core.fields)
    email = models.CharField(_("邮箱"), max_length=200, blank=True)
    id_number = EncryptedCharField(_("身份证号"), max_length=30, blank=True)  # encrypted at rest (core.fields)

    scope = Scope(region="enterprise__region", enterprise="enterprise", commissioner="enterprise__commissioner")
    audit_secret = ("phone", "id_number")

    @property
    def masked_fields(self):
        from ipdesk.core.exports import mask_id_number, mask_phone
        return {"phone": mask_phone, "id_number": mask_id_number}

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")

    def __str__(self):
        return self.name


class Patent(AuditedModel):
    """A patent or application (专利), keyed by its canonical application number (ZC 0006-2003).

    `holder` is the enterprise matched to the first current holder (第一权利人); `region` is where
    that holder is now. Where a holder was at an earlier date comes from the transfer events.
    """
    application_no = ApplicationNumberField(_("申请号"), max_length=20)  # unique: see Meta.constraints
    patent_type = models.CharField(_("专利类型"), max_length=10, choices=PatentType.choices)
    is_pct = models.BooleanField(_("PCT进入国家阶段"), default=False)
    title = models.CharField(_("名称"), max_length=500)
    applicants = models.CharField(_("申请人"), max_length=1000, blank=True)
    current_owner = models.CharField(_("当前权利人"), max_length=1000, blank=True)
    holder = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="patents",
                               verbose_name=_("权利人企业"))
    holder_name = models.CharField(_("第一权利人"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="patents", verbose_name=_("所属区划"),
                               db_index=False)  # led by the (region, patent_type) index
    region_signal = models.CharField(_("区划依据"), max_length=20, blank=True, choices=RegionSignal.choices,
                                     help_text=_("导入时决定所属区划的依据（registry.placement）；空：手工设定"))
    country_code = models.CharField(_("国省代码"), max_length=10, blank=True)
    is_domestic = models.BooleanField(_("国内"), default=True)
    ipc_main = models.CharField(_("主分类号"), max_length=50, blank=True)
    filing_date = models.DateField(_("申请日"), null=True, blank=True)  # leads the list index
    publication_date = models.DateField(_("公开日"), null=True, blank=True)
    grant_date = models.DateField(_("授权公告日"), null=True, blank=True)  # indexed with patent_type
    lapse_date = models.DateField(_("失效日"), null=True, blank=True)
    legal_status = models.CharField(_("法律状态"), max_length=10, choices=LegalStatus.choices,
                                    default=LegalStatus.PENDING)
    pct_application_no = models.CharField(_("PCT申请号"), max_length=40, blank=True)
    overseas_family = models.BooleanField(_("海外同族"), default=False)
    strategic_class = models.CharField(
        _("战略性新兴产业分类（人工认定）"), max_length=100, blank=True,
        help_text=_("填写参照关系表的分类号（如 1.5）即以人工认定为准；其他内容仅作记录，按IPC分类号自动分类"))
    # Computed by registry.sei from the IPC and title/abstract with the table in SeiRule (on save, on
    # import, and by `reclassify_sei` when the table changes); read by stats.facts for the criterion.
    sei_branch = models.CharField(_("战略性新兴产业分类号"), max_length=10, blank=True, editable=False)
    sei_branch_name = models.CharField(_("战略性新兴产业分类名称"), max_length=100, blank=True, editable=False)
    sei_evidence = models.CharField(_("战略性新兴产业分类依据"), max_length=300, blank=True, editable=False)
    agency = models.CharField(_("代理机构"), max_length=200, blank=True)
    abstract = models.TextField(_("摘要"), blank=True)
    claim1 = models.TextField(_("主权项"), blank=True)
    fee_paid_until = models.DateField(_("年费缴至"), null=True, blank=True,
                                      help_text=_("已缴年费覆盖到的日期；为空时按申请日周年日推算下一次缴费期限"))
    term_compensation_days = models.PositiveIntegerField(
        _("期限补偿天数"), default=0,
        help_text=_("国家知识产权局决定给予的专利权期限补偿天数（专利法第四十二条第二、三款）；保护期届满日据此顺延"))

    scope = Scope(region="region", enterprise="holder", commissioner="holder__commissioner")

    class Meta:
        ordering = ["-filing_date", "application_no"]
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        # Few indexes (no PostgreSQL "_like" twins): every index is paid by each of a million imported rows
        # (bench/import.py). The number is unique through a constraint, which has no "_like" twin.
        # - list: the list order, carrying the columns that scope and filter lists, so that a page's keys
        #   come from the index alone (core.pagination) on page 1 as on page 20 of a million rows;
        # - the two counts of a filtered list (the city's, a district's) are answered from an index;
        # - a district's list order: its pages and its keyword searches read the district's rows only.
        indexes = [
            models.Index(fields=["-filing_date", "application_no"], include=["id", "region", "patent_type",
                                                                            "legal_status", "holder"],
                         name="registry_patent_list_idx"),
            models.Index(fields=["patent_type", "legal_status"], name="registry_patent_tystat_idx"),
            models.Index(fields=["region", "patent_type", "legal_status"], name="registry_patent_rgtyst_idx"),
            models.Index(fields=["region", "-filing_date", "application_no"],
                         include=["id", "patent_type", "legal_status"], name="registry_patent_rglist_idx"),
            models.Index(fields=["patent_type", "grant_date"]),
        ]
        constraints = [models.UniqueConstraint(fields=["application_no"], name="registry_patent_application_no_uniq")]

    def __str__(self):
        return f"{self.application_no} {self.title}"

    def save(self, *args, **kwargs):
        from . import sei
        sei.apply(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sei_branch", "sei_branch_name", "sei_evidence"}
        super().save(*args, **kwargs)

    @property
    def sei_label(self):
        """The matched branch as shown, e.g. 1.5 人工智能 ('' when none)."""
        return f"{self.sei_branch} {self.sei_branch_name}".strip()

    @property
    def term_end(self):
        """The last day of the statutory term with its compensation (保护期届满日, 专利法第四十二条), or None."""
        from .fees import fee_rule
        from .rules import patent_term_end
        if self.filing_date is None or self.patent_type not in fee_rule()["term_years"]:
            return None
        return patent_term_end(self.patent_type, self.filing_date, fee_rule(), self.term_compensation_days)

    @property
    def term_expired(self):
        """Past its statutory term today: not valid whatever legal_status says."""
        from django.utils import timezone
        end = self.term_end
        return end is not None and end < timezone.localdate()


class SeiRule(AuditedModel):
    """A rule of 《战略性新兴产业分类与国际专利分类参照关系表（2021）（试行）》 (国知办函规字〔2021〕121号).

    Reference data, loaded from registry/data/sei-ipc-2021.csv (transcribed from a public copy, not the
    official attachment) by migration 0012_sei; a city officer corrects it against the official table.
    Notation and matching: registry.sei. After a change, `reclassify_sei` (run on save) reclassifies the patents.
    """
    branch_no = models.CharField(_("分类号"), max_length=10, help_text=_("两级分类号，如 1.5"))
    branch_name = models.CharField(_("分类名称"), max_length=100)
    top_category = models.CharField(_("所属大类"), max_length=100)
    rule_no = models.PositiveIntegerField(_("条目序号"))
    ipc_patterns = models.TextField(_("IPC分类号"), help_text=_("以;分隔；*表示该分类号及其下位组，如 G06F21*"))
    ipc_exclusions = models.TextField(_("排除的IPC分类号"), blank=True, help_text=_("以;分隔，写法同上；排除优先"))
    keywords = models.TextField(_("关键词"), blank=True,
                                help_text=_("以;分隔；有关键词的条目还须名称或摘要含有关键词（registry.sei 的近似匹配）"))
    ipc_only = models.BooleanField(_("仅按分类号"), default=True, editable=False)
    source_page = models.CharField(_("来源页码"), max_length=20, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope = Scope(public=True, change_roles=frozenset({Role.CITY_OFFICER}))

    class Meta:
        ordering = ["branch_no", "rule_no"]
        unique_together = [("branch_no", "rule_no")]
        verbose_name = _("战略性新兴产业IPC参照关系")
        verbose_name_plural = _("战略性新兴产业IPC参照关系")

    def __str__(self):
        return f"{self.branch_no} {self.branch_name} #{self.rule_no}"

    def save(self, *args, **kwargs):
        self.ipc_only = not self.keywords.strip()
        before = SeiRule.objects.filter(pk=self.pk).values().first() if self.pk else None
        super().save(*args, **kwargs)
        self._reclassify_after(before, {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields})

    def delete(self, *args, **kwargs):
        before = SeiRule.objects.filter(pk=self.pk).values().first()
        result = super().delete(*args, **kwargs)
        self._reclassify_after(before, None)
        return result

    @staticmethod
    def _reclassify_after(before, after):
        """Once the change is committed, reclassify the patents in the IPC subclasses the rule names
        (before and after the change) and those in its branch (registry.sei.reclassify)."""
        from django.db import transaction

        from . import sei
        rows = [r for r in (before, after) if r]
        prefixes = sei._prefixes(rows)
        branches = {r["branch_no"] for r in rows}
        transaction.on_commit(lambda: sei.reclassify(prefixes, branches))


class PatentEvent(AuditedModel):
    """A legal-status event of a patent (法律状态事件). Transfers carry the owner before and after."""
    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=PatentEventKind.choices, db_index=True)
    date = models.DateField(_("日期"), db_index=True)
    owner_before = models.CharField(_("变更前权利人"), max_length=200, blank=True)
    owner_after = models.CharField(_("变更后权利人"), max_length=200, blank=True)
    region_before = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("变更前区划"))
    region_after = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("变更后区划"))
    domestic_after = models.BooleanField(_("变更后为国内"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=50, blank=True, help_text=_("import / pledge / manual"))

    scope = Scope(region="patent__region", enterprise="patent__holder", commissioner="patent__holder__commissioner")

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("法律状态事件")
        verbose_name_plural = _("法律状态事件")
        constraints = [models.UniqueConstraint(fields=["patent", "kind", "date", "owner_after"],
                                               name="patent_event_once")]

    def __str__(self):
        return f"{self.patent.application_no} {self.date} {self.get_kind_display()}"


class Trademark(AuditedModel):
    """A trademark registration (商标)."""
    registration_no = models.CharField(_("注册号"), max_length=20, unique=True)
    name = models.CharField(_("商标名称"), max_length=200)
    nice_class = models.PositiveSmallIntegerField(_("类别"))
    owner_name = models.CharField(_("注册人"), max_length=200)
    address = models.CharField(_("注册人地址"), max_length=300, blank=True)
    owner = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="trademarks",
                              verbose_name=_("注册人企业"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="trademarks", verbose_name=_("所属区划"))
    region_signal = models.CharField(_("区划依据"), max_length=20, blank=True, choices=RegionSignal.choices,
                                     help_text=_("导入时决定所属区划的依据（registry.placement）；空：手工设定"))
    filing_date = models.DateField(_("申请日"), null=True, blank=True)
    registration_date = models.DateField(_("注册日"), null=True, blank=True, db_index=True)
    expiry_date = models.DateField(_("专用权期限至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=TrademarkStatus.choices,
                              default=TrademarkStatus.REGISTERED)
    is_geographic_indication = models.BooleanField(_("地理标志证明/集体商标"), default=False)

    scope = Scope(region="region", enterprise="owner", commissioner="owner__commissioner")

    class Meta:
        ordering = ["-registration_date", "registration_no"]
        verbose_name = _("商标")
        verbose_name_plural = _("商标")

    def __str__(self):
        return f"{self.registration_no} {self.name}"


class PctApplication(AuditedModel):
    """A PCT international application (PCT国际专利申请), keyed by its international application number
    (PCT Administrative Instructions, Section 307: `PCT/CN2025/137406`; see registry.pct).

    Counted by the PCT indicator (SPEC section 3) by international filing date, in the region of its first
    applicant (第一申请人) when that applicant is domestic. Not a CN national-phase entry: those are patents
    (type digit 8/9) of foreign filings entering China; `national_application_no` only links to one.
    """
    international_application_no = models.CharField(_("国际申请号"), max_length=20)  # unique: Meta.constraints
    international_filing_date = models.DateField(_("国际申请日"))
    title = models.CharField(_("发明名称"), max_length=500)
    applicants = models.CharField(_("申请人"), max_length=1000, blank=True)
    first_applicant = models.CharField(_("第一申请人"), max_length=200)
    applicant = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="pct_applications", verbose_name=_("申请人企业"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="pct_applications", verbose_name=_("所属区划"), db_index=False)
    region_signal = models.CharField(_("区划依据"), max_length=20, blank=True, choices=RegionSignal.choices,
                                     help_text=_("导入时决定所属区划的依据（registry.placement）；空：手工设定"))
    country_code = models.CharField(_("国省代码"), max_length=10, blank=True)
    is_domestic = models.BooleanField(_("国内"), default=True)
    priority_data = models.CharField(_("优先权"), max_length=500, blank=True)
    publication_no = models.CharField(_("国际公布号"), max_length=20, blank=True, help_text=_("如 WO2025/123456"))
    national_application_no = ApplicationNumberField(_("中国国家阶段申请号"), max_length=20, blank=True)

    scope = Scope(region="region", enterprise="applicant", commissioner="applicant__commissioner")

    class Meta:
        ordering = ["-international_filing_date", "international_application_no"]
        verbose_name = _("PCT国际申请")
        verbose_name_plural = _("PCT国际申请")
        indexes = [models.Index(fields=["international_filing_date", "region"], name="registry_pct_filing_idx")]
        constraints = [models.UniqueConstraint(fields=["international_application_no"],
                                               name="registry_pct_number_uniq")]

    def __str__(self):
        return f"{self.international_application_no} {self.title}"

    @property
    def national_patent(self):
        """The CN national-phase patent record this application entered as, when it is in the registry."""
        if not self.national_application_no:
            return None
        return Patent.objects.filter(application_no=self.national_application_no).first()


class GIProduct(AuditedModel):
    """A geographic-indication product (地理标志产品)."""
    name = models.CharField(_("产品名称"), max_length=100, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="gi_products",
                               verbose_name=_("所属区划"))
    protection_type = models.CharField(_("保护方式"), max_length=50, blank=True,
                                       help_text=_("地理标志产品保护 / 地理标志证明商标 / 农产品地理标志"))
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    holder = models.CharField(_("申请/管理单位"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)

    scope = Scope(region="region")

    class Meta:
        ordering = ["name"]
        verbose_name = _("地理标志产品")
        verbose_name_plural = _("地理标志产品")

    def __str__(self):
        return self.name
