"""Indicator functions (SPEC section 3), computed from records for any region (with its children).

Period figures count what happened in [start, end]; stock figures are as of `end`. Every module
offers its figures through `core.indicators.indicator_provider`; `figures()` composes them and adds
`<key>_yoy` for every number by asking the same providers for the same period one year earlier.

The patent figures read the derived facts of stats.facts (kept fresh by every write), grouped by
region in one query per figure, so a bulletin over a whole province costs a handful of queries, not one
per region. Over whole months (from a 1st to a month end) the grants, filings and the valid stock at a
month end come from stats.FactAggregate, rows per region × month (issue 17 item 2), and so does the
high-value stock at a month end while the aggregates' hv measures are stamped for the current criteria
(_Tree.hv_ready; the pledge and award criteria are counted on their few patents' intervals). Other dates, and
the high-value stock until a criterion edit's job has rebuilt those measures, read the facts themselves (the
scan: the reference the aggregates are tested against, tests/stats/test_high_value_aggregates.py).
"""
import calendar
import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from ipdesk.core.indicators import indicator_provider, providers

from . import rules
from .criteria import DEFAULT_CRITERIA, all_criteria, criteria, criterion_off_reason  # noqa: F401 (callers' names)
from .facts import ensure_fresh
from .figures import BULLETIN_KEYS, LABELS, TARGET_KEYS, CriterionKind, label, unit  # noqa: F401 (callers' names)
from .models import FactAggregate, PatentFact, PatentInterval


# ---- High-value criteria (read in stats.criteria) -------------------------------------------------------------
def criteria_status(values=None, rows=None):
    """Each criterion with whether it is on, what it counts by, and its count from `values` (a region's
    figures: high_value_<kind>) — what the bulletin and its API state beside the high-value figure.
    `rows`: the criteria already read (a computation's _Tree.all_criteria()), else read here."""
    out = []
    for c in all_criteria() if rows is None else rows:
        reason = criterion_off_reason(c)
        count = None if reason or values is None else values.get(f"high_value_{c.kind}")
        out.append({"kind": c.kind, "name": c.name, "on": not reason, "off_reason": reason,
                    "threshold": float(c.threshold or 0), "basis": str(CRITERION_BASIS.get(c.kind, "")),
                    "count": count})
    return out


# What each criterion counts, in words (shown with the bulletin).
CRITERION_BASIS = {
    CriterionKind.STRATEGIC: _("按专利的IPC分类号（及关键词）对照《战略性新兴产业分类与国际专利分类参照关系表（2021）》认定，"
                               "不按权利人所属产业"),
    CriterionKind.OVERSEAS: _("有海外同族专利权"),
    CriterionKind.MAINTAINED: _("自申请日起算的维持年限超过阈值（年）"),
    CriterionKind.PLEDGE: _("截至统计日已登记的质押合同金额不低于阈值（万元）"),
    CriterionKind.AWARD: _("口径中列出的获奖专利（中国专利奖、国家科学技术奖）"),
}


NEVER = Q(pk__lt=0)


def _years_before(date, years):
    try:
        return date.replace(year=date.year - years)
    except ValueError:
        return date.replace(year=date.year - years, day=28)


