"""The basis (依据) of the financing rules, for core.basis."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

def _refusal_grounds():
    """The refusal grounds as finance.rules words them (one line each), read at startup."""
    from . import rules
    grounds = getattr(rules, "REFUSAL_BASIS", {})
    return "\n".join(str(text) for text in grounds.values())


declare(
    "finance.pledge_refusals", _("专利权质押登记的不予登记情形"), "《专利权质押登记办法》", document="国家知识产权局公告第461号",
    article="第四条（共有专利权）；其余情形条号待核对", edition="2021",
    excerpt=_refusal_grounds() or "出质的专利权须已授权、有效、由出质人持有且未被质押。（摘要）",
    note="不予登记情形的措辞据地方保护中心办事指南转述，公告第461号中列明这些情形的条号待核对；"
         "滞纳期内不予登记据国家知识产权局2009年问答，待核对。无效宣告的专利视为自始不存在（专利法第四十七条）；"
         "恢复权利的专利视为未曾失效（专利法实施细则第六条）。",
    code=("ipdesk.finance.rules.pledge_refusals", "ipdesk.finance.rules.in_force_on"))
declare(
    "finance.subsidy", _("贴息与保险补贴计算"), "本单位配置", kind=Kind.CONFIG,
    excerpt="贴息 = 已付利息 × 补贴比例，不超过每家企业每年上限；保险补贴 = 保费 × 补贴比例，不超过上限。比例与上限为配置。",
    note="比例与上限按本地政策文件配置。",
    code=("ipdesk.finance.rules.interest_subsidy", "ipdesk.finance.rules.insurance_subsidy"))
declare(
    "finance.pledge_figures", _("专利质押融资统计"), "本系统计算方法", kind=Kind.METHOD,
    excerpt="统计期间内登记的专利质押：质押专利件数、融资金额（万元）、融资额超过1000万元的企业数。",
    note="计算方法；国家知识产权局质押统计口径未核对（待核对）。",
    indicators=("pledged_patents", "pledge_amount_10k_yuan", "pledge_enterprises_over_10m", "pledge_count",
                "pledge_enterprises"))
