"""The high-value criteria as the office configures them (高价值发明专利的认定口径): which are on and why not.
Read by the figures (stats.indicators) and by the facts that keep the high-value aggregates (stats.facts), so it
imports neither of them (tests/stats/test_figures_registry.py)."""
from django.utils.translation import gettext_lazy as _

from .figures import CriterionKind
from .models import HighValueCriterion

# The five categories of 高价值发明专利 as the national IP plan lists them (《“十四五”国家知识产权保护和运用规划》,
# 国发〔2021〕20号, note on 每万人口高价值发明专利拥有量 — wording as quoted in the names below; 待核对 against the text).
# The plan publishes no amount for "relatively high pledge financing": that criterion has no default threshold and
# is off until the office configures one (SPEC section 3; issue 16 item 4).
DEFAULT_CRITERIA = [
    (CriterionKind.STRATEGIC, "战略性新兴产业发明专利", 0),
    (CriterionKind.OVERSEAS, "在海外有同族专利权的发明专利", 0),
    (CriterionKind.MAINTAINED, "维持年限超过10年的发明专利", 10),
    (CriterionKind.PLEDGE, "实现较高质押融资金额的发明专利", 0),   # 0: not configured → off
    (CriterionKind.AWARD, "获得国家科学技术奖或中国专利奖的发明专利", 0),
]


def all_criteria():
    """Every criterion as configured (the office edits them); the defaults when none are stored."""
    rows = list(HighValueCriterion.objects.all())
    if not rows:
        rows = [HighValueCriterion(kind=k, name=n, threshold=t, sort_order=i) for i, (k, n, t) in enumerate(DEFAULT_CRITERIA)]
    return rows


def criterion_off_reason(criterion):
    """Why a criterion counts nothing ('' when it is on): disabled, or the pledge criterion without its
    threshold — "relatively high" has no official amount, so unconfigured means off, not "any pledge"."""
    if not criterion.enabled:
        return str(_("未启用"))
    if criterion.kind == CriterionKind.PLEDGE and not (criterion.threshold or 0) > 0:
        return str(_("未设置质押金额阈值，不计入"))
    return ""


def criteria():
    """The criteria that are on: enabled, and configured where they need a threshold (criterion_off_reason)."""
    return [c for c in all_criteria() if not criterion_off_reason(c)]
