"""The monthly patent bulletin (专利通报): its data, and its XLSX, DOCX and PDF renderings.

`build(region, year, month)` returns the bulletin as plain data (JSON-able): for each figure a
table of the region's children — value, target, completion, YoY, rank among siblings and, where a
target is set, the year-end forecast (预计年末, 80% interval) and the probability of reaching it
(stats.forecast) — the region's own line, a monthly trend and a generated summary. A published bulletin stores this data
and is rendered from it ever after, so it never changes (stats.actions).

All three files use the "Noto Sans CJK SC" font (Debian fonts-noto-cjk, installed by `make setup`).
"""
import calendar
import datetime as dt
import io

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import rules
from . import indicators
from .indicators import BULLETIN_KEYS, _Tree, criteria_status, figures_many, label, stock_at, unit
from .models import FactAggregate, PatentFact, Target

FONT = "Noto Sans CJK SC"


def month_end(year, month):
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def children(region):
    """The units ranked in the bulletin: the region's direct children that are not functional zones."""
    return list(region.children.filter(is_functional_zone=False).order_by("sort_order", "code"))


def monthly_trend(region, year, month, tree=None):
    """Invention grants per month and the valid invention stock at each month end, for year and year-1."""
    tree = tree or _Tree()
    ids = tree.subtree_ids([region])
    out = {"months": [f"{m}月" for m in range(1, month + 1)], "years": [year, year - 1]}
    ends = {y: [month_end(y, m) for m in range(1, month + 1)] for y in (year, year - 1)}
    stock = stock_at(ids, ends[year] + ends[year - 1], tree)
    for k, y in enumerate((year, year - 1)):
        # whole months: the aggregates kept with the facts (stats.facts), rows per region × month
        per_month = {m.month: int(n) for m, n in FactAggregate.objects.filter(
            measure="grants", patent_type="invention", region__in=ids, month__gte=dt.date(y, 1, 1),
            month__lte=dt.date(y, month, 1)).values("month").annotate(n=Sum("n")).values_list("month", "n").order_by()}
        out[f"grants_{y}"] = [per_month.get(m, 0) for m in range(1, month + 1)]
        out[f"valid_{y}"] = stock[k * month:(k + 1) * month]
    return out


def yearly_trend(region, as_of, years=10, tree=None):
    """Invention grants per year and the valid stock at each year end (the last: at `as_of`): the dashboard's.
    The whole months come from the aggregates kept with the facts (rows ∝ regions × months), the days of a month not
    ended yet (the dashboard's as_of is today) from the facts of those days alone, by the grant-date index: the ten
    years of facts were scanned for every dashboard computed afresh, that is after every write."""
    tree = tree or _Tree()
    ids = tree.subtree_ids([region])
    start = dt.date(as_of.year - years + 1, 1, 1)
    whole_end = as_of if indicators.whole_months(start, as_of) else as_of.replace(day=1) - dt.timedelta(days=1)
    grants = {}
    if indicators.whole_months(start, whole_end):
        for month, n in FactAggregate.objects.filter(
                measure="grants", patent_type="invention", region__in=ids, month__gte=start,
                month__lte=whole_end.replace(day=1)).values("month").annotate(n=Sum("n")).values_list("month", "n") \
                .order_by():
            grants[month.year] = grants.get(month.year, 0) + int(n)
    else:   # not one whole month in the range: all from the facts
        whole_end = start - dt.timedelta(days=1)
    if whole_end < as_of:
        for year, n in PatentFact.objects.filter(
                patent_type="invention", grant_domestic=True, grant_region_id__in=ids,
                grant_date__gt=whole_end, grant_date__lte=as_of) \
                .annotate(y=ExtractYear("grant_date")).values("y").annotate(n=Count("*")).values_list("y", "n") \
                .order_by():
            grants[year] = grants.get(year, 0) + n
    years = list(range(start.year, as_of.year + 1))
    return {"years": [str(y) for y in years], "grants": [grants.get(y, 0) for y in years],
            "valid": stock_at(ids, [min(dt.date(y, 12, 31), as_of) for y in years], tree)}


