"""The targets' progress on the 工作台 of the city officer and the leader (core.todo): each assessment target (考核目标)
of the year of the latest data, with the current figure (stats.indicators.figures_many, the same
numbers as the dashboard and the bulletin) and the completion (完成率 = 实际 ÷ 目标, stats.rules).

Computed once per state of the data, like the dashboard: the cache key carries the last change of
any record (core.audit.data_generation) and the registry signature.
"""
import hashlib

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from ipdesk.core import audit
from ipdesk.core.scoping import Role
from ipdesk.core.todo import TodoItem

from . import facts, rules
from .models import Target

TTL = 600


def todo_items(user, today):
    if not user.has_role(Role.CITY_OFFICER, Role.LEADER):
        return []
    from . import indicators as ind
    as_of = min(today, ind.latest_data_date())
    targets = list(Target.objects.restrict(user).filter(year=as_of.year).select_related("region")
                   .order_by("region__code", "indicator"))
    if not targets:
        return []
    state = f"{audit.data_generation()}|{facts.current_signature()}|{as_of.isoformat()}"
    key = "stats:todo-targets:" + hashlib.sha256(state.encode()).hexdigest()
    values = cache.get(key)
    if values is None:
        regions = list({t.region_id: t.region for t in targets}.values())
        found = ind.figures_many(regions, as_of, keys={t.indicator for t in targets})
        values = {rid: {k: v for k, v in row.items() if ind.is_number(v)} for rid, row in found.items()}
        cache.set(key, values, TTL)
    module = _("考核目标")
    items = []
    for t in targets:
        actual = values.get(t.region_id, {}).get(t.indicator)
        done = rules.completion(actual, t.value)
        unit = ind.unit(t.indicator)
        items.append(TodoItem(
            "target", module, f"{t.region} · {ind.label(t.indicator)}",
            reverse("stats:indicators") + f"?region={t.region.code}&as_of={as_of.isoformat()}",
            detail=_("截至 %(d)s：%(a)s / 目标 %(t)s %(u)s") % {
                "d": as_of, "a": rules.number(actual) if actual is not None else "—", "t": rules.number(float(t.value)),
                "u": unit},
            key=f"stats.target:{t.pk}", extra={"completion": done, "percent": round(done * 100, 1) if done else 0}))
    return items
