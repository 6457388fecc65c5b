"""Figures of financing, insurance and projects for `ipdesk indicators`, the API and the pages.

Raw numbers only, for a region (and its children) and a period [start, end]; stats computes the
`<key>_yoy` figures by calling this provider for the previous year.
- pledges are counted in the pledgor's region by registration date (质押登记日);
- insurance policies by the insured's region and the start of cover (保险起期);
- funded projects by their region and year (立项年度 within the period's years).
"""
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from ipdesk.core.indicators import indicator_provider, register_figures
from ipdesk.regions.models import Region

from .models import FundedProject, InsurancePolicy, Pledge

TEN_MILLION_IN_10K = Decimal("1000")  # 1000 万元 = 10 million yuan


def _d(value):
    return Decimal(value or 0)


def _targets(regions):
    """{region id: [pk of each of `regions` whose subtree (itself included) holds it]}, over those subtrees:
    a record counts in its region and in every ancestor asked for."""
    within = Q()
    for region in regions:
        within |= Q(path__startswith=region.path)
    return {rid: [r.pk for r in regions if path.startswith(r.path)]
            for rid, path in Region.objects.filter(within).values_list("pk", "path")}


def _spread(targets, regions, rows):
    """Grouped rows (each with its "region" id) handed to every region of `regions` that holds them."""
    out = {r.pk: [] for r in regions}
    for row in rows:
        for pk in targets.get(row["region"], ()):
            out[pk].append(row)
    return out


def pledge_figures(regions, start, end, targets):
    pledges = Pledge.objects.filter(pledgor__region__in=list(targets), registration_date__gte=start,
                                    registration_date__lte=end)
    # per pledgor, as the over-10-million count needs them; a pledgor is in one region
    per_pledgor = _spread(targets, regions, pledges.values("pledgor", region=F("pledgor__region"))
                          .annotate(n=Count("id"), total=Sum("amount_10k_yuan")).order_by())
    # a patent pledged in two districts is one patent of the city: distinct per region, united upwards
    patents = _spread(targets, regions, Pledge.patents.through.objects.filter(pledge__in=pledges)
                      .values("patent", region=F("pledge__pledgor__region")).distinct().order_by())
    return {r.pk: {
        "pledge_count": sum(row["n"] for row in per_pledgor[r.pk]),
        "pledged_patents": len({row["patent"] for row in patents[r.pk]}),
        "pledge_amount_10k_yuan": sum((_d(row["total"]) for row in per_pledgor[r.pk]), Decimal(0)),
        "pledge_enterprises": len(per_pledgor[r.pk]),
        "pledge_enterprises_over_10m": sum(1 for row in per_pledgor[r.pk] if _d(row["total"]) > TEN_MILLION_IN_10K),
    } for r in regions}


def insurance_figures(regions, start, end, targets):
    policies = InsurancePolicy.objects.filter(enterprise__region__in=list(targets), start_date__gte=start,
                                              start_date__lte=end)
    groups = _spread(targets, regions, policies.values("enterprise", "insurer", region=F("enterprise__region"))
                     .annotate(n=Count("id"), premium=Sum("premium_yuan"), subsidy=Sum("subsidy_yuan")).order_by())
    patents = _spread(targets, regions, InsurancePolicy.patents.through.objects.filter(insurancepolicy__in=policies)
                      .values("patent", region=F("insurancepolicy__enterprise__region")).distinct().order_by())
    return {r.pk: {
        "insurance_policies": sum(row["n"] for row in groups[r.pk]),
        "insurance_enterprises": len({row["enterprise"] for row in groups[r.pk]}),
        "insurance_patents": len({row["patent"] for row in patents[r.pk]}),
        "insurance_premium_10k_yuan": sum((_d(row["premium"]) for row in groups[r.pk]), Decimal(0)) / 10000,
        "insurance_subsidy_10k_yuan": sum((_d(row["subsidy"]) for row in groups[r.pk]), Decimal(0)) / 10000,
        "insurers": len({row["insurer"] for row in groups[r.pk]}),
    } for r in regions}


def project_figures(regions, start, end, targets):
    from .choices import ProjectKind
    projects = FundedProject.objects.filter(region__in=list(targets), year__gte=start.year, year__lte=end.year)
    groups = _spread(targets, regions, projects.values("kind", "region")
                     .annotate(n=Count("id"), funds=Sum("amount_10k_yuan")).order_by())
    out = {}
    for r in regions:
        rows = groups[r.pk]
        figures = {"projects": sum(row["n"] for row in rows),
                   "project_funds_10k_yuan": sum((_d(row["funds"]) for row in rows), Decimal(0))}
        for kind in ProjectKind.values:
            figures[f"projects_{kind}"] = sum(row["n"] for row in rows if row["kind"] == kind)
            figures[f"project_funds_{kind}_10k_yuan"] = sum((_d(row["funds"]) for row in rows if row["kind"] == kind),
                                                            Decimal(0))
        out[r.pk] = figures
    return out


# Each family of figures and how its keys begin: a caller that names its keys (a bulletin) runs only theirs.
FAMILIES = ((pledge_figures, ("pledge",)), (insurance_figures, ("insurance", "insurers")),
            (project_figures, ("project",)))


def finance_figures(regions, start, end, keys=None):
    """质押融资、专利保险、项目资金 figures of each of `regions` (and its children) from `start` to `end`:
    {region.pk: {key: value}}; with `keys`, at least those. A few grouped queries for all the regions
    together (a bulletin ranks 16 cities; per region they were some 15 queries each, most of its time)."""
    families = [f for f, prefixes in FAMILIES if keys is None or any(k.startswith(prefixes) for k in keys)]
    if not regions or not families:
        return {r.pk: {} for r in regions}
    targets = _targets(regions)
    parts = [f(regions, start, end, targets) for f in families]
    return {r.pk: {k: v for part in parts for k, v in part[r.pk].items()} for r in regions}


@indicator_provider
def finance_indicators(region, start, end):
    """质押融资、专利保险、项目资金 figures of `region` (and its children) from `start` to `end`."""
    return finance_figures([region], start, end)[region.pk]


finance_indicators.many = finance_figures   # stats asks for all of a bulletin's regions at once


# Labels and units of these figures for the indicators page and `ipdesk indicators` (core.indicators), so
# no figure shows by its key (insurers, projects).
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


register_figures(_labels())