def build(region, year, month):
    """The bulletin's data for `region` (usually the city) up to the end of `month`."""
    as_of = month_end(year, month)
    units = children(region) or [region]
    regions = [region] + [u for u in units if u.pk != region.pk]
    tree = _Tree()
    month_ends = [month_end(y, m) for y in (year, year - 1) for m in range(1, month + 1)]
    values = figures_many(regions, as_of, keys=set(BULLETIN_KEYS), tree=tree, stock_dates=month_ends)
    targets = {(t.region_id, t.indicator): float(t.value)
               for t in Target.objects.filter(year=year, region__in=regions)}
    keys = [k for k in BULLETIN_KEYS if any(values[r.pk].get(k) not in (None, 0) for r in regions)]
    sections = []
    for key in keys:
        ranks = rules.rank({u.pk: values[u.pk].get(key) for u in units})

        def line(r):
            v = values[r.pk].get(key)
            t = targets.get((r.pk, key))
            return {"code": r.code, "name": r.name, "value": v, "target": t, "completion": rules.completion(v, t),
                    "yoy": values[r.pk].get(f"{key}_yoy"), "rank": ranks.get(r.pk)}
        sections.append({"key": key, "label": label(key), "unit": unit(key), "city": line(region),
                         "rows": [line(u) for u in units]})
    # The year-end forecasts (stats.forecast) are stored with the data, so a published bulletin keeps
    # the ones it was issued with; each section holds its own by region code for the table's columns.
    forecasts = year_end_forecasts(region, year, month)
    for section in sections:
        section["forecast"] = {f["code"]: f for f in forecasts if f["key"] == section["key"]}
    data = {"region": region.code, "region_name": region.name, "year": year, "month": month,
            "from": dt.date(year, 1, 1).isoformat(), "as_of": as_of.isoformat(), "sections": sections,
            "trend": monthly_trend(region, year, month, tree),
            "high_value": {k[len("high_value_"):]: v for k, v in values[region.pk].items()
                           if k.startswith("high_value_") and not k.endswith("_yoy") and k != "high_value_per_10k"},
            # every criterion, on or off (and why), with the region's count for those on (issue 16 item 4)
            "high_value_criteria": criteria_status(values[region.pk], tree.all_criteria()),
            "forecasts": forecasts, "data_state": data_state()}
    data["summary"] = rules.bulletin_summary(region.name, year, month, sections) + \
        forecast_summary(region.code, month, forecasts) + \
        (criteria_sentence(data["high_value_criteria"]) if "high_value_invention_patents" in keys else "")
    return data


def criteria_sentence(criteria):
    """Which high-value criteria the figure counts and which it leaves out (and why), for the summary —
    so every rendering (page, XLSX, DOCX, PDF) says it (issue 16 item 4)."""
    on = "、".join(f"{c['name']}（{c['count']}件）" if c.get("count") is not None else c["name"]
                  for c in criteria if c["on"])
    off = "；".join(f"{c['name']}（{c['off_reason']}）" for c in criteria if not c["on"])
    text = f"高价值发明专利按以下口径认定：{on or '无'}。"
    return text + (f"未计入：{off}。" if off else "")


# ---- Year-end forecasts (年度目标完成预测) -----------------------------------------------------------
# Below this probability of reaching its annual target a unit is "at risk" (有风险): named in the
# summary, marked on the dashboard. An office convention, not a regulation (待核对 with the office).
AT_RISK_BELOW = 0.5


def year_end_forecasts(region, year, month):
    """stats.forecast.target_forecasts, imported here on use (it brings scipy, which no other page needs)."""
    from .forecast import target_forecasts
    return target_forecasts(region, year, month)


def at_risk(row):
    """A forecast row whose target is unlikely to be reached in the months left."""
    return bool(row) and row.get("months_left", 0) > 0 and row.get("probability") is not None \
        and row["probability"] < AT_RISK_BELOW


def forecast_summary(region_code, month, forecasts):
    """The summary's forecast sentences (stats.forecast.sentence): the region's own figures, then the
    units at risk. None in December: the year is over, the table's figures are the actual ones."""
    if not forecasts or month >= 12:
        return ""
    from .forecast import sentence
    own = "".join(sentence(f["name"], f["key"], f) for f in forecasts if f["code"] == region_code)
    return own + at_risk_sentence(region_code, forecasts)


