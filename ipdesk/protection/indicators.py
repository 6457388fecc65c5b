"""Figures of the protection module for `ipdesk indicators`, the bulletin and the figures page.

Period figures count what happened in [start, end]; the service network is a stock as of `end`.
`adjudication_filed` counts cases filed (立案) in the period; `adjudication_decided` those closed by
an adjudication decision (作出裁决); mediated and withdrawn cases are counted on their own.
"""
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from ipdesk.core.indicators import indicator_provider, register_figures
from ipdesk.core.scoping import VIEW

from .choices import (AdjudicationStatus, AssistanceStatus, CooperationKind, RightType, StationKind)
from .models import AdjudicationCase, AssistanceCase, CooperationCase, ServiceStation

LABELS = {
    "adjudication_requests": (_("专利侵权纠纷行政裁决请求"), "件"),
    "adjudication_filed": (_("专利侵权纠纷行政裁决立案"), "件"),
    "adjudication_decided": (_("专利侵权纠纷行政裁决结案（裁决）"), "件"),
    "adjudication_mediated": (_("行政裁决调解结案"), "件"),
    "adjudication_withdrawn": (_("行政裁决撤回结案"), "件"),
    "adjudication_avg_days": (_("行政裁决平均办理天数（立案至结案）"), "天"),
    "adjudication_overdue": (_("行政裁决超期（含超期结案与在办超期）"), "件"),
    "assistance_cases": (_("维权援助案件"), "件"),
    "assistance_closed": (_("维权援助办结"), "件"),
    "assistance_overseas": (_("海外维权援助案件"), "件"),
    "assistance_avg_days": (_("维权援助平均办理天数"), "天"),
    "judicial_confirmations": (_("知识产权纠纷司法确认"), "件"),
    "court_mediations": (_("诉调对接"), "件"),
    "criminal_referrals": (_("行刑衔接移送"), "件"),
    "guidance_stations": (_("商标品牌指导站"), "个"),
    "protection_workstations": (_("知识产权保护工作站"), "个"),
}
register_figures(LABELS)  # the indicators page and `ipdesk indicators` name these figures (core.indicators)


def _in(qs, region, field="region"):
    return qs if region is None else qs.filter(**{f"{field}__path__startswith": region.path})


def _avg_days(pairs):
    days = [(b - a).days for a, b in pairs if a and b]
    return round(sum(days) / len(days), 1) if days else None


def overdue_count(cases, as_of):
    """Cases whose closure limit ran out by `as_of`: closed late, or still open past it."""
    from .limits import case_limits
    from .models import CalendarDay, TimeLimitRule
    rule_rows = list(TimeLimitRule.objects.filter(code="closure", is_active=True))
    if not rule_rows:
        return 0
    calendar = CalendarDay.work_calendar()
    count = 0
    for case in cases.filter(filed_on__isnull=False, filed_on__lte=as_of).prefetch_related("extensions",
                                                                                           "excluded_periods"):
        events = [(c, d) for c, d in case.events.order_by("date", "id").values_list("code", "date") if d <= as_of]
        for limit in case_limits(case, today=as_of, calendar=calendar, rule_rows=rule_rows, events=events):
            if limit.state in ("overdue", "late"):
                count += 1
    return count


