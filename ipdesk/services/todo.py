"""The commissioner one-stop's to-do items (core.todo): service requests waiting for the user.

Handlers (commissioners, district and city officers) see the open requests they may change: a new
one waits to be accepted (新申请, 待受理), an accepted one to be handled and completed; the promised
completion date (承诺办结日, `due_date`) makes it 临期 or 已超期. The enterprise user sees its
completed requests waiting for its rating (待评价).
"""
from django.utils.translation import gettext as _

from ipdesk.core.scoping import CHANGE, Role
from ipdesk.core.todo import TodoItem, deadline_kind

from .choices import OPEN_STATUSES, RequestStatus
from .models import ServiceRequest

LIMIT = 200  # per list; the page links to the full list for the rest


def todo_items(user, today):
    module = _("服务申请")
    items = []
    if user.has_role(Role.ENTERPRISE) and not user.is_superuser:
        for req in ServiceRequest.objects.restrict(user, CHANGE).filter(status=RequestStatus.COMPLETED)[:LIMIT]:
            items.append(TodoItem("step", module, _("%(n)s %(t)s：已办结，请评价") % {"n": req.number, "t": req.title},
                                  req.get_absolute_url(), key=f"services.request:{req.pk}"))
        return items
    if not user.has_role(Role.COMMISSIONER, Role.DISTRICT_OFFICER, Role.CITY_OFFICER):
        return items
    rows = (ServiceRequest.objects.restrict(user, CHANGE).filter(status__in=OPEN_STATUSES)
            .select_related("enterprise").order_by("due_date", "id")[:LIMIT])
    for req in rows:
        kind = deadline_kind(req.due_date, today)
        if kind is None:
            kind = "new" if req.status == RequestStatus.SUBMITTED else "step"
        step = _("待受理") if req.status == RequestStatus.SUBMITTED else _("待办结")
        items.append(TodoItem(kind, module, f"{req.number} {req.title}（{req.enterprise}）：{step}",
                              req.get_absolute_url(), due=req.due_date,
                              detail=_("承诺办结日 %(d)s") % {"d": req.due_date}, key=f"services.request:{req.pk}"))
    return items
