"""Pure rules of the registry: identifiers, name matching, patent term and annual fees. No database here."""
import functools
import operator
import pathlib
import re
import unicodedata
from dataclasses import dataclass

# ---- Patent application number (ZC 0006-2003 专利申请号标准) ----------------------------------
_APP_NO_NEW = re.compile(r"^(\d{4})([12389])(\d{7})([0-9X])$")
_APP_NO_OLD = re.compile(r"^(\d{2})([123])(\d{5})([0-9X])$")
_APP_NO_CANONICAL = re.compile(r"\d{4}[12389]\d{7}\.[0-9X]|\d{2}[123]\d{5}\.[0-9X]")
_APP_TYPES = {"1": "invention", "2": "utility", "3": "design", "8": "invention", "9": "utility"}


class InvalidIdentifier(ValueError):
    pass


_APP_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _app_check(digits):
    # Weights 2..9 then 2,3,4,5 (ZC 0006-2003); an old 8-digit number uses the first eight: 2..9.
    value = sum(map(operator.mul, map(int, digits), _APP_WEIGHTS)) % 11
    return "X" if value == 10 else str(value)


def normalize_application_no(raw):
    """Canonical form `YYYYTNNNNNNN.C` (or `YYTNNNNN.C` before 2003) of an application number.

    Accepts CN/ZL prefixes, spaces, full-width characters and a missing dot; raises
    InvalidIdentifier with the reason when the form or the check digit is wrong.
    """
    if raw is None:
        raise InvalidIdentifier("申请号为空")
    if raw.__class__ is str and _APP_NO_CANONICAL.fullmatch(raw):  # already canonical: check the digit only
        if raw[-1] == _app_check(raw[:-2]):
            return raw
    text = unicodedata.normalize("NFKC", str(raw)).upper().strip()
    text = re.sub(r"^(CN|ZL)", "", text)
    text = re.sub(r"[\s.\-·]", "", text)
    m = _APP_NO_NEW.match(text) or _APP_NO_OLD.match(text)
    if not m:
        raise InvalidIdentifier(f"申请号格式不正确：{raw}（应为12位数字加校验位，或2003年前的8位数字加校验位）")
    body, check = text[:-1], text[-1]
    expected = _app_check(body)
    if check != expected:
        raise InvalidIdentifier(f"申请号校验位错误：{raw}（校验位应为 {expected}）")
    return f"{body}.{check}"


def application_type(canonical):
    """Patent type and PCT flag from the type digit: 1/8 invention, 2/9 utility model, 3 design."""
    body = canonical.split(".")[0]
    digit = body[4] if len(body) == 12 else body[2]
    return _APP_TYPES[digit], digit in "89"


# ---- Unified social credit code (GB 32100-2015 统一社会信用代码) ------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(first17):
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def normalize_uscc(raw):
    """Canonical (upper-case, half-width) credit code; raises InvalidIdentifier with the reason."""
    if raw is None:
        raise InvalidIdentifier("统一社会信用代码为空")
    text = unicodedata.normalize("NFKC", str(raw)).upper().replace(" ", "").strip()
    if len(text) != 18:
        raise InvalidIdentifier(f"统一社会信用代码应为18位：{raw}")
    bad = sorted({c for c in text if c not in USCC_CHARS})
    if bad:
        raise InvalidIdentifier(f"统一社会信用代码含非法字符 {''.join(bad)}：{raw}（不使用 I、O、S、V、Z）")
    expected = uscc_check_char(text[:17])
    if text[17] != expected:
        raise InvalidIdentifier(f"统一社会信用代码校验位错误：{raw}（校验位应为 {expected}）")
    return text


# ---- Names ---------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")
_SUFFIXES = [("有限责任公司", "有限公司"), ("股份有限公司", "股份有限公司")]
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})


def normalize_name(name):
    """A matching key for an organisation name: NFKC (full/half width), brackets, spaces, 有限责任公司→有限公司."""
    text = unicodedata.normalize("NFKC", name or "")
    if "【" in text or "】" in text or "[" in text or "]" in text:  # （） are folded by NFKC already
        text = text.translate(_BRACKETS)
    text = _SPACES.sub("", text).upper()
    for long, short in _SUFFIXES:
        if text.endswith(long):
            text = text[: -len(long)] + short
    return text


_SPLIT = re.compile(r"\s*[;；、]\s*")


def split_names(raw):
    """Holders listed in one cell, separated by ; ； or 、 (SPEC section 4)."""
    return [part for part in _SPLIT.split((raw or "").strip()) if part]


def first_name(raw):
    """The first holder (第一申请人 / 第一权利人): a patent with several holders counts for the first."""
    names = split_names(raw)
    return names[0] if names else ""


