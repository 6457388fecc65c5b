"""Figures of abnormal-application verification for `ipdesk indicators` and the dashboard."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.indicators import indicator_provider, register_figures


@indicator_provider
def abnormal_applications(region, start, end):
    """非正常专利申请：notified in the period (by notice date), of them withdrawn (主动撤回 + 逾期视为撤回),
    and the withdrawal rate (SPEC section 6: over 98%), for the region and its children."""
    from . import rules
    from .models import AbnormalApplication
    qs = AbnormalApplication.objects.filter(notice_date__gte=start, notice_date__lte=end)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    rate = rules.withdrawal_rate(qs.values_list("status", flat=True))
    return {"abnormal_notified": rate.total, "abnormal_withdrawn": rate.withdrawn,
            "abnormal_withdrawal_rate": None if rate.rate is None else round(rate.rate * 100, 2)}


# Labels of these figures for the indicators page and `ipdesk indicators` (core.indicators), so no figure
# shows by its key.
register_figures({"abnormal_notified": (_("非正常专利申请已通知"), "件"),
                  "abnormal_withdrawn": (_("非正常专利申请已撤回"), "件")})