def figures_for(adjudications, assistance, cooperation, stations, start, end):
    period = {"received_on__gte": start, "received_on__lte": end}
    concluded = adjudications.filter(concluded_on__gte=start, concluded_on__lte=end)
    decided = concluded.filter(infringement_found__isnull=False)
    closed_assistance = assistance.filter(closed_on__gte=start, closed_on__lte=end)
    active = stations.filter(is_active=True).filter(Q(established_on__isnull=True) | Q(established_on__lte=end))
    return {
        "adjudication_requests": adjudications.filter(**period).count(),
        "adjudication_filed": adjudications.filter(filed_on__gte=start, filed_on__lte=end).count(),
        "adjudication_decided": decided.count(),
        "adjudication_mediated": concluded.filter(events__code=AdjudicationStatus.MEDIATED).distinct().count(),
        "adjudication_withdrawn": concluded.filter(events__code=AdjudicationStatus.WITHDRAWN).distinct().count(),
        "adjudication_avg_days": _avg_days(concluded.exclude(filed_on=None).values_list("filed_on", "concluded_on")),
        "adjudication_overdue": overdue_count(adjudications, end),
        "assistance_cases": assistance.filter(**period).count(),
        "assistance_closed": closed_assistance.count(),
        "assistance_overseas": assistance.filter(is_overseas=True, **period).count(),
        "assistance_avg_days": _avg_days(closed_assistance.values_list("received_on", "closed_on")),
        "judicial_confirmations": cooperation.filter(kind=CooperationKind.JUDICIAL_CONFIRMATION, **period).count(),
        "court_mediations": cooperation.filter(kind=CooperationKind.COURT_MEDIATION, **period).count(),
        "criminal_referrals": cooperation.filter(kind__in=[CooperationKind.POLICE, CooperationKind.PROCURATORATE],
                                                 **period).count(),
        "guidance_stations": active.filter(kind=StationKind.BRAND_STATION).count(),
        "protection_workstations": active.filter(kind=StationKind.WORKSTATION).count(),
    }


@indicator_provider
def protection_indicators(region, start, end):
    """Rights-protection figures of `region` (and its children) for `start`..`end`."""
    return figures_for(_in(AdjudicationCase.objects.all(), region), _in(AssistanceCase.objects.all(), region),
                       _in(CooperationCase.objects.all(), region), _in(ServiceStation.objects.all(), region),
                       start, end)


def breakdown(user, start, end):
    """The figures page: totals and counts by type, status, region and month, all within the user's scope."""
    adj = AdjudicationCase.objects.restrict(user, VIEW)
    ast = AssistanceCase.objects.restrict(user, VIEW)
    coop = CooperationCase.objects.restrict(user, VIEW)
    stations = ServiceStation.objects.restrict(user, VIEW)
    totals = figures_for(adj, ast, coop, stations, start, end)
    period = {"received_on__gte": start, "received_on__lte": end}

    def counts(qs, field, choices):
        labels = dict(choices)
        rows = qs.filter(**period).values(field).annotate(n=Count("id", distinct=True)).order_by(field)
        return [(labels.get(r[field], r[field] or "—"), r["n"]) for r in rows]

    def by_region(qs):
        rows = qs.filter(**period).values("region__code", "region__name").annotate(n=Count("id", distinct=True)) \
            .order_by("region__code")
        return [(f"{r['region__name']}", r["n"]) for r in rows]

    def by_month(qs, field):
        rows = qs.filter(**{f"{field}__gte": start, f"{field}__lte": end}).annotate(m=TruncMonth(field)) \
            .values("m").annotate(n=Count("id", distinct=True)).order_by("m")
        return {r["m"].strftime("%Y-%m") if hasattr(r["m"], "strftime") else str(r["m"])[:7]: r["n"] for r in rows}

    months = [f"{start.year}-{m:02d}" for m in range(1, 13)]
    filed, decided = by_month(adj, "filed_on"), by_month(adj.filter(infringement_found__isnull=False), "concluded_on")
    received = by_month(ast, "received_on")
    return {
        "totals": [(LABELS[k][0], v, LABELS[k][1], k) for k, v in totals.items()],
        "adjudication_by_status": counts(adj, "status", AdjudicationStatus.choices),
        "assistance_by_status": counts(ast, "status", AssistanceStatus.choices),
        "assistance_by_right": counts(ast, "right_type", RightType.choices),
        "cooperation_by_kind": counts(coop, "kind", CooperationKind.choices),
        "adjudication_by_region": by_region(adj),
        "assistance_by_region": by_region(ast),
        "monthly": [(m, filed.get(m, 0), decided.get(m, 0), received.get(m, 0)) for m in months],
    }
