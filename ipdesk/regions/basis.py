"""The basis (依据) of the region tree and the population figures, for core.basis."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

declare(
    "regions.codes", _("行政区划代码"), "《中华人民共和国行政区划代码》", kind=Kind.STANDARD, document="GB/T 2260",
    edition="国家统计局 2024年末数据（regions/data/regions-cn.csv）",
    excerpt="区划树按 GB/T 2260 代码建立；枣庄高新区无正式代码，作为功能区配置。",
    note="数据快照来源见 registry/rules.py 注释；未与民政部公布的最新版本核对（待核对）。")
declare(
    "population.census", _("人口数据"), "第七次全国人口普查公报", kind=Kind.DATA, edition="2020",
    excerpt="每万人口指标的分母为年末常住人口，逐区划逐年录入，注明来源与年份；非统计部门公布数标记为估算。"
            "全市 3,855,601 人（2020年第七次全国人口普查）。",
    note="各区划数字及来源见“人口”表；功能区（如高新区）单列，下级之和可能不等于上级。")
