"""The basis (依据) of the statistics' indicator definitions (SPEC section 3) and of the forecast (a method, not a
legal source), for core.basis. Where the code cites no published statistical document, the entry says 待核对."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

NOT_CHECKED = "统计口径据 SPEC 第3节；国家知识产权局统计口径文件未核对（待核对）。"

declare(
    "stats.invention_grants", _("发明专利授权量"), "专利统计口径：发明专利授权量", kind=Kind.STANDARD, article="待核对",
    excerpt="授权公告日在统计期间内的发明专利件数，按第一权利人所在区划计。", note=NOT_CHECKED,
    code=("ipdesk.stats.indicators.invention_grants",),
    indicators=("invention_grants",))
declare(
    "stats.grants_applications", _("专利申请量与授权量（按类型）"), "专利统计口径：专利申请量、授权量", kind=Kind.STANDARD,
    article="待核对",
    excerpt="申请日（申请量）或授权公告日（授权量）在统计期间内的发明、实用新型、外观设计专利件数，按第一申请人（权利人）"
            "所在区划计；一件专利有多个权利人的只计一次。",
    note=NOT_CHECKED,
    indicators=("utility_grants", "design_grants", "patent_grants", "invention_applications", "utility_applications",
                "design_applications", "patent_applications"))
declare(
    "stats.trademarks", _("商标注册量与有效注册商标量"), "商标统计口径", kind=Kind.STANDARD, article="待核对",
    excerpt="注册公告日在统计期间内的商标件数（注册量），截至统计日仍有效的注册商标件数（有效量）。",
    note="统计口径据 SPEC 第3节；国家知识产权局商标统计口径文件未核对（待核对）。",
    indicators=("trademark_registrations", "valid_trademarks"))
declare(
    "stats.valid_invention", _("有效发明专利拥有量"), "专利统计口径：有效发明专利拥有量", kind=Kind.STANDARD,
    article="待核对",
    excerpt="截至统计日已授权、未失效、未被宣告无效且未超过法定期限（专利法第四十二条，含期限补偿）的发明专利件数，"
            "按统计日第一权利人所在区划计；恢复权利的专利视为未曾失效。",
    note=NOT_CHECKED + "期限见“专利权期限”，恢复见“权利恢复期限”。",
    code=("ipdesk.stats.indicators.valid_invention_patents", "ipdesk.stats.rules.in_force_periods",
          "ipdesk.stats.rules.validity_intervals"),
    indicators=("valid_invention_patents",))
declare(
    "stats.per_10k", _("每万人口发明专利拥有量"), "专利统计口径：每万人口发明专利拥有量", kind=Kind.STANDARD,
    article="待核对",
    excerpt="每万人口发明专利拥有量 = 有效发明专利拥有量 ÷（年末常住人口 ÷ 10000）；人口取“人口”表中该区划该年的数字。",
    note=NOT_CHECKED + "人口来源见“人口数据”。", code=("ipdesk.stats.rules.per_10k",),
    indicators=("valid_invention_per_10k",))
declare(
    "stats.high_value", _("高价值发明专利"), "国家知识产权局高价值发明专利统计口径", kind=Kind.STANDARD, article="待核对",
    excerpt="有效发明专利中符合下列任一类的：战略性新兴产业的发明专利；在海外有同族专利权的发明专利；维持年限超过10年的"
            "发明专利（自申请日起算）；实现较高质押融资金额的发明专利；获得国家科学技术奖或中国专利奖的发明专利。",
    note=NOT_CHECKED + "各类标准及阈值为本单位配置（统计 › 高价值标准）；质押融资金额无官方公布阈值，未配置即不启用。",
    code=("ipdesk.stats.criteria.DEFAULT_CRITERIA", "ipdesk.stats.criteria.criteria"),
    indicators=("high_value_invention_patents", "high_value_per_10k", "high_value_strategic", "high_value_overseas",
                "high_value_maintained", "high_value_pledge", "high_value_award"))
declare(
    "stats.strategic_ipc", _("战略性新兴产业专利（按IPC分类）"), "《战略性新兴产业分类与国际专利分类参照关系表（2021）》",
    kind=Kind.STANDARD, document="国知办函规字〔2021〕121号", edition="2021",
    excerpt="按每件专利的国际专利分类号（及参照关系表要求的关键词）归入战略性新兴产业分类，不按权利人所属产业链归类。",
    note="参照关系表以可编辑参考数据载入（shared/data/sei-ipc-2021.csv）；文号据本系统专利页面所引，待核对。",
    code=())
declare(
    "stats.pledge_threshold", _("高价值标准：较高质押融资金额"), "本单位配置", kind=Kind.CONFIG,
    excerpt="官方阈值未公布：无默认值，未配置即不启用；通报注明启用了哪些标准。",
    note="据 SPEC 第3节。")
declare(
    "stats.pct", _("PCT国际专利申请量"), "专利统计口径：PCT国际专利申请量", kind=Kind.STANDARD, article="待核对",
    excerpt="第一申请人在本区划的PCT国际申请（申请号形如 PCT/CN2025/137406），按国际申请日计；不含进入中国国家阶段的申请"
            "（申请号类型位 8/9）。",
    note=NOT_CHECKED, code=("ipdesk.stats.indicators.pct_applications",),
    indicators=("pct_applications",))
declare(
    "stats.comparison", _("同比、完成率、排名"), "本系统计算方法", kind=Kind.METHOD,
    excerpt="同比 = 本期 ÷ 上年同期 − 1；完成率 = 实际值 ÷ 目标值；排名在同级区划中按数值从高到低，并列同名次。",
    note="计算方法，不是法定依据。", code=("ipdesk.stats.rules.yoy", "ipdesk.stats.rules.completion",
                                          "ipdesk.stats.rules.rank"))
declare(
    "forecast.year_end", _("年度目标完成预测"), "本单位预测方法（非官方统计）", kind=Kind.METHOD,
    excerpt="流量指标用 Gamma–Poisson 模型（Gelman 等，Bayesian Data Analysis 第3版 §2.6、§17.2），过度离散按"
            "McCullagh & Nelder §4.5 估计；存量指标为当前值加剩余月份的预测净增量。",
    note="计算方法，不是法定依据；见 stats/forecast.py。",
    code=("ipdesk.stats.forecast.forecast_flow", "ipdesk.stats.forecast.forecast_stock"))
