"""Pages of financing, insurance, projects, standards, awards and training.

Everything starts from `Model.objects.restrict(user, action)` through core.views; the state changes
(release a pledge, approve / reject / pay a subsidy) are core.workflow's one action view (see urls.py).
"""
import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _, gettext_noop as N_
from django.views.generic import TemplateView

from ipdesk.core.exports import Column
from ipdesk.core.scoping import STAFF_ROLES, VIEW
from ipdesk.core.views import (INTERNAL_FIELDS, ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView,
                               ScopedMixin)
from ipdesk.regions.models import Region

from . import actions, rules
from .choices import SubsidyStatus
from .filters import InsurancePolicyFilter, InterestSubsidyApplicationFilter, PledgeFilter
from .forms import (InsurancePolicyForm, InterestSubsidyApplicationForm, PledgeEditForm, PledgeForm,
                    ProjectMilestoneForm)
from .indicators import finance_figures, finance_indicators
from .models import FundedProject, InsurancePolicy, InterestSubsidyApplication, Pledge, ProjectMilestone
from .tables import InsurancePolicyTable, InterestSubsidyApplicationTable, PledgeTable

def _shown_fields(model, hidden=("working",)):
    """Every field of the record page except the working, which has its own table."""
    return [f.name for f in model._meta.concrete_fields if f.name not in INTERNAL_FIELDS and f.name not in hidden]


class _WithUser:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.user = self.request.user
        return form


def _numbers(obj):
    return "；".join(obj.patents.values_list("application_no", flat=True))


