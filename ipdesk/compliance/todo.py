"""Abnormal applications' to-do items (core.todo), one line per verification batch and step.

An application waiting for its notice (待送达通知), a statement waiting for the office's finding
(待认定), and a notified application whose reply deadline (答复期限; the recorded one, else the default
of compliance.rules.reply_deadline) falls within TODO_DAYS days (临期) or has passed (已超期: 待确认
逾期视为撤回). Only the applications of the officer's districts (restrict, CHANGE).
"""
from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from ipdesk.core.scoping import CHANGE, OFFICERS
from ipdesk.core.todo import TodoItem, deadline_kind

from . import rules
from .choices import ApplicationStatus as S
from .models import AbnormalApplication


def todo_items(user, today):
    if not user.has_role(*OFFICERS):
        return []
    module = _("非正常申请")
    groups = defaultdict(list)   # (batch, kind, status) -> [deadline]
    batches = {}
    rows = (AbnormalApplication.objects.restrict(user, CHANGE)
            .filter(status__in=[S.PENDING, S.NOTIFIED, S.STATEMENT]).select_related("batch")
            .only("id", "status", "deadline", "notice_date", "batch__id", "batch__name"))
    for app in rows.iterator(chunk_size=2000):
        batches[app.batch_id] = app.batch
        if app.status == S.NOTIFIED:
            due = rules.reply_deadline(app.deadline, app.notice_date)
            kind = deadline_kind(due, today)
            if kind:
                groups[(app.batch_id, kind, app.status)].append(due)
        else:
            groups[(app.batch_id, "step", app.status)].append(None)
    what = {("overdue", S.NOTIFIED): _("答复期限已过，待确认撤回或逾期视为撤回"),
            ("due_soon", S.NOTIFIED): _("答复期限临近"),
            ("step", S.PENDING): _("待送达通知"),
            ("step", S.STATEMENT): _("已陈述意见，待认定")}
    items = []
    for (batch_id, kind, status), dues in groups.items():
        dates = [d for d in dues if d is not None]
        link = reverse("compliance:abnormalapplication_list") + "?" + urlencode({"batch": batch_id, "status": status})
        title = _("%(b)s：%(n)s 件%(w)s") % {"b": batches[batch_id], "n": len(dues), "w": what[(kind, status)]}
        items.append(TodoItem(kind, module, title, link, due=min(dates) if dates else None,
                              key=f"compliance.batch:{batch_id}:{kind}:{status}", extra={"count": len(dues)}))
    return items
