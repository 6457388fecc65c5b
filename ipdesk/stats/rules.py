"""Pure indicator arithmetic (SPEC section 3): no database here.

- where a patent's holder was, and whether the patent was in force, at any date — from its
  transfer and legal-status events (the facts the 有效发明专利拥有量 counts);
- YoY (同比), completion (完成率), rank among siblings (排名), per-10,000-population figures;
- the short bulletin summary in the style of a government 专利通报.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Events that end validity and the one that brings it back (专利法 第四十四条 / 实施细则 恢复权利).
ENDING = {"lapse", "invalidation", "expiry"}
RESTORING = {"restoration"}
DEAD_STATUSES = {"lapsed", "revoked", "expired"}


@dataclass(frozen=True)
class Transfer:
    date: dt.date
    region_before: object      # a region id (or None: outside the city / abroad)
    region_after: object
    domestic_after: bool | None


@dataclass(frozen=True)
class Interval:
    """The patent was in force and held in `region` (domestic or not) from `start` to `end` (exclusive; None: open)."""
    start: dt.date
    end: dt.date | None
    region: object
    domestic: bool


def ownership_segments(current_region, current_domestic, transfers):
    """[(start, end, region, domestic)] covering all time: who held the patent when.

    Before the first transfer the holder is the first transfer's `region_before` (a holder with a
    region in the city's tree is a mainland holder); after each transfer, its `region_after` and
    `domestic_after` (unknown counts as domestic). The last segment is the patent's current record.
    """
    transfers = sorted(transfers, key=lambda t: t.date)
    if not transfers:
        return [(None, None, current_region, bool(current_domestic))]
    segments = []
    first = transfers[0]
    segments.append((None, first.date, first.region_before, first.region_before is not None))
    for i, t in enumerate(transfers):
        end = transfers[i + 1].date if i + 1 < len(transfers) else None
        if end is None:
            region, domestic = current_region, bool(current_domestic)
        else:
            region, domestic = t.region_after, t.domestic_after is not False
        segments.append((t.date, end, region, domestic))
    return [s for s in segments if s[0] is None or s[1] is None or s[0] < s[1]]


def in_force_periods(grant_date, events, legal_status="", lapse_date=None, term_end=None, recorded_on=None):
    """[(start, end)] when a patent was in force: from the grant, ended by lapse / invalidation /
    expiry events, resumed by a restoration (恢复). `events` are (date, kind) pairs. When no ending
    event is recorded but the current status is lapsed/revoked/expired, `lapse_date` ends it.

    `term_end` is the first day the statutory term (with its compensation) no longer covers —
    registry.rules.term_termination_date (专利法第四十二条): no period runs past it, whatever the status
    column says, so a stale "valid" record stops counting there; an "expired" patent without a lapse
    date ends there too (rather than vanishing from past stocks) — when the term had ended by the day the
    status was recorded (`recorded_on`); a status that contradicts the term is not trusted to date anything."""
    if grant_date is None or (term_end is not None and term_end <= grant_date):
        return []
    events = sorted((d, k) for d, k in events if k in ENDING | RESTORING)
    if not any(k in ENDING for _, k in events) and legal_status in DEAD_STATUSES:
        if lapse_date:
            events = [(lapse_date, "lapse")]
        elif legal_status != "expired" or term_end is None or (recorded_on is not None and term_end > recorded_on):
            return []  # dead, but since when is unknown: no period in force can be asserted
    periods, start = [], grant_date
    for date, kind in events:
        if kind in ENDING and start is not None:
            if date > start:
                periods.append((start, date))
            start = None
        elif kind in RESTORING and start is None:
            start = max(date, grant_date)
    if start is not None:
        periods.append((start, None))
    if term_end is not None:
        periods = [(a, term_end if b is None or b > term_end else b) for a, b in periods if a < term_end]
    return periods


def _overlap(a_start, a_end, b_start, b_end):
    start = a_start if b_start is None else (b_start if a_start is None else max(a_start, b_start))
    end = a_end if b_end is None else (b_end if a_end is None else min(a_end, b_end))
    if start is not None and end is not None and start >= end:
        return None
    return start, end


def validity_intervals(grant_date, events, transfers, current_region, current_domestic, legal_status="",
                       lapse_date=None, term_end=None, recorded_on=None):
    """The patent's in-force periods split by holder (a list of Interval), ended by the term (see in_force_periods)."""
    out = []
    for p_start, p_end in in_force_periods(grant_date, events, legal_status, lapse_date, term_end, recorded_on):
        for s_start, s_end, region, domestic in ownership_segments(current_region, current_domestic, transfers):
            hit = _overlap(p_start, p_end, s_start, s_end)
            if hit is not None:
                out.append(Interval(hit[0], hit[1], region, domestic))
    return out


