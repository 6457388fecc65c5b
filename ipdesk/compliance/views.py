"""Pages of agency supervision, abnormal-application verification and candidate review.

Plain CRUD comes from core.crud.crud_urls (see urls.py); the pages here add what is specific: an
agency's supervision record and credit, a batch with its withdrawal rate, an application's timeline
with its transitions, the withdrawal-rate report, and the review page of detection candidates."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from ipdesk.core import jobs
from ipdesk.core.exports import Column, mask_phone
from ipdesk.core.scoping import CHANGE, can
from ipdesk.core.views import ObjectDetailView, ObjectListView, ScopedMixin, scoped_object_or_404

from . import actions, rules
from .filters import AgentFilter, CandidateFilter
from .forms import AbnormalApplicationForm, CreateBatchForm, RunDetectionForm
from .models import AbnormalApplication, AbnormalBatch, Agency, Agent, Candidate, DetectionRun
from .tables import AgentTable


def _errors(exc):
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


class AgencyDetailView(ObjectDetailView):
    model = Agency
    template_name = "compliance/agency_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        agency = self.object
        user = self.request.user
        from .models import Agent, Complaint, Inspection, Penalty
        ctx.update(agents=Agent.objects.restrict(user).filter(agency=agency),
                   inspections=Inspection.objects.restrict(user).filter(agency=agency),
                   complaints=Complaint.objects.restrict(user).filter(agency=agency),
                   penalties=Penalty.objects.restrict(user).filter(agency=agency),
                   rate=rules.withdrawal_rate(AbnormalApplication.objects.restrict(user).filter(agency=agency)
                                              .values_list("status", flat=True)))
        deductions, grades, window = actions.credit_rules()
        ctx["credit_window"] = window
        return ctx

    def post(self, request, pk):
        agency = scoped_object_or_404(Agency, request.user, pk, CHANGE)
        score, grade, _counts = actions.recompute_credit(agency)
        messages.success(request, _("已按现行信用评价规则重新计算：%(score)s 分，%(grade)s 级。") % {"score": score, "grade": grade})
        return redirect(agency.get_absolute_url())


def reveals_personal_data(user):
    """Who sees an attorney's phone in full: the officers who supervise the agencies, as for a contact's
    phone (registry.views.reveals_personal_data); every other role sees it masked."""
    from ipdesk.registry.views import reveals_personal_data as registry_rule
    return registry_rule(user)


# Export of the attorney list: the phone masked unless the role may reveal it (core.exports.Column).
AGENT_COLUMNS = [
    Column("代理机构", "agency.name"), Column("统一社会信用代码", "agency.uscc"), Column("姓名", "name"),
    Column("资格证号", "certificate_no"), Column("电话", "phone", mask=mask_phone, reveal=reveals_personal_data),
    Column("在职", "is_active"),
]


class AgentListView(ObjectListView):
    """专利代理师: the table masks the phone for roles that may not reveal it (tables.AgentTable)."""
    model = Agent
    table_class = AgentTable
    filterset_class = AgentFilter
    export_columns = AGENT_COLUMNS
    export_name = "专利代理师"
    create_url = "compliance:agent_add"

    def get_queryset(self):
        return super().get_queryset().select_related("agency")


class AgentDetailView(ObjectDetailView):
    """An attorney's page: the phone in full for officers, masked (Agent.masked_fields) for the others."""
    model = Agent

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if reveals_personal_data(self.request.user):
            phone = Agent._meta.get_field("phone").verbose_name
            ctx["fields"] = [(label, self.object.phone if label == phone else value) for label, value in ctx["fields"]]
        return ctx


class BatchDetailView(ObjectDetailView):
    model = AbnormalBatch
    template_name = "compliance/batch_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        apps = AbnormalApplication.objects.restrict(self.request.user).filter(batch=self.object) \
            .select_related("region", "agency")
        ctx["applications"] = apps
        ctx["rate"] = rules.withdrawal_rate(apps.values_list("status", flat=True))
        ctx["can_add"] = can(self.request.user, AbnormalApplication, CHANGE)
        return ctx


