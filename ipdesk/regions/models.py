"""Regions (GB/T 2260), population, industry chains and dictionaries: data, never code."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.models import AuditedModel
from ipdesk.core.scoping import Scope

from .choices import RegionLevel


class Region(AuditedModel):
    """An administrative division (行政区划) or a functional zone (功能区, e.g. 枣庄高新区).

    `path` is the chain of codes from the root, e.g. "370000/370400/370403/", so "a region and its
    children" is one indexed prefix match on every database. A functional zone has no official
    code; it carries a local code and hangs under the district that administers it (configurable).
    """
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级"))
    path = models.CharField(max_length=200, db_index=True, editable=False)
    is_functional_zone = models.BooleanField(_("功能区"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    address_keywords = models.CharField(_("地址关键词"), max_length=300, blank=True,
                                        help_text=_("用于地址解析，多个以逗号分隔，如：薛城,新城"))

    scope = Scope(public=True, change_roles=frozenset({"city_officer"}))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)
        # Re-anchoring a zone moves its subtree: keep the children's paths in step.
        for child in self.children.all():
            if not child.path.startswith(self.path):
                child.save()

    def descendants(self, include_self=True):
        qs = Region.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self):
        codes = [c for c in self.path.split("/") if c]
        return Region.objects.filter(code__in=codes[:-1]).order_by("path")

    def siblings(self):
        return Region.objects.filter(parent=self.parent_id).exclude(is_functional_zone=True)


class Population(AuditedModel):
    """Year-end resident population of a region (年末常住人口), the denominator of per-10,000 figures.

    A figure is data with its year and source (e.g. 《枣庄市第七次全国人口普查公报》); one not published for the
    region (interpolated, apportioned, carried over) is marked 估算 (`is_estimate`). A parent's figure and its
    children's need not add up (a functional zone such as 高新区 may be reported apart): see setup.population_gaps.
    """
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="populations", verbose_name=_("区划"))
    year = models.PositiveIntegerField(_("年份"))
    population = models.PositiveBigIntegerField(_("人口"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    is_estimate = models.BooleanField(_("估算"), default=False, help_text=_("非统计部门公布数时勾选"))

    scope = Scope(region="region", public=True, change_roles=frozenset({"city_officer"}))

    class Meta:
        ordering = ["region__code", "-year"]
        unique_together = [("region", "year")]
        verbose_name = _("年末人口")
        verbose_name_plural = _("年末人口")

    def __str__(self):
        return f"{self.region} {self.year}: {self.population}"


class IndustryChain(AuditedModel):
    """An industry chain of the city's list (e.g. Zaozhuang's "6+3" modern industry system)."""
    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    group = models.CharField(_("分组"), max_length=50, blank=True, help_text=_("如：6大主导产业 / 3大新兴产业"))
    strategic_emerging = models.BooleanField(_("战略性新兴产业"), default=False)
    ipc_prefixes = models.CharField(_("IPC前缀"), max_length=500, blank=True,
                                    help_text=_("逗号分隔，用于将专利归入产业链"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope = Scope(public=True, change_roles=frozenset({"city_officer"}))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")

    def __str__(self):
        return self.name


class DictionaryEntry(AuditedModel):
    """A value of a small configurable list (数据字典): banks, insurers, tags, problem categories…"""
    dictionary = models.CharField(_("字典"), max_length=50, db_index=True)
    code = models.CharField(_("编码"), max_length=50)
    label = models.CharField(_("名称"), max_length=200)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    extra = models.JSONField(_("附加"), default=dict, blank=True)

    scope = Scope(public=True, change_roles=frozenset({"city_officer"}))

    class Meta:
        ordering = ["dictionary", "sort_order", "code"]
        unique_together = [("dictionary", "code")]
        verbose_name = _("字典项")
        verbose_name_plural = _("数据字典")

    def __str__(self):
        return self.label

    def get_dictionary_display(self):
        """The list by its name (银行), not its code (bank): issue 19 item 5."""
        from ipdesk.core.templatetags.labels import dictionary_name
        return dictionary_name(self.dictionary)


def dictionary(name):
    """Active (code, label) pairs of one dictionary, for form choices."""
    return list(DictionaryEntry.objects.filter(dictionary=name, is_active=True).values_list("code", "label"))
