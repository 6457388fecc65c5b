"""The bulletin (专利通报) as DOCX, laid out as an official bulletin through core.gongwen (GB/T 9704-2012 page,
margins and faces): a 简报-style 版头 — the red mark 专利工作通报, the 期号 (2026年第3期), the issuing office and
the date over a red rule —, the title, the summary, one table per figure (stats.bulletin.HEADERS /
table_rows, the same cells as the page, the XLSX and the PDF) and the charts as PNG pictures.

期号: numbered per year of publication in the order the region's bulletins were published (published_at,
then id). A published bulletin never changes and is never deleted, so its number, computed here from that
order, never changes either; a draft has no number yet and says so. (The 简报 layout with mark, 期号 and
a line of office and date is the office convention for 情况通报 and 简报; GB/T 9704-2012 itself covers
the 发文字号 of 公文 — 待核对 against the office's own 简报 style sheet.)

Charts: the PDF draws SVG (stats.bulletin.charts); Word needs pictures, so the same two charts are drawn
with matplotlib (Agg canvas, no pyplot state) in Noto Sans CJK SC. Region names are user data: they are
drawn as plain text with mathtext parsing off (text.parse_math), so "$x$" stays "$x$".
"""
import datetime as dt
import io
import os

from django.utils import timezone

from ipdesk.core import gongwen
from ipdesk.core.dates import InvalidDate, parse_iso_date

from . import bulletin as render

CHART_FONT = "Noto Sans CJK SC"
BLUE, GREY = "#2f6fb3", "#c0c6cc"


# ---- 期号 -----------------------------------------------------------------------------------------
def bulletin_for(data):
    """The Bulletin row the data belongs to (region code, year, month are stored in every bulletin's data)."""
    from .models import Bulletin
    if not data.get("region") or not data.get("year") or not data.get("month"):
        return None
    return Bulletin.objects.filter(region__code=data["region"], year=data["year"], month=data["month"]).first()


def issue_number(bulletin):
    """(year, n) of a published bulletin: the n-th of its region published in that (local) year; None for a draft."""
    from .models import Bulletin, BulletinStatus
    if bulletin is None or not bulletin.is_published or bulletin.published_at is None:
        return None
    year = timezone.localtime(bulletin.published_at).year
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    earlier = Bulletin.objects.filter(region_id=bulletin.region_id, status=BulletinStatus.PUBLISHED,
                                      published_at__gte=start, published_at__lte=bulletin.published_at)
    n = earlier.filter(published_at__lt=bulletin.published_at).count() + \
        earlier.filter(published_at=bulletin.published_at, pk__lte=bulletin.pk).count()
    return year, n


def issue_text(bulletin):
    number = issue_number(bulletin)
    return f"{number[0]}年第{number[1]}期" if number else "（草稿，发布时编定期号）"


