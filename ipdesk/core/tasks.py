"""Platform jobs: audit-chain verification, on demand and every night; signed audit checkpoints."""
import logging

from django.contrib.auth import get_user_model
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import audit
from .jobs import job_handler

log = logging.getLogger(__name__)


@job_handler("audit_verify")
def verify_audit_chain(job):
    checked, problems = audit.verify()
    job.report(checked, checked)
    if problems:
        raise RuntimeError(f"审计日志校验失败：{len(problems)} 处问题；{problems[0]}")
    return {"summary": f"审计日志完整：已校验 {checked} 条记录", "checked": checked}


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_audit_verify():
    """Every night: a tampered audit log is reported to city officers the next morning."""
    from .jobs import start
    from .notify import notify
    job = start("audit_verify", "审计日志夜间校验")
    job.refresh_from_db()
    if job.status == "failed":
        notify(get_user_model().objects.filter(role="city_officer", is_active=True), "审计日志校验失败",
               f"/jobs/{job.pk}/", "audit",
               body=job.message, key=f"audit-broken-{job.pk}")


@db_periodic_task(crontab(minute="*/10"))
def periodic_audit_checkpoint():
    """Every ten minutes, when the log has grown: sign a checkpoint of its head into the checkpoint file
    and syslog, so entries cut off the end later than that show (core.audit). A chain that no longer
    verifies gets no checkpoint; city officers are told."""
    from .notify import notify
    record, problems = audit.checkpoint(force=False)
    if not problems:
        return record
    log.error("audit chain broken, no checkpoint written: %s", problems[0])
    notify(get_user_model().objects.filter(role="city_officer", is_active=True), "审计日志校验失败", "/audit/", "audit",
           body=f"未写入检查点：{problems[0]}", key=f"audit-checkpoint-{problems[0][:60]}")
    return None
