"""Annual-fee deadlines as to-do items (core.todo): the patents that lapse if their fee is not paid.

The due dates and grace periods come from registry.fees.next_fee (the rule and its sources are in
registry.rules: annual_fee_status and ANNUAL_FEE_DEFAULTS). Officers and commissioners see the valid patents of the key
enterprises (重点企业库) in their scope whose fee falls due within TODO_DAYS days, and those whose
recorded payment (年费缴至) shows a due date already past and the grace period (滞纳期) running.
The enterprise user sees every fee of its own patents within the reminder window of the fee rule
(90 days by default) — the 缴费提醒 of its portal.
"""
import datetime as dt

from django.utils.translation import gettext as _

from ipdesk.core.scoping import Role
from ipdesk.core.todo import TodoItem, todo_days

from .fees import fee_rule, fee_schedule
from .models import Enterprise, Patent

LIMIT = 200


def todo_items(user, today):
    if user.has_role(Role.ENTERPRISE) and not user.is_superuser:
        patents = Patent.objects.restrict(user)
        window = max([todo_days(), *fee_rule()["remind_days"]])
    elif user.has_role(Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.COMMISSIONER):
        patents = Patent.objects.restrict(user)
        if not user.has_role(Role.COMMISSIONER) or user.is_superuser:
            patents = patents.filter(holder__is_key_enterprise=True)
        window = todo_days()
    else:
        return []
    return fee_items(patents, today, window)


def fee_items(patents, today, window):
    """TodoItems of the fees of `patents` (a restricted queryset) due within `window` days (年费缴纳) or
    already past their due date and in the grace period or just lapsed (已超期)."""
    module = _("年费")
    rows = []
    for patent, fee in fee_schedule(patents.filter(holder__isnull=False), today):
        if fee.days_left > window or len(rows) >= LIMIT:
            break  # sorted by due date
        if fee.lapsed and fee.grace_end < today - dt.timedelta(days=RECENT_LAPSE_DAYS):
            continue  # an old lapse is the registry's matter, not today's list
        rows.append((patent, fee))
    names = dict(Enterprise.objects.filter(pk__in={p.holder_id for p, _f in rows}).values_list("pk", "name"))
    return [_item(module, p, names.get(p.holder_id, ""), fee, today) for p, fee in rows]


RECENT_LAPSE_DAYS = 60  # a lapse this recent still shows: restoration can be requested (实施细则第六条第二款)


def _item(module, patent, holder, fee, today):
    due, grace_end = fee.due, fee.grace_pay_by or fee.grace_end  # the last day to pay
    if due < today:
        kind = "overdue"
        if fee.lapsed:
            detail = _("年费缴纳期限 %(d)s 已过，滞纳期至 %(g)s 届满未缴：专利权自期限届满日起终止，可依法请求恢复权利。") \
                % {"d": due, "g": grace_end}
        else:
            detail = _("缴费期限 %(d)s 已过，须在 %(g)s 前补缴年费及滞纳金，否则专利权终止。") % {"d": due, "g": grace_end}
    else:
        kind = "fee"
        detail = _("应于 %(d)s 前缴纳；逾期可在 %(g)s 前补缴并缴纳滞纳金。") % {"d": due, "g": grace_end}
    return TodoItem(kind, module, f"{patent.application_no} {patent.title}" + (f"（{holder}）" if holder else ""),
                    patent.get_absolute_url(), due=due, detail=detail, key=f"registry.fee:{patent.pk}:{due:%Y%m%d}")
