"""Pages of stats: the leader dashboard, the indicator query, drill-down to records, bulletins, targets.

Views ask stats.indicators / stats.bulletin for answers; they compute nothing themselves. Regions
are checked against the user's data scope (a district officer reaches only its own district and
below; anything else is 404), and every list of records starts from `restrict(user)`.
"""
import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import TemplateView

from ipdesk.core import audit
from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.core.import_views import ImportView
from ipdesk.core.models import AuditAction
from ipdesk.core.pagination import DeferredJoinPaginator
from ipdesk.core.scoping import Role, STAFF_ROLES
from ipdesk.core.views import ObjectDetailView, ObjectListView, scoped_object_or_404
from ipdesk.core.workflow import TransitionView, workflow_for

from . import bulletin as render_bulletin
from . import facts
from . import indicators as ind
from . import rules
from .actions import prepare_bulletin
from .filters import BulletinFilter
from .forms import PrepareBulletinForm, PublishForm
from .imports import TargetImport
from .models import Bulletin, FactState, Target
from .tables import BulletinTable

# The dashboard's cards are the bulletin's figures (indicators.BULLETIN_KEYS); its ranking, these.
RANKING_KEYS = ["invention_grants", "valid_invention_patents", "valid_invention_per_10k",
                "high_value_invention_patents", "pct_applications"]


class StaffMixin(LoginRequiredMixin):
    """Figures are for officers and leaders; other roles get 404 (the page does not exist for them)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*STAFF_ROLES):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def region_for(user, code=None):
    """The region asked for, if the user may see its figures; default: the user's own region or the city."""
    from ipdesk.regions.models import Region
    from ipdesk.regions.setup import city_region
    own = user.region if user.role == Role.DISTRICT_OFFICER and not user.is_superuser else None
    if not code:
        return own or city_region()
    region = Region.objects.filter(code=code).first()
    if region is None or (own is not None and not region.path.startswith(own.path)):
        raise Http404
    return region


# The first day of the Patent Law of the PRC (专利法, in force 1985-04-01): no figure counts anything before it.
EARLIEST_DATE = dt.date(1985, 4, 1)
# How far ahead a period may end (targets are set some years ahead); beyond it a year minus one for the
# same period of the previous year, or a year plus ten for a trend, would leave the calendar.
FUTURE_YEARS = 10


def latest_supported_date():
    return dt.date(dt.date.today().year + FUTURE_YEARS, 12, 31)


def default_as_of(today=None):
    """The one default period end of the statistics pages — dashboard, indicator query and the bulletin
    prepare form — so they show the same period: the end of the latest month with data
    (indicators.latest_data_date), but never a month still running (a bulletin and a forecast take
    their month as complete)."""
    today = today or dt.date.today()
    last_complete = today.replace(day=1) - dt.timedelta(days=1)
    return min(ind.latest_data_date(), last_complete)


def data_stops_note(as_of):
    """A note when the records stop before the end of the chosen period ("" otherwise): figures after
    the last month with data are not zero, they are not in yet."""
    latest = ind.latest_data_date()
    if as_of <= latest:
        return ""
    return _("现有数据截至%(y)d年%(m)d月，所选期间截至%(as_of)s：其后的数字尚未录入，相关指标可能偏低。") % {
        "y": latest.year, "m": latest.month, "as_of": as_of.isoformat()}


PARAM_LABELS = {"as_of": _lazy("截止日期"), "from": _lazy("起始日期"), "to": _lazy("截止日期")}  # not the query names


def date_param(request, name, default=None):
    """A date of the query, within the period figures can describe; anything else is a _BadParam
    whose message says what is wrong (the views show it instead of failing on year 0 or 10000)."""
    value, label = request.GET.get(name), PARAM_LABELS.get(name, name)
    try:
        date = parse_iso_date(value, field=label)
    except InvalidDate as exc:
        raise _BadParam(str(exc)) from None
    if date is None:
        return default
    latest = latest_supported_date()
    if not EARLIEST_DATE <= date <= latest:
        raise _BadParam(_("%(name)s 日期超出支持范围：%(value)s（应在 %(first)s 至 %(last)s 之间；"
                          "专利法自 1985-04-01 起施行）")
                        % {"name": label, "value": value, "first": EARLIEST_DATE.isoformat(),
                           "last": latest.isoformat()})
    return date


class _BadParam(Exception):
    pass


