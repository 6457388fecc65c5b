"""Background jobs: the one way to run long work (imports, bulletins, detection) with progress.

`start(kind, title, user, **params)` records a Job and queues it on huey; the handler registered
for `kind` receives the Job and reports progress through `job.report(done, total)` (models.Job.report).
On a single desk the queue is an SQLite file and `make run` starts the consumer beside the web server; in a
deployment the queue is Redis (HUEY_REDIS_URL) and `ipdesk run_huey` runs as a service. Tests set
HUEY_IMMEDIATE so jobs run in-process.

A job that fails shows its users a short Chinese message with an error id (job.message and
result["error_id"]); the traceback goes to the server log under that id only, never into the Job
row, which the API and the job pages return (OWASP ASVS 7.4.1: no stack traces to users). A handler
that has something to tell the user raises `JobError("…")`, whose text is shown as written.
"""
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from . import context
from .extensions import registry
from .models import Job, JobStatus

log = logging.getLogger(__name__)
_HANDLERS = registry["job_handlers"]  # kind -> handler, filled by each app's tasks.py / jobs.py


class JobError(Exception):
    """A failure the handler explains to the user in Chinese; its text is shown as written."""


PRIVATE_RESULT_KEYS = ("traceback",)  # written by older versions; never shown


def public_result(job):
    """The job's result as users may see it (the API serializer and pages use this)."""
    result = job.result if isinstance(job.result, dict) else {}
    return {k: v for k, v in result.items() if k not in PRIVATE_RESULT_KEYS}


def job_handler(kind):
    """Register `func(job, **params) -> dict` as the handler of jobs of `kind`."""
    def decorator(func):
        _HANDLERS[kind] = func
        return func
    return decorator


def start(kind, title, user=None, **params):
    if kind not in _HANDLERS:
        raise KeyError(f"no job handler for {kind!r}")
    job = Job.objects.create(kind=kind, title=title, created_by=user if user and user.pk else None, params=params)
    transaction.on_commit(lambda: run_job(job.pk))
    return job


def execute(job):
    """Run a job in this process (the huey task and `ipdesk` commands both come here)."""
    handler = _HANDLERS[job.kind]
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        with context.acting_as(job.created_by, request_id=f"job-{job.pk}"):
            result = handler(job, **job.params) or {}
    except Exception as exc:  # the job failed: a short message for users, the trace in the log only
        error_id = f"J{job.pk}-{uuid.uuid4().hex[:8]}"
        log.exception("job %s (%s) failed, error id %s", job.pk, job.kind, error_id)
        if isinstance(exc, JobError):
            message = _("%(reason)s（错误编号 %(id)s）") % {"reason": str(exc)[:1500], "id": error_id}
        else:
            message = _("任务执行出错，未能完成（错误编号 %(id)s）。请稍后重试；如仍出错，请将错误编号告知系统管理员。") \
                % {"id": error_id}
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                             message=message, result={"error_id": error_id})
        _notify_owner(job)
        return None
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now(), result=result)
    _notify_owner(job)
    return result


def _notify_owner(job):
    """Tell whoever started the job how it ended (导入结果), with a link to its page. Never fails the job."""
    try:
        from django.urls import reverse

        from .notify import notify
        job.refresh_from_db()
        if job.created_by is None:
            return
        if job.kind == "import":
            from .import_views import import_outcome
            outcome = import_outcome(job)
            link = reverse("core:import_job", args=[job.pk])
        else:
            outcome = "failed" if job.status == JobStatus.FAILED else "committed"
            link = reverse("core:job_detail", args=[job.pk])
        from .todo import JOB_OUTCOMES
        result = job.result if isinstance(job.result, dict) else {}
        body = job.message if job.status == JobStatus.FAILED else str(result.get("summary", ""))
        notify(job.created_by, f"{job.title}：{JOB_OUTCOMES.get(outcome, job.get_status_display())}", link,
               "job_failed" if outcome in ("failed", "file_error", "rolled_back") else "job_done",
               body=body, key=f"job-{job.pk}")
    except Exception:  # noqa: BLE001 — a message that cannot be written must not turn a done job into a failure
        log.exception("could not notify the owner of job %s", job.pk)


@db_task()
def run_job(job_id):
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is not None and job.status == JobStatus.QUEUED:
        execute(job)
