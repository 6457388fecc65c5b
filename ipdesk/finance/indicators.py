"""Figures of financing, insurance and projects for `ipdesk indicators`, the API and the pages.

Raw numbers only, for a region (and its children) and a period [start, end]; stats computes the
`<key>_yoy` figures by calling this provider for the previous year.
- pledges are counted in the pledgor's region by registration date (质押登记日);
- insurance policies by the insured's region and the start of cover (保险起期);
- funded projects by their region and year (立项年度 within the period's years).
"""
from decimal import Decimal

from django.db.models import Count, Sum

from ipdesk.core.indicators import indicator_provider

from .models import FundedProject, InsurancePolicy, Pledge

TEN_MILLION_IN_10K = Decimal("1000")  # 1000 万元 = 10 million yuan


def _d(value):
    return Decimal(value or 0)


def pledge_figures(region, start, end):
    pledges = Pledge.objects.filter(pledgor__region__path__startswith=region.path,
                                    registration_date__gte=start, registration_date__lte=end)
    amount = _d(pledges.aggregate(s=Sum("amount_10k_yuan"))["s"])
    per_pledgor = pledges.values("pledgor").annotate(total=Sum("amount_10k_yuan"))
    return {
        "pledge_count": pledges.count(),
        "pledged_patents": Pledge.patents.through.objects.filter(pledge__in=pledges)
        .values("patent").distinct().count(),
        "pledge_amount_10k_yuan": amount,
        "pledge_enterprises": per_pledgor.count(),
        "pledge_enterprises_over_10m": sum(1 for row in per_pledgor if _d(row["total"]) > TEN_MILLION_IN_10K),
    }


def insurance_figures(region, start, end):
    policies = InsurancePolicy.objects.filter(enterprise__region__path__startswith=region.path,
                                              start_date__gte=start, start_date__lte=end)
    totals = policies.aggregate(premium=Sum("premium_yuan"), subsidy=Sum("subsidy_yuan"))
    return {
        "insurance_policies": policies.count(),
        "insurance_enterprises": policies.values("enterprise").distinct().count(),
        "insurance_patents": InsurancePolicy.patents.through.objects.filter(insurancepolicy__in=policies)
        .values("patent").distinct().count(),
        "insurance_premium_10k_yuan": _d(totals["premium"]) / 10000,
        "insurance_subsidy_10k_yuan": _d(totals["subsidy"]) / 10000,
        "insurers": policies.values("insurer").distinct().count(),
    }


def project_figures(region, start, end):
    projects = FundedProject.objects.filter(region__path__startswith=region.path, year__gte=start.year,
                                            year__lte=end.year)
    by_kind = {row["kind"]: row
               for row in projects.values("kind").annotate(n=Count("id"), funds=Sum("amount_10k_yuan"))}
    figures = {"projects": projects.count(),
               "project_funds_10k_yuan": _d(projects.aggregate(s=Sum("amount_10k_yuan"))["s"])}
    from .choices import ProjectKind
    for kind in ProjectKind.values:
        figures[f"projects_{kind}"] = by_kind.get(kind, {}).get("n", 0)
        figures[f"project_funds_{kind}_10k_yuan"] = _d(by_kind.get(kind, {}).get("funds"))
    return figures


@indicator_provider
def finance_indicators(region, start, end):
    """质押融资、专利保险、项目资金 figures of `region` (and its children) from `start` to `end`."""
    return {**pledge_figures(region, start, end), **insurance_figures(region, start, end),
            **project_figures(region, start, end)}


# Labels and units of these figures for the indicators page and `ipdesk indicators` (stats keeps the
# table; its own entries win), so no figure shows by its key (insurers, projects).
def _labels():
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    from .choices import ProjectKind
    labels = {
        "pledge_count": (_("质押登记笔数"), "笔"), "pledge_enterprises": (_("质押企业"), "家"),
        "insurance_policies": (_("专利保险保单"), "份"), "insurance_enterprises": (_("投保企业"), "家"),
        "insurance_patents": (_("承保专利"), "件"), "insurance_premium_10k_yuan": (_("保费"), "万元"),
        "insurance_subsidy_10k_yuan": (_("保费补贴"), "万元"), "insurers": (_("保险机构"), "家"),
        "projects": (_("资助项目"), "个"), "project_funds_10k_yuan": (_("项目资金"), "万元"),
    }
    for kind, label in ProjectKind.choices:
        labels[f"projects_{kind}"] = (label, "个")
        labels[f"project_funds_{kind}_10k_yuan"] = (format_lazy(_("{}资金"), label), "万元")
    return labels


try:
    from ipdesk.stats.indicators import LABELS as _STATS_LABELS
    for _key, _value in _labels().items():
        _STATS_LABELS.setdefault(_key, _value)
except (ImportError, AttributeError):  # stats not installed: the keys print as they are
    pass
