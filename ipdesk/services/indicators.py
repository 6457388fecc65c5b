"""Figures of the commissioner one-stop (SPEC 2.5 and the pilot of section 6): requests by type and
status, handling time against the promised and former limits, time saved, enterprises served and
the 专精特新 problem log. One computation serves the figures page (on the user's scoped rows) and
`ipdesk indicators` (on a region)."""
from collections import Counter

from django.utils.translation import gettext_lazy as _lazy

from ipdesk.core.indicators import indicator_provider, register_figures

from . import rules
from .choices import DONE_STATUSES, ProblemStatus, RequestStatus


def _period(qs, field, start, end):
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _num(value):
    return None if value is None else round(float(value), 2)


def service_figures(requests, problems, start=None, end=None):
    """Figures over the given querysets for the period `start`..`end` (dates, inclusive).

    Requests count when submitted in the period; handling times when completed in it; problems
    when raised in it, and as solved when solved in it.
    """
    submitted = _period(requests, "submitted_at__date", start, end)
    by_type = Counter(submitted.values_list("service_type__name", flat=True))
    by_status = Counter(submitted.values_list("status", flat=True))
    done = list(_period(requests.filter(status__in=DONE_STATUSES), "completed_at__date", start, end)
                .values_list("handling_days", "promised_days", "former_days", "rating"))
    handling = [float(h) for h, _p, _f, _r in done if h is not None]
    promised = [p for h, p, _f, _r in done if h is not None]
    former = [f for h, _p, f, _r in done if h is not None]
    ratings = [r for *_x, r in done if r]
    raised = _period(problems, "raised_on", start, end)
    solved = _period(problems.filter(status=ProblemStatus.SOLVED), "solved_on", start, end)
    return {
        "service_requests": submitted.count(),
        "service_requests_by_type": dict(by_type),
        "service_requests_by_status": {str(RequestStatus(k).label): v for k, v in by_status.items()},
        "service_requests_completed": len(done),
        "service_requests_open": requests.filter(status__in=(RequestStatus.SUBMITTED, RequestStatus.ACCEPTED,
                                                             RequestStatus.PROCESSING)).count(),
        "service_median_days": _num(rules.median(handling)),
        "service_p90_days": _num(rules.percentile(handling, 90)),
        "service_promised_median_days": _num(rules.median(promised)),
        "service_former_median_days": _num(rules.median(former)),
        "service_on_time_pct": rules.on_time_pct(handling, promised),
        "service_time_saved_pct": rules.time_saved_pct(handling, former),
        "service_limit_cut_pct": rules.limit_cut_pct(promised, former),
        "service_satisfaction_avg": _num(sum(ratings) / len(ratings)) if ratings else None,
        "service_enterprises_served": submitted.values("enterprise").distinct().count(),
        "zjtx_enterprises": raised.values("enterprise").distinct().count(),
        "zjtx_problems": raised.count(),
        "zjtx_problems_solved": solved.count(),
        "zjtx_enterprises_solved": solved.values("enterprise").distinct().count(),
    }


PROVIDED = ("service_requests", "service_requests_completed", "service_median_days", "service_p90_days",
            "service_promised_median_days", "service_former_median_days", "service_on_time_pct",
            "service_time_saved_pct", "service_limit_cut_pct", "service_satisfaction_avg",
            "service_enterprises_served", "zjtx_enterprises", "zjtx_problems", "zjtx_problems_solved")


@indicator_provider
def service_indicators(region, start, end):
    """Commissioner one-stop figures for `region` (and its children) in `start`..`end`."""
    from .models import ProblemLog, ServiceRequest
    requests, problems = ServiceRequest.objects.all(), ProblemLog.objects.all()
    if region is not None:
        path = region.path if hasattr(region, "path") else None
        if path is None:
            from ipdesk.regions.models import Region
            path = Region.objects.get(code=str(region)).path
        requests = requests.filter(enterprise__region__path__startswith=path)
        problems = problems.filter(enterprise__region__path__startswith=path)
    figures = service_figures(requests, problems, start, end)
    return {k: figures[k] for k in PROVIDED}


# Chinese labels (translated) and units for `ipdesk indicators` and the dashboard (core.indicators).
LABELS = {
    "service_requests": (_lazy("服务专员受理服务申请"), "件"), "service_requests_completed": (_lazy("服务申请办结"), "件"),
    "service_median_days": (_lazy("服务申请办理用时中位数"), "天"), "service_p90_days": (_lazy("服务申请办理用时P90"), "天"),
    "service_promised_median_days": (_lazy("承诺时限中位数"), "天"), "service_former_median_days": (_lazy("原时限中位数"), "天"),
    "service_on_time_pct": (_lazy("按时办结率"), "%"), "service_time_saved_pct": (_lazy("办理用时较原时限压缩"), "%"),
    "service_limit_cut_pct": (_lazy("承诺时限较原时限压缩"), "%"), "service_satisfaction_avg": (_lazy("企业满意度（5分制）"), "分"),
    "service_enterprises_served": (_lazy("服务专员服务企业"), "家"), "zjtx_enterprises": (_lazy("专精特新企业问题台账企业"), "家"),
    "zjtx_problems": (_lazy("专精特新企业提出问题"), "个"), "zjtx_problems_solved": (_lazy("专精特新企业问题解决"), "个"),
}
register_figures(LABELS)
