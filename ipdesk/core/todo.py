"""The to-do list of the 工作台 (待办): what waits for the signed-in user, gathered from every app.

Each app may have a `todo.py` module with one function `todo_items(user, today)` that returns
`TodoItem`s: the steps waiting for the user (待办理), new applications in the user's scope (新申请),
deadlines within `settings.TODO_DAYS` days (临期) and past ones (已超期), finished or failed imports,
annual fees of key enterprises falling due, the targets' progress. Providers read their records
through `Model.objects.restrict(user, …)` (core.scoping), so an item out of the user's scope is never
made; the core names no app (the modules are found the way `tasks.py` modules are).

`collect(user, today)` asks every provider and sorts the items: overdue first, then by deadline.
The platform's own provider (the user's finished and failed background jobs) is `todo_items` below.
"""
import datetime as dt
import logging
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

# kind -> (label, badge colour); also the order of the sections on the page
KINDS = {
    "overdue": (_("已超期"), "danger"),
    "due_soon": (_("临期"), "warning"),
    "step": (_("待办理"), "primary"),
    "new": (_("新申请"), "info"),
    "fee": (_("年费缴纳"), "warning"),
    "job": (_("导入与后台任务"), "secondary"),
    "target": (_("目标进度"), "success"),
}
URGENCY = {kind: n for n, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list; `link` opens the record, `due` is its deadline when it has one."""
    kind: str          # one of KINDS
    module: str        # what it is, e.g. 服务申请, 行政裁决 (shown before the title)
    title: str
    link: str
    due: dt.date | None = None
    detail: str = ""
    key: str = ""      # stable identity, e.g. "services.request:12" (dedupe of warnings, tests)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self):
        return KINDS[self.kind][0]

    @property
    def css(self):
        return KINDS[self.kind][1]


def todo_days():
    """How far ahead a deadline counts as 临期 (settings.TODO_DAYS, 7 by default)."""
    return int(getattr(settings, "TODO_DAYS", 7))


def deadline_kind(due, today, days=None):
    """"overdue" when `due` has passed, "due_soon" when it falls within `days` days, else None."""
    if due is None:
        return None
    if due < today:
        return "overdue"
    if due <= today + dt.timedelta(days=todo_days() if days is None else days):
        return "due_soon"
    return None


_providers = None


def providers():
    """Every app's `todo_items` function (imported once per process), the platform's own first."""
    global _providers
    if _providers is None:
        found = []
        for config in apps.get_app_configs():
            if not config.name.startswith("ipdesk."):
                continue
            name = f"{config.name}.todo"
            if find_spec(name) is None:
                continue
            func = getattr(import_module(name), "todo_items", None)
            if callable(func):
                found.append(func)
        _providers = found
    return _providers


def collect(user, today=None):
    """The user's to-do items from every provider, most urgent first. A provider that fails is
    logged and left out: one broken module must not take the whole 工作台 down."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    items = []
    for provider in providers():
        try:
            items.extend(provider(user, today))
        except Exception:  # noqa: BLE001 — the page shows the other modules' items
            log.exception("to-do provider %s.%s failed", provider.__module__, provider.__name__)
    far = dt.date.max
    items.sort(key=lambda i: (URGENCY.get(i.kind, 99), i.due or far, i.module, i.title))
    return items


def grouped(items):
    """[(kind, label, css, [items])] in the order of KINDS, empty kinds left out."""
    out = []
    for kind, (label, css) in KINDS.items():
        rows = [i for i in items if i.kind == kind]
        if rows:
            out.append((kind, label, css, rows))
    return out


# ---- The platform's own items: the user's finished and failed background jobs -----------------
def todo_items(user, today):
    """导入结果: the user's own imports and other jobs that finished or failed in the last TODO_DAYS days
    (only the jobs the user started, also for city officers, who may see everyone's)."""
    from django.urls import reverse

    from .models import Job, JobStatus
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=todo_days()), dt.time.min))
    jobs = (Job.objects.restrict(user).filter(created_by=user, status__in=[JobStatus.DONE, JobStatus.FAILED],
                                              finished_at__gte=since).order_by("-finished_at")[:20])
    items = []
    for job in jobs:
        if job.kind == "import":
            from .import_views import import_outcome
            outcome = import_outcome(job)
            link = reverse("core:import_job", args=[job.pk])
            module = _("导入")
        else:
            outcome = "failed" if job.status == JobStatus.FAILED else "committed"
            link = reverse("core:job_detail", args=[job.pk])
            module = _("后台任务")
        result = job.result if isinstance(job.result, dict) else {}
        detail = job.message if job.status == JobStatus.FAILED else str(result.get("summary", ""))
        items.append(TodoItem("job", str(module), f"{job.title}：{JOB_OUTCOMES.get(outcome, job.get_status_display())}",
                              link, detail=detail[:300], key=f"core.job:{job.pk}", extra={"outcome": outcome}))
    return items


JOB_OUTCOMES = {"committed": _("已完成"), "dry_run": _("试导入完成（未写入）"), "rolled_back": _("已回滚（未写入任何数据）"),
                "file_error": _("文件无法读取"), "failed": _("失败")}
