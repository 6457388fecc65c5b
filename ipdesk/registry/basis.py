"""The legal basis (依据) of the registry's rules — patent term, annual fees, identifiers, domestic holders — as the
docstrings and comments of registry/rules.py give them (core.basis). The citations of the 2023 texts were read by
the code's author from the text published on cnipa.gov.cn (see the comment above rules.ANNUAL_FEE_DEFAULTS); none is
marked verified here: that mark is an officer's, set on the 依据 page after checking the text in force."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

PATENT_LAW = "《中华人民共和国专利法》"
RULES_2023 = "《中华人民共和国专利法实施细则》"
RULES_2023_EDITION = "2023年修订（国务院2023-12-11决定）"
READ_FROM_CNIPA = "代码作者据国家知识产权局网站公布文本（cnipa.gov.cn art_3317_189352）摘录；尚未经本单位对照核对。"

declare(
    "term.patent", _("专利权期限"), PATENT_LAW, article="第四十二条第一款", edition="2020年修正",
    excerpt="发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。"
            "（摘要）2021-06-01 前申请的外观设计仍为十年。期限届满日为申请日周年日的前一日，不因节假日顺延。",
    note=READ_FROM_CNIPA + "“届满日为周年日前一日”出自专利审查指南(2023)摘要，待核对。",
    code=("ipdesk.registry.rules.term_years", "ipdesk.registry.rules.patent_term_end",
          "ipdesk.registry.rules.term_termination_date", "ipdesk.stats.rules.in_force_periods"))
declare(
    "term.compensation", _("专利权期限补偿"), RULES_2023, article="第七十七条至第八十四条", edition=RULES_2023_EDITION,
    excerpt="期限补偿须在3个月内请求（起算日待核对），按天计算（第七十八条、第八十二条），由国务院专利行政部门决定、登记和公告"
            "（第八十四条）。本系统记录给予的补偿天数，并加在期限届满日上。（摘要）",
    note=READ_FROM_CNIPA, code=("ipdesk.registry.rules.patent_term_end",))
declare(
    "fees.annual", _("年费缴纳期限"), RULES_2023, article="第一百一十四条、第一百一十五条", edition=RULES_2023_EDITION,
    excerpt="授予专利权当年的年费应当在办理登记手续的同时缴纳（第一百一十四条）；以后的年费应当在上一年度期满前缴纳"
            "（第一百一十五条）。（摘要）本系统以申请日周年日为各年度年费的应缴日。",
    note=READ_FROM_CNIPA + "“年度自申请日起算、应缴日为申请日周年日”出自专利审查指南(2023)第五部分第九章摘要，待核对。",
    code=("ipdesk.registry.rules.annual_fee_status", "ipdesk.registry.rules.FeeStatus",
          "ipdesk.registry.rules.ANNUAL_FEE_DEFAULTS", "ipdesk.registry.fees.next_fee",
          "ipdesk.registry.fees.fee_rule"))
declare(
    "fees.grace", _("年费滞纳期与滞纳金"), RULES_2023, article="第一百一十五条", edition=RULES_2023_EDITION,
    excerpt="专利权人未缴纳或者未缴足的，国务院专利行政部门应当通知专利权人自应当缴纳年费期满之日起6个月内补缴，"
            "同时缴纳滞纳金；滞纳金的金额按照每超过规定的缴费时间1个月，加收当年全额年费的5%计算；期满未缴纳的，"
            "专利权自应当缴纳年费期满之日起终止。（摘要）",
    note=READ_FROM_CNIPA + "逾期不足1个月不收滞纳金、按月递增的计算方法出自专利审查指南(2023)第五部分第九章第4.2.1.3节摘要，"
                           "待核对；数额可在 settings.IPDESK_ANNUAL_FEE 中配置。",
    code=("ipdesk.registry.rules.late_fee_percent",))
declare(
    "fees.time_limits", _("期限的计算与节假日顺延"), RULES_2023, article="第五条", edition=RULES_2023_EDITION,
    excerpt="以年或者月计算的期限，以其最后一月的相应日为期限届满日；该月无相应日的，以该月最后一日为期限届满日。"
            "期限届满日是法定休假日的，以休假日后的第一个工作日为期限届满日。（摘要）",
    note=READ_FROM_CNIPA + "周末按休息日处理，待核对。",
    code=("ipdesk.registry.rules.add_months", "ipdesk.registry.rules.roll_to_workday"))
declare(
    "fees.restoration", _("权利恢复期限"), RULES_2023, article="第六条第二款；第四条第四款", edition=RULES_2023_EDITION,
    excerpt="因耽误期限导致权利丧失的，可以自收到国务院专利行政部门的通知之日起2个月内请求恢复权利（第六条第二款）；"
            "不适用于专利法第四十二条规定的期限（第六条第五款）。邮寄的文件自发文之日起满15日推定为收到（第四条第四款）。"
            "（摘要）恢复的专利视为未曾失效，统计与质押同样处理。",
    note=READ_FROM_CNIPA,
    code=("ipdesk.registry.rules.restoration_deadline", "ipdesk.stats.rules.in_force_periods"))
declare(
    "registry.application_no", _("专利申请号及校验位"), "《专利申请号标准》", kind=Kind.STANDARD, document="ZC 0006-2003",
    excerpt="12位数字 YYYYTNNNNNNN 加校验位，T：1 发明、2 实用新型、3 外观设计、8 PCT发明、9 PCT实用新型；"
            "校验位 = Σ dᵢ·wᵢ mod 11（权数 2,3,4,5,6,7,8,9,2,3,4,5），10 记作 X。2003年前为8位数字加校验位。（摘要）",
    note="据 SPEC 第4节；标准原文待核对。",
    code=("ipdesk.registry.rules.normalize_application_no", "ipdesk.registry.rules.application_type"))
declare(
    "registry.uscc", _("统一社会信用代码校验"), "《法人和其他组织统一社会信用代码编码规则》", kind=Kind.STANDARD,
    document="GB 32100-2015",
    excerpt="18位，字符集 0-9 及 ABCDEFGHJKLMNPQRTUWXY；权数 3ⁱ mod 31；校验值 (31 − Σ mod 31) mod 31。（摘要）",
    note="据 SPEC 第4节；标准原文待核对。",
    code=("ipdesk.registry.rules.normalize_uscc", "ipdesk.registry.rules.uscc_check_char"))
declare(
    "registry.domestic", _("国内（内地）权利人的认定"), "《中华人民共和国行政区划代码》", kind=Kind.STANDARD,
    document="GB/T 2260；GB 32100-2015",
    excerpt="国内不含香港、澳门、台湾及国外。依次以国省代码（71台湾、81香港、82澳门）、统一社会信用代码、"
            "地址中的内地省、地级、县级市全称判断；地址仅含“区/市/县/镇”不作为依据。（摘要）",
    note="统计口径据 SPEC 第3、4节；国家知识产权局统计口径原文待核对。",
    code=("ipdesk.registry.rules.domicile", "ipdesk.registry.rules.is_domestic"))