# Figures whose records are those of another figure (a ratio over the same patents).
DRILL_AS = {"valid_invention_per_10k": "valid_invention_patents", "high_value_per_10k": "high_value_invention_patents"}
# Other modules' figures: their own list pages, filtered by region and year.
DRILL_ELSEWHERE = {"pledged_patents": "finance:pledge_list", "pledge_amount_10k_yuan": "finance:pledge_list",
                   "pledge_enterprises_over_10m": "finance:pledge_list",
                   "pct_applications": "registry:pctapplication_list"}  # PCT international applications


def drill_url(figure, region, start, end):
    """Where the records behind a figure are listed, or None."""
    figure = DRILL_AS.get(figure, figure)
    if figure in DRILL_ELSEWHERE:
        try:
            return reverse(DRILL_ELSEWHERE[figure]) + "?" + urlencode({"region": region.code, "year": end.year})
        except NoReverseMatch:
            return None
    if figure not in ind.DRILLABLE:
        return None
    return reverse("stats:records") + "?" + urlencode({"figure": figure, "region": region.code,
                                                      "from": start.isoformat(), "to": end.isoformat()})


class DashboardView(StaffMixin, TemplateView):
    """领导驾驶舱: key figures with YoY, yearly and monthly trends, the district ranking, drill-downs."""
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = region_for(self.request.user, self.request.GET.get("region"))
        try:
            as_of = date_param(self.request, "as_of") or default_as_of()
        except _BadParam as exc:
            ctx["error"] = str(exc)
            as_of = default_as_of()
        start = dt.date(as_of.year, 1, 1)
        units = render_bulletin.children(region)
        data = dashboard_data(region, units, as_of)
        values = data["values"]
        mine = values[region.pk]
        cards = [{"key": k, "label": ind.label(k), "unit": ind.unit(k), "value": mine.get(k),
                  "yoy": mine.get(f"{k}_yoy"), "url": drill_url(k, region, start, as_of)}
                 for k in ind.BULLETIN_KEYS if k in mine]
        ranking = []
        for key in RANKING_KEYS:
            ranks = rules.rank({u.pk: values[u.pk].get(key) for u in units})
            ranking.append({"key": key, "label": ind.label(key), "rows": [
                {"name": u.name, "code": u.code, "value": values[u.pk].get(key), "yoy": values[u.pk].get(f"{key}_yoy"),
                 "rank": ranks[u.pk], "url": drill_url(key, u, start, as_of)} for u in units]})
        period = forecast_period(as_of)
        forecasts = dashboard_forecasts(region, units, *period) if period else []
        ctx.update(region=region, as_of=as_of, start=start, cards=cards, ranking=ranking,
                   trend_month=data["trend_month"], trend_year=data["trend_year"], units=units,
                   forecasts=forecast_table(forecasts), forecast_period=period, data_note=data_stops_note(as_of),
                   facts_check=facts_check_notice(self.request.user))
        return ctx


def facts_check_notice(user):
    """The last nightly facts check (stats.facts.record_check) when it found differences, for the city
    officers who repair them with `ipdesk rebuild_facts` (issue 17 item 3); None for everyone else, when it
    found none, or when the facts were rebuilt after it (the repair)."""
    if not user.has_role(Role.CITY_OFFICER):
        return None
    state = FactState.objects.only("checked_at", "check_differences", "rebuilt_at").first()
    if state is None or not state.check_differences or state.checked_at is None:
        return None
    return None if state.rebuilt_at and state.rebuilt_at > state.checked_at else state


def forecast_period(as_of):
    """(year, month) of the last complete month at `as_of` — a forecast takes its month as complete —
    or None when no month of the year is complete yet."""
    if (as_of + dt.timedelta(days=1)).day == 1:
        return as_of.year, as_of.month
    return (as_of.year, as_of.month - 1) if as_of.month > 1 else None


