"""Generic views every module uses: list (filters, sorting, pagination, export, row selection with batch
actions), detail with history, create/update with scope and version checks, void and restore (作废 /
撤销作废, core.voiding; nothing is deleted). They all start from `Model.objects.restrict(user, action)`,
so a row out of scope answers 404."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import HiddenInput, IntegerField, ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django.views import View
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import audit, bulk, jobs, voiding
from .columns import ActionsColumn, SelectColumn
from .exports import export_response
from .pagination import DeferredJoinPaginator
from .scoping import CHANGE, STAFF_ROLES, VIEW, Role, _role, can, choosable


class ScopedMixin(LoginRequiredMixin):
    """Restricts the queryset to the user's data scope; `roles` narrows who may use the view at all."""
    model = None
    action = VIEW
    roles = None  # e.g. {Role.CITY_OFFICER}; None: any role the model's scope admits
    include_voided = False  # a detail page also shows a voided record (with its void); lists and edits do not

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if self.roles is not None and not request.user.has_role(*self.roles):
                raise Http404  # a page you may not use does not exist for you
            if not can(request.user, self.model, self.action):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        manager = self.model.all_objects if self.include_voided and voiding.is_voidable(self.model) \
            else self.model.objects
        qs = manager.restrict(self.request.user, self.action)
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
    row_actions = True      # the selection boxes, the 操作 column and the batch actions (False: a plain table)
    bulk_max = 500          # records one batch action may touch (a page holds 25 to 50)

    def showing_voided(self):
        """`?voided=1`: the voided records instead of those in force, for officers and leaders (作废记录)."""
        return (voiding.is_voidable(self.model) and self.request.GET.get("voided") == "1"
                and _role(self.request.user) in STAFF_ROLES)

    def get_queryset(self):
        if self.showing_voided():  # a subclass's get_queryset adds its joins and filters to this one
            qs = self.model.all_objects.restrict(self.request.user, self.action).voided()
            return qs.order_by("-voided_at", "-pk")
        return super().get_queryset()

    def get_table(self, **kwargs):
        """The list's table with the selection boxes first and the 操作 column last (subclasses' own
        get_table_kwargs keep working: the columns are added here, to whatever they return)."""
        if self.row_actions:
            kwargs = self.with_row_actions(kwargs)
        return super().get_table(**kwargs)

    def with_row_actions(self, kwargs):
        kwargs = dict(kwargs)
        table_class = self.get_table_class()
        sequence = list(kwargs.get("sequence") or getattr(table_class._meta, "sequence", None) or ("...",))
        sequence = ["select", *[c for c in sequence if c not in ("select", "actions")]]
        if "..." not in sequence:
            sequence.append("actions")
        kwargs.update(extra_columns=[("select", SelectColumn()), *kwargs.get("extra_columns", ()),
                                     ("actions", ActionsColumn())], sequence=sequence)
        return kwargs

    def bulk_choices(self):
        """The batch actions this user has on this list: [(name, label, confirm, icon)]."""
        user = self.request.user
        choices = [("export", _("导出所选"), "", "bi-file-earmark-excel")]
        if voiding.may_void(user, self.model) and not self.showing_voided():
            choices.append(("void", _("批量作废"), "", "bi-x-octagon"))
        if not self.showing_voided():
            choices += [(a.name, str(a.label), str(a.confirm) if a.form is None else "", a.icon)
                        for a in bulk.actions_for(user, self.model)]
        return choices

    def post(self, request, *args, **kwargs):
        """A batch action on the ticked rows (`pk`), named by `_action`; answers with a file (导出所选), the
        void form (批量作废, which posts back with its reason) or a redirect to the list with what was done and
        which records were refused, by name."""
        if not self.row_actions:
            raise Http404
        name = request.POST.get("_action", "")
        values = request.POST.getlist("pk")
        # record ids only: a value that is no id (or one no database column holds) selects nothing
        pks = sorted({int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18})
        back = HttpResponseRedirect(request.get_full_path())
        if name not in {c[0] for c in self.bulk_choices()}:
            messages.error(request, _("该批量操作不存在，或您无权执行。"))
            return back
        if not pks:
            messages.warning(request, _("请先勾选要处理的记录。"))
            return back
        if len(pks) > self.bulk_max:
            messages.error(request, _("一次最多处理 %(n)s 条记录，请分批勾选。") % {"n": self.bulk_max})
            return back
        if name == "export":
            return self.export_selected(pks) or back
        if name == "void":
            return self.void_selected(pks) or back
        action = bulk.find(request.user, self.model, name)
        data = {}
        if action.form is not None:
            confirmed = request.POST.get("_confirm") == "1"
            form = action.form(request.POST if confirmed else None, request.FILES if confirmed else None)
            if not confirmed or not form.is_valid():
                from django.shortcuts import render
                limit_choices_to_scope(form, request.user)
                return render(request, "core/bulk_action_form.html", self.confirm_context(pks, {
                    "action": action, "label": str(action.label), "form": form}))
            data = form.cleaned_data
        done, refused = bulk.run(action, request.user, self.model, pks, data)
        self.report(str(action.label), done, refused)
        return back

    def confirm_context(self, pks, extra):
        records = list(self.model.objects.restrict(self.request.user, VIEW).filter(pk__in=pks))
        return {"records": records, "pks": pks, "missing": len(pks) - len(records),
                "model_name": self.model._meta.verbose_name, "model_name_plural": self.model._meta.verbose_name_plural,
                "back": self.request.get_full_path(), **extra}

    def report(self, label, done, refused):
        if done:
            messages.success(self.request, _("“%(action)s”已完成 %(n)s 条。") % {"action": label, "n": len(done)})
        if refused:
            messages.error(self.request, _("以下 %(n)s 条未处理：") % {"n": len(refused)} + "；".join(refused))

    def export_selected(self, pks):
        """导出所选: the list's own export (the same columns, numbers as numbers) of the ticked rows; refused
        whole, naming them, when any of them is not on this list for this user."""
        self.object_list = qs = self.get_queryset().filter(pk__in=pks)
        found = set(qs.values_list("pk", flat=True))
        missing = [str(pk) for pk in pks if pk not in found]
        if missing:
            messages.error(self.request, _("导出未执行：编号 %(pks)s 的记录不存在、已作废或不在您的数据权限范围内。")
                           % {"pks": "、".join(missing)})
            return None
        name = f"{self.export_name or self.model._meta.verbose_name}（{_('所选')}）"
        if self.export_columns:
            return export_response(qs, self.export_columns, "xlsx", name, user=self.request.user)
        return self.export_table(qs, name)

    def export_table(self, qs, name):
        """A list without declared export columns exports what its table shows (its values: numbers stay numbers)."""
        from django.http import HttpResponse
        from django.utils.http import content_disposition_header

        from .exports import workbook_bytes
        from .models import AuditAction
        table = self.get_table_class()(qs, **self.get_table_kwargs())
        opts = self.model._meta
        audit.record(AuditAction.EXPORT, object_type_name=f"{opts.app_label}.{opts.model_name}",
                     object_repr=f"{name}.xlsx"[:200], after={"format": "xlsx", "rows": len(qs)})
        response = HttpResponse(workbook_bytes(table.as_values(), name),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
        return response

    def void_selected(self, pks):
        """批量作废: the first post shows the ticked records and asks for the reason; the second voids each."""
        from django.shortcuts import render
        user = self.request.user
        reason = self.request.POST.get("reason", "").strip()
        if self.request.POST.get("_confirm") != "1" or not reason:
            if self.request.POST.get("_confirm") == "1":
                messages.error(self.request, _("请填写作废原因。"))
            return render(self.request, "core/bulk_void_confirm.html", self.confirm_context(
                pks, {"reason": reason, "reason_max": voiding.REASON_MAX}))
        done, refused = voiding.void_many(self.model, user, pks, reason)
        self.report(_("作废"), done, refused)
        return None

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
                   total=total, bulk_choices=self.bulk_choices() if self.row_actions else [],
                   voidable=voiding.is_voidable(self.model) and _role(self.request.user) in STAFF_ROLES,
                   showing_voided=self.showing_voided())
        return ctx


