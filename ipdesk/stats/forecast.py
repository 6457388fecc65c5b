"""Will each district meet its annual target? The year-end forecast of a figure (年度目标完成预测).

The office's own estimate from the monthly history — not an official statistic. For a region and a
figure with a target (stats.models.Target) it gives the expected year-end value, an 80% interval
and the probability of reaching the target, from what is known at the bulletin's as-of date only.

Flows (counts in the year: grants, applications, PCT, pledges) — `forecast_flow`, a Gamma–Poisson
model (Gelman et al., Bayesian Data Analysis, 3rd ed., §2.6 and §17.2):
  * the monthly counts of year Y are Poisson(λ_Y · w_k): an annual level λ_Y spread over the months
    by a seasonal profile w (the share of the year's total that falls in month k — Chinese patent
    grants peak in December). The profile is the pooled shares of the previous years — each year's
    months first divided by its steady growth through the year (`year_trend`), so growth is not read
    as a season —, shrunk toward
    the parent region's profile (or an even one) by a Dirichlet prior, so a small district borrows
    the city's seasonality instead of reading it from a handful of grants;
  * the prior on λ_Y is a Gamma centred on last year's total times the recent growth (shrunk toward
    none unless it has been steady), as wide as the year-to-year changes have been; the year the
    records begin in, when they begin after January, is no year of history. This year's count so
    far updates it (conjugate), which blends
    last year's level with this year's pace by how much each is worth — a pace from 3 months of a
    small district weighs little, one from 9 months of a city weighs much;
  * the months left are then negative-binomial (the Gamma–Poisson predictive), overdispersed by a
    factor φ (quasi-Poisson, McCullagh & Nelder §4.5) estimated from the monthly residuals, which
    also lets amounts (万元) be forecast: they behave like counts of a unit φ; the year-to-year
    variation of the season's shape widens it further (moment-matched).
Stocks (valid patents at year-end) — `forecast_stock`: the value now plus the forecast net flow of
the months left (grants minus lapses and transfers): the monthly net flows are an annual level
spread evenly plus an additive seasonal effect (read after each past year's steady change is taken out,
and shrunk toward none by SEASON_PSEUDO_YEARS), with a normal prior on the level from last year's
net flow (a random walk from year to year) updated by this year's months; normal predictive.
Per-10,000 figures are the stock forecast over the population (`scaled`).

`target_forecasts(region, year, month)` reads the monthly series of every region of a bulletin
from the indicator functions (stats.indicators.raw_figures, the same counting as the bulletin) and
forecasts each figure that has a target. The method and its backtest: bench/forecast.py.
"""
import calendar
import datetime as dt
import math
from dataclasses import asdict, dataclass

from scipy import stats as sps

from . import rules