def _criterion_q(criterion, end):
    if criterion.kind == CriterionKind.STRATEGIC:
        return Q(strategic=True)
    if criterion.kind == CriterionKind.OVERSEAS:
        return Q(overseas_family=True)
    if criterion.kind == CriterionKind.MAINTAINED:
        # 维持年限超过N年: in force on the date and filed more than N years before it. The years run from the
        # filing date because the term does (专利法第四十二条: "自申请日起计算"); a patent filed on 2012-12-31 has been
        # maintained exactly 10 years on 2022-12-31, not over 10, and counts from 2023-01-01. (Whether CNIPA's
        # statistics count from the filing or the grant date is 待核对 / not verified.)
        return Q(filing_date__lt=_years_before(end, int(criterion.threshold or 10)))
    if criterion.kind == CriterionKind.PLEDGE:
        # Pledge contracts of at least `threshold` (10,000 yuan) registered by the date, from the finance
        # module. No threshold: off (criterion_off_reason) — "relatively high" has no official amount.
        threshold = criterion.threshold or 0
        Pledge = _optional_model("finance", "Pledge")
        if threshold <= 0 or Pledge is None:
            return NEVER
        ids = _ids(Pledge.patents.through.objects.filter(pledge__registration_date__lte=end,
                                                         pledge__amount_10k_yuan__gte=threshold), "patent_id")
        return Q(patent_id__in=ids) if ids else NEVER
    if criterion.kind == CriterionKind.AWARD:
        # China Patent Award / national S&T award: the patents listed in the criterion (the finance
        # module adds each China Patent Award it records there; provincial awards do not count).
        from ipdesk.registry.models import Patent
        numbers = [n.strip() for n in criterion.application_numbers.splitlines() if n.strip()]
        ids = _ids(Patent.objects.filter(application_no__in=numbers), "id")
        return Q(patent_id__in=ids) if ids else NEVER
    return NEVER