def at_risk_sentence(region_code, forecasts):
    """The units at risk in one sentence, figure by figure, e.g. 完成年度目标的可能性不足50%的：发明专利
    授权量——市中区（预计80件，约0%）、台儿庄区（预计56件，约19%）。 — a city's many districts would
    otherwise each take a sentence of their own and bury the city's."""
    from .forecast import kind_of
    parts = []
    for key in dict.fromkeys(f["key"] for f in forecasts):
        risky = [f for f in forecasts if f["key"] == key and f["code"] != region_code and at_risk(f)]
        if risky:
            u = unit(key) if kind_of(key) != "per_10k" else ""
            names = "、".join(f"{f['name']}（预计{rules.number(_forecast_round(key, f['expected']))}{u}，"
                             f"约{rules.percent(f['probability'], 0)}）" for f in risky)
            parts.append(f"{label(key)}——{names}")
    if not parts:
        return ""
    return f"完成年度目标的可能性不足{rules.percent(AT_RISK_BELOW, 0)}的：" + "；".join(parts) + "。"


def _forecast_round(key, value):
    """A forecast value rounded as stats.forecast.sentence writes it: counts whole, amounts and
    per-10,000 figures to two places."""
    from .forecast import kind_of
    if value is None:
        return None
    return round(value, 2) if kind_of(key) == "per_10k" or unit(key) == "万元" else int(round(value))


def forecast_cells(key, row):
    """The forecast of one unit and figure as display texts: expected (with the 80% interval; in
    December the actual figure, the year being over), interval, probability and what each month
    left must add. Every text is "—" without a forecast (a bulletin built before forecasts existed)."""
    if not row:
        return {"expected": "—", "interval": "—", "probability": "—", "needed": "—", "final": False}
    expected = rules.number(_forecast_round(key, row["expected"]))
    interval = f"{rules.number(_forecast_round(key, row['low80']))}—{rules.number(_forecast_round(key, row['high80']))}"
    final = row.get("months_left", 0) <= 0
    if final:
        probability = "—" if row.get("probability") is None else ("已完成" if row["probability"] >= 1 else "未完成")
        shown = f"{expected}（全年实际）"
    else:
        probability = rules.percent(row.get("probability"), 0)
        shown = f"{expected}（{interval}）"
    return {"expected": shown, "interval": interval, "probability": probability, "final": final,
            "needed": _needed_text(key, row.get("needed_per_month"))}


def _needed_text(key, value):
    """What each month left must add: amounts and per-10,000 figures to two places, counts to one
    (0.3 a month is not "0 a month")."""
    from .forecast import kind_of
    if value is None:
        return "—"
    if kind_of(key) == "per_10k" or unit(key) == "万元":
        return rules.number(round(value, 2))
    value = rules._round(value, 1)
    return rules.number(int(value)) if value.is_integer() else f"{value:,.1f}"


def forecast_note(data):
    """What the forecast columns mean, for a bulletin that has them ("" for one built before)."""
    if not data.get("forecasts"):
        return ""
    if data.get("month") == 12:
        return "注：12月通报的“预计年末”即全年实际数，“完成概率”为是否已完成年度目标。"
    return ("注：“预计年末”为按截至本月的月度数据对年末数的估计（括号内为80%区间），“完成概率”为达到年度目标的"
            "估计概率；均为本局测算，不是统计数据。")


def data_state():
    """What the figures were computed from: the registry signature (stats.facts) and the last change of
    any record (core.audit.data_generation) — a draft compares it with the present (data_changed_since)."""
    from ipdesk.core.audit import data_generation

    from .facts import current_signature
    return {"signature": current_signature(), "generation": data_generation()}


# Audit entries that are no data a bulletin counts: the bulletins themselves, users, sessions, settings.
NOT_FIGURE_DATA = ("stats.bulletin", "accounts.", "core.", "otp_", "django_", "sessions.", "auth.")


def data_changed_since(data):
    """True when the records changed after the bulletin's data was computed; None when unknown (built
    before the data state was stored)."""
    from ipdesk.core.audit import DATA_ACTIONS
    from ipdesk.core.models import AuditEntry
    from django.db.models import Q

    from .facts import current_signature
    state = data.get("data_state")
    if not state:
        return None
    if state.get("signature") != current_signature():
        return True
    later = AuditEntry.objects.filter(pk__gt=state.get("generation") or 0, action__in=DATA_ACTIONS)
    for prefix in NOT_FIGURE_DATA:
        later = later.exclude(Q(object_type__startswith=prefix))
    return later.exists()


def title(region, year, month):
    return f"{region.name}{year}年1—{month}月专利工作情况通报" if month > 1 else f"{region.name}{year}年1月专利工作情况通报"


# ---- Cell formatting shared by every format ---------------------------------------------------
def fmt_value(value):
    return rules.number(value)


