"""Pure rules of the registry: identifiers and name matching. No database here."""
import re
import unicodedata

# ---- Patent application number (ZC 0006-2003 专利申请号标准) ----------------------------------
_APP_NO_NEW = re.compile(r"^(\d{4})([12389])(\d{7})([0-9X])$")
_APP_NO_OLD = re.compile(r"^(\d{2})([123])(\d{5})([0-9X])$")
_APP_TYPES = {"1": "invention", "2": "utility", "3": "design", "8": "invention", "9": "utility"}


class InvalidIdentifier(ValueError):
    pass


def _app_check(digits):
    # Weights 2..9 then 2,3,4,5 (ZC 0006-2003); an old 8-digit number uses the first eight: 2..9.
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    value = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "X" if value == 10 else str(value)


def normalize_application_no(raw):
    """Canonical form `YYYYTNNNNNNN.C` (or `YYTNNNNN.C` before 2003) of an application number.

    Accepts CN/ZL prefixes, spaces, full-width characters and a missing dot; raises
    InvalidIdentifier with the reason when the form or the check digit is wrong.
    """
    if raw is None:
        raise InvalidIdentifier("申请号为空")
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
_SUFFIXES = [("有限责任公司", "有限公司"), ("股份有限公司", "股份有限公司")]
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})


def normalize_name(name):
    """A matching key for an organisation name: NFKC (full/half width), brackets, spaces, 有限责任公司→有限公司."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    text = re.sub(r"\s+", "", text).upper()
    for long, short in _SUFFIXES:
        if text.endswith(long):
            text = text[: -len(long)] + short
    return text


_SPLIT = re.compile(r"\s*[;；、]\s*")


def split_names(raw):
    """Holders listed in one cell, separated by ; ； or 、 (SPEC section 4)."""
    return [part for part in _SPLIT.split((raw or "").strip()) if part]