# Headers are the ones finance/imports.py accepts, so an exported file imports back unchanged.
PLEDGE_COLUMNS = [
    Column("登记号", "registration_no"), Column("出质人", "pledgor.name"), Column("统一社会信用代码", "pledgor.uscc"),
    Column("质权人", "pledgee.label"), Column("质押金额（万元）", "amount_10k_yuan"),
    Column("登记日", "registration_date"), Column("债务起始日", "start_date"), Column("债务到期日", "end_date"),
    Column("专利申请号", _numbers), Column("状态", "get_status_display"), Column("解除日", "released_on"),
]
POLICY_COLUMNS = [
    Column("保单号", "policy_no"), Column("保险机构", "insurer.label"), Column("投保企业", "enterprise.name"),
    Column("统一社会信用代码", "enterprise.uscc"), Column("险种", "get_insurance_type_display"),
    Column("保费（元）", "premium_yuan"), Column("保险金额（元）", "cover_yuan"), Column("保险起期", "start_date"),
    Column("保险止期", "end_date"), Column("专利申请号", _numbers), Column("保费补贴（元）", "subsidy_yuan"),
]
APPLICATION_COLUMNS = [
    Column("申请企业", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"), Column("年度", "year"),
    Column("贷款银行", "bank.label"), Column("贷款金额（万元）", "loan_amount_10k_yuan"),
    Column("贷款起始日", "loan_start"), Column("贷款到期日", "loan_end"), Column("实付利息（元）", "interest_paid_yuan"),
    Column("核定贴息（元）", "subsidy_yuan"), Column("状态", "get_status_display"),
]


# ---- Pledges -------------------------------------------------------------------------------
class PledgeListView(ObjectListView):
    model = Pledge
    table_class = PledgeTable
    filterset_class = PledgeFilter
    export_columns = PLEDGE_COLUMNS
    create_url = "finance:pledge_add"
    import_url = "finance:pledge_import"

    def get_queryset(self):
        from django.db.models import Count
        # A GROUP BY query ignores Meta.ordering: order explicitly so pages are stable.
        return (super().get_queryset().select_related("pledgor", "pledgee").annotate(patent_count=Count("patents"))
                .order_by("-registration_date", "registration_no"))


class PledgeDetailView(ObjectDetailView):
    model = Pledge
    template_name = "finance/pledge_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["patents"] = self.object.patents.order_by("application_no")
        ctx["events"] = self.object.events.select_related("user")
        return ctx


class PledgeCreateView(_WithUser, ObjectCreateView):
    model = Pledge
    form_class = PledgeForm


class PledgeUpdateView(ObjectUpdateView):
    model = Pledge
    form_class = PledgeEditForm


# ---- Interest subsidies --------------------------------------------------------------------
class ApplicationListView(ObjectListView):
    model = InterestSubsidyApplication
    table_class = InterestSubsidyApplicationTable
    filterset_class = InterestSubsidyApplicationFilter
    export_columns = APPLICATION_COLUMNS
    create_url = "finance:interestsubsidyapplication_add"


class ApplicationDetailView(ObjectDetailView):
    model = InterestSubsidyApplication
    detail_fields = _shown_fields(InterestSubsidyApplication)
    template_name = "finance/application_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("user")
        ctx["can_edit"] = ctx["can_edit"] and self.object.status == SubsidyStatus.SUBMITTED
        return ctx


class ApplicationCreateView(_WithUser, ObjectCreateView):
    model = InterestSubsidyApplication
    form_class = InterestSubsidyApplicationForm


class ApplicationUpdateView(_WithUser, ObjectUpdateView):
    model = InterestSubsidyApplication
    form_class = InterestSubsidyApplicationForm

    def get_queryset(self):
        return super().get_queryset().filter(status=SubsidyStatus.SUBMITTED)  # reviewed: no longer editable


# ---- Insurance -----------------------------------------------------------------------------
class PolicyListView(ObjectListView):
    model = InsurancePolicy
    table_class = InsurancePolicyTable
    filterset_class = InsurancePolicyFilter
    export_columns = POLICY_COLUMNS
    create_url = "finance:insurancepolicy_add"
    import_url = "finance:insurancepolicy_import"

    def get_queryset(self):
        return super().get_queryset().select_related("insurer", "enterprise")


class PolicyDetailView(ObjectDetailView):
    model = InsurancePolicy
    detail_fields = _shown_fields(InsurancePolicy)
    template_name = "finance/policy_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["patents"] = self.object.patents.order_by("application_no")
        return ctx


class PolicyCreateView(_WithUser, ObjectCreateView):
    model = InsurancePolicy
    form_class = InsurancePolicyForm


class PolicyUpdateView(_WithUser, ObjectUpdateView):
    model = InsurancePolicy
    form_class = InsurancePolicyForm


# ---- Projects ------------------------------------------------------------------------------
class ProjectDetailView(ObjectDetailView):
    model = FundedProject
    template_name = "finance/project_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["milestones"] = self.object.milestones.all()
        ctx["standards"] = self.object.standards.all()
        return ctx


class MilestoneCreateView(ObjectCreateView):
    """Adding a milestone from a project's page starts with that project chosen."""
    model = ProjectMilestone
    form_class = ProjectMilestoneForm

    def get_initial(self):
        return {**super().get_initial(), "project": self.request.GET.get("project")}


# ---- Figures -------------------------------------------------------------------------------
FIGURE_ROWS = [  # (provider key, label: translated when shown); the breakdown by district shows BREAKDOWN_KEYS
    ("pledged_patents", N_("质押专利（件）")), ("pledge_count", N_("质押登记（笔）")),
    ("pledge_amount_10k_yuan", N_("质押金额（万元）")), ("pledge_enterprises_over_10m", N_("质押超1000万元企业（家）")),
    ("insurance_policies", N_("专利保险保单（份）")), ("insurers", N_("保险机构（家）")),
    ("insurance_enterprises", N_("投保企业（家）")), ("insurance_patents", N_("承保专利（件）")),
    ("insurance_premium_10k_yuan", N_("保费（万元）")), ("insurance_subsidy_10k_yuan", N_("保费补贴（万元）")),
    ("projects", N_("资助项目（个）")), ("project_funds_10k_yuan", N_("项目资金（万元）")),
]


class FiguresView(ScopedMixin, TemplateView):
    """质押融资、专利保险、项目资金 by region and year, with the same period of the previous year."""
    model = Pledge
    template_name = "finance/figures.html"
    roles = STAFF_ROLES  # figures are for officers and leaders (the menu reads this too)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        regions = Region.objects.restrict(user, VIEW).exclude(level="province")
        if user.role == "district_officer" and not user.is_superuser and user.region_id:
            regions = regions.filter(path__startswith=user.region.path)
        elif not user.has_role("city_officer", "leader"):
            raise Http404  # figures are for officers and leaders
        code = self.request.GET.get("region") or (user.region.code if user.region_id else "")
        region = regions.filter(code=code).first() or regions.order_by("path").first()
        if region is None:
            raise Http404
        try:
            year = int(self.request.GET.get("year") or actions.today().year - 1)
            month = int(self.request.GET.get("month") or 12)
            if not (1985 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            messages.error(self.request, _("年度应为 1985–2100 之间的整数、截止月份应为 1–12，已显示上一年度全年。"))
            year, month = actions.today().year - 1, 12
        kids = list(regions.filter(parent=region).order_by("sort_order", "code"))
        this_year = finance_figures([region, *kids], *period(year, month))   # one set of grouped queries
        current = this_year[region.pk]
        previous = finance_indicators(region, *period(year - 1, month))
        rows = [{"key": key, "label": _(label), "value": current[key], "previous": previous[key],
                 "yoy": rules.percent_change(current[key], previous[key])} for key, label in FIGURE_ROWS]
        children = [(child, this_year[child.pk]) for child in kids]
        ctx.update(region=region, year=year, month=month, months=range(1, 13), rows=rows,
                   regions=regions.order_by("path"), breakdown_keys=[(k, _(label)) for k, label in FIGURE_ROWS
                                                                     if k in BREAKDOWN_KEYS],
                   breakdown=[{"region": child, "values": [figures[k] for k in BREAKDOWN_KEYS]}
                              for child, figures in children],
                   chart={"labels": [child.name for child, _ in children] or [region.name],
                          "amount": [float(f["pledge_amount_10k_yuan"]) for _, f in children]
                          or [float(current["pledge_amount_10k_yuan"])],
                          "patents": [f["pledged_patents"] for _, f in children] or [current["pledged_patents"]]})
        return ctx


BREAKDOWN_KEYS = ["pledged_patents", "pledge_amount_10k_yuan", "pledge_enterprises_over_10m", "insurance_policies",
                  "insurance_premium_10k_yuan", "insurance_subsidy_10k_yuan", "projects", "project_funds_10k_yuan"]


def period(year, month):
    """1 January to the end of `month` of `year` (累计 1–N 月)."""
    end = datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(year, 1, 1), end


def import_page(kind):
    """The shared import page (core.import_views) for one of finance's import specs."""
    def view(request):
        return redirect("core:import", kind)
    return view