def _optional_model(app_label, name):
    """Another module's model when it is installed (stats must not break without it)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _ids(qs, field):
    return list(qs.values_list(field, flat=True).distinct())


# ---- Patent figures (grouped by region, rolled up to any ancestor) ---------------------------------
class _Tree:
    """Region paths and populations, loaded once per computation."""

    def __init__(self):
        from ipdesk.regions.models import Population, Region
        self.paths = dict(Region.objects.values_list("id", "path"))
        self.stock = {}   # date -> (region ids covered, with criteria?, {region_id: counts}) — see prefetch_stock
        self.pop = {}
        for region_id, year, population in Population.objects.values_list("region_id", "year", "population"):
            self.pop.setdefault(region_id, []).append((year, population))
        self._criteria = None
        self._hv_ready = None

    def hv_ready(self):
        """Whether the hv measures of FactAggregate were built for the criteria of this computation (the stamp
        on FactState, stats.facts.hv_stamp): then the high-value stock at a month end is read from them."""
        if self._hv_ready is None:
            from .facts import hv_stamp, stored_hv_stamp
            self._hv_ready = stored_hv_stamp() == hv_stamp(self.criteria())
        return self._hv_ready

    def all_criteria(self):
        """Every criterion (all_criteria()), read once per computation: a bulletin asks at four places."""
        if self._criteria is None:
            self._criteria = all_criteria()
        return self._criteria

    def criteria(self):
        """The criteria that are on (criteria()), from the one read of all_criteria()."""
        return [c for c in self.all_criteria() if not criterion_off_reason(c)]

    def population(self, region_id, year):
        rows = sorted(r for r in self.pop.get(region_id, []) if r[0] <= year)
        return rows[-1][1] if rows else None

    def subtree_ids(self, regions):
        prefixes = tuple(r.path for r in regions)
        return [rid for rid, path in self.paths.items() if path.startswith(prefixes)]

    def rollup(self, regions, rows, region_field):
        """Sum rows (dicts of counts keyed by region id) into each region of `regions` (with children)."""
        out = {r.pk: {} for r in regions}
        targets_of = {}
        for row in rows:
            rid = row.pop(region_field)
            if rid not in targets_of:
                path = self.paths.get(rid, "")
                targets_of[rid] = [r.pk for r in regions if path.startswith(r.path)] if path else []
            for target in targets_of[rid]:
                bucket = out[target]
                for k, v in row.items():
                    bucket[k] = bucket.get(k, 0) + (v or 0)
        return out


def _is_month_end(d):
    return d.day == calendar.monthrange(d.year, d.month)[1]


def whole_months(start, end):
    """[start, end] runs from the 1st of a month to the end of one: the aggregates answer it."""
    return start.day == 1 and _is_month_end(end) and start <= end


def _aggregated(measure, types, start, end, ids):
    """[(region id, patent type, n)] from FactAggregate: `measure` counted over the months of [start, end].
    Callers take int(n): PostgreSQL sums a bigint column as numeric."""
    return FactAggregate.objects.filter(measure=measure, patent_type__in=types, month__gte=start,
                                        month__lte=end.replace(day=1), region__in=ids) \
        .values("region", "patent_type").annotate(n=Sum("n")).values_list("region", "patent_type", "n").order_by()


def patent_figures(regions, start, end, tree=None, check_fresh=True, keys=None):
    """Patent figures for each region (children included): {region.pk: {key: number}}.

    Domestic only (mainland holders; SPEC section 3). Grants and applications count in the region of
    the holder at the grant / filing date; the valid stock counts in the region of the holder at `end`.
    `keys`: compute only what these figures need (a bulletin does not need applications by type).
    """
    def need(*names):
        return keys is None or any(n in keys for n in names)
    if check_fresh:
        ensure_fresh()
    tree = tree or _Tree()
    ids = tree.subtree_ids(regions)
    types = ("invention", "utility", "design")
    out = {r.pk: {} for r in regions}

    grant_types = types if need("utility_grants", "design_grants", "patent_grants") else \
        ("invention",) if need("invention_grants") else ()
    if grant_types:
        if whole_months(start, end):
            grants = [{"grant_region_id": r, "patent_type": t, "n": int(n)}
                      for r, t, n in _aggregated("grants", grant_types, start, end, ids)]
        else:
            grants = PatentFact.objects.filter(patent_type__in=grant_types, grant_date__gte=start,
                                               grant_date__lte=end, grant_domestic=True, grant_region_id__in=ids) \
                .values("grant_region_id", "patent_type").annotate(n=Count("*")).order_by()
        rows = [{"grant_region_id": g["grant_region_id"], f"{g['patent_type']}_grants": g["n"]} for g in grants]
        for rid, vals in tree.rollup(regions, rows, "grant_region_id").items():
            out[rid].update({f"{t}_grants": vals.get(f"{t}_grants", 0) for t in grant_types})
            if grant_types == types:
                out[rid]["patent_grants"] = sum(vals.values())

    filing_keys = [f"{t}_applications" for t in types] + ["patent_applications"]
    if need(*filing_keys):
        if whole_months(start, end):
            filings = [{"filing_region_id": r, "patent_type": t, "n": int(n)}
                       for r, t, n in _aggregated("filings", types, start, end, ids)]
        else:
            # the types named, so the (type, filing date) index serves (facts have no index by region)
            filings = PatentFact.objects.filter(patent_type__in=types, filing_date__gte=start, filing_date__lte=end,
                                                filing_domestic=True, filing_region_id__in=ids) \
                .values("filing_region_id", "patent_type") \
                .annotate(n=Count("id")).order_by()
        rows = [{"filing_region_id": f["filing_region_id"], f"{f['patent_type']}_applications": f["n"]}
                for f in filings]
        for rid, vals in tree.rollup(regions, rows, "filing_region_id").items():
            out[rid].update({f"{t}_applications": vals.get(f"{t}_applications", 0) for t in types})
            out[rid]["patent_applications"] = sum(vals.get(f"{t}_applications", 0) for t in types)
    if need("pct_applications"):
        for rid, n in pct_counts(regions, start, end, tree, ids).items():
            out[rid]["pct_applications"] = n

    active = tree.criteria()
    cached = tree.stock.get(end)
    if not (cached is not None and cached[1] and set(ids) <= cached[0]) and _is_month_end(end) and tree.hv_ready():
        prefetch_stock(tree, ids, [end], {end})   # from the aggregates
        cached = tree.stock.get(end)
    if cached is not None and cached[1] and set(ids) <= cached[0]:
        wanted = set(ids)
        stock = [{"region_id": rid, **vals} for rid, vals in cached[2].items() if rid in wanted]
    else:
        qs = {c.kind: _criterion_q(c, end) for c in active}
        any_q = NEVER
        for q in qs.values():
            any_q |= q
        stock = PatentInterval.objects.filter(patent_type="invention", domestic=True, start__lte=end, region_id__in=ids) \
            .filter(Q(end__isnull=True) | Q(end__gt=end)).values("region_id") \
            .annotate(valid=Count("id"), high_value=Count("id", filter=any_q),
                      **{f"hv_{kind}": Count("id", filter=q) for kind, q in qs.items()}).order_by()
    rolled = tree.rollup(regions, [dict(s) for s in stock], "region_id")
    for r in regions:
        vals = rolled[r.pk]
        o = out[r.pk]
        o["valid_invention_patents"] = vals.get("valid", 0)
        o["high_value_invention_patents"] = vals.get("high_value", 0) if active else 0
        for c in active:
            o[f"high_value_{c.kind}"] = vals.get(f"hv_{c.kind}", 0)
        population = tree.population(r.pk, end.year)
        o["population"] = population
        o["valid_invention_per_10k"] = rules.per_10k(o["valid_invention_patents"], population)
        o["high_value_per_10k"] = rules.per_10k(o["high_value_invention_patents"], population)

    if not need("trademark_registrations", "valid_trademarks"):
        return out
    from ipdesk.registry.models import Trademark
    marks = Trademark.objects.filter(region_id__in=ids).values("region_id").annotate(
        registered=Count("id", filter=Q(registration_date__gte=start, registration_date__lte=end)),
        valid=Count("id", filter=Q(registration_date__lte=end) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=end))
                    & ~Q(status="cancelled"))).order_by()
    for rid, vals in tree.rollup(regions, [dict(m) for m in marks], "region_id").items():
        out[rid]["trademark_registrations"] = vals.get("registered", 0)
        out[rid]["valid_trademarks"] = vals.get("valid", 0)
    return out


@indicator_provider
def patent_indicators(region, start, end):
    """Patents, high-value patents, PCT and trademarks of `region` (stats' own provider)."""
    return patent_figures([region], start, end)[region.pk]


# ---- Composition ----------------------------------------------------------------------------------
_discovered = False


def discover():
    """Import every app's indicators module so its providers register."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("ipdesk.") and config.name != "ipdesk.stats":
            try:
                import_module(f"{config.name}.indicators")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.indicators":
                    raise
    _discovered = True


def _number(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# The keys each provider (without `many`) last answered, the same for every region and period (core.indicators):
# a bulletin asks a module that has none of its figures once per process, not once per build to find that out.
_ANSWERED = {}


def _answers(provider, regions, start, end, keys=None):
    """A provider's figures as a function of the region: a call per region, or for a provider with `many`
    (core.indicators) one call for all `regions` on first use — a few grouped queries, not some per region."""
    many = getattr(provider, "many", None)
    if many is None:
        return lambda region: provider(region, start, end)
    batch = {}

    def answer(region):
        if not batch:
            batch.update(many(regions, start, end, keys))
        return batch[region.pk]
    return answer


def raw_figures(regions, start, end, tree=None, check_fresh=True, keys=None):
    """All providers' figures for each region over [start, end]: {region.pk: {key: value}}.

    With `keys` (e.g. the bulletin's figures), a provider is asked for the first region only, and
    for the others only if it supplies one of those keys: a province bulletin does not run every
    module's queries for every city.

    A provider that fails fails the answer, named in the exception's notes: an official bulletin must
    not go out silently lacking a figure (issue 20 item 4).
    """
    discover()
    out = patent_figures(regions, start, end, tree, check_fresh, keys)
    for provider in providers():
        if provider is patent_indicators:
            continue
        if keys is not None and provider in _ANSWERED and not _ANSWERED[provider] & keys:
            continue
        answer = _answers(provider, regions, start, end, keys)
        for i, r in enumerate(regions):
            try:
                values = answer(r) or {}
            except Exception as exc:
                exc.add_note(f"indicator provider {provider.__module__}.{provider.__qualname__} failed "
                             f"for region {r.code} over {start}..{end}")
                raise
            if not hasattr(provider, "many"):   # `many` answers only what is asked: nothing to learn from it
                _ANSWERED[provider] = frozenset(values)
            if keys is not None:
                values = {k: v for k, v in values.items() if k in keys}
                if i == 0 and not values:
                    break
            out[r.pk].update({k: _number(v) for k, v in values.items()})
    return out


def is_number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def prefetch_stock(tree, ids, dates, criteria_dates=()):
    """The valid stock per region at every date in `dates` (and the high-value counts at
    `criteria_dates`) in one scan of the intervals, kept on `tree` for patent_figures and stock_at.
    A bulletin needs the stock at its date, a year before and at 24 month ends: one scan, not 26."""
    dates = sorted(set(dates))
    if not dates:
        return
    # The valid stock at a month end from the aggregates: valid_in − valid_out up to it; with the criteria too
    # when the hv measures were built for the current ones (tree.hv_ready; otherwise the scan below).
    with_hv = tree.hv_ready() if any(d in criteria_dates and _is_month_end(d) for d in dates) else False
    by_month = [d for d in dates if _is_month_end(d) and (with_hv or d not in criteria_dates)]
    if by_month:
        _stock_from_aggregates(tree, ids, by_month, [d for d in by_month if d in criteria_dates])
        dates = [d for d in dates if d not in by_month]
        if not dates:
            return
    active = tree.criteria()
    aggs = {}
    for i, d in enumerate(dates):
        alive = Q(start__lte=d) & (Q(end__isnull=True) | Q(end__gt=d))
        aggs[f"v{i}"] = Count("id", filter=alive)
        if d in criteria_dates:
            qs = {c.kind: _criterion_q(c, d) for c in active}
            any_q = NEVER
            for q in qs.values():
                any_q |= q
            aggs[f"h{i}"] = Count("id", filter=alive & any_q)
            aggs.update({f"h{i}_{kind}": Count("id", filter=alive & q) for kind, q in qs.items()})
    rows = list(PatentInterval.objects.filter(patent_type="invention", domestic=True, region_id__in=ids,
                                              start__lte=dates[-1]).values("region_id").annotate(**aggs).order_by())
    covered = set(ids)
    for i, d in enumerate(dates):
        with_criteria = d in criteria_dates
        per = {}
        for row in rows:
            vals = {"valid": row[f"v{i}"]}
            if with_criteria:
                vals["high_value"] = row[f"h{i}"]
                vals.update({f"hv_{c.kind}": row[f"h{i}_{c.kind}"] for c in active})
            per[row["region_id"]] = vals
        tree.stock[d] = (covered, with_criteria, per)


# The hv measure of each criterion kind the aggregates keep (stats.facts.HV_MEASURES): the others (pledge,
# award) are counted on the intervals of their few patents.
_HV_MEASURE = {CriterionKind.STRATEGIC: "hvs", CriterionKind.OVERSEAS: "hvo", CriterionKind.MAINTAINED: "hvm"}


def _stock_from_aggregates(tree, ids, dates, hv_dates):
    """prefetch_stock from FactAggregate at the month ends `dates` (the high-value counts too at `hv_dates`,
    which needs tree.hv_ready()): the stock of a measure at a month end is Σ X_in − Σ X_out over the months
    up to it. The union of the criteria is hv (alive ∧ any of the strategic, overseas and maintained criteria
    that are on) plus the intervals alive ∧ none of those ∧ (pledge ∨ award), counted with the per-criterion
    counts of pledge and award on the intervals of their patents (_direct_stock) — the same figures as the
    scan (tests/stats/test_high_value_aggregates.py)."""
    active = tree.criteria() if hv_dates else []
    prefixes = ["valid"] + (["hv"] + [_HV_MEASURE[c.kind] for c in active if c.kind in _HV_MEASURE] if hv_dates else [])
    measures = [f"{p}_{x}" for p in prefixes for x in ("in", "out")]
    # Σ up to the first date's month once (grouped by region and measure), then per later date only the months
    # after it: the FILTER sums run over a bulletin's two years of rows, not over every month since the 1980s.
    first = dates[0].replace(day=1)
    base = {}
    for region, measure, n in FactAggregate.objects.filter(patent_type="invention", measure__in=measures,
                                                           region__in=ids, month__lte=first) \
            .values("region", "measure").annotate(n=Sum("n")).values_list("region", "measure", "n").order_by():
        base.setdefault(region, {})[measure] = int(n or 0)
    later = {}
    # one query for the valid stock at every date, one for the high-value measures at their (two) dates: each
    # reads only its measures' rows
    for group, group_dates in ((["valid"], dates), (prefixes[1:], hv_dates)):
        aggs = {}
        for i, d in enumerate(dates):
            month = d.replace(day=1)
            if month == first or d not in group_dates:
                continue
            for prefix in group:
                aggs[f"{prefix}_{i}_in"] = Sum("n", filter=Q(measure=f"{prefix}_in", month__lte=month))
                aggs[f"{prefix}_{i}_out"] = Sum("n", filter=Q(measure=f"{prefix}_out", month__lte=month))
        if not aggs:
            continue
        last = max(d for d in group_dates).replace(day=1)
        for row in FactAggregate.objects.filter(patent_type="invention", region__in=ids, month__gt=first,
                                                measure__in=[f"{p}_{x}" for p in group for x in ("in", "out")],
                                                month__lte=last).values("region").annotate(**aggs).order_by():
            later.setdefault(row.pop("region"), {}).update(row)
    rows = [{"region": region} for region in set(base) | set(later)]
    direct = _direct_stock(tree, ids, hv_dates, active) if hv_dates else {}

    def net(row, prefix, i):
        before, after = base.get(row["region"], {}), later.get(row["region"], {})
        return int(before.get(f"{prefix}_in", 0) - before.get(f"{prefix}_out", 0)
                   + (after.get(f"{prefix}_{i}_in") or 0) - (after.get(f"{prefix}_{i}_out") or 0))
    for i, d in enumerate(dates):
        if d not in hv_dates:
            tree.stock[d] = (set(ids), False, {row["region"]: {"valid": net(row, "valid", i)} for row in rows})
            continue
        per = {}
        for row in rows:
            vals = {"valid": net(row, "valid", i), "high_value": net(row, "hv", i)}
            vals.update({f"hv_{c.kind}": net(row, _HV_MEASURE[c.kind], i) for c in active if c.kind in _HV_MEASURE})
            per[row["region"]] = vals
        for rid, extra in direct.get(d, {}).items():
            vals = per.setdefault(rid, {"valid": 0, "high_value": 0})
            vals["high_value"] += extra.pop("high_value")
            vals.update(extra)
        for vals in per.values():
            vals["high_value"] = vals.get("high_value", 0)
            vals.update({f"hv_{c.kind}": vals.get(f"hv_{c.kind}", 0) for c in active})
        tree.stock[d] = (set(ids), True, per)


def _direct_stock(tree, ids, dates, active):
    """{date: {region id: {"high_value": n, "hv_pledge": n, "hv_award": n}}}: the criteria the aggregates do not
    keep (pledge, award: few patents, dates and lists from the configuration), counted on those patents'
    intervals by _criterion_q; "high_value": those alive at the date and meeting none of the criteria the
    aggregates keep (so that hv + these is the union, each interval once)."""
    direct = [c for c in active if c.kind not in _HV_MEASURE]
    kept = [c for c in active if c.kind in _HV_MEASURE]
    if not direct:
        return {}
    aggs, among = {}, []
    for i, d in enumerate(dates):
        alive = Q(start__lte=d) & (Q(end__isnull=True) | Q(end__gt=d))
        qs = {c.kind: _criterion_q(c, d) for c in direct}
        any_direct = NEVER
        for q in qs.values():
            any_direct |= q
        among += [q for q in qs.values() if q is not NEVER]
        none_kept = Q()
        for c in kept:
            none_kept &= ~_criterion_q(c, d)
        aggs[f"h{i}"] = Count("id", filter=alive & any_direct & none_kept)
        aggs.update({f"h{i}_{kind}": Count("id", filter=alive & q) for kind, q in qs.items()})
    out = {d: {} for d in dates}
    if not among:   # no patent meets them: nothing to count (the counts are 0)
        return out
    only = among[0]
    for q in among[1:]:
        only |= q
    rows = PatentInterval.objects.filter(only).filter(patent_type="invention", domestic=True, region_id__in=ids,
                                                      start__lte=dates[-1]).values("region_id").annotate(**aggs) \
        .order_by()
    for row in rows:
        for i, d in enumerate(dates):
            out[d][row["region_id"]] = {"high_value": row[f"h{i}"],
                                        **{f"hv_{c.kind}": row[f"h{i}_{c.kind}"] for c in direct}}
    return out


def figures_many(regions, as_of, start=None, keys=None, tree=None, stock_dates=()):
    """Figures with YoY for each region: {region.pk: {key: value, key_yoy: fraction}}.
    `keys`: only other modules' figures among these are needed (see raw_figures); `stock_dates`: more
    dates whose stock the caller will ask `tree` for (prefetched in the same scan)."""
    start = rules.period_start(as_of, start)
    if start > as_of:
        raise ValueError("统计起始日期不能晚于截止日期")
    ensure_fresh()
    tree = tree or _Tree()
    prev_as_of = rules.one_year_earlier(as_of)
    prefetch_stock(tree, tree.subtree_ids(regions), [as_of, prev_as_of, *stock_dates], {as_of, prev_as_of})
    current = raw_figures(regions, start, as_of, tree, check_fresh=False, keys=keys)
    previous = raw_figures(regions, rules.one_year_earlier(start), rules.one_year_earlier(as_of), tree,
                           check_fresh=False, keys=keys)
    out = {}
    for r in regions:
        cur, prev = current[r.pk], previous[r.pk]
        row = {"region": r.code, "region_name": r.name, "from": start.isoformat(), "as_of": as_of.isoformat()}
        for key, value in cur.items():
            row[key] = value
            if is_number(value) and key != "population":
                row[f"{key}_yoy"] = rules.yoy(value, prev.get(key)) if is_number(prev.get(key)) else None
        out[r.pk] = row
    return out


def figures(region, as_of, start=None):
    """One region's figures with YoY — what `ipdesk indicators`, the API and the dashboard show."""
    return figures_many([region], as_of, start)[region.pk]


# ---- Single figures by name (for readers and tests) -----------------------------------------------
def invention_grants(region, start, end):
    """发明专利授权量: invention patents granted in [start, end] to domestic holders of the region."""
    return patent_figures([region], start, end)[region.pk]["invention_grants"]


def valid_invention_patents(region, as_of):
    """有效发明专利拥有量: domestic invention patents in force on `as_of`, in the holder's region that day."""
    return patent_figures([region], as_of, as_of)[region.pk]["valid_invention_patents"]


def pct_applications(region, start, end):
    """PCT国际专利申请量: PCT international applications (registry.PctApplication, numbers PCT/CN…) filed in
    [start, end] — by international filing date — whose first applicant is domestic and in the region."""
    return pct_counts([region], start, end)[region.pk]


def pct_counts(regions, start, end, tree=None, ids=None):
    """{region id: PCT international applications} (SPEC section 3, "PCT applications"): counted from the
    PCT international application records by international filing date, in the region of the first
    applicant (第一申请人), domestic applicants only — not from CN national-phase patents (type digit 8/9 or a
    PCT number on a patent), which are foreign filings entering China. One grouped query on the
    (international_filing_date, region) index."""
    from ipdesk.registry.models import PctApplication
    tree = tree or _Tree()
    ids = ids if ids is not None else tree.subtree_ids(regions)
    rows = PctApplication.objects.filter(international_filing_date__gte=start, international_filing_date__lte=end,
                                         is_domestic=True, region_id__in=ids) \
        .values("region_id").annotate(pct_applications=Count("*")).order_by()
    return {rid: vals.get("pct_applications", 0)
            for rid, vals in tree.rollup(regions, [dict(r) for r in rows], "region_id").items()}


# ---- The records behind a figure (drill-down) -------------------------------------------------------
# pct_applications drills into the PCT list (registry:pctapplication_list), not into patents: stats.views.
DRILLABLE = ["invention_grants", "utility_grants", "design_grants", "patent_grants", "invention_applications",
             "utility_applications", "design_applications", "patent_applications",
             "valid_invention_patents", "high_value_invention_patents"] + \
            [f"high_value_{k}" for k in CriterionKind.values]


def records_behind(figure, region, start, end):
    """The ids of the patents a figure counts (a values_list queryset), or None when it is not drillable."""
    ensure_fresh()
    ids = _Tree().subtree_ids([region])
    kind = figure.split("_")[0]
    # one type, or all three named: the facts are read through their (type, date) indexes
    typed = {"patent_type": kind} if kind in ("invention", "utility", "design") else \
        {"patent_type__in": ("invention", "utility", "design")}
    if figure.endswith("_grants"):
        qs = PatentFact.objects.filter(grant_date__gte=start, grant_date__lte=end, grant_domestic=True,
                                       grant_region_id__in=ids, **typed)
    elif figure.endswith("_applications"):
        qs = PatentFact.objects.filter(filing_date__gte=start, filing_date__lte=end, filing_domestic=True,
                                       filing_region_id__in=ids, **typed)
    elif figure in DRILLABLE:
        qs = PatentInterval.objects.filter(patent_type="invention", domestic=True, start__lte=end, region_id__in=ids) \
            .filter(Q(end__isnull=True) | Q(end__gt=end))
        if figure.startswith("high_value_"):
            active = {c.kind: c for c in criteria()}
            if figure == "high_value_invention_patents":
                any_q = NEVER
                for c in active.values():
                    any_q |= _criterion_q(c, end)
                qs = qs.filter(any_q)
            else:
                c = active.get(figure[len("high_value_"):])
                qs = qs.filter(_criterion_q(c, end)) if c else qs.none()
    else:
        return None
    return qs.values_list("patent_id", flat=True)


def latest_data_date():
    """The end of the last month that has grants in the records (the dashboard's default date)."""
    import calendar
    ensure_fresh()
    # per type, so that each answer is one step into the (patent_type, grant_date) index
    from ipdesk.registry.choices import PatentType
    last = max(filter(None, (PatentFact.objects.filter(patent_type=t, grant_date__isnull=False).order_by("-grant_date")
                             .values_list("grant_date", flat=True).first() for t in PatentType.values)), default=None)
    today = dt.date.today()
    if last is None or last > today:
        last = today
    return dt.date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])