# Previous years that feed the seasonal profile, the dispersion and the level prior.
HISTORY_YEARS = 4
# Strength of the Dirichlet prior pulling a profile toward its reference, in pseudo-counts
# (3 a month: a district with 100 grants a year reads its own profile mostly from its parent).
PROFILE_PSEUDO_COUNTS = 36
# Year-to-year variation of a level when too few years are known to measure it (coefficient of
# variation), the weight of that default against the measured one (pseudo-years), and its floor.
DEFAULT_LEVEL_CV = 0.25
DEFAULT_LEVEL_WEIGHT = 2
MIN_LEVEL_CV = 0.05
# Prior spread of a figure's growth from one year to the next (log scale): about ±10% a year.
GROWTH_PRIOR_SD = 0.10
# Shape of the Gamma prior on a level nothing is known about (Jeffreys' prior for a Poisson rate).
JEFFREYS_SHAPE = 0.5
# The seasonal effects of a stock's monthly net flows, measured over n past years, are shrunk by
# n / (n + SEASON_PSEUDO_YEARS) toward none: a few years of a growing stock say little of its season.
SEASON_PSEUDO_YEARS = 4
# Each earlier year counts PROFILE_DECAY times the year after it in a profile (exponential smoothing of
# seasonal indices, as Holt–Winters does): a season drifts, and a year of unusual shape fades out.
PROFILE_DECAY = 0.5
# Months after the first filing a registry holds until its grants are whole (above: records_start):
# invention examination takes up to about three years, utility models and designs about one (待核对:
# an estimate from the grant lags of the demo and of CNIPA's reported pendency, not a published figure).
GRANT_LAG_MONTHS = {"invention": 36, "utility": 12}
# Prior spread of a steady growth through a year (log scale): a figure rarely doubles in a year.
TREND_PRIOR_SD = 0.3
INTERVAL = 0.80
_LOW, _HIGH = (1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2

# Figures that are a stock at a date (the rest with a target are flows: counts or sums in the year).
STOCK_KEYS = {"valid_invention_patents", "high_value_invention_patents", "valid_trademarks"}
# Per-10,000 figures: the stock they divide by the population.
PER_10K = {"valid_invention_per_10k": "valid_invention_patents", "high_value_per_10k": "high_value_invention_patents"}
# Rates and other figures that neither add up over months nor are a stock: no forecast.
NOT_FORECAST = {"abnormal_withdrawal_rate", "population"}


@dataclass(frozen=True)
class Forecast:
    """A year-end forecast. `probability`: of reaching `target` (None without one);
    `needed_per_month`: what each remaining month must add to reach it (0 when reached; None
    without a target or in December). Values are in the figure's unit (件, 万元, 件/万人)."""
    expected: float
    low80: float
    high80: float
    probability: float | None
    needed_per_month: float | None
    so_far: float
    target: float | None
    months_left: int
    method: str

    def as_dict(self):
        return asdict(self)


def year_month(as_of):
    """(year, month) of an as-of date; the month counts as complete (bulletins are as of a month end)."""
    if isinstance(as_of, tuple):
        return as_of
    return as_of.year, as_of.month


def month_end(year, month):
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _needed(target, so_far, months_left):
    if target is None or months_left <= 0:
        return None
    return max(0.0, float(target) - so_far) / months_left


# ---- Flows ------------------------------------------------------------------------------------
def _year_totals(history, years):
    return {y: sum(history.get((y, k), 0.0) for k in range(1, 13)) for y in years}


def _past_years(history, year, start=None):
    """The previous years (at most HISTORY_YEARS) the history has, from the first whole year of records:
    `start` = (year, month) the records begin; the year it falls in is left out unless it is January
    (a registry imported from mid-year, a district set up in the year: that first year is not a year
    of the figure, and would read as a level and a season)."""
    first = _first_whole_year(start)
    return [y for y in range(max(year - HISTORY_YEARS, first), year) if any((y, k) in history for k in range(1, 13))]


def _first_whole_year(start):
    return 0 if start is None else start[0] + (start[1] > 1)


def _shrunk(rate, noise):
    """A log growth rate shrunk toward none by its count noise against a N(0, TREND_PRIOR_SD²) prior."""
    return rate * TREND_PRIOR_SD ** 2 / (TREND_PRIOR_SD ** 2 + noise)


def year_trend(history, y, year, start=None):
    """The growth rate through past year `y` (log scale, a year): from the totals of the whole years around
    it — centred on y when y−1 and y+1 are both known, else the one step known — shrunk by its Poisson
    noise (`_shrunk`); 0 when no neighbouring whole year is known. For last year, the step after it is
    this year's months so far against the same months of last year (the history holds no later month)."""
    first = _first_whole_year(start)
    totals = _year_totals(history, [v for v in (y - 1, y, y + 1) if first <= v < year])
    before, now = totals.get(y - 1, 0.0), totals.get(y, 0.0)
    steps = []
    if before > 0 and now > 0:
        steps.append((math.log(now / before), 1 / now + 1 / before))
    if y + 1 < year:
        after = totals.get(y + 1, 0.0)
        if after > 0 and now > 0:
            steps.append((math.log(after / now), 1 / after + 1 / now))
    elif y + 1 == year and y >= first:
        month = max((k for k in range(1, 13) if (year, k) in history), default=0)
        this = sum(history.get((year, k), 0.0) for k in range(1, month + 1))
        last = sum(history.get((y, k), 0.0) for k in range(1, month + 1))
        if this > 0 and last > 0:
            steps.append((math.log(this / last), 1 / this + 1 / last))
    if not steps:
        return 0.0
    return _shrunk(sum(r for r, _ in steps) / len(steps), sum(v for _, v in steps) / len(steps) ** 2)


def _trend_weights(rate):
    """exp(rate · (k − 6.5)/12) for the 12 months: a steady growth of `rate` a year, centred mid-year."""
    return [math.exp(rate * (k - 6.5) / 12) for k in range(1, 13)]


def seasonal_profile(history, year, reference=None, start=None):
    """The share of the annual total falling in each month (12 numbers summing to 1) from the years
    before `year`: pooled counts plus PROFILE_PSEUDO_COUNTS spread like `reference` (a parent's
    profile) or evenly — the posterior mean of a Dirichlet–multinomial. Each year's counts are first
    divided by its steady growth through the year (`year_trend`; the ratio-to-trend step of classical
    decomposition, Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., §3.4): a
    figure growing fast would otherwise read its growth as a season of low early months, and a year
    after the growth stops would be forecast far too high. Earlier years weigh less (PROFILE_DECAY)."""
    base = reference or [1 / 12] * 12
    past = _past_years(history, year, start)
    counts = [0.0] * 12
    for y in past:
        weights = _trend_weights(year_trend(history, y, year, start))
        recency = PROFILE_DECAY ** (year - 1 - y)
        for k in range(12):
            counts[k] += recency * max(0.0, history.get((y, k + 1), 0.0)) / weights[k]
    total = sum(counts)
    return [(c + PROFILE_PSEUDO_COUNTS * b) / (total + PROFILE_PSEUDO_COUNTS) for c, b in zip(counts, base)]


def _dispersion(history, past, totals, profile, year, month, so_far, share):
    """φ = Pearson χ² / degrees of freedom of the monthly counts around level × profile (quasi-Poisson),
    over the previous years and this year's months so far; 2 pseudo-degrees of freedom at φ = 1
    keep a short history from swinging it, and it is never below 1 (counts are at least Poisson)."""
    chi2, cells, fitted = 0.0, 0, 0
    rows = [(y, totals[y], 12) for y in past if totals[y] > 0]
    if so_far > 0 and share > 0:
        rows.append((year, so_far / share, month))
    for y, level, months in rows:
        fitted += 1
        for k in range(1, months + 1):
            # Pearson's statistic is unstable where a month's expectation is near zero (one amount in a
            # month that never had one would set φ alone): no month is expected below half an even share.
            expected = level * max(profile[k - 1], 1 / 24)
            if expected > 0:
                chi2 += (history.get((y, k), 0.0) - expected) ** 2 / expected
                cells += 1
    df = cells - fitted - (11 if past else 0)
    return max(1.0, (chi2 + 2) / (max(df, 0) + 2))


def _shape_variance(history, past, totals, share, month, phi):
    """The variance of the share of a year's total reached by `month` across the previous years, less
    what count noise alone gives (φ·w(1−w)/total) — 0 with fewer than two years."""
    rows = [(sum(history.get((y, k), 0.0) for k in range(1, month + 1)) / totals[y], totals[y])
            for y in past if totals[y] > 0]
    if len(rows) < 2:
        return 0.0
    excess = [(s - share) ** 2 - phi * share * (1 - share) / t for s, t in rows]
    return max(0.0, sum(excess) / (len(rows) - 1))


def _level_prior(totals, past, year, phi):
    """(α0, β0) of the Gamma prior on this year's level, in units of φ with a year as exposure.

    After a year with counts: centred on last year's total times the growth of the years before
    (shrunk, below), as uncertain as growth has varied (a scaled-inverse-χ² blend of the measured
    variance with DEFAULT_LEVEL_CV) plus last year's own count noise. After a year without any: the
    previous years' counts as Poisson data over their exposure, on a Jeffreys prior (few or no counts
    then keep the forecast low). Without previous years: the Jeffreys prior alone (this year's pace)."""
    last = totals.get(year - 1, 0.0)
    if last <= 0:
        return JEFFREYS_SHAPE + sum(totals[y] for y in past) / phi, (len(past) or 1e-9)
    growth = [math.log(totals[y] / totals[y - 1]) for y in past if y - 1 in totals and totals[y] > 0
              and totals[y - 1] > 0]
    mean_growth = sum(growth) / len(growth) if growth else 0.0
    squares = sum((g - mean_growth) ** 2 for g in growth)
    dof = max(len(growth) - 1, 0)
    cv2 = (squares + DEFAULT_LEVEL_WEIGHT * DEFAULT_LEVEL_CV ** 2) / (dof + DEFAULT_LEVEL_WEIGHT)
    cv2 = max(cv2, MIN_LEVEL_CV ** 2)
    # The growth to carry forward: the measured mean shrunk toward none by its precision against a
    # N(0, GROWTH_PRIOR_SD²) prior — a steady growth is kept, a jump (a start-up year) mostly is not.
    n = len(growth)
    drift = mean_growth * n * GROWTH_PRIOR_SD ** 2 / (n * GROWTH_PRIOR_SD ** 2 + cv2) if n else 0.0
    mean = last * math.exp(drift)
    alpha0 = 1 / (cv2 + phi / last)
    return alpha0, alpha0 * phi / mean


def forecast_flow(monthly_history, as_of, target=None, reference=None, start=None):
    """Year-end forecast of a flow (发明专利授权量, PCT申请量, 质押金额 …).

    `monthly_history`: {(year, month): the month's count or sum}, this year's months up to `as_of`
    and the previous years' (months after `as_of` are ignored — a forecast knows only the past);
    `reference`: a parent region's seasonal profile (see `seasonal_profile`); `start`: the (year, month)
    the records begin, when they begin within the history (see `_past_years`). Gamma–Poisson model
    with quasi-Poisson overdispersion; see the module docstring.
    """
    year, month = year_month(as_of)
    history = {k: float(v or 0) for k, v in monthly_history.items() if k <= (year, month)}
    so_far = sum(history.get((year, k), 0.0) for k in range(1, month + 1))
    left = 12 - month
    target = None if target is None else float(target)
    if left <= 0:
        reached = None if target is None else float(so_far >= target)
        return Forecast(so_far, so_far, so_far, reached, None, so_far, target, 0, "flow")
    past = _past_years(history, year, start)
    totals = _year_totals(history, past)
    profile = seasonal_profile(history, year, reference, start)
    share = sum(profile[:month])
    phi = _dispersion(history, past, totals, profile, year, month, so_far, share)
    # In units of φ: Gamma(α0, β0) prior on the level, updated by the count so far over exposure `share`.
    alpha0, beta0 = _level_prior(totals, past, year, phi)
    n = alpha0 + so_far / phi
    p = (beta0 + share) / (beta0 + 1)
    # The season's shape varies from year to year beyond count noise: the share reached by this month
    # is uncertain by `shape_var`, which moves the expected remainder by ∂E[R]/∂share — added to the
    # variance, and the predictive moment-matched back to a negative binomial (same mean).
    mean_left, var_left = n * (1 - p) / p, n * (1 - p) / p ** 2
    slope = n * (beta0 + 1) / (beta0 + share) ** 2
    var_left += slope ** 2 * _shape_variance(history, past, totals, share, month, phi)
    if mean_left > 0 and var_left > mean_left:
        p = mean_left / var_left
        n = mean_left * p / (1 - p)
    remaining = sps.nbinom(n, p)
    expected = so_far + phi * remaining.mean()
    low = so_far + phi * remaining.ppf(_LOW)
    high = so_far + phi * remaining.ppf(_HIGH)
    probability = None
    if target is not None:
        if so_far >= target:
            probability = 1.0
        else:
            k = math.ceil((target - so_far) / phi - 1e-9)
            probability = float(remaining.sf(k - 1))
    return Forecast(float(expected), float(low), float(high), probability, _needed(target, so_far, left),
                    so_far, target, left, "flow")


# ---- Stocks -----------------------------------------------------------------------------------
def _net_flows(values, year):
    """The 12 monthly net changes of a year, or None when a month end (or last December) is unknown."""
    ends = [values.get((year - 1, 12))] + [values.get((year, k)) for k in range(1, 13)]
    if any(v is None for v in ends):
        return None
    return [ends[k] - ends[k - 1] for k in range(1, 13)]


def _stock_slope(annual, y, ahead=None):
    """The change of a year's monthly net flow from one month to the next, from the net flows of the
    years around `y` (centred when both are known): a year's change ÷ 144 (12 months × 12). `ahead`:
    the step after `y` when y + 1 is the year being forecast (its months so far against the same
    months of y, brought to a year)."""
    steps = [annual[b] - annual[a] for a, b in ((y - 1, y), (y, y + 1)) if a in annual and b in annual]
    if ahead is not None and y + 1 not in annual:
        steps.append(ahead)
    return sum(steps) / len(steps) / 144 if steps else 0.0


def forecast_stock(month_end_values, as_of, target=None, start=None):
    """Year-end forecast of a stock (有效发明专利拥有量, 高价值发明专利拥有量 …).

    `month_end_values`: {(year, month): the stock at that month end}, including last December (the
    year's start) and the previous years' month ends; `start` as for forecast_flow. Year-end = the stock now + the net flow of the
    months left; the monthly net flows are ν_Y/12 + s_k + noise (ν_Y the year's net flow, s_k an
    additive seasonal effect from the previous years), with a normal prior ν_Y ~ N(last year's net
    flow, year-to-year variance) updated by this year's months (normal–normal conjugacy).
    """
    year, month = year_month(as_of)
    values = {k: float(v) for k, v in month_end_values.items() if k <= (year, month) and v is not None}
    if (year, month) not in values:
        raise ValueError(f"缺少{year}年{month}月末的存量数据，无法预测")
    now = values[(year, month)]
    left = 12 - month
    target = None if target is None else float(target)
    integral = all(float(v).is_integer() for v in values.values())
    if left <= 0:
        reached = None if target is None else float(now >= target)
        return Forecast(now, now, now, reached, None, now, target, 0, "stock")
    past = [y for y in _past_years(values, year, start) if _net_flows(values, y) is not None]
    flows = {y: _net_flows(values, y) for y in past}
    annual = {y: sum(f) for y, f in flows.items()}
    # Each past year's monthly net flows less its steady change through the year (the year's net flow
    # moving from the year before to the year after, spread over the months: ratio-to-trend, as for flows)
    # before the seasonal effects are read from them: a growing stock would otherwise read its growth
    # as a season.
    start = values.get((year - 1, 12))
    current = [values[(year, k)] - (values[(year, k - 1)] if k > 1 else start) for k in range(1, month + 1)] \
        if start is not None and all((year, k) in values for k in range(1, month)) else None
    ahead = (sum(current) - sum(flows[year - 1][:month])) * 12 / month if current and year - 1 in flows else None
    slopes = {y: _stock_slope(annual, y, ahead if y == year - 1 else None) for y in past}
    flows = {y: [f - slopes[y] * (k - 5.5) for k, f in enumerate(flows[y])] for y in past}
    seasonal = [sum(flows[y][k] - annual[y] / 12 for y in past) / len(past) if past else 0.0 for k in range(12)]
    seasonal = [v * len(past) / (len(past) + SEASON_PSEUDO_YEARS) for v in seasonal]

    # Monthly noise: residual variance around level + season, never below the mean absolute monthly
    # net flow (a net flow of counts is a difference of Poisson counts: its variance is at least that).
    squares, cells, fitted = 0.0, 0, 0
    for y in past:
        squares += sum((flows[y][k] - annual[y] / 12 - seasonal[k]) ** 2 for k in range(12))
        cells, fitted = cells + 12, fitted + 1
    if current and month > 1:
        adjusted = [current[k] - seasonal[k] for k in range(month)]
        mean = sum(adjusted) / month
        squares += sum((a - mean) ** 2 for a in adjusted)
        cells, fitted = cells + month, fitted + 1
    df = cells - fitted - (11 if past else 0)
    sigma2 = squares / df if df > 0 else 0.0
    observed = [abs(d) for f in flows.values() for d in f] + [abs(d) for d in (current or [])]
    sigma2 = max(sigma2, sum(observed) / len(observed) if observed else 0.0, 0.25)

    # Prior on this year's net flow ν: last year's, with the variance of the year-to-year changes.
    if year - 1 in annual:
        nu0 = annual[year - 1]
        changes = [(annual[y] - annual[y - 1]) ** 2 for y in past if y - 1 in annual]
        default = (DEFAULT_LEVEL_CV * abs(nu0)) ** 2 + 12 * sigma2
        tau2 = (sum(changes) + DEFAULT_LEVEL_WEIGHT * default) / (len(changes) + DEFAULT_LEVEL_WEIGHT)
        tau2 = max(tau2, (MIN_LEVEL_CV * nu0) ** 2, 1e-9)
    else:
        nu0, tau2 = 0.0, math.inf
    if current is not None:
        x = sum(current) - sum(seasonal[:month])            # this year's net flow so far, deseasonalized
        precision = (0 if math.isinf(tau2) else 1 / tau2) + (month / 12) ** 2 / (month * sigma2)
        nu = ((0 if math.isinf(tau2) else nu0 / tau2) + (month / 12) * x / (month * sigma2)) / precision
        nu_var = 1 / precision
    elif not math.isinf(tau2):
        nu, nu_var = nu0, tau2
    else:   # no start of year and no past: the stock is expected to stay where it is
        nu, nu_var = 0.0, 12 * sigma2 * 12
    frac = left / 12
    mean = now + nu * frac + sum(seasonal[month:])
    sd = math.sqrt(frac ** 2 * nu_var + left * sigma2)
    dist = sps.norm(mean, sd)
    probability = None
    if target is not None:
        # a stock of counts reaches the target when it is at least ceil(target): continuity correction
        threshold = math.ceil(target - 1e-9) - 0.5 if integral else target
        probability = float(dist.sf(threshold))
    return Forecast(float(mean), float(dist.ppf(_LOW)), float(dist.ppf(_HIGH)), probability,
                    _needed(target, now, left), now, target, left, "stock")


def scaled(forecast, factor, target=None):
    """A stock forecast in another unit (per 10,000 population: factor = 10,000 ÷ population), the
    probability unchanged (the caller computed it against the target in stock units)."""
    def f(v):
        return None if v is None else v * factor
    return Forecast(f(forecast.expected), f(forecast.low80), f(forecast.high80), forecast.probability,
                    _needed(target, f(forecast.so_far), forecast.months_left), f(forecast.so_far),
                    None if target is None else float(target), forecast.months_left, forecast.method)


def per_10k_threshold(target, population):
    """The smallest stock whose per-10,000 figure (rounded as rules.per_10k rounds) reaches `target`."""
    n = max(0, math.floor(float(target) * population / 10000) - 2)
    while (rules.per_10k(n, population) or 0) < float(target):
        n += 1
    return n


# ---- From the records ---------------------------------------------------------------------------
def kind_of(key):
    """'flow', 'stock', 'per_10k' or None (no forecast) for an indicator key."""
    if key in NOT_FORECAST or key.endswith("_yoy"):
        return None
    if key in PER_10K:
        return "per_10k"
    if key in STOCK_KEYS or (key.startswith("high_value_") and key != "high_value_per_10k"):
        return "stock"
    return "flow"


def monthly_series(regions, keys, first_year, as_of, tree=None):
    """{region.pk: {key: {(year, month): value}}} from January `first_year` to `as_of`: flows as the
    month's increment of the year-to-date figure, stocks (and the stocks behind per-10,000 figures)
    at each month end, with last December's stock. Every value comes from indicators.raw_figures —
    the bulletin's own counting — asked once per month end for all regions."""
    from .facts import ensure_fresh
    from .indicators import _Tree, is_number, patent_figures, prefetch_stock, raw_figures

    year, month = year_month(as_of)
    ensure_fresh()
    tree = tree or _Tree()
    wanted = {PER_10K.get(k, k) for k in keys if kind_of(k)}
    ends = [month_end(first_year - 1, 12)] + [month_end(y, m) for y in range(first_year, year + 1)
                                               for m in range(1, 13) if (y, m) <= (year, month)]
    ids = tree.subtree_ids(regions)
    for y in range(first_year - 1, year + 1):   # one scan of the intervals per year of month ends
        dates = [d for d in ends if d.year == y]
        prefetch_stock(tree, ids, dates, set(dates))
    # Patent figures alone when they hold every key: other modules' providers are then not asked at
    # all (raw_figures would ask each of them for one region at every month end to learn that).
    first = patent_figures(regions, dt.date(ends[0].year, 1, 1), ends[0], tree, check_fresh=False, keys=wanted)
    figures = patent_figures if all(wanted <= set(first[r.pk]) for r in regions) else raw_figures
    out = {r.pk: {k: {} for k in wanted} for r in regions}
    previous = {}
    for end in ends:
        values = figures(regions, dt.date(end.year, 1, 1), end, tree, check_fresh=False, keys=wanted)
        for r in regions:
            row = values[r.pk]
            for key in wanted:
                value = row.get(key)
                if not is_number(value):
                    continue
                if kind_of(key) == "flow":
                    if end.year < first_year:
                        continue
                    before = previous.get((r.pk, key), 0) if end.month > 1 else 0
                    out[r.pk][key][(end.year, end.month)] = float(value) - float(before)
                    previous[(r.pk, key)] = value
                else:
                    out[r.pk][key][(end.year, end.month)] = float(value)
    return out, tree


def records_start(key):
    """(year, month) from which a patent figure's records are whole — the registry's first grant (but not
    before its grants are whole: GRANT_LAG_MONTHS after the first filing), or first filing for
    application figures — so the years the records begin in are not taken for whole years;
    None for other modules' figures (their records are taken as whole from the first year)."""
    from django.db.models import Min

    from .models import PatentFact
    facts = PatentFact.objects.all()
    kind = key.split("_")[0]
    if kind in ("invention", "utility", "design"):
        facts = facts.filter(patent_type=kind)
    if kind == "pct":   # PCT international applications are their own records (registry.PctApplication)
        from ipdesk.registry.models import PctApplication
        first = PctApplication.objects.aggregate(d=Min("international_filing_date"))["d"]
    elif key.endswith("_applications"):
        first = facts.aggregate(d=Min("filing_date"))["d"]
    elif key.endswith("_grants"):
        # Grants of a registry whose filings begin at a date are incomplete until the patents filed
        # before it would all have been granted: they ramp up for as long as examination takes, which
        # reads as growth and as a season. The grant series counts as whole from the first filing plus
        # GRANT_LAG_MONTHS (of the slowest type the figure counts), or the first grant if later.
        dates = facts.aggregate(g=Min("grant_date"), f=Min("filing_date"))
        first = dates["g"]
        if first and dates["f"]:
            lag = GRANT_LAG_MONTHS["utility" if kind in ("utility", "design") else "invention"]
            months = dates["f"].year * 12 + dates["f"].month - 1 + lag
            first = max(first, dt.date(months // 12, months % 12 + 1, 1))
    elif key in ("valid_trademarks",) or kind_of(key) not in ("stock", "per_10k"):
        first = None
    else:   # the invention stocks begin with the first invention grant
        first = facts.filter(patent_type="invention").aggregate(d=Min("grant_date"))["d"]
    return (first.year, first.month) if first else None


def forecast_from_series(key, series, as_of, target=None, reference=None, population=None, start=None):
    """One figure's forecast from its monthly series (see monthly_series); None when not forecast."""
    kind = kind_of(key)
    if kind == "flow":
        return forecast_flow(series, as_of, target, reference, start)
    if kind == "stock":
        return forecast_stock(series, as_of, target, start)
    if kind == "per_10k" and population:
        stock_target = None if target is None else per_10k_threshold(target, population)
        return scaled(forecast_stock(series, as_of, stock_target, start), 10000 / population, target)
    return None


def target_forecasts(region, year, month):
    """Forecasts for the bulletin of `region` for `month` (its units: region and children, as in
    stats.bulletin.build), for every unit and figure with a target in `year`:
    [{"code", "name", "key", "target", **Forecast.as_dict()}] — JSON-able, so a published bulletin can
    store it. The office's estimate, not an official figure."""
    from .bulletin import children
    from .models import Target

    as_of = month_end(year, month)
    units = children(region) or [region]
    regions = [region] + [u for u in units if u.pk != region.pk]
    targets = {(t.region_id, t.indicator): float(t.value)
               for t in Target.objects.filter(year=year, region__in=regions)}
    keys = sorted({k for _r, k in targets if kind_of(k)})
    if not keys:
        return []
    series, tree = monthly_series(regions, keys, year - HISTORY_YEARS, as_of)
    out = []
    for key in keys:
        flow_key = PER_10K.get(key, key)
        start = records_start(key)
        reference = seasonal_profile(series[region.pk][flow_key], year, start=start) if kind_of(key) == "flow" \
            else None
        for r in regions:
            if (r.pk, key) not in targets:
                continue
            f = forecast_from_series(key, series[r.pk][flow_key], as_of, targets[(r.pk, key)],
                                     None if r.pk == region.pk else reference, tree.population(r.pk, year), start)
            if f is not None:
                out.append({"code": r.code, "name": r.name, "key": key, **f.as_dict()})
    return out


# ---- Wording -----------------------------------------------------------------------------------
def sentence(name, key, forecast):
    """The bulletin's sentence for a Forecast or a target_forecasts row, e.g.
    按当前进度，滕州市发明专利授权量预计年末达到 262 件（80%区间 248—277 件），完成年度目标的可能性约 85%。"""
    from .indicators import label, unit

    if not isinstance(forecast, Forecast):      # a row of target_forecasts (or of a stored bulletin)
        forecast = Forecast(**{k: forecast[k] for k in Forecast.__dataclass_fields__})
    u = unit(key)

    def n(v):
        return rules.number(round(v, 2) if kind_of(key) == "per_10k" or u == "万元" else round(v))
    text = f"按当前进度，{name}{label(key)}预计年末达到{n(forecast.expected)}{u}" \
           f"（80%区间{n(forecast.low80)}—{n(forecast.high80)}{u}）"
    if forecast.method == "flow" and forecast.target is not None and forecast.so_far >= forecast.target:
        text += "，已完成年度目标"          # a count in the year cannot fall back below it
    elif forecast.probability is not None:
        text += f"，完成年度目标的可能性约{rules.percent(forecast.probability, 0)}"
    return text + "。"
