"""The workflow of a background job (后台任务): queued → running → done or failed, moved only by the worker
(core.jobs / core.tasks), never by a button — declared so `ipdesk workflows` and the 办理流程 page list it."""
from django.utils.translation import gettext_lazy as _

from .models import Job, JobStatus
from .workflow import Transition, Workflow, register

JOB = register(Workflow(
    Job, JobStatus, [
        Transition("run", (JobStatus.QUEUED,), JobStatus.RUNNING, _("开始执行"), system=True),
        Transition("finish", (JobStatus.RUNNING,), JobStatus.DONE, _("完成"), system=True),
        Transition("fail", (JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.FAILED, _("失败"), system=True),
    ],
    note=_("后台任务由系统排队执行，完成或失败后在“后台任务”中查看结果。"),
))