HEADERS = ["区划", "数值", "年度目标", "完成率", "同比", "排名", "预计年末（80%区间）", "完成概率"]


def _forecast_of(section, r):
    """The stored forecast of a table line (None: no target, or a bulletin built before forecasts)."""
    return (section.get("forecast") or {}).get(r.get("code"))


def table_rows(section):
    rows = []
    for r in section["rows"] + [dict(section["city"], name=f"{section['city']['name']}（合计）", rank=None)]:
        f = forecast_cells(section["key"], _forecast_of(section, r))
        rows.append([r["name"], fmt_value(r["value"]), fmt_value(r["target"]) if r["target"] is not None else "—",
                     rules.percent(r["completion"]), rules.percent(r["yoy"]) if r["yoy"] is not None else "—",
                     str(r["rank"]) if r.get("rank") else "—", f["expected"], f["probability"]])
    return rows


# ---- XLSX ----------------------------------------------------------------------------------------
# Numbers go into the workbook as numbers with a display format, so Excel can sum, sort and chart them;
# only text cells pass through the formula guard (a number cannot be a formula, and "'-24.4%" was text).
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.00"          # per-10,000 figures and any non-integral value
PERCENT_FORMAT = "0.0%"          # completion and YoY, stored as fractions (1.25 shows 125.0%)


def _xlsx_number(value, per_10k):
    """(cell value, number format) for a figure; None stays the dash the other formats show."""
    if value is None:
        return "—", None
    if per_10k or not float(value).is_integer():
        return float(value), DECIMAL_FORMAT
    return int(value), COUNT_FORMAT


def _xlsx_percent(fraction):
    """The fraction rounded as rules.percent rounds it, so the cell shows exactly what the DOCX and PDF show."""
    if fraction is None:
        return "—", None
    return rules._round(fraction * 100, 1) / 100, PERCENT_FORMAT


# The workbook gives the forecast's interval its own two number columns (the other formats write it
# in brackets after the expected value).
XLSX_HEADERS = HEADERS[:6] + ["预计年末", "80%区间下限", "80%区间上限", "完成概率"]
PROBABILITY_FORMAT = "0%"


def _xlsx_forecast(section, row):
    """The forecast cells of a line: expected, low, high (rounded as the other formats show them) and
    the probability (whole percent, as the other formats show it); dashes without a forecast."""
    per_10k = section["key"].endswith("_per_10k")
    if not row:
        return [("—", None)] * 4
    numbers = [_xlsx_number(_forecast_round(section["key"], row[k]), per_10k) for k in ("expected", "low80", "high80")]
    p = row.get("probability")
    return numbers + [("—", None) if p is None else (rules._round(p * 100, 0) / 100, PROBABILITY_FORMAT)]


def xlsx_rows(section):
    """table_rows for the workbook: each cell a (value, number format or None) pair."""
    per_10k = section["key"].endswith("_per_10k")
    rows = []
    for r in section["rows"] + [dict(section["city"], name=f"{section['city']['name']}（合计）", rank=None)]:
        rows.append([(r["name"], None), _xlsx_number(r["value"], per_10k), _xlsx_number(r["target"], per_10k),
                     _xlsx_percent(r["completion"]), _xlsx_percent(r["yoy"]),
                     (int(r["rank"]), "0") if r.get("rank") else ("—", None),
                     *_xlsx_forecast(section, _forecast_of(section, r))])
    return rows