# ---- Patent type and legal status as written in official and commercial exports -------------------
PATENT_TYPE_WORDS = {
    "发明": "invention", "发明专利": "invention", "发明申请": "invention", "发明授权": "invention",
    "invention": "invention", "1": "invention", "8": "invention",
    "实用新型": "utility", "实用新型专利": "utility", "新型": "utility", "utility": "utility",
    "utility model": "utility", "2": "utility", "9": "utility",
    "外观设计": "design", "外观设计专利": "design", "外观": "design", "design": "design", "3": "design",
}

# Status words of CNIPA, incoPat, Patentics and Soopat exports, to our LegalStatus values.
LEGAL_STATUS_WORDS = {
    "有效": "valid", "授权": "valid", "专利权维持": "valid", "有权": "valid", "valid": "valid", "granted": "valid",
    "审中": "pending", "在审": "pending", "实质审查": "pending", "实审": "pending", "公开": "pending",
    "实质审查的生效": "pending", "pending": "pending",
    "失效": "lapsed", "无权": "lapsed", "未缴年费": "lapsed", "未缴年费专利权终止": "lapsed",
    "专利权终止": "lapsed", "权利终止": "lapsed", "放弃": "lapsed", "lapsed": "lapsed",
    "无效": "revoked", "无效宣告": "revoked", "全部无效": "revoked", "revoked": "revoked",
    "期限届满": "expired", "届满": "expired", "expired": "expired",
    "驳回": "rejected", "rejected": "rejected",
    "撤回": "withdrawn", "视为撤回": "withdrawn", "withdrawn": "withdrawn",
}

EVENT_WORDS = {
    "申请": "filing", "filing": "filing", "公开": "publication", "publication": "publication",
    "授权": "grant", "grant": "grant", "转让": "transfer", "权利转移": "transfer", "专利权的转移": "transfer",
    "著录项目变更": "transfer", "transfer": "transfer",
    "质押": "pledge", "专利权质押": "pledge", "pledge": "pledge",
    "质押解除": "pledge_release", "解除质押": "pledge_release", "pledge_release": "pledge_release",
    "失效": "lapse", "终止": "lapse", "未缴年费专利权终止": "lapse", "lapse": "lapse",
    "恢复": "restoration", "权利恢复": "restoration", "restoration": "restoration",
    "无效宣告": "invalidation", "无效": "invalidation", "invalidation": "invalidation",
    "期限届满": "expiry", "expiry": "expiry",
}


# ---- Domestic holders (SPEC section 4) ------------------------------------------------------------
# 国省代码: a mainland province code (11–65) or its name; 71 Taiwan, 81 Hong Kong, 82 Macao; letters: a country.
NOT_MAINLAND_CODES = {"71", "81", "82", "TW", "HK", "MO"}
_PROVINCE_CODE = re.compile(r"(\d{2})")
MAINLAND_PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
                      "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
                      "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆")
NOT_MAINLAND_WORDS = ("台湾", "香港", "澳门", "中国台湾", "中国香港", "中国澳门")