def dashboard_forecasts(region, units, year, month):
    """stats.forecast.target_forecasts for the dashboard, computed only when a target is set for the
    year, and once per state of the data (the key of dashboard_data): a forecast reads five years of
    monthly figures, which the leaders opening the page in between should not each recompute."""
    if not Target.objects.filter(year=year, region__in=[region, *units]).exists():
        return []
    state = f"{audit.data_generation()}|{facts.current_signature()}|{region.pk}|{year}-{month}"
    key = "stats:forecasts:" + hashlib.sha256(state.encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = render_bulletin.year_end_forecasts(region, year, month)
        cache.set(key, rows, DASHBOARD_TTL)
    return rows


def forecast_table(rows):
    """The dashboard's 年度目标完成预测 rows: the stored numbers with their display texts, at-risk marked."""
    out = []
    for row in rows:
        cells = render_bulletin.forecast_cells(row["key"], row)
        out.append({**row, **{f"{k}_text": v for k, v in cells.items()}, "label": ind.label(row["key"]),
                    "unit": ind.unit(row["key"]), "at_risk": render_bulletin.at_risk(row)})
    return out


DASHBOARD_TTL = 600


def dashboard_data(region, units, as_of):
    """The dashboard's numbers, computed once per state of the data: the cache key carries the registry
    signature and the last change of any record (core.audit.data_generation), so a new pledge, policy or
    patent retires it at once, in every process; the leaders who open the page in between share one
    computation instead of each running some 120 aggregates."""
    state = f"{audit.data_generation()}|{facts.current_signature()}|{region.pk}|{as_of.isoformat()}"
    key = "stats:dashboard:" + hashlib.sha256(state.encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        tree = ind._Tree()   # one: the stock at as_of, read for the figures, is the last point of the yearly trend
        data = {"values": ind.figures_many([region] + units, as_of, keys=set(ind.BULLETIN_KEYS + RANKING_KEYS),
                                           tree=tree),
                "trend_month": render_bulletin.monthly_trend(region, as_of.year, as_of.month, tree),
                "trend_year": render_bulletin.yearly_trend(region, as_of, tree=tree)}
        cache.set(key, data, DASHBOARD_TTL)
    return data


class IndicatorsView(StaffMixin, TemplateView):
    """指标查询: every figure of a region for a period, with YoY and a link to the records behind it."""
    template_name = "stats/indicators.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = region_for(self.request.user, self.request.GET.get("region"))
        try:
            as_of = date_param(self.request, "as_of") or default_as_of()
            start = date_param(self.request, "from") or dt.date(as_of.year, 1, 1)
            if start > as_of:
                raise _BadParam(_("统计起始日期不能晚于截止日期"))
        except _BadParam as exc:
            ctx.update(error=str(exc), region=region, regions=self.regions())
            return ctx
        values = ind.figures(region, as_of, start)
        rows = [{"key": k, "label": ind.label(k), "unit": ind.unit(k), "value": v, "yoy": values.get(f"{k}_yoy"),
                 "url": drill_url(k, region, start, as_of)}
                for k, v in values.items() if ind.is_number(v) and not k.endswith("_yoy") and k != "population"]
        ctx.update(region=region, as_of=as_of, start=start, rows=rows, regions=self.regions(),
                   data_note=data_stops_note(as_of))
        return ctx

    def regions(self):
        from ipdesk.regions.models import Region
        # the user's own region (the city, or a district officer's district) and everything below it
        return Region.objects.filter(path__startswith=region_for(self.request.user).path).order_by("path")


class RecordsView(StaffMixin, TemplateView):
    """The records behind a figure: the patents it counts, within the user's data scope."""
    template_name = "stats/records.html"
    per_page = 50

    def get(self, request, *args, **kwargs):
        from ipdesk.registry.models import Patent
        figure = request.GET.get("figure", "")
        region = region_for(request.user, request.GET.get("region"))
        try:
            end = date_param(request, "to") or ind.latest_data_date()
            start = date_param(request, "from") or dt.date(end.year, 1, 1)
        except _BadParam as exc:
            return render(request, self.template_name, {"error": str(exc)}, status=400)
        ids = ind.records_behind(figure, region, start, end)
        if ids is None:
            return render(request, self.template_name, {"error": _("该指标不支持查看明细：%s") % figure}, status=400)
        qs = Patent.objects.restrict(request.user).filter(pk__in=ids).select_related("region").order_by("application_no")
        if request.GET.get("export") == "xlsx":
            from ipdesk.core.exports import Column, export_response
            return export_response(qs, [Column("申请号", "application_no"), Column("名称", "title"),
                                        Column("专利类型", lambda p: p.get_patent_type_display()),
                                        Column("第一权利人", "holder_name"), Column("行政区划代码", "region.code"),
                                        Column("申请日", "filing_date"), Column("授权公告日", "grant_date"),
                                        Column("法律状态", lambda p: p.get_legal_status_display())],
                                   "xlsx", f"{ind.label(figure)}明细", user=request.user)
        # Django's get_page: a page that is not a number is the first, one past the end (or below 1) the
        # last, so no page number reaches the database as an OFFSET it cannot hold
        paginator = DeferredJoinPaginator(qs, self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        total, page, rows = paginator.count, page_obj.number, list(page_obj.object_list)
        registry_url = None
        try:
            registry_url = reverse("registry:patent_list") + "?" + urlencode(registry_params(figure, region, start, end))
        except NoReverseMatch:
            pass
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, self.template_name, {
            "figure": figure, "figure_label": ind.label(figure), "region": region, "start": start, "end": end,
            "rows": rows, "total": total, "page": page, "pages": paginator.num_pages,
            "query": query.urlencode(), "registry_url": registry_url})


def registry_params(figure, region, start, end):
    """About the same selection as query parameters of the registry's patent list (registry.filters.
    PatentFilter). Its `region` is the holder's region today, so after transfers the exact list is
    this app's records page; the registry list is offered for browsing and editing."""
    params = {"region": region.code, "is_domestic": "true"}
    kind = figure.split("_")[0]
    if kind in ("invention", "utility", "design"):
        params["patent_type"] = kind
    if figure.endswith("_grants"):
        params.update(granted_from=start.isoformat(), granted_to=end.isoformat())
    elif figure.endswith("_applications"):
        params.update(filed_from=start.isoformat(), filed_to=end.isoformat())
    else:
        params.update(patent_type="invention", legal_status="valid", granted_to=end.isoformat())
    return params


# ---- Bulletins ---------------------------------------------------------------------------------------
class BulletinListView(StaffMixin, ObjectListView):
    model = Bulletin
    table_class = BulletinTable
    filterset_class = BulletinFilter
    template_name = "stats/bulletin_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_prepare"] = self.request.user.has_role(Role.CITY_OFFICER)
        if ctx["can_prepare"]:
            as_of = default_as_of()
            ctx["prepare_form"] = PrepareBulletinForm(initial={"year": as_of.year, "month": as_of.month})
            latest = ind.latest_data_date()
            ctx["data_until"] = _("现有数据截至%(y)d年%(m)d月。") % {"y": latest.year, "m": latest.month}
        return ctx


class BulletinDetailView(StaffMixin, ObjectDetailView):
    model = Bulletin
    template_name = "stats/bulletin_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        b = self.object
        ctx["tables"] = [(s, render_bulletin.table_rows(s)) for s in b.data.get("sections", [])]
        ctx["headers"] = render_bulletin.HEADERS
        ctx["forecast_note"] = render_bulletin.forecast_note(b.data)
        if not b.is_published:      # a published bulletin is what was issued; only a draft may be recomputed
            ctx["data_changed"] = render_bulletin.data_changed_since(b.data)
            ctx["data_note"] = data_stops_note(b.as_of)
        steps = {t.name for t in workflow_for(b).available(b, self.request.user)}
        ctx["can_publish"] = "publish" in steps
        ctx["publish_form"] = PublishForm(initial={"summary": b.summary})
        ctx["events"] = b.events.select_related("user")
        return ctx


class BulletinDownloadView(StaffMixin, View):
    FORMATS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_bulletin.to_xlsx),
               "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", render_bulletin.to_docx),
               "pdf": ("application/pdf", render_bulletin.to_pdf)}

    def get(self, request, pk, fmt):
        bulletin = scoped_object_or_404(Bulletin, request.user, pk)
        if fmt not in self.FORMATS:
            raise Http404
        content_type, func = self.FORMATS[fmt]
        content = func(bulletin.title, {**bulletin.data, "summary": bulletin.summary})
        audit.record(AuditAction.EXPORT, bulletin, after={"format": fmt})
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, f"{bulletin.title}.{fmt}")
        return response


