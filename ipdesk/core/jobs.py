"""Background jobs: the one way to run long work (imports, bulletins, detection) with progress.

`start(kind, title, user, **params)` records a Job and queues it on huey; the handler registered
for `kind` receives the Job and reports progress through `job.report(done, total)`. On a single
desk the queue is an SQLite file and `make run` starts the consumer beside the web server; in a
deployment the queue is Redis (HUEY_REDIS_URL) and `ipdesk run_huey` runs as a service. Tests set
HUEY_IMMEDIATE so jobs run in-process.
"""
import logging
import traceback

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from . import context
from .models import Job, JobStatus

log = logging.getLogger(__name__)
_HANDLERS = {}


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


def report(job, done, total=None, message=None):
    """Record progress; cheap enough to call every few thousand rows."""
    fields = {"progress": done}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)
    for k, v in fields.items():
        setattr(job, k, v)


Job.report = report


def execute(job):
    """Run a job in this process (the huey task and `ipdesk` commands both come here)."""
    handler = _HANDLERS[job.kind]
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        with context.acting_as(job.created_by, request_id=f"job-{job.pk}"):
            result = handler(job, **job.params) or {}
    except Exception as exc:  # the job failed: say why on the job, keep the trace in the log
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now(),
                                             message=f"{type(exc).__name__}: {exc}"[:2000],
                                             result={"traceback": traceback.format_exc()[-4000:]})
        return None
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now(), result=result)
    return result


@db_task()
def run_job(job_id):
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is not None and job.status == JobStatus.QUEUED:
        execute(job)