def normalize_country_code(raw):
    """'37', '山东(37)', '山东' → '37'; 'US', 'jp' → 'US', 'JP'; '' stays ''."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().upper()
    if not text:
        return ""
    m = _PROVINCE_CODE.search(text)
    if m:
        return m.group(1)
    for word, code in (("台湾", "71"), ("香港", "81"), ("澳门", "82")):
        if word in text:
            return code
    for index, name in enumerate(MAINLAND_PROVINCES):
        if text.startswith(name):
            return name  # a province by name: mainland, code unknown here
    if re.fullmatch(r"[A-Z]{2}", text):
        return text
    raise InvalidIdentifier(f"国省代码无法识别：{raw}（应为省级代码如37、山东(37)，或国家/地区代码如US、JP、71、81、82）")


# Place names that tell. GB/T 2260 names (regions/data/regions-cn.csv, NBS snapshot of late 2024): every province,
# every prefecture (地级) and every county-level city (县级市) under its full name, e.g. 山东省, 枣庄市, 滕州市,
# 延边朝鲜族自治州. Full names only: short forms collide (北海道 is not 北海市; 台北 has 中山区, 大同区, 重庆南路;
# 香港 has 北京道). Districts and counties (区/县) are left out: 台北 and 高雄 share names with them.
_REGIONS_CSV = pathlib.Path(__file__).resolve().parent.parent / "regions" / "data" / "regions-cn.csv"
_NAME_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Cities and areas outside the mainland as addresses write them (Taiwan, Hong Kong, Macao).
NOT_MAINLAND_PLACES = NOT_MAINLAND_WORDS + ("台北", "新北市", "桃园市", "台中", "台南", "高雄", "基隆", "新竹", "嘉义",
                                            "九龙", "新界", "尖沙咀", "铜锣湾")


@functools.lru_cache(maxsize=1)
def mainland_names():
    """(province codes, full names of provinces, prefectures and county-level cities) from regions-cn.csv."""
    import csv
    codes, names = set(), set()
    with open(_REGIONS_CSV, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name, level = row["name"].strip(), row["level"].strip()
            if level == "province":
                codes.add(row["code"][:2])
            if name in _NAME_PLACEHOLDERS or (level == "county" and not name.endswith("市")):
                continue
            names.add(name)
    return frozenset(codes), frozenset(names)


def domicile(country_code="", address="", uscc=""):
    """True for a mainland-China holder, False for Hong Kong, Macao, Taiwan or foreign, None when nothing tells.

    SPEC section 3 (国内 excludes HK, Macao, Taiwan and foreign) and section 4 (国省代码: a mainland province code
    such as 37; 71 Taiwan, 81 Hong Kong, 82 Macao; letters a country). In order:
    1. the country/province code decides when it says something (a GB/T 2260 province code, CN or a province
       name: mainland; 71/81/82, TW/HK/MO or another country: not; a number that is no province says nothing);
    2. a unified social credit code (GB 32100-2015) is issued only on the mainland;
    3. the address: the full name of a mainland province, prefecture or county-level city (GB/T 2260, see
       `mainland_names`) means mainland, even beside 香港中路 (a Qingdao street); else a Taiwan, Hong Kong or
       Macao place name means not; else a province's short name (山东枣庄…) means mainland.
    An address whose only clue is 区/市/县/镇 proves nothing (日本国东京都千代田区, 大阪市): None, which is not foreign.
    """
    provinces, names = mainland_names()
    code = unicodedata.normalize("NFKC", country_code or "").strip().upper()
    if code:
        if code in NOT_MAINLAND_CODES:
            return False
        if code.isdigit():
            return True if code in provinces else None
        if code == "CN" or any(code.startswith(p) for p in MAINLAND_PROVINCES):
            return True
        if re.fullmatch(r"[A-Z]{2}", code):
            return False  # a two-letter country code other than CN
    if (uscc or "").strip():
        return True
    addr = unicodedata.normalize("NFKC", address or "")
    if not addr:
        return None
    if any(name in addr for name in names):
        return True
    if any(w in addr for w in NOT_MAINLAND_PLACES):
        return False
    if any(p in addr for p in MAINLAND_PROVINCES):
        return True
    return None


def is_domestic(country_code="", address="", uscc=""):
    """Whether the holder is a proven mainland-China applicant (SPEC section 3), the stored 国内 flag.

    `domicile` decides; its "unknown" (None) is answered False here because the domestic indicators count only
    proven mainland holders. Use `domicile` to tell an unknown holder from a foreign one.
    """
    return domicile(country_code, address, uscc) is True


# ---- Patent term (专利权期限) and annual fees (年费) ------------------------------------------------
# Sources, as read (2023 texts: 专利法 2020年修正; 专利法实施细则 2023年修订, 国务院 2023-12-11 决定, text as published
# on cnipa.gov.cn art_3317_189352):
# - 专利法 第四十二条第一款: term from the filing date (申请日) — invention 20 years, utility model 10, design 15;
#   ¶2/¶3 term compensation (期限补偿) for unreasonable grant delay and for new-drug patents. Design applications filed
#   before 2021-06-01 (the 2020 amendment's entry into force) keep the old 10-year term.
# - 实施细则 第七十七条至第八十四条: term compensation — requested within 3 months, counted in days (art. 78, art. 82),
#   decided, registered and announced by CNIPA (art. 84). We store the days granted (Patent.term_compensation_days).
# - 实施细则 第一百一十四条: the grant-year fee is paid when registering the grant.
# - 实施细则 第一百一十五条: later fees are due before the previous patent year ends; unpaid, CNIPA notifies the holder
#   to pay within 6 months of the due date together with a late fee of 5% of that year's full fee for each month
#   beyond the time limit (每超过规定的缴费时间1个月，加收当年全额年费的5%); unpaid then, the patent terminates from
#   the due date (专利权自应当缴纳年费期满之日起终止).
# - 实施细则 第五条: a period in years or months ends on the corresponding day of its last month (the month's last day
#   when it has none); when it ends on a statutory rest day (法定休假日) it ends on the next working day.
# - 实施细则 第六条第二款: rights lost by a missed time limit can be restored on request within 2 months of receiving
#   CNIPA's notice (with the restoration fee); ¶5: not for the term of 专利法 第四十二条. 第四条第四款: a mailed notice is
#   presumed received 15 days after dispatch; ¶7: an electronic one on the day it enters the recipient's system.
# Read only from a digest of 专利审查指南(2023) (第五部分第九章第4.1、4.2.1.3节; 第七章第2.3、5.2节), original text 待核对 /
# unverified: the due date is the filing date's anniversary (patent years run from the filing date, not the grant);
# the late fee is 0 for up to one whole month late, then 5%, 10%, 15%, 20%, 25% for each further month begun; the
# term ends the day before the anniversary (终止日 = 届满日的次日), compensation days are added and the term end is
# not moved by holidays; weekends count as rest days; a termination is decided no earlier than one month after the
# limit expired. The late-fee steps and reminder days are configuration (settings.IPDESK_ANNUAL_FEE).
ANNUAL_FEE_DEFAULTS = {
    "grace_months": 6,                 # 实施细则第一百一十五条：期满之日起6个月内补缴（加收滞纳金）
    "late_fee_percent_per_month": 5,   # 实施细则第一百一十五条：每超过1个月加收当年全额年费的5%
    "late_fee_free_months": 1,         # 审查指南第五部分第九章4.2.1.3（摘要，待核对）：逾期不足1个月不缴滞纳金
    "restoration_months": 2,           # 实施细则第六条第二款：收到通知之日起2个月内请求恢复
    "notice_presumed_days": 15,        # 实施细则第四条第四款：邮寄文件发出之日起满15日推定收到
    "remind_days": [90, 30, 7],        # reminders this many days before the due date (then monthly in the grace period)
    "term_years": {"invention": 20, "utility": 10, "design": 15},
    "design_term_before_2021_06_01": 10,
}
DESIGN_15_YEARS_FROM = (2021, 6, 1)   # 专利法(2020年修正)施行日


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day, months):
    """The corresponding day `months` later, or the month's last day when it has none (实施细则第五条)."""
    import calendar
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _workday(day):
    from ipdesk.services.rules import is_workday   # the State Council holiday calendar (chinese-calendar)
    return is_workday(day)