class ObjectDetailView(ScopedMixin, DetailView):
    """A record page with its fields and its change history (变更记录)."""
    template_name = "core/object_detail.html"
    detail_fields = None  # names to show; default: every concrete, non-internal field
    include_voided = True  # a voided record still opens, with its void and reason and 撤销作废

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["fields"] = list(field_rows(self.object, self.detail_fields))
        ctx["history"] = audit.history(self.object)[:100]
        voided = getattr(self.object, "voided_at", None) is not None
        changeable = self.model.objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists() \
            if not voided else False
        ctx["can_edit"] = changeable
        may_void = voiding.may_void(self.request.user, self.model)
        ctx["voided"] = voided
        ctx["can_void"] = may_void and changeable and _url_exists(self.object, "void")
        ctx["can_restore"] = may_void and voided and _url_exists(self.object, "restore") and \
            self.model.all_objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists()
        return ctx


def _url_exists(obj, kind):
    from django.urls import NoReverseMatch, reverse
    try:
        reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_{kind}", args=[obj.pk])
    except NoReverseMatch:
        return False
    return True


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


class ObjectVoidView(ScopedMixin, DetailView):
    """作废 one record: a confirmation page with the reason (required), then core.voiding.void. A role that may
    not void is refused (403); a record out of the user's CHANGE scope, or already voided, is not there (404).
    Replaces the hard delete the generic views once wired and nothing linked to: nothing is deleted."""
    action = CHANGE
    template_name = "core/object_confirm_void.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not voiding.may_void(request.user, self.model):
            raise PermissionDenied(_("您的角色不能作废该类记录。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(reason_max=voiding.REASON_MAX, refusal=self.object.void_refusal())
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            voiding.void(self.object, request.user, request.POST.get("reason", ""))
        except voiding.VoidRefused as exc:
            messages.error(request, str(exc))
            context = self.get_context_data(object=self.object)
            context["reason"] = request.POST.get("reason", "")
            return self.render_to_response(context, status=400)
        messages.success(request, _("已作废：%(obj)s") % {"obj": self.object})
        return redirect(self.object.get_absolute_url())


class ObjectRestoreView(ScopedMixin, View):
    """撤销作废 (POST): the record is back in force; audited."""
    action = CHANGE

    def post(self, request, pk):
        if not voiding.may_void(request.user, self.model):
            raise PermissionDenied(_("您的角色不能撤销作废。"))
        obj = get_object_or_404(self.model.all_objects.restrict(request.user, CHANGE).voided(), pk=pk)
        voiding.restore(obj, request.user)
        messages.success(request, _("已撤销作废：%(obj)s") % {"obj": obj})
        return redirect(obj.get_absolute_url())


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


# ---- Platform pages: jobs, messages, audit log ------------------------------------------------
from django.http import JsonResponse  # noqa: E402
from django.utils import timezone  # noqa: E402

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
