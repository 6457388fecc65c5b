"""Indicators, targets and the monthly bulletin (专利通报制度, 考核指标分解到区(市), 按月调度).

Two kinds of tables live here:

- records people keep (audited, scoped): high-value criteria, targets, bulletins and their events;
- derived facts (PatentFact, PatentInterval) rebuilt from the registry by `stats.facts.rebuild()`.
  They are plain models on purpose: a rebuild rewrites millions of rows with bulk writes, which an
  audit entry per row would make impossible, and they hold nothing a person entered — every value
  can be recomputed from registry.Patent and registry.PatentEvent. They exist because "valid at a
  date, counted in the holder's region at that date" needs the whole event history of a patent;
  stored as validity/ownership intervals, the stock at any date for every region is one grouped,
  indexed query, which is what makes a province-sized bulletin (5 million patents) take seconds.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.models import AuditedModel
from ipdesk.core.scoping import VIEW, RestrictedManager, RestrictedQuerySet, Role, Scope

from .figures import CriterionKind, is_known, label

CITY_ONLY = frozenset({Role.CITY_OFFICER})


class PatentFact(models.Model):
    """One row per patent: what the period figures need, with the holder's region at filing and grant."""
    # DO_NOTHING: a patent's facts go with it through stats.facts.refresh_patents (which also takes them
    # out of the aggregates), not through a cascade that would bypass the aggregates.
    patent = models.OneToOneField("registry.Patent", on_delete=models.DO_NOTHING, related_name="+",
                                  db_constraint=False)
    patent_type = models.CharField(max_length=10)
    filing_date = models.DateField(null=True)
    # No index of their own on the two regions: every figure reads facts by type and date (the indexes below) and
    # filters the regions among them; each index is paid by every imported or changed patent.
    filing_region = models.ForeignKey("regions.Region", null=True, on_delete=models.DO_NOTHING, related_name="+",
                                      db_constraint=False, db_index=False)
    filing_domestic = models.BooleanField(default=True)
    grant_date = models.DateField(null=True)
    grant_region = models.ForeignKey("regions.Region", null=True, on_delete=models.DO_NOTHING, related_name="+",
                                     db_constraint=False, db_index=False)
    grant_domestic = models.BooleanField(default=True)
    pct = models.BooleanField(default=False)
    strategic = models.BooleanField(default=False)
    overseas_family = models.BooleanField(default=False)
    first_pledge = models.DateField(null=True)

    objects = RestrictedManager()
    scope = Scope(region="grant_region", change_roles=frozenset())

    class Meta:
        # (patent_type, grant_date) is the cover index's key: no index of its own (each is paid by every imported row)
        indexes = [models.Index(fields=["patent_type", "filing_date"]),
                   models.Index(fields=["filing_date"], condition=models.Q(pct=True), name="stats_fact_pct_filing"),
                   # PostgreSQL: grants per region read from the index alone (index-only scan)
                   models.Index(fields=["patent_type", "grant_date"], include=["grant_region", "grant_domestic"],
                                name="stats_fact_grant_cover")]
        verbose_name = verbose_name_plural = _("专利统计事实")


class PatentInterval(models.Model):
    """An invention patent in force and held in `region` (domestic or not) over [start, end) — end NULL:
    still. Only inventions: the stock figures (有效发明专利拥有量, 高价值发明专利) are about them alone."""
    patent = models.ForeignKey("registry.Patent", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    patent_type = models.CharField(max_length=10)
    region = models.ForeignKey("regions.Region", null=True, on_delete=models.DO_NOTHING, related_name="+",
                               db_constraint=False)
    domestic = models.BooleanField(default=True)
    start = models.DateField()
    end = models.DateField(null=True)
    # Copied from the patent so that high-value counts per criterion are one grouped query.
    filing_date = models.DateField(null=True)
    strategic = models.BooleanField(default=False)
    overseas_family = models.BooleanField(default=False)
    first_pledge = models.DateField(null=True)

    objects = RestrictedManager()
    scope = Scope(region="region", change_roles=frozenset())

    class Meta:
        indexes = [models.Index(fields=["patent_type", "start", "end"])]
        verbose_name = verbose_name_plural = _("有效期区间")


class FactAggregate(models.Model):
    """Counts of domestic patents per region × month × patent type, kept with the facts (stats.facts):
    `measure` is "grants" / "filings" (PatentFact rows by grant / filing month, in the holder's region
    then) or "valid_in" / "valid_out" (PatentInterval rows starting / ending in the month: the valid stock
    at a month end is the sum of valid_in minus valid_out up to that month); "hv_in" / "hv_out" and
    "hvs_*", "hvo_*", "hvm_*" do the same for the high-value stock (any of the strategic, overseas and
    maintained criteria that are on, and each of them; stats.facts.HV_MEASURES). region 0: no region.
    A bulletin reads rows proportional to regions × months, not to patents (issue 17 item 2).

    Writes only append rows (the change a write made, + or −), never update one: concurrent writers then
    never wait for each other on a hot region-month row; readers sum the rows of a key, and the nightly
    job folds them back into one row per key (stats.facts.compact_aggregates)."""
    region = models.BigIntegerField(default=0)
    month = models.DateField()
    patent_type = models.CharField(max_length=10)
    measure = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["measure", "patent_type", "month", "region"], include=["n"],
                                name="stats_factaggregate_key")]
        verbose_name = verbose_name_plural = _("统计汇总")


