"""Pages of the commissioner one-stop: request list and timeline, the step buttons, the
commissioner's workbench, the enterprise portal, assignments, the problem log and the figures.
Every page starts from Model.objects.restrict(user, action); out of scope is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from ipdesk.core.dates import InvalidDate, parse_iso_date
from ipdesk.core.exports import Column
from ipdesk.core.models import Attachment, Notification
from ipdesk.core.scoping import CHANGE, Role
from ipdesk.core.uploads import download_view
from ipdesk.core.views import ObjectDetailView, ObjectListView, ScopedMixin, scoped_object_or_404
from ipdesk.core.workflow import TransitionView, error_message
from ipdesk.registry.models import Enterprise

from . import actions, rules
from .choices import OPEN_STATUSES, ProblemStatus, RequestStatus
from .filters import CommissionerAssignmentFilter, ServiceRequestFilter
from .forms import AssignForm, AttachmentForm, CommentForm, RequestForm
from .indicators import service_figures
from .models import CommissionerAssignment, ProblemLog, ServiceRequest
from .tables import CommissionerAssignmentTable, ServiceRequestTable

BACK_OFFICE = (Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER, Role.LEADER)


class ServicesHomeView(LoginRequiredMixin, View):
    """/services/: each role's own starting page."""

    def get(self, request):
        user = request.user
        if user.role == Role.ENTERPRISE and not user.is_superuser:
            return redirect("services:portal")
        if user.role == Role.COMMISSIONER and not user.is_superuser:
            return redirect("services:workbench")
        if user.has_role(*BACK_OFFICE):
            return redirect("services:request_list")
        raise Http404


