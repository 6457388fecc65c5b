"""Generic views every module uses: list (filters, sorting, pagination, export), detail with
history, create/update with scope and version checks, delete. They all start from
`Model.objects.restrict(user, action)`, so a row out of scope answers 404."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import HiddenInput, IntegerField, ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DeleteView, DetailView, TemplateView
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import audit, jobs
from .exports import export_response
from .pagination import DeferredJoinPaginator
from .scoping import CHANGE, VIEW, Role, can, choosable


class ScopedMixin(LoginRequiredMixin):
    """Restricts the queryset to the user's data scope; `roles` narrows who may use the view at all."""
    model = None
    action = VIEW
    roles = None  # e.g. {Role.CITY_OFFICER}; None: any role the model's scope admits

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if self.roles is not None and not request.user.has_role(*self.roles):
                raise Http404  # a page you may not use does not exist for you
            if not can(request.user, self.model, self.action):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = self.model.objects.restrict(self.request.user, self.action)
        return qs if qs.ordered else qs.order_by("pk")  # stable pages

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        opts = self.model._meta
        ctx.update(opts=opts, model_name=opts.verbose_name, model_name_plural=opts.verbose_name_plural,
                   can_change=can(self.request.user, self.model, CHANGE),
                   url_prefix=f"{opts.app_label}:{opts.model_name}")
        return ctx


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A list page: filter form, sortable table, pagination, and ?export=xlsx|csv of the filtered rows."""
    template_name = "core/object_list.html"
    paginate_by = 25
    export_columns = None   # list of core.exports.Column; None disables export
    export_name = None
    create_url = None
    import_url = None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt and self.export_columns:
            if fmt not in ("xlsx", "csv"):
                raise Http404
            filterset = self.get_filterset(self.get_filterset_class())
            qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            return export_response(qs, self.export_columns, fmt, self.export_name or str(self.model._meta.verbose_name),
                                   user=request.user)
        return super().get(request, *args, **kwargs)

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by, "paginator_class": DeferredJoinPaginator}

    def get_paginate_by(self, queryset):
        """The table paginates; the ListView underneath must not page (and count) the same rows again."""
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        table = ctx.get("table")
        paginator = getattr(table, "paginator", None)
        # one COUNT per page view: the table's paginator has already counted the filtered rows
        total = paginator.count if paginator is not None else (
            ctx["filter"].qs.count() if ctx.get("filter") is not None else None)
        ctx.update(can_export=bool(self.export_columns), create_url=self.create_url, import_url=self.import_url,
                   total=total)
        return ctx


class ObjectDetailView(ScopedMixin, DetailView):
    """A record page with its fields and its change history (变更记录)."""
    template_name = "core/object_detail.html"
    detail_fields = None  # names to show; default: every concrete, non-internal field

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["fields"] = list(field_rows(self.object, self.detail_fields))
        ctx["history"] = audit.history(self.object)[:100]
        ctx["can_edit"] = self.model.objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists()
        return ctx


INTERNAL_FIELDS = {"id", "version", "created_at", "updated_at", "normalized_name", "path"}


def field_rows(obj, names=None):
    for f in obj._meta.concrete_fields:
        if (names is None and f.name in INTERNAL_FIELDS) or (names is not None and f.name not in names) \
                or f.get_internal_type() == "BinaryField":  # file contents are downloaded, not shown
            continue
        if f.choices or callable(getattr(obj, f"get_{f.name}_display", None)):
            # a model may name a coded value without `choices` (a list of codes, a dictionary's name)
            value = getattr(obj, f"get_{f.name}_display")()
        elif f.is_relation:
            value = getattr(obj, f.name)
        else:
            value = getattr(obj, f.attname)
        mask = getattr(obj, "masked_fields", {}).get(f.name)
        yield f.verbose_name, mask(value) if mask and value else value


def limit_choices_to_scope(form, user):
    """Related-record choices offer, and accept, only what the user may link to (scoping.choosable: what
    it may see; a district officer's own districts for regions and district-owned reference data). A
    narrower queryset the form set itself is kept: the scope filter is added to it, never replaces it."""
    from .forms import make_searchable
    for field in form.fields.values():
        if isinstance(field, (ModelChoiceField, ModelMultipleChoiceField)) and field.queryset is not None:
            field.queryset = choosable(field.queryset, user)
            make_searchable(field)  # enterprises, patents, people: type to search, not a 330-line list box


class ObjectEditView(ScopedMixin):
    """Create or update with three guards: choices limited to scope, the saved record must still be in
    the user's scope, and an update from a stale form, or one that does not carry its `_version`, is
    refused (optimistic lock on `version`)."""
    action = CHANGE
    template_name = "core/object_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        limit_choices_to_scope(form, self.request.user)
        if getattr(self, "object", None) is not None and self.object.pk:
            form.fields["_version"] = IntegerField(widget=HiddenInput, initial=self.object.version, required=False)
        return form

    def form_valid(self, form):
        try:
            with transaction.atomic():
                if form.instance.pk:
                    current = type(form.instance)._base_manager.select_for_update().get(pk=form.instance.pk)
                    sent = form.cleaned_data.get("_version")
                    if sent is None:  # a form that does not say which version it edits could overwrite anything
                        raise _Conflict(_("保存失败：表单缺少版本信息，无法确认您修改的是最新内容。请刷新页面后重新修改。"))
                    if sent != current.version:
                        last = audit.history(current).first()
                        who = f"{last.username}（{last.timestamp:%Y-%m-%d %H:%M}）" if last else _("其他用户")
                        raise _Conflict(_("保存失败：该记录在您编辑期间已被 %(who)s 修改。请刷新页面查看最新内容后重新修改。")
                                        % {"who": who})
                    form.instance.version = current.version
                self.object = form.save()
                if not self.model.objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists():
                    raise _Conflict(_("保存失败：该记录将超出您的数据权限范围（例如所属区划不在您的辖区内）。"))
        except _Conflict as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class _Conflict(Exception):
    pass


class ObjectCreateView(ObjectEditView, CreateView):
    pass


class ObjectUpdateView(ObjectEditView, UpdateView):
    pass


class ObjectDeleteView(ScopedMixin, DeleteView):
    action = CHANGE
    template_name = "core/object_confirm_delete.html"
    success_url = None

    def get_success_url(self):
        opts = self.model._meta
        from django.urls import reverse
        return self.success_url or reverse(f"{opts.app_label}:{opts.model_name}_list")


class HomeView(LoginRequiredMixin, TemplateView):
    """The 工作台: the user's to-do list (core.todo, from every app, within the user's scope) and unread messages."""
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        from . import todo
        from .models import Notification
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        items = todo.collect(user)
        ctx.update(notifications=Notification.objects.filter(recipient=user, read_at__isnull=True)[:10],
                   todo_groups=todo.grouped(items), todo_count=sum(1 for i in items if i.kind != "target"),
                   todo_days=todo.todo_days(),
                   portal_url=reverse("services:portal") if user.role == Role.ENTERPRISE and user.enterprise_id
                   and not user.is_superuser else None)
        return ctx


def scoped_object_or_404(model, user, pk, action=VIEW):
    """A single record the user may reach, else 404 — for function views and actions."""
    return get_object_or_404(model.objects.restrict(user, action), pk=pk)


def require_role(user, *roles):
    if not user.has_role(*roles):
        raise PermissionDenied


# ---- Platform pages: jobs, messages, audit log ------------------------------------------------
from django.http import JsonResponse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views import View  # noqa: E402

from .filters import AuditFilter, JobFilter  # noqa: E402
from .models import AuditEntry, Job, Notification  # noqa: E402
from .tables import AuditTable, JobTable  # noqa: E402


class JobListView(ObjectListView):
    model = Job
    table_class = JobTable
    filterset_class = JobFilter
    template_name = "core/job_list.html"


class JobDetailView(ScopedMixin, DetailView):
    """A job's progress; polled by HTMX every second while it runs (the progress bar)."""
    model = Job
    template_name = "core/job_detail.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["core/_job_status.html"]
        return [self.template_name]


