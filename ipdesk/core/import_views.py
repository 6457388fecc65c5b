"""The import page every registry shares: upload a file, watch the progress, read and download the rejects.

GET  /import/<kind>/              the form, with the accepted headers of the kind's ImportSpec
POST /import/<kind>/              saves the upload and starts an "import" job (core.import_uploads)
GET  /import/jobs/<pk>/           the job's page: progress bar (HTMX, every second) and the result
GET  /import/jobs/<pk>/rejected.csv  the rejected rows with line, column and reason
GET  /import/<kind>/template.xlsx   the kind's import template (core.templates_xlsx)
Apps link to it with `reverse("core:import", args=[kind])` or their own URL name (see registry/urls.py).
"""
import datetime
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from .import_uploads import start_import
from .imports import get_spec, imports_dir, read_progress
from .models import Job, JobStatus
from .views import scoped_object_or_404

ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 Excel 表格）"))
    columns = forms.CharField(
        label=_("列映射（仅当文件没有表头行时填写）"), required=False, max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("例如：申请号,名称,申请人,,申请日")}),
        help_text=_("按文件中列的顺序写出每列的列名（见下方“可识别的列”），用逗号分隔；不导入的列留空。"))
    keep_good = forms.BooleanField(label=_("仅导入正确的行（跳过被拒绝的行）"), required=False,
                                   help_text=_("不勾选时：文件中任何一行有错，整个文件都不导入"))
    dry_run = forms.BooleanField(label=_("试导入（只检查，不写入）"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            what = NOT_TABLE_SUFFIXES.get(suffix)
            if what:
                raise forms.ValidationError(_("这是一个 %(what)s 文件，不是表格：请导出为 CSV 或 XLSX（Excel）文件后再导入。")
                                            % {"what": what})
            raise forms.ValidationError(_("只接受 CSV、XLSX 或 XLS 文件（.csv / .xlsx / .xls），当前文件：%(name)s")
                                        % {"name": upload.name})
        if upload.size > settings.IPDESK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件过大（上限 %(mb)d MB）") % {"mb": settings.IPDESK_UPLOAD_MAX_BYTES // 2**20})
        if upload.size == 0:
            raise forms.ValidationError(_("文件为空"))
        return upload

    def clean_columns(self):
        value = self.cleaned_data["columns"]
        if value and self.spec is not None:
            from .imports import _fold, _header_columns, parse_columns
            by_header = {_fold(a): f for f in self.spec.fields for a in f.aliases}
            unknown = [n for n in parse_columns(value) or () if n and not _header_columns([n], by_header)]
            if unknown:
                raise forms.ValidationError(_("无法识别的列名：%(names)s") % {"names": "、".join(unknown)})
        return value

    def __init__(self, *args, spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec


# Files that are plainly no table, named by their extension before the upload is even stored
# (a file with a table's extension but other content is named by core.imports when read).
NOT_TABLE_SUFFIXES = {".sql": "SQL", ".json": "JSON", ".jsonl": "JSON Lines", ".ndjson": "JSON Lines",
                      ".doc": "Word", ".docx": "Word", ".pdf": "PDF", ".ppt": "PowerPoint", ".pptx": "PowerPoint",
                      ".zip": "ZIP", ".rar": "RAR", ".7z": "7z", ".xml": "XML", ".html": "HTML", ".htm": "HTML"}


def _spec_or_404(kind, user):
    try:
        spec = get_spec(kind)
    except KeyError:
        raise Http404
    if not spec.may_import(user) or getattr(user, "is_read_only", False):
        raise Http404  # a page you may not use does not exist for you
    return spec


class ImportView(LoginRequiredMixin, View):
    kind = None  # set by as_view(kind=...) or taken from the URL

    def get(self, request, kind=None):
        spec = _spec_or_404(kind or self.kind, request.user)
        columns = request.GET.get("columns", "")
        if "col0" in request.GET:  # the job page's per-column mapping step (one select per column of row 1)
            from .imports import MAX_MAPPED_COLUMNS
            picked = [request.GET.get(f"col{i}", "") for i in range(MAX_MAPPED_COLUMNS)]
            while picked and not picked[-1]:
                picked.pop()
            columns = ",".join(picked)
        initial = {"columns": columns[:2000]}
        return render(request, "core/import_form.html", {"spec": spec, "form": ImportForm(initial=initial, spec=spec),
                                                         "no_header": request.GET.get("no_header") == "1"})

    def post(self, request, kind=None):
        spec = _spec_or_404(kind or self.kind, request.user)
        form = ImportForm(request.POST, request.FILES, spec=spec)
        if not form.is_valid():
            return render(request, "core/import_form.html", {"spec": spec, "form": form}, status=400)
        job = start_import(spec, form.cleaned_data["file"], request.user, keep_good=form.cleaned_data["keep_good"],
                           dry_run=form.cleaned_data["dry_run"], columns=form.cleaned_data["columns"])
        return redirect("core:import_job", job.pk)


class TemplateDownloadView(LoginRequiredMixin, View):
    """The import template of a record type (XLSX: headers, and a 说明 sheet describing every column)."""

    def get(self, request, kind):
        from django.http import HttpResponse

        from .templates_xlsx import build_template, template_filename
        spec = _spec_or_404(kind, request.user)
        response = HttpResponse(build_template(spec),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{template_filename(spec)}"'
        return response


# A queued job normally starts within a second or two; one still queued after this long most likely has
# no worker to run it (`ipdesk run_huey` not started). Judged from the job's own age, so it costs nothing
# and claims no more than it knows: the page says the worker *seems* to be missing.
WORKER_HINT_AFTER = datetime.timedelta(seconds=15)


def queued_too_long(job):
    """Seconds the job has waited when it has waited suspiciously long, else None."""
    if job.status != JobStatus.QUEUED or job.created_at is None:
        return None
    waited = timezone.now() - job.created_at
    if waited < WORKER_HINT_AFTER:
        return None
    busy = Job.objects.filter(status=JobStatus.RUNNING).exclude(pk=job.pk).exists()
    return {"seconds": int(waited.total_seconds()), "others_running": busy}


def import_outcome(job):
    """What happened to the data: "committed", "dry_run", "rolled_back", "file_error", "failed" or "" (not
    finished). Results stored before "outcome" existed are read from their "committed" flag."""
    result = job.result if isinstance(job.result, dict) else {}
    if job.status == JobStatus.FAILED:
        return "failed"
    if job.status != JobStatus.DONE:
        return ""
    if result.get("file_error"):
        return "file_error"
    if result.get("outcome"):
        return result["outcome"]
    if result.get("committed"):
        return "committed"
    return "dry_run" if result.get("dry_run") else "rolled_back"


class ImportJobView(LoginRequiredMixin, View):
    """The progress and outcome of one import; the HTMX partial polls itself while the job runs."""

    def get(self, request, pk):
        job = scoped_object_or_404(Job, request.user, pk)
        if job.kind != "import":
            raise Http404
        percent = job.percent
        if job.status == JobStatus.RUNNING:
            percent = (read_progress(job.pk) or {}).get("percent", 0)
        spec = None
        try:
            spec = get_spec(job.params.get("record_type", ""))
        except KeyError:
            pass
        result = job.result if isinstance(job.result, dict) else {}
        ctx = {"job": job, "percent": percent, "result": result, "spec": spec, "outcome": import_outcome(job),
               "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING), "waiting": queued_too_long(job)}
        template = "core/_import_status.html" if request.htmx else "core/import_job.html"
        return render(request, template, ctx)


class RejectedRowsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = scoped_object_or_404(Job, request.user, pk)
        path = imports_dir() / f"rejected-job-{job.pk}.csv"
        if job.kind != "import" or not path.exists():
            raise Http404
        return FileResponse(open(path, "rb"), as_attachment=True, filename=f"rejected-rows-{job.pk}.csv",
                            content_type="text/csv; charset=utf-8")