class ApplicationAddView(ScopedMixin, FormView):
    """Add one application to a batch by hand (the province's files go through the import)."""
    model = AbnormalApplication
    action = CHANGE
    form_class = AbnormalApplicationForm
    template_name = "core/object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, AbnormalApplication, CHANGE):
            # A district officer may add to a batch it cannot see yet (none of its applications so
            # far); the application itself must land in its district (checked after assignment).
            self.batch = scoped_object_or_404(AbnormalBatch, request.user, kwargs["batch"]) \
                if not request.user.has_role("district_officer") else \
                AbnormalBatch.objects.filter(pk=kwargs["batch"]).first()
            if self.batch is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            app = actions.register_application(self.batch, self.request.user, **data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
            return self.form_invalid(form)
        if not AbnormalApplication.objects.restrict(self.request.user, CHANGE).filter(pk=app.pk).exists():
            app.delete()
            form.add_error(None, _("保存失败：该申请归属的区划不在您的辖区内。"))
            return self.form_invalid(form)
        messages.success(self.request, _("已登记，归属 %(region)s（%(basis)s）。") % {
            "region": app.region, "basis": app.get_region_basis_display()})
        return redirect(self.batch.get_absolute_url())


class ApplicationDetailView(ObjectDetailView):
    model = AbnormalApplication
    template_name = "compliance/application_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("user")
        return ctx


class WithdrawalRateView(ScopedMixin, TemplateView):
    """Withdrawal rate by batch, region and agency (撤回率)."""
    model = AbnormalApplication
    template_name = "compliance/withdrawal_rates.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = AbnormalApplication.objects.restrict(self.request.user)

        def grouped(key, label):
            statuses = {}
            for k, name, status in qs.values_list(key, label, "status"):
                statuses.setdefault((k, name or _("（未匹配）")), []).append(status)
            return [(name, rules.withdrawal_rate(s)) for (k, name), s in sorted(statuses.items(), key=lambda x: str(x[0][1]))]
        ctx.update(by_batch=grouped("batch_id", "batch__name"), by_region=grouped("region_id", "region__name"),
                   by_agency=grouped("agency_id", "agency__name"),
                   overall=rules.withdrawal_rate(qs.values_list("status", flat=True)))
        return ctx


class CandidateListView(ScopedMixin, TemplateView):
    """The review page: candidates with their evidence; mark, dismiss, or turn into a batch."""
    model = Candidate
    template_name = "compliance/candidate_list.html"
    paginate_by = 30

    def get_context_data(self, **kwargs):
        from ipdesk.core.pagination import DeferredJoinPaginator
        ctx = super().get_context_data(**kwargs)
        request = self.request
        filterset = CandidateFilter(request.GET or None,
                                    queryset=self.get_queryset().select_related("region", "run", "batch"))
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        page = DeferredJoinPaginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        ctx.update(filter=filterset, page_obj=page, candidates=page.object_list, total=page.paginator.count,
                   batch_form=CreateBatchForm(user=request.user), run_form=RunDetectionForm(),
                   runs=DetectionRun.objects.restrict(request.user)[:10])
        return ctx


class CandidateDetailView(ObjectDetailView):
    model = Candidate
    template_name = "compliance/candidate_detail.html"
    detail_fields = ["run", "kind", "subject", "score", "region", "status", "review_note", "reviewed_by", "reviewed_at", "batch"]


def candidate_create_batch(request):
    if request.method != "POST" or not request.user.is_authenticated or not can(request.user, Candidate, CHANGE):
        raise Http404
    ids = [int(i) for i in request.POST.getlist("candidates") if str(i).isdigit()]
    candidates = list(Candidate.objects.restrict(request.user, CHANGE).filter(pk__in=ids))
    if len(candidates) != len(set(ids)):
        raise Http404  # a candidate out of scope does not exist for this user
    form = CreateBatchForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("转批次失败：") + "；".join(f"{form.fields[f].label if f in form.fields else ''}{e[0]}"
                                                        for f, e in form.errors.items()))
        return redirect("compliance:candidate_list")
    try:
        batch = actions.create_batch_from_candidates(candidates, request.user, form.cleaned_data["name"],
                                                     form.cleaned_data["default_region"])
    except ValidationError as exc:
        messages.error(request, _("转批次失败：") + _errors(exc))
        return redirect("compliance:candidate_list")
    messages.success(request, _("已生成核查批次“%(name)s”，共 %(n)s 件申请，状态为待通知。") % {
        "name": batch.name, "n": batch.applications.count()})
    return redirect(batch.get_absolute_url())


def run_detection(request):
    if request.method != "POST" or not request.user.is_authenticated or not can(request.user, Candidate, CHANGE):
        raise Http404
    form = RunDetectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("筛查参数有误：") + "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect("compliance:candidate_list")
    job = jobs.start("compliance.detect", _("非正常申请线索筛查（%(since)s 起）") % {"since": form.cleaned_data["since"]},
                     request.user, since=str(form.cleaned_data["since"]), threshold=form.cleaned_data["threshold"])
    return redirect("core:job_detail", job.pk)
