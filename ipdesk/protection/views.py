"""Pages of the protection module. Lists, forms and details come from core.views; this adds the
case page (timeline, time limits, next-step buttons posting to core.workflow's one action view), the enterprise's
assistance application, printable summaries, DOCX documents and the figures page."""
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ipdesk.core import audit
from ipdesk.core.models import AuditAction
from ipdesk.core.scoping import OFFICERS, Role
from ipdesk.core.views import ObjectCreateView, ObjectDetailView, ObjectListView, scoped_object_or_404

from . import actions, documents, limits
from .forms import AssistanceApplicationForm
from .models import AdjudicationCase, AssistanceCase, CooperationCase, DocumentTemplate

CASE_MODELS = {"assistance": AssistanceCase, "adjudication": AdjudicationCase, "cooperation": CooperationCase}

def attachments_template():
    """The shared attachments panel (core/uploads.py), when the platform provides it."""
    try:
        get_template("core/_attachments.html")
    except (TemplateDoesNotExist, Exception):  # a missing template tag library also means "not available"
        return None
    return "core/_attachments.html"


class CaseListView(ObjectListView):
    """A case list; the add button is for officers (lawyers and enterprises never create cases here)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.has_role(*OFFICERS):
            ctx["create_url"] = None
        return ctx


class CaseDetailView(ObjectDetailView):
    """A case page: fields, the next-step buttons, the timeline, time limits and related records."""
    template_name = "protection/case_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.object
        model = type(case)
        ctx["timeline"] = case.timeline()
        ctx["case_key"] = {v: k for k, v in CASE_MODELS.items()}[model]
        ctx["writable"] = ctx["can_edit"]
        ctx["allowed_text"] = "、".join(label for _t, label in actions.next_steps(case)) or _("无")
        if model is AdjudicationCase:
            ctx["limits"] = limits.case_limits(case)
            ctx["periods"] = case.excluded_periods.all()
            ctx["extensions"] = case.extensions.select_related("rule")
            ctx["handlers"] = case.handlers.all()
            ctx["documents"] = [(k, label) for k, label in DocumentTemplate.Kind.choices
                                if _document_available(case, k)]
        if model is AssistanceCase:
            ctx["services"] = case.services.select_related("provided_by")
        ctx["cooperations"] = case.cooperations.all() if hasattr(case, "cooperations") else None
        ctx["attachments_template"] = attachments_template()
        return ctx


def _document_available(case, kind):
    if kind == "filing_notice":
        return case.filed_on is not None
    if kind == "rejection_notice":
        return case.status == "rejected" or (case.status == "served" and case.filed_on is None)
    return case.infringement_found is not None and case.concluded_on is not None


class AssistanceApplyView(ObjectCreateView):
    """An enterprise applies for assistance for its own enterprise (维权援助申请)."""
    model = AssistanceCase
    form_class = AssistanceApplicationForm
    template_name = "protection/apply.html"
    roles = {Role.ENTERPRISE}
    action = "view"  # enterprises cannot change cases; they may only file this application

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (not request.user.has_role(Role.ENTERPRISE) or
                                              request.user.is_superuser or not request.user.enterprise_id):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return self.get_form_class()(**self.get_form_kwargs())

    def form_valid(self, form):
        enterprise = self.request.user.enterprise
        case = form.instance
        case.enterprise, case.region = enterprise, enterprise.region
        case.source, case.status = "application", "applied"
        case.received_on = timezone.localdate()
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, f"援助申请已提交，编号 {self.object.number}，工作人员受理后将与您联系。")
        return redirect(self.object.get_absolute_url())


class CasePrintView(ObjectDetailView):
    """A printable summary of a case (案件摘要); ?format=pdf renders it with WeasyPrint."""
    template_name = "protection/case_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["timeline"] = self.object.timeline()
        ctx["printed_at"] = timezone.localtime()
        if isinstance(self.object, AdjudicationCase):
            ctx["limits"] = limits.case_limits(self.object)
            ctx["handlers"] = self.object.handlers.all()
        if isinstance(self.object, AssistanceCase):
            ctx["services"] = self.object.services.all()
        return ctx

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "pdf":
            from ipdesk.core.pdf import render_pdf  # fetches nothing but static files (no file:, no HTTP)
            html = render_to_string(self.template_name, context, request=self.request)
            pdf = render_pdf(html)
            audit.record(AuditAction.EXPORT, self.object, after={"format": "pdf", "what": "case summary"})
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(False, f"{self.object.number}.pdf")
            return response
        return super().render_to_response(context, **kwargs)


class CaseDocumentView(LoginRequiredMixin, View):
    """A DOCX document of an adjudication case from the office's current template of that kind."""

    def get(self, request, pk, kind):
        case = scoped_object_or_404(AdjudicationCase, request.user, pk)
        if kind not in DocumentTemplate.Kind.values:
            raise Http404
        if not _document_available(case, kind):
            messages.error(request, "该案件尚未到可以生成此文书的阶段。")
            return redirect(case.get_absolute_url())
        template = DocumentTemplate.objects.filter(kind=kind, is_active=True).order_by("-id").first()
        if template is None:
            messages.error(request, "没有启用的此类文书模板，请先在“文书模板”中上传。")
            return redirect(case.get_absolute_url())
        try:
            content = documents.render(template, case)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(case.get_absolute_url())
        audit.record(AuditAction.EXPORT, case, after={"format": "docx", "document": kind, "template": template.pk})
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        label = DocumentTemplate.Kind(kind).label
        response["Content-Disposition"] = content_disposition_header(True, f"{case.number}-{label}.docx")
        return response


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        template = scoped_object_or_404(DocumentTemplate, request.user, pk)
        response = HttpResponse(bytes(template.content),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response["Content-Disposition"] = content_disposition_header(True, f"{template.name}.docx")
        return response


class TemplateDetailView(ObjectDetailView):
    template_name = "protection/template_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["template_fields"] = documents.FIELDS   # the only fields a template may use
        return ctx


class FiguresView(LoginRequiredMixin, TemplateView):
    """Figures of the module by type, status, region and month, within the user's scope (统计)."""
    template_name = "protection/figures.html"

    def get_context_data(self, **kwargs):
        from .indicators import breakdown
        ctx = super().get_context_data(**kwargs)
        year = self.request.GET.get("year", "")
        try:
            year = int(year) if year else timezone.localdate().year
            if not 1985 <= year <= 2100:  # as finance's figures: from the patent law (1985) on
                raise ValueError
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        except ValueError:
            messages.error(self.request, _("年份「%(year)s」无效（应为 1985–2100 之间的整数），已显示今年。")
                           % {"year": year})
            year = timezone.localdate().year
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        ctx.update(year=year, years=range(timezone.localdate().year, 2019, -1), **breakdown(self.request.user, start, end))
        return ctx