def roll_to_workday(day, workday=None):
    """A time limit ending on a rest day ends on the next working day (实施细则第五条; weekends count as rest days)."""
    import datetime as dt
    workday = workday or _workday
    while not workday(day):
        day += dt.timedelta(days=1)
    return day


def term_years(patent_type, filing_date, rule=None):
    """Statutory term in years (专利法第四十二条第一款): design 15 when filed on or after 2021-06-01, else 10."""
    import datetime as dt
    rule = rule or ANNUAL_FEE_DEFAULTS
    years = rule["term_years"][patent_type]
    if patent_type == "design" and filing_date < dt.date(*DESIGN_15_YEARS_FROM):
        years = rule["design_term_before_2021_06_01"]
    return years


def patent_term_end(patent_type, filing_date, rule=None, compensation_days=0):
    """The last day of protection (届满日): the day before the N-th anniversary of the filing date, plus any term
    compensation granted (专利法第四十二条; 实施细则第七十七至八十四条). Not moved by holidays."""
    import datetime as dt
    return (add_years(filing_date, term_years(patent_type, filing_date, rule)) - dt.timedelta(days=1)
            + dt.timedelta(days=compensation_days or 0))


def term_termination_date(patent_type, filing_date, rule=None, compensation_days=0):
    """The first day the patent is no longer in force because its term ran out (期满终止日 = 届满日的次日), or None
    without a filing date. Stock figures end a patent's validity here whatever its status column says."""
    import datetime as dt
    if filing_date is None or patent_type not in (rule or ANNUAL_FEE_DEFAULTS)["term_years"]:
        return None
    return patent_term_end(patent_type, filing_date, rule, compensation_days) + dt.timedelta(days=1)


def late_fee_percent(due, paid_on, rule=None, workday=None):
    """滞纳金 as a percentage of that year's full fee when the fee due on `due` is paid on `paid_on`; None when the
    grace period is over (the patent terminated from `due`). 0 when on time or at most one whole month late."""
    rule = rule or ANNUAL_FEE_DEFAULTS
    if paid_on <= roll_to_workday(due, workday):
        return 0
    months = rule["grace_months"]
    if paid_on > roll_to_workday(add_months(due, months), workday):
        return None
    late = next((n for n in range(1, months + 1) if paid_on <= add_months(due, n)), months)
    return max(0, late - rule["late_fee_free_months"]) * rule["late_fee_percent_per_month"]


