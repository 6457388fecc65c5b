"""The import page every registry shares: upload a file, watch the progress, read and download the rejects.

GET  /import/<kind>/              the form, with the accepted headers of the kind's ImportSpec
POST /import/<kind>/              saves the upload and starts an "import" job (core.jobs)
GET  /import/jobs/<pk>/           the job's page: progress bar (HTMX, every second) and the result
GET  /import/jobs/<pk>/rejected.csv  the rejected rows with line, column and reason
Apps link to it with `reverse("core:import", args=[kind])` or their own URL name (see registry/urls.py).
"""
import datetime
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import jobs
from .imports import get_spec, imports_dir, read_progress
from .models import Job, JobStatus
from .views import scoped_object_or_404

ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
    keep_good = forms.BooleanField(label=_("仅导入正确的行（跳过被拒绝的行）"), required=False,
                                   help_text=_("不勾选时：文件中任何一行有错，整个文件都不导入"))
    dry_run = forms.BooleanField(label=_("试导入（只检查，不写入）"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只接受 CSV 或 XLSX 文件（.csv / .xlsx），当前文件：%(name)s") % {"name": upload.name})
        if upload.size > settings.IPDESK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件过大（上限 %(mb)d MB）") % {"mb": settings.IPDESK_UPLOAD_MAX_BYTES // 2**20})
        if upload.size == 0:
            raise forms.ValidationError(_("文件为空"))
        return upload


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
        return render(request, "core/import_form.html", {"spec": spec, "form": ImportForm()})

    def post(self, request, kind=None):
        spec = _spec_or_404(kind or self.kind, request.user)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "core/import_form.html", {"spec": spec, "form": form}, status=400)
        upload = form.cleaned_data["file"]
        target = imports_dir() / f"upload-{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        job = jobs.start("import", f"{spec.label}导入：{upload.name}"[:200], request.user, record_type=spec.name,
                         path=str(target), filename=upload.name, keep_good=form.cleaned_data["keep_good"],
                         dry_run=form.cleaned_data["dry_run"])
        return redirect("core:import_job", job.pk)


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
