"""The figures stats names (SPEC section 3): their keys, labels and units, the bulletin's figures and the
figures a target can be set for — apart from the models and the counting, which both read them
(stats.models → figures, stats.indicators → figures, facts → models; none back), so no import cycle.

Every module names the figures it provides through core.indicators.register_figures, as stats does here
for its own (and for the finance and compliance figures the bulletin shows, so a bulletin reads well);
`label` and `unit` read that one registry.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipdesk.core.indicators import figure_entry, register_figures


class CriterionKind(models.TextChoices):
    """The kinds of high-value criteria (stats.models.HighValueCriterion); each counts as figure high_value_<kind>."""
    STRATEGIC = "strategic", _("战略性新兴产业")
    OVERSEAS = "overseas", _("有海外同族")
    MAINTAINED = "maintained", _("维持年限超过阈值")
    PLEDGE = "pledge", _("质押融资额较高")
    AWARD = "award", _("获中国专利奖等奖项")


# key: (label, unit).
LABELS = {
    "invention_grants": (_("发明专利授权量"), "件"),
    "utility_grants": (_("实用新型专利授权量"), "件"),
    "design_grants": (_("外观设计专利授权量"), "件"),
    "patent_grants": (_("专利授权总量"), "件"),
    "invention_applications": (_("发明专利申请量"), "件"),
    "utility_applications": (_("实用新型专利申请量"), "件"),
    "design_applications": (_("外观设计专利申请量"), "件"),
    "patent_applications": (_("专利申请总量"), "件"),
    "valid_invention_patents": (_("有效发明专利拥有量"), "件"),
    "valid_invention_per_10k": (_("每万人口发明专利拥有量"), "件"),
    "high_value_invention_patents": (_("高价值发明专利拥有量"), "件"),
    "high_value_per_10k": (_("每万人口高价值发明专利拥有量"), "件"),
    "pct_applications": (_("PCT国际专利申请量"), "件"),
    "trademark_registrations": (_("商标注册量"), "件"),
    "valid_trademarks": (_("有效注册商标量"), "件"),
    "pledged_patents": (_("专利质押数量"), "件"),
    "pledge_amount_10k_yuan": (_("专利质押融资金额"), "万元"),
    "pledge_enterprises_over_10m": (_("质押融资超千万元企业"), "家"),
    "abnormal_withdrawal_rate": (_("非正常专利申请撤回率"), ""),
    **{f"high_value_{kind}": (name, "件") for kind, name in CriterionKind.choices},
}
register_figures(LABELS)

# The figures of the monthly bulletin, in order (a key without values anywhere is left out).
BULLETIN_KEYS = ["invention_grants", "valid_invention_patents", "valid_invention_per_10k",
                 "high_value_invention_patents", "pct_applications", "pledge_amount_10k_yuan"]
# Keys a target can be set for: the bulletin's, plus any other figure.
TARGET_KEYS = BULLETIN_KEYS + ["patent_grants", "patent_applications", "trademark_registrations", "pledged_patents"]


def label(key):
    """The name of figure `key` (translated), or the key itself when no module named it."""
    entry = figure_entry(key)
    return str(entry[0]) if entry else key


def unit(key):
    """The unit of figure `key` (件, 家, 万元: translated), "" when it has none or is unknown."""
    entry = figure_entry(key)
    return str(_(entry[1])) if entry and entry[1] else ""


def is_known(key):
    """Whether some module named figure `key`."""
    return figure_entry(key) is not None