def restoration_deadline(notice_date, rule=None, electronic=False, workday=None):
    """Last day to request restoration after a termination notice dated `notice_date` (实施细则第六条第二款: 2 months
    from receipt; 第四条: a mailed notice is received 15 days after dispatch, an electronic one the same day)."""
    import datetime as dt
    rule = rule or ANNUAL_FEE_DEFAULTS
    received = notice_date if electronic else notice_date + dt.timedelta(days=rule["notice_presumed_days"])
    return roll_to_workday(add_months(received, rule["restoration_months"]), workday)


@dataclass(frozen=True)
class FeeStatus:
    """The annual fee a granted patent owes next, as of a date.

    year: the patent year it pays for (第N年度); due: its due date, the filing date's anniversary (缴费期限届满日;
    a termination for non-payment counts from it); pay_by: the last day to pay without late fee (due, moved to the
    next working day by 实施细则第五条); grace_end / grace_pay_by: end of the 6-month grace (滞纳期) and the last day
    to pay in it; late_percent: 滞纳金 in % of the year's full fee if paid on the as-of date (None: grace over);
    next_step / next_percent: from which day the late fee rises, and to what; lapsed: grace over and unpaid —
    the patent terminates from `due`; restore_notice_from: a termination notice is not issued before this day, and
    restoration may be requested within 2 months of receiving it (restoration_deadline)."""
    year: int
    due: object
    pay_by: object
    grace_end: object
    grace_pay_by: object
    days_left: int
    in_grace: bool
    late_percent: object
    next_step: object
    next_percent: object
    lapsed: bool
    restore_notice_from: object
    term_end: object


def annual_fee_status(patent_type, filing_date, as_of, paid_until=None, grant_date=None, rule=None,
                      compensation_days=0, workday=None):
    """The annual fee a granted patent owes next, as of `as_of` (a FeeStatus), or None after the term.

    The fee for patent year k is due on the (k-1)-th anniversary of the filing date. `paid_until` is the last day
    the paid fees cover (年费缴至): the first anniversary after it is the unpaid due date — even when it is already
    past, so a patent in its grace period shows that year's fee, with the late fee, not next year's. Without
    `paid_until` the fees are taken as paid up to `as_of`. The grant-year fee is paid at registration (实施细则
    第一百一十四条): no anniversary on or before `grant_date` is owed again.
    """
    import datetime as dt
    if filing_date is None:
        return None
    rule = rule or ANNUAL_FEE_DEFAULTS
    term_end = patent_term_end(patent_type, filing_date, rule, compensation_days)
    if paid_until is not None:
        floor, strict = paid_until, True     # the first anniversary after the paid-up day
    else:
        floor, strict = as_of, False         # assumed paid: the next anniversary on or after as_of
    if grant_date is not None and grant_date >= floor:
        floor, strict = grant_date, True
    years = max(1, floor.year - filing_date.year - 1)
    due = add_years(filing_date, years)
    while due < floor or (strict and due == floor):
        years += 1
        due = add_years(filing_date, years)
    if due > term_end:
        return None
    pay_by = roll_to_workday(due, workday)
    grace_end = add_months(due, rule["grace_months"])
    grace_pay_by = roll_to_workday(grace_end, workday)
    percent = late_fee_percent(due, as_of, rule, workday)
    next_step = next_percent = None
    if percent is not None and as_of <= grace_pay_by:
        # The late fee rises the day after the next whole month late (or after pay_by when on time).
        candidates = [pay_by + dt.timedelta(days=1)] + [
            add_months(due, n) + dt.timedelta(days=1) for n in range(1, rule["grace_months"])]
        for step in candidates:
            if step > as_of:
                rise = late_fee_percent(due, step, rule, workday)
                if rise is not None and rise > percent:
                    next_step, next_percent = step, rise
                    break
    lapsed = as_of > grace_pay_by
    return FeeStatus(year=years + 1, due=due, pay_by=pay_by, grace_end=grace_end, grace_pay_by=grace_pay_by,
                     days_left=(pay_by - as_of).days, in_grace=as_of > pay_by and not lapsed, late_percent=percent,
                     next_step=next_step, next_percent=next_percent, lapsed=lapsed,
                     restore_notice_from=add_months(grace_pay_by, 1) + dt.timedelta(days=1),
                     term_end=term_end)


def next_fee_due(patent_type, filing_date, as_of, paid_until=None, rule=None):
    """(due date, grace end) of the annual fee owed next (see annual_fee_status), or None when the term ends first."""
    found = annual_fee_status(patent_type, filing_date, as_of, paid_until, rule=rule)
    return None if found is None else (found.due, found.grace_end)