def stock_at(region_ids, dates, tree=None):
    """Valid domestic invention patents in the given regions at each date: a month end from the aggregates
    (prefetch_stock; rows ∝ regions × months), the other dates in one scan of the intervals, one filter per date
    (none when `tree` already holds them). The dashboard's trends ask for month ends and today: after each write the
    dashboard is computed afresh, and the scans of a city's intervals were most of its time."""
    if not dates:
        return []
    wanted = set(region_ids)

    def held(d):
        return tree is not None and d in tree.stock and wanted <= tree.stock[d][0]
    month_ends = [d for d in dates if not held(d) and _is_month_end(d)]
    if month_ends:
        tree = tree or _Tree()
        prefetch_stock(tree, list(region_ids), month_ends)
    found = {d: sum(v["valid"] for rid, v in tree.stock[d][2].items() if rid in wanted) for d in dates if held(d)}
    # The other dates (a day inside a month: the dashboard's today) in one scan, one filter per date; the month
    # ends beside them come from the aggregates all the same (the dashboard's ten year ends and today).
    rest = sorted({d for d in dates if d not in found})
    if rest:
        row = PatentInterval.objects.filter(patent_type="invention", domestic=True, region_id__in=region_ids,
                                            start__lte=max(rest)).aggregate(**{
            f"d{i}": Count("id", filter=Q(start__lte=d) & (Q(end__isnull=True) | Q(end__gt=d)))
            for i, d in enumerate(rest)})
        found.update((d, row[f"d{i}"]) for i, d in enumerate(rest))
    return [found[d] for d in dates]