# ---- Charts as PNG -------------------------------------------------------------------------------------
def _matplotlib():
    """matplotlib with its cache under the var directory (the service user's home may not be writable)."""
    if "MPLCONFIGDIR" not in os.environ:
        from django.conf import settings
        path = os.path.join(str(settings.VAR_DIR), "matplotlib")
        os.makedirs(path, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = path
    import matplotlib
    return matplotlib


def bar_chart_png(categories, series, title="", width_mm=156, height_mm=70, dpi=200):
    """A grouped bar chart, [(name, values, colour)] over categories, as PNG bytes. Every text is user data
    or a label and is drawn literally: mathtext is off, and Agg has no other markup."""
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [CHART_FONT, "DejaVu Sans"],
                                "text.parse_math": False, "text.usetex": False, "axes.unicode_minus": False,
                                "font.size": 8}):
        fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        n = max(1, len(series))
        width = 0.8 / n
        xs = range(len(categories))
        for j, (name, values, colour) in enumerate(series):
            values = [float(v or 0) for v in values] + [0.0] * (len(categories) - len(values))
            bars = ax.bar([x - 0.4 + width * (j + 0.5) for x in xs], values, width * 0.95, label=str(name),
                          color=colour)
            ax.bar_label(bars, labels=[f"{v:g}" for v in values], fontsize=6, padding=1)
        crowded = sum(len(str(c)) for c in categories) > 40
        ax.set_xticks(list(xs), [str(c) for c in categories], rotation=30 if crowded else 0,
                      ha="right" if crowded else "center")
        if title:
            ax.set_title(str(title), fontsize=9, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(y=0.12)
        if len(series) > 1:
            ax.legend(frameon=False, fontsize=7, ncols=len(series), loc="lower right", bbox_to_anchor=(1, 1))
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def chart_pngs(data):
    """The charts of stats.bulletin.charts (same series), as (caption, PNG) pairs: the first figure by
    unit, keyed by section index 0, and the monthly invention grants against last year, keyed "trend".
    The caption goes under the picture in the document (图1 …), not into the image."""
    out = {}
    if data.get("sections"):
        s = data["sections"][0]
        caption = f"{s['label']}（按区（市））"
        out[0] = (caption, bar_chart_png([r["name"] for r in s["rows"]],
                                         [(s["label"], [r["value"] for r in s["rows"]], BLUE)]))
    trend = data.get("trend") or {}
    if trend.get("months"):
        y0, y1 = trend["years"]
        caption = "发明专利授权量（按月）"
        out["trend"] = (caption, bar_chart_png(trend["months"], [(f"{y0}年", trend[f"grants_{y0}"], BLUE),
                                                                (f"{y1}年", trend[f"grants_{y1}"], GREY)]))
    return out


# ---- The document -----------------------------------------------------------------------------------
def _widths(headers):
    """Column widths (mm) across the 版心: names, percentages and the forecast interval get the room their
    text needs at 小四 (a "108.0%" or "-28.8%" on one line), the rank less."""
    def weight(i, h):
        return 1.5 if i == 0 else 2.6 if "预计" in h else 0.7 if h == "排名" else 1.3 if h in ("完成率", "同比") else 1.0
    weights = [weight(i, h) for i, h in enumerate(headers)]
    return [gongwen.TEXT_MM[0] * w / sum(weights) for w in weights]


def _cn_iso(value):
    """2022-01-01 → 2022年1月1日 (the stored data keeps ISO dates)."""
    try:
        day = parse_iso_date(value)
    except InvalidDate:
        return str(value)
    return gongwen.cn_date(day) if day else ""


def to_docx(bulletin_title, data, bulletin=None):
    """DOCX bytes of the bulletin; `bulletin` (found from the data when not given) supplies the 期号 and date."""
    bulletin = bulletin if bulletin is not None else bulletin_for(data)
    office = gongwen.office_name()
    if bulletin is not None and bulletin.is_published and bulletin.published_at:
        issued_on = timezone.localtime(bulletin.published_at).date()
    else:
        issued_on = timezone.localdate()
    doc = gongwen.OfficialDocument()
    doc.masthead("专利工作通报", issue=issue_text(bulletin), left=office, right=gongwen.cn_date(issued_on))
    doc.title(bulletin_title)
    doc.subtitle(f"（统计期间：{_cn_iso(data.get('from'))}至{_cn_iso(data.get('as_of'))}）")
    for text in str(data.get("summary") or "").splitlines():
        if text.strip():
            doc.paragraph(text.strip())
    charts = chart_pngs(data)
    small = gongwen.SIZE["五号"] if len(render.HEADERS) > 6 else gongwen.SIZE["小四"]
    sections = data.get("sections") or []
    figures = 0
    for n, section in enumerate(sections, start=1):
        doc.heading1(f"{render._cn_number(n)}、{section['label']}（{section['unit'] or '—'}）")
        doc.table(render.HEADERS, render.table_rows(section), size=small, widths_mm=_widths(render.HEADERS))
        if n - 1 in charts:
            figures += 1
            doc.picture(charts[n - 1][1])
            doc.caption(f"图{figures}　{charts[n - 1][0]}")
    note = render.forecast_note(data) if hasattr(render, "forecast_note") else ""
    if note:
        doc.paragraph(note, east_asia=gongwen.KAITI)
    trend = data.get("trend") or {}
    if trend.get("months"):
        y0, y1 = trend["years"]
        doc.heading1(f"{render._cn_number(len(sections) + 1)}、月度趋势（发明专利）")
        headers = ["月份", f"{y0}年授权", f"{y1}年授权", f"{y0}年有效量", f"{y1}年有效量"]
        doc.table(headers, [[m, trend[f"grants_{y0}"][i], trend[f"grants_{y1}"][i], trend[f"valid_{y0}"][i],
                             trend[f"valid_{y1}"][i]] for i, m in enumerate(trend["months"])],
                  size=gongwen.SIZE["小四"])
        if "trend" in charts:
            figures += 1
            doc.picture(charts["trend"][1])
            doc.caption(f"图{figures}　{charts['trend'][0]}")
    doc.imprint(office, issued_on)
    return doc.to_bytes()