class FactState(models.Model):
    """The registry signature the facts were built from, so figures never come from stale facts."""
    signature = models.CharField(max_length=200, blank=True)
    rebuilt_at = models.DateTimeField(null=True)
    patents = models.PositiveBigIntegerField(default=0)
    intervals = models.PositiveBigIntegerField(default=0)
    # The last `rebuild_facts --check` (nightly): when, and how many differences it found (0: none).
    checked_at = models.DateTimeField(null=True)
    check_differences = models.PositiveBigIntegerField(default=0)
    # The high-value configuration the hv measures of FactAggregate were built for (stats.facts.hv_stamp); readers
    # use those measures only while it is the current one ('' : none built, readers scan the intervals).
    hv_config = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = _("统计事实状态")


class HighValueCriterion(AuditedModel):
    """A category of high-value invention patents (高价值发明专利, CNIPA 统计口径) — configuration, not code.

    threshold: years for "maintained" (default 10), 10,000 yuan for "pledge" (0: any pledge);
    application_numbers: the awarded patents for "award" (one per line), as the office records them.
    """
    kind = models.CharField(_("类别"), max_length=20, choices=CriterionKind.choices, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    enabled = models.BooleanField(_("启用"), default=True)
    threshold = models.DecimalField(_("阈值"), max_digits=12, decimal_places=2, default=0,
                                    help_text=_("维持年限（年）或质押金额（万元）"))
    application_numbers = models.TextField(_("获奖专利申请号"), blank=True, help_text=_("每行一个申请号"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["sort_order", "kind"]
        verbose_name = _("高价值专利认定口径")
        verbose_name_plural = _("高价值专利认定口径")

    def __str__(self):
        return self.name


class Target(AuditedModel):
    """An assessment target (考核指标分解): a region's target for an indicator in a year."""
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="stat_targets",
                               verbose_name=_("区划"))
    year = models.PositiveIntegerField(_("年度"))
    indicator = models.CharField(_("指标"), max_length=60)
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope = Scope(region="region", change_roles=CITY_ONLY)

    class Meta:
        ordering = ["-year", "region__code", "indicator"]
        unique_together = [("region", "year", "indicator")]
        verbose_name = _("考核目标")
        verbose_name_plural = _("考核目标")

    def __str__(self):
        return f"{self.region} {self.year} {label(self.indicator)}"

    def clean(self):
        if not is_known(self.indicator):
            raise ValidationError({"indicator": _("未知指标：%s") % self.indicator})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("目标值不能为负数")})


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class BulletinQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=VIEW):
        """A draft is the working copy of the city officers who prepare it (专利通报 is issued by the
        city office): nobody else reaches it until it is published — district officers and leaders
        read what was issued, not figures still under review. Scoped here, so the page, every
        download and the API answer 404 alike."""
        qs = super().restrict(user, action)
        if user is None or not user.is_authenticated or not user.has_role(Role.CITY_OFFICER):
            qs = qs.filter(status=BulletinStatus.PUBLISHED)
        return qs


class Bulletin(AuditedModel):
    """The monthly patent bulletin (专利通报) of a region for a month. Published = frozen: its table,
    charts and summary are stored as data and never recomputed or edited again."""
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="bulletins",
                               verbose_name=_("区划"))
    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    as_of = models.DateField(_("统计截止日"))
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    summary = models.TextField(_("综述"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发布人"))

    # Published bulletins are addressed to every office and the leaders; views admit staff roles only.
    # Drafts stay with the city officers (BulletinQuerySet.restrict).
    scope = Scope(public=True, change_roles=CITY_ONLY)
    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "region__code"]
        unique_together = [("region", "year", "month")]
        verbose_name = _("专利通报")
        verbose_name_plural = _("专利通报")

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == BulletinStatus.PUBLISHED

    def save(self, *args, **kwargs):
        if self.pk and not getattr(self, "_publishing", False):
            stored = Bulletin.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == BulletinStatus.PUBLISHED:
                raise ValidationError(_("通报已发布，不能再修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ValidationError(_("通报已发布，不能删除。"))
        return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("stats:bulletin_detail", args=[self.pk])


class BulletinEventKind(models.TextChoices):
    PREPARED = "prepared", _("生成草稿")
    REFRESHED = "refreshed", _("重新计算")
    PUBLISHED = "published", _("发布")


class BulletinEvent(AuditedModel):
    """A typed event in a bulletin's life (the timeline is data)."""
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=BulletinEventKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(public=True, change_roles=CITY_ONLY)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("通报事件")
        verbose_name_plural = _("通报事件")