class JobStatusJSON(ScopedMixin, View):
    model = Job

    def get(self, request, pk):
        job = scoped_object_or_404(Job, request.user, pk)
        return JsonResponse({"id": job.pk, "status": job.status, "progress": job.progress, "total": job.total,
                             "percent": job.percent, "message": job.message, "result": jobs.public_result(job)})


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "core/notifications.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["notifications"] = Notification.objects.restrict(self.request.user)[:200]
        return ctx

    def post(self, request):
        Notification.objects.restrict(request.user, CHANGE).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("core:notifications")


class AuditListView(ObjectListView):
    """The operation log (操作日志), for city officers; read-only for everyone."""
    model = AuditEntry
    roles = {Role.CITY_OFFICER}
    table_class = AuditTable
    filterset_class = AuditFilter
    paginate_by = 50
    template_name = "core/audit_list.html"


class AuditVerifyView(LoginRequiredMixin, View):
    """Start a verification of the audit chain as a job (city officers)."""

    def post(self, request):
        if not request.user.has_role(Role.CITY_OFFICER):
            raise Http404
        from .jobs import start
        job = start("audit_verify", _("审计日志完整性校验"), request.user)
        return redirect("core:job_detail", pk=job.pk)


class HelpView(LoginRequiredMixin, TemplateView):
    """帮助 (/help/<module>/): a short guide to a module's daily work, linked from its menu group (issue 19
    item 4). A module the user has no menu entry in does not exist for them (404), like its pages."""
    template_name = "core/help.html"

    def get_context_data(self, **kwargs):
        from django.apps import apps as django_apps

        from .context_processors import visible_entries
        from .help import DEFAULT_ICON, GUIDES, ICONS
        ctx = super().get_context_data(**kwargs)
        module = self.kwargs["module"]
        entries = dict((config.label, items) for config, items in visible_entries(self.request.user))
        if module not in GUIDES or module not in entries:
            raise Http404
        ctx.update(module=django_apps.get_app_config(module), icon=ICONS.get(module, DEFAULT_ICON),
                   steps=GUIDES[module], entries=[{"label": item["label"], "url": url} for item, url in entries[module]])
        return ctx