def to_xlsx(bulletin_title, data):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ipdesk.core.exports import neutralize
    wb = Workbook()
    ws = wb.active
    ws.title = "专利通报"
    bold = Font(name=FONT, bold=True, size=14)
    ws.append([bulletin_title])
    ws["A1"].font = bold
    ws.append([f"统计期间：{data['from']} 至 {data['as_of']}"])
    ws.append([neutralize(data["summary"])])
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(XLSX_HEADERS))
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[3].height = 120
    for section in data["sections"]:
        ws.append([])
        ws.append([f"{section['label']}（{section['unit'] or '—'}）"])
        ws.cell(ws.max_row, 1).font = Font(name=FONT, bold=True, size=12)
        ws.append(XLSX_HEADERS)
        for cell in ws[ws.max_row]:
            cell.font = Font(name=FONT, bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in xlsx_rows(section):
            ws.append([neutralize(v) for v, _ in row])
            for cell, (_, number_format) in zip(ws[ws.max_row], row):
                if number_format:
                    cell.number_format = number_format
    if forecast_note(data):
        ws.append([])
        ws.append([forecast_note(data)])
    trend = data.get("trend") or {}
    if trend.get("months"):
        ws2 = wb.create_sheet("月度趋势")
        y0, y1 = trend["years"]
        ws2.append(["月份", f"{y0}年发明授权", f"{y1}年发明授权", f"{y0}年有效发明", f"{y1}年有效发明"])
        for i, m in enumerate(trend["months"]):
            ws2.append([m, trend[f"grants_{y0}"][i], trend[f"grants_{y1}"][i], trend[f"valid_{y0}"][i],
                        trend[f"valid_{y1}"][i]])
            for cell in ws2[ws2.max_row][1:]:
                cell.number_format = COUNT_FORMAT
        from openpyxl.chart import BarChart, Reference
        chart = BarChart()
        chart.title = "发明专利授权量（按月）"
        chart.add_data(Reference(ws2, min_col=2, max_col=3, min_row=1, max_row=len(trend["months"]) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws2, min_col=1, min_row=2, max_row=len(trend["months"]) + 1))
        ws2.add_chart(chart, "G2")
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.font is None or cell.font.name != FONT:
                    cell.font = Font(name=FONT, bold=cell.font.bold if cell.font else False,
                                     size=cell.font.size if cell.font else 11)
        sheet.column_dimensions["A"].width = 22
        for col in "BCDEFGHIJ":
            sheet.column_dimensions[col].width = 14
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---- DOCX ----------------------------------------------------------------------------------------
def to_docx(bulletin_title, data):
    """The official-document layout (GB/T 9704-2012 page, 期号, charts) lives in stats.bulletin_docx."""
    from .bulletin_docx import to_docx as render_docx
    return render_docx(bulletin_title, data)


def _cn_number(n):
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else f"十{digits[n - 10]}" if n < 20 else str(n)


# ---- PDF (WeasyPrint, with SVG charts) ----------------------------------------------------------------
def bar_chart_svg(categories, series, width=640, height=220):
    """A small grouped bar chart as SVG: [(name, values, colour)] over categories. Names and
    categories are user data (region names), so every text is escaped before it enters the markup;
    the result is marked safe here, where that is known, not in the template."""
    top = max([max(v) if v else 0 for _, v, _ in series] + [1])
    left, bottom, chart_h = 40, 30, height - 50
    group_w = (width - left - 10) / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="{FONT}" font-size="10">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#999"/>']
    for i, cat in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        for j, (_, values, colour) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = chart_h * v / top
            x = x0 + j * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                         f'fill="{escape(colour)}"/>')
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom - h - 2:.1f}" text-anchor="middle" '
                         f'font-size="8">{float(v):g}</text>')
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                     f'{escape(cat)}</text>')
    for j, (name, _, colour) in enumerate(series):
        parts.append(f'<rect x="{left + j * 110}" y="4" width="10" height="10" fill="{escape(colour)}"/>'
                     f'<text x="{left + j * 110 + 14}" y="13">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped, or a number


def charts(data):
    """SVG charts for the PDF: the first figure by unit, and the monthly grants against last year."""
    out = []
    if data["sections"]:
        s = data["sections"][0]
        out.append((f"{s['label']}（按区（市））", bar_chart_svg(
            [r["name"] for r in s["rows"]], [(s["label"], [float(r["value"] or 0) for r in s["rows"]], "#2f6fb3")])))
    trend = data.get("trend") or {}
    if trend.get("months"):
        y0, y1 = trend["years"]
        out.append(("发明专利授权量（按月）", bar_chart_svg(
            trend["months"], [(f"{y0}年", trend[f"grants_{y0}"], "#2f6fb3"), (f"{y1}年", trend[f"grants_{y1}"], "#c0c6cc")])))
    return out


def to_pdf(bulletin_title, data):
    """Rendered by core.pdf, which lets WeasyPrint fetch nothing but the project's static files."""
    from django.template.loader import render_to_string

    from ipdesk.core.pdf import render_pdf
    html = render_to_string("stats/bulletin_pdf.html", {
        "title": bulletin_title, "data": data, "font": FONT, "headers": HEADERS, "charts": charts(data),
        "tables": [(s, table_rows(s)) for s in data["sections"]], "forecast_note": forecast_note(data)})
    return render_pdf(html)