class CityOfficerPost(StaffMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(Role.CITY_OFFICER):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class BulletinPrepareView(CityOfficerPost):
    def post(self, request):
        form = PrepareBulletinForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写正确的年度和月份（月份1—12）。"))
            return redirect("stats:bulletin_list")
        try:
            bulletin = prepare_bulletin(region_for(request.user, request.POST.get("region")), form.cleaned_data["year"],
                                        form.cleaned_data["month"], request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("stats:bulletin_list")
        messages.success(request, _("通报草稿已生成。"))
        return redirect(bulletin)


class BulletinRefreshView(CityOfficerPost, TransitionView):
    """按最新数据重新计算 a draft: the bulletin workflow's `refresh` step (stats.workflows)."""
    model = Bulletin

    def post(self, request, pk):
        return super().post(request, pk, "refresh")


class BulletinPublishView(CityOfficerPost, TransitionView):
    """发布 a draft: the bulletin workflow's `publish` step (stats.workflows)."""
    model = Bulletin

    def post(self, request, pk):
        return super().post(request, pk, "publish")


# ---- Targets import ------------------------------------------------------------------------------------
class TargetImportView(ImportView):
    """考核指标分解 from a file: the import page every record type shares, for stats.imports.TargetImport
    (all rows or none, each bad row named with line and column, dry run, audit); city officers only."""
    kind = TargetImport.name