def holder_at(date, transfers, current_region, current_domestic):
    """(region, domestic) of the holder on `date` (a transfer takes effect on its date)."""
    for start, end, region, domestic in ownership_segments(current_region, current_domestic, transfers):
        if (start is None or start <= date) and (end is None or date < end):
            return region, domestic
    return current_region, bool(current_domestic)


# ---- Arithmetic ------------------------------------------------------------------------------
def _round(value, places):
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def yoy(current, previous, places=3):
    """Year-on-year change as a fraction (同比增长率): 685 vs 649 → 0.055. None without a base."""
    if current is None or previous in (None, 0):
        return None
    return _round(current / previous - 1, places)


def per_10k(count, population, places=2):
    """每万人口 figure: count ÷ (population ÷ 10,000); 3,252 over 3,855,601 people → 8.43."""
    if count is None or not population:
        return None
    return _round(count * 10000 / population, places)


def completion(actual, target, places=3):
    """完成率 = actual ÷ target, as a fraction; None when no target is set."""
    if actual is None or not target:
        return None
    return _round(float(actual) / float(target), places)


def rank(values):
    """Rank among siblings (排名), highest first, ties share a rank (1, 2, 2, 4); None stays unranked."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    return {k: (ordered.index(v) + 1 if v is not None else None) for k, v in values.items()}


def one_year_earlier(date):
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def period_start(as_of, start=None):
    """Period figures run from `start`, by default 1 January of the as-of year."""
    return start or dt.date(as_of.year, 1, 1)


# ---- Bulletin wording ------------------------------------------------------------------------
def percent(fraction, places=1):
    if fraction is None:
        return "—"
    return f"{_round(fraction * 100, places):.{places}f}%"


def signed_percent(fraction, places=1):
    if fraction is None:
        return "—"
    sign = "增长" if fraction >= 0 else "下降"
    return f"同比{sign}{_round(abs(fraction) * 100, places):.{places}f}%"


def number(value):
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def bulletin_summary(city_name, year, month, sections):
    """A few sentences in the style of a government bulletin (专利通报).

    `sections`: [{label, unit, city: {value, yoy, target, completion}, rows: [{name, value, rank, completion}]}]
    """
    parts = [f"截至{year}年{month}月底，"]
    lines = []
    for s in sections:
        c = s["city"]
        text = f"全市{s['label']}{number(c['value'])}{s['unit']}"
        if c.get("yoy") is not None:
            text += f"，{signed_percent(c['yoy'])}"
        if c.get("completion") is not None:
            text += f"，完成年度目标的{percent(c['completion'])}"
        lines.append(text)
    parts.append("；".join(lines) + "。")
    first = sections[0] if sections else None
    if first and first["rows"]:
        ranked = sorted((r for r in first["rows"] if r.get("rank")), key=lambda r: r["rank"])
        if ranked:
            parts.append(f"从{first['label']}看，{ranked[0]['name']}位居第一")
            if len(ranked) > 1:
                parts.append(f"，{ranked[-1]['name']}排名靠后")
            parts.append("。")
        behind = [r["name"] for r in first["rows"] if r.get("completion") is not None and r["completion"] < 1]
        if behind:
            parts.append(f"{'、'.join(behind)}尚未完成{first['label']}年度目标，请加大工作力度，确保完成全年任务。")
        elif any(r.get("completion") is not None for r in first["rows"]):
            parts.append(f"各区（市）均已完成{first['label']}年度目标。")
    return "".join(parts)
