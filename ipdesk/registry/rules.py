"""Pure rules of the registry: identifiers and name matching. No database here."""
import operator
import re
import unicodedata

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


def is_domestic(country_code="", address="", uscc=""):
    """Whether the holder is a mainland-China applicant (SPEC section 3: excludes HK, Macao, Taiwan, foreign).

    The country/province code decides when present; otherwise a mainland address or a credit code
    (issued only on the mainland) means domestic.
    """
    code = (country_code or "").strip().upper()
    if code:
        if code in NOT_MAINLAND_CODES:
            return False
        if code.isdigit():
            return 11 <= int(code) <= 65
        if code in ("CN",):
            return True
        if any(code.startswith(p) for p in MAINLAND_PROVINCES):
            return True
        return False  # a two-letter country code other than CN
    if uscc:
        return True
    addr = unicodedata.normalize("NFKC", address or "")
    if any(w in addr for w in NOT_MAINLAND_WORDS):
        return False
    return bool(addr) and (any(p in addr for p in MAINLAND_PROVINCES) or bool(re.search(r"[市县区镇]", addr)))


def region_from_address(address, keywords):
    """The region whose keyword occurs in the address. `keywords` is [(keyword, region id, depth)]:
    the deepest region wins (a district before its city), then the longest keyword (高新区 before
    薛城). None when nothing matches."""
    addr = unicodedata.normalize("NFKC", address or "")
    best, best_rank = None, None
    for entry in keywords:
        word, region_id = entry[0], entry[1]
        depth = entry[2] if len(entry) > 2 else 0
        if word and word in addr:
            rank = (depth, len(word))
            if best_rank is None or rank > best_rank:
                best, best_rank = region_id, rank
    return best


# ---- Annual (maintenance) fees (年费) -------------------------------------------------------------
# 《专利法实施细则》(2010年修订) 第九十八条 (2023年修订本条文序号有调整，引用前请核对)：授予专利权当年以后的年费应当在上一年度
# 期满前缴纳；未缴纳或者未缴足的，专利权人可以自应当缴纳年费期满之日起6个月内补缴，同时缴纳滞纳金；期满未缴纳的，
# 专利权自应当缴纳年费期满之日起终止。The patent year runs from the filing date (申请日), so each year's fee is due
# by the anniversary of the filing date. Term: invention 20 years, utility model 10, design 15 (10 for design
# applications filed before 2021-06-01, 专利法第四十二条). The numbers live in settings.IPDESK_ANNUAL_FEE.
ANNUAL_FEE_DEFAULTS = {
    "grace_months": 6,                 # 滞纳期：期满之日起6个月内补缴（加收滞纳金）
    "remind_days": [90, 30, 7],        # reminders this many days before the due date
    "term_years": {"invention": 20, "utility": 10, "design": 15},
    "design_term_before_2021_06_01": 10,
}


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day, months):
    import calendar
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def patent_term_end(patent_type, filing_date, rule=None):
    """The last day of protection: the day before the N-th anniversary of the filing date."""
    import datetime as dt
    rule = rule or ANNUAL_FEE_DEFAULTS
    years = rule["term_years"][patent_type]
    if patent_type == "design" and filing_date < dt.date(2021, 6, 1):
        years = rule["design_term_before_2021_06_01"]
    return add_years(filing_date, years) - dt.timedelta(days=1)


def next_fee_due(patent_type, filing_date, as_of, paid_until=None, rule=None):
    """(due date, grace end) of the next annual fee for a granted patent, or None when the term ends first.

    The fee for patent year k+1 is due by the k-th anniversary of the filing date. `paid_until` is the
    end of the last paid patent year, when known: fees up to it are not due again.
    """
    if filing_date is None:
        return None
    rule = rule or ANNUAL_FEE_DEFAULTS
    end = patent_term_end(patent_type, filing_date, rule)
    start = max(as_of, paid_until) if paid_until else as_of
    years = max(1, start.year - filing_date.year)
    due = add_years(filing_date, years)
    while due <= start if paid_until else due < start:
        years += 1
        due = add_years(filing_date, years)
    if due > end:
        return None
    return due, add_months(due, rule["grace_months"])