class RequestListView(ObjectListView):
    model = ServiceRequest
    roles = BACK_OFFICE
    table_class = ServiceRequestTable
    filterset_class = ServiceRequestFilter
    create_url = "services:request_add"
    export_name = "服务申请"
    export_columns = [
        Column("编号", "number"), Column("企业", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"),
        Column("服务事项", "service_type.name"), Column("诉求标题", "title"), Column("状态", "get_status_display"),
        Column("提出时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")),
        Column("承诺时限", "promised_days"), Column("原时限", "former_days"), Column("计时方式", "get_day_unit_display"),
        Column("承诺办结日", "due_date"),
        Column("办结时间", lambda r: timezone.localtime(r.completed_at).strftime("%Y-%m-%d %H:%M") if r.completed_at else ""),
        Column("办理用时", "handling_days"), Column("满意度", "rating"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "service_type")


class RequestDetailView(ObjectDetailView):
    model = ServiceRequest
    template_name = "services/request_detail.html"
    detail_fields = ["enterprise", "service_type", "title", "description", "status", "submitted_by", "submitted_at",
                     "accepted_at", "processing_at", "completed_at", "handler", "promised_days", "former_days",
                     "day_unit", "due_date", "handling_days", "result", "rating", "rating_comment", "rated_at"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        req, user = self.object, self.request.user
        writable = ctx["can_edit"]
        ctx["can_edit"] = False  # no generic edit form: a request changes only through its steps
        ctx.update(
            events=req.events.select_related("actor"),
            comments=req.comments.select_related("author"),
            attachments=Attachment.objects.filter(content_type__app_label="services",
                                                  content_type__model="servicerequest", object_id=str(req.pk)),
            writable=writable,
            comment_form=CommentForm(), attachment_form=AttachmentForm(),
            overdue=req.is_overdue(),
            back_url=reverse("services:portal") if user.role == Role.ENTERPRISE else reverse("services:request_list"),
        )
        return ctx


class RequestStepView(TransitionView):
    """POST one step of a request: the lifecycle steps (受理/办理/办结/不予受理/评价, services.workflows) through
    the one workflow view; 留言 and 附件, which change no state, here. Back to the timeline with a message."""
    model = ServiceRequest
    OTHER = {
        "comment": (CommentForm, lambda req, user, d: actions.add_comment(req, user, d["body"]),
                    gettext_lazy("留言已发送。")),
        "attach": (AttachmentForm, lambda req, user, d: actions.attach_file(req, user, d["file"]),
                   gettext_lazy("附件已上传。")),
    }

    def post(self, request, pk, step):
        if step not in self.OTHER:
            return super().post(request, pk, step)
        req = scoped_object_or_404(ServiceRequest, request.user, pk, CHANGE)
        form_class, run, done = self.OTHER[step]
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            problems = [f"{form.fields[f].label if f in form.fields else ''}：{'；'.join(e)}" for f, e in form.errors.items()]
            messages.error(request, _("提交未成功：") + "；".join(problems))
            return redirect(req.get_absolute_url())
        try:
            run(req, request.user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _("提交未成功：") + error_message(exc))
        else:
            messages.success(request, str(done))
        return redirect(req.get_absolute_url())


class AttachmentDownloadView(LoginRequiredMixin, View):
    """An attachment of request `pk` (the link of the request's page): core.uploads.download_view — the request
    in the user's scope, always a download, nosniff and a sandboxing Content-Security-Policy."""

    def get(self, request, pk, attachment_pk):
        get_object_or_404(Attachment, pk=attachment_pk, content_type__app_label="services",
                          content_type__model="servicerequest", object_id=str(pk))
        return download_view(request, attachment_pk)


class RequestCreateView(LoginRequiredMixin, FormView):
    """提出: the enterprise portal's form, and the back office's form on an enterprise's behalf."""
    form_class = RequestForm
    template_name = "services/request_form.html"
    portal = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            allowed = (Role.ENTERPRISE,) if self.portal else (Role.CITY_OFFICER, Role.DISTRICT_OFFICER,
                                                               Role.COMMISSIONER)
            if not request.user.has_role(*allowed) or (self.portal and not request.user.enterprise_id):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("enterprise", "").isdigit():
            initial["enterprise"] = int(self.request.GET["enterprise"])
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "portal": self.portal}

    def form_valid(self, form):
        data, user = form.cleaned_data, self.request.user
        enterprise = user.enterprise if "enterprise" not in data else data["enterprise"]
        try:
            with transaction.atomic():  # the request and its attachment, or neither
                req = actions.submit_request(user, enterprise, data["service_type"], data["title"], data["description"])
                if data.get("attachment"):
                    actions.attach_file(req, user, data["attachment"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("attachment" if data.get("attachment") else None, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, error_message(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("服务申请已提交，编号 %(n)s，承诺 %(d)s 前办结。") % {"n": req.number, "d": req.due_date})
        return redirect(req.get_absolute_url())


def _reminders(user, limit=20):
    return Notification.objects.restrict(user).order_by("-created_at", "-id")[:limit]


class WorkbenchView(ScopedMixin, TemplateView):
    """The commissioner's workbench (专员工作台): enterprises served, open requests, due and overdue."""
    template_name = "services/workbench.html"
    model = ServiceRequest
    roles = {Role.COMMISSIONER}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        mine = ServiceRequest.objects.restrict(user).select_related("enterprise", "service_type")
        open_requests = list(mine.filter(status__in=OPEN_STATUSES).order_by("due_date", "id"))
        ctx.update(
            enterprises=Enterprise.objects.restrict(user).select_related("region").annotate(
                open_requests=Count("service_requests", filter=Q(service_requests__status__in=OPEN_STATUSES),
                                    distinct=True),
                problems_open=Count("problems", filter=Q(problems__status=ProblemStatus.OPEN), distinct=True)),
            open_requests=open_requests,
            overdue=[r for r in open_requests if rules.is_overdue(r.due_date, today)],
            due_soon=[r for r in open_requests if rules.is_due_soon(r.due_date, today)],
            to_rate=mine.filter(status=RequestStatus.COMPLETED).count(),
            reminders=_reminders(user, 10), today=today,
        )
        return ctx


class PortalMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (request.user.role != Role.ENTERPRISE or not request.user.enterprise_id):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def assistance_url():
    """The protection module's assistance application page, once it exists."""
    for name in ("protection:assistance_apply", "protection:assistancecase_add", "protection:apply"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


class PortalView(PortalMixin, TemplateView):
    """企业服务门户: the enterprise's own requests and reminders."""
    template_name = "services/portal.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        from ipdesk.core.todo import collect
        ctx.update(enterprise=user.enterprise,
                   requests=ServiceRequest.objects.restrict(user).select_related("service_type"),
                   reminders=_reminders(user), assistance_url=assistance_url(),
                   todo=collect(user),  # its fee deadlines (年费) and requests to rate, from core.todo
                   commissioner=user.enterprise.commissioner)
        return ctx


class PortalAssetsView(PortalMixin, TemplateView):
    """The enterprise's own patents and trademarks (read through restrict: nothing of anyone else)."""
    template_name = "services/portal_assets.html"

    def get_context_data(self, **kwargs):
        from ipdesk.registry.models import Patent, Trademark
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(patents=Patent.objects.restrict(user).order_by("-filing_date")[:500],
                   trademarks=Trademark.objects.restrict(user).order_by("-registration_date")[:500],
                   fee_reminders=Notification.objects.restrict(user).filter(
                       Q(kind__icontains="fee") | Q(title__contains="年费"))[:50])
        return ctx


class AssignmentListView(ObjectListView):
    model = CommissionerAssignment
    roles = BACK_OFFICE
    table_class = CommissionerAssignmentTable
    filterset_class = CommissionerAssignmentFilter
    create_url = None
    template_name = "services/assignment_list.html"
    export_name = "专员分配记录"
    export_columns = [Column("企业", "enterprise.name"), Column("统一社会信用代码", "enterprise.uscc"),
                      Column("服务专员", "commissioner"), Column("原服务专员", "previous"),
                      Column("开始时间", "started_at"), Column("结束时间", "ended_at"), Column("原因", "reason")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_assign"] = user.has_role(Role.CITY_OFFICER, Role.DISTRICT_OFFICER)
        if ctx["can_assign"]:
            ctx["assignable"] = Enterprise.objects.restrict(user, CHANGE).select_related("commissioner") \
                .order_by("name")[:2000]
        return ctx


class AssignPickView(LoginRequiredMixin, View):
    """The enterprise picked on the assignment list -> its assignment form."""

    def get(self, request):
        value = request.GET.get("enterprise", "")
        if not value.isdigit():
            messages.error(request, _("请选择要分配服务专员的企业。"))
            return redirect("services:assignment_list")
        return redirect("services:assign", enterprise_pk=int(value))


class AssignView(ScopedMixin, FormView):
    """分配/更换服务专员 for an enterprise in the officer's jurisdiction."""
    form_class = AssignForm
    template_name = "services/assign_form.html"
    model = Enterprise
    action = CHANGE
    roles = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER}

    @cached_property
    def enterprise(self):
        """The enterprise of the URL, if the officer may change it (else 404)."""
        return scoped_object_or_404(Enterprise, self.request.user, self.kwargs["enterprise_pk"], CHANGE)

    def get_initial(self):
        return {"commissioner": self.enterprise.commissioner_id}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(enterprise=self.enterprise, history=CommissionerAssignment.objects.restrict(self.request.user)
                   .filter(enterprise=self.enterprise).select_related("commissioner", "previous", "assigned_by"))
        return ctx

    def form_valid(self, form):
        try:
            actions.assign_commissioner(self.enterprise, form.cleaned_data["commissioner"], self.request.user,
                                        form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("commissioner" if hasattr(exc, "error_dict") else None, "；".join(exc.messages))
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, error_message(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("已更新“%(e)s”的服务专员。") % {"e": self.enterprise})
        return redirect(reverse("services:assignment_list") + f"?enterprise={self.enterprise.pk}")


class ProblemCountsView(ScopedMixin, TemplateView):
    """Problems counted per enterprise (专精特新企业问题台账汇总)."""
    template_name = "services/problem_counts.html"
    model = ProblemLog
    roles = BACK_OFFICE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = (ProblemLog.objects.restrict(self.request.user).values("enterprise", "enterprise__name")
                .annotate(total=Count("id"), solved=Count("id", filter=Q(status=ProblemStatus.SOLVED)))
                .order_by("-total", "enterprise__name"))
        ctx["rows"] = rows
        ctx["total"] = sum(r["total"] for r in rows)
        ctx["solved"] = sum(r["solved"] for r in rows)
        return ctx


def _parse_date(value):
    """The date of a query parameter (core.dates), or None when there is none or it is no date (the page says so)."""
    try:
        return parse_iso_date(value)
    except InvalidDate:
        return None


class FiguresView(ScopedMixin, TemplateView):
    """通办成效: the figures of SPEC 2.5 over the rows the user may see."""
    template_name = "services/figures.html"
    model = ServiceRequest
    roles = BACK_OFFICE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, get = self.request.user, self.request.GET
        start, end = _parse_date(get.get("start")), _parse_date(get.get("end"))
        error = None
        if (get.get("start") and start is None) or (get.get("end") and end is None):
            error = _("日期格式不正确，请使用 YYYY-MM-DD，例如 2022-01-01。")
        elif start and end and start > end:
            error, start, end = _("起始日期晚于截止日期，已显示全部期间。"), None, None
        figures = service_figures(ServiceRequest.objects.restrict(user), ProblemLog.objects.restrict(user), start, end)
        ctx.update(figures=figures, start=start, end=end, error=error,
                   type_chart={"names": list(figures["service_requests_by_type"]),
                               "values": list(figures["service_requests_by_type"].values())},
                   status_chart=[{"name": k, "value": v} for k, v in figures["service_requests_by_status"].items()],
                   time_chart={"names": [_("实际用时中位数"), _("实际用时P90"), _("承诺时限中位数"), _("原时限中位数")],
                               "values": [figures["service_median_days"], figures["service_p90_days"],
                                          figures["service_promised_median_days"],
                                          figures["service_former_median_days"]]})
        return ctx
