"""Financing's to-do items (core.todo): interest-subsidy (贴息) applications waiting for the office —
a submitted one for its review (新申请, 待审核), an approved one for its payment (待拨付). Only officers
decide (finance.actions), so only they get these items, for the applications in their scope."""
from django.utils.translation import gettext as _

from ipdesk.core.scoping import CHANGE, OFFICERS
from ipdesk.core.todo import TodoItem

from .choices import SubsidyStatus
from .models import InterestSubsidyApplication

LIMIT = 200


def todo_items(user, today):
    if not user.has_role(*OFFICERS):
        return []
    module = _("贴息申请")
    items = []
    rows = (InterestSubsidyApplication.objects.restrict(user, CHANGE)
            .filter(status__in=[SubsidyStatus.SUBMITTED, SubsidyStatus.APPROVED])
            .select_related("enterprise").order_by("id")[:LIMIT])
    for app in rows:
        submitted = app.status == SubsidyStatus.SUBMITTED
        items.append(TodoItem("new" if submitted else "step", module,
                              _("%(e)s %(y)s年贴息：%(s)s") % {"e": app.enterprise, "y": app.year,
                                                            "s": _("待审核") if submitted else _("待拨付")},
                              app.get_absolute_url(), detail=_("核定贴息 %(a)s 元") % {"a": app.subsidy_yuan},
                              key=f"finance.subsidy:{app.pk}"))
    return items

