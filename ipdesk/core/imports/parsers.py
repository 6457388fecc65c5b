"""Cell parsers (raw cell → value, or ValueError/RowError with the reason): text, raw_text, parse_int,
parse_decimal, parse_bool, parse_date, choice_parser(mapping); `_fold` folds headers and choice keys."""
import datetime as dt
import decimal
import re
import unicodedata


# ---- Parsers: raw cell → value, or ValueError/RowError with the reason --------------------------
_UNQUOTE = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _unquote(value):
    """Exports prefix formula-like cells with an apostrophe (core.exports); take it off again."""
    return value[1:] if value.startswith(_UNQUOTE) else value


def _cell_text(value):
    if value.__class__ is str:
        if value[:1] == "'":
            value = _unquote(value)
        return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def text(value):
    """Text, trimmed; full-width letters and digits folded (NFKC) so the same name matches. The placeholders real
    exports write for "nothing" (NULL_WORDS: 0, N/A, -, —, 无, /, 暂无 …) are empty, in every field that is text."""
    if value.__class__ is str:  # _cell_text inlined: the default parser of most cells of every file
        if value[:1] == "'":
            value = _unquote(value)
        s = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    else:
        s = _cell_text(value)
    if len(s) <= 10 and s in _NULL_SPELLINGS:
        return ""
    return s


def _null_number(s):
    """A numeric cell holding a placeholder (N/A, -, —, 无): no value. `0` stays the number 0 (0 employees)."""
    return not s[0].isdigit() and s.lower() in NULL_WORDS


def raw_text(value):
    """Text kept as written (abstracts, claims): only trimmed."""
    return "" if value is None else _unquote(str(value).strip())


def parse_int(value):
    s = _cell_text(value).replace(",", "")
    if s == "" or _null_number(s):
        return None
    try:
        number = decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise ValueError(f"应为整数：{s}")
    if number != number.to_integral_value():
        raise ValueError(f"应为整数：{s}")
    return int(number)


def parse_decimal(value):
    s = _cell_text(value).replace(",", "")
    if s == "" or _null_number(s):
        return None
    try:
        return decimal.Decimal(s)
    except decimal.InvalidOperation:
        raise ValueError(f"应为数字：{s}")


_TRUE = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "n", "no", "false", "f", "0", "×", "", "-", "—"}


def parse_bool(value):
    if isinstance(value, bool):
        return value
    s = _cell_text(value).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if s in NULL_WORDS:  # N/A, 暂无 …: not said
        return None
    raise ValueError(f"应为 是/否：{s}")


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,6}(?:\.0+)?$")


_DATE_MEMO = {}  # raw text → date: a file holds a few thousand distinct dates in a million rows


def parse_date(value):
    """2022-01-05, 2022/1/5, 2022.1.5, 20220105, 2022年1月5日, Excel date cells and serial numbers;
    0, N/A, -, 无 (NULL_WORDS) and empty are no date."""
    if value.__class__ is str:
        try:
            return _DATE_MEMO[value]
        except KeyError:
            found = _parse_date(value)
            if len(_DATE_MEMO) < 50000:
                _DATE_MEMO[value] = found
            return found
    return _parse_date(value)


# Written for "no date" by real exports (CNIPA, incoPat, PatSnap): 0, N/A, -, 无 …
NULL_WORDS = frozenset({"0", "00000000", "0000-00-00", "n/a", "na", "null", "none", "nan", "-", "--", "—", "——", "/",
                        "无", "空", "暂无"})
# The same in the spellings exports use (N/A, NULL, None …): one set lookup per cell, not a lower() of each.
_NULL_SPELLINGS = NULL_WORDS | {f(w) for w in NULL_WORDS if w.isascii() for f in (str.upper, str.title, str.capitalize)}


def _parse_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value == 0 else _from_serial(value)
    s = _cell_text(value)
    if s == "" or s.lower() in NULL_WORDS:
        return None
    if len(s) in (8, 10) and s[:4].isdigit():
        try:  # the common forms 2022-01-05 and 20220105, parsed in C
            return dt.date.fromisoformat(s)
        except ValueError:
            pass
    m = _DATE_YMD.match(s) or _DATE_COMPACT.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(f"日期不存在：{s}")
    if _SERIAL.match(s):
        return _from_serial(float(s))
    if len(_CJK.findall(s)) >= 4:  # a title or a name where a date belongs: the row's cells have slid
        raise ValueError(f"列错位：日期列中是文字“{s[:30]}”，本行各列可能错位，请核对后重新导入")
    raise ValueError(f"日期格式无法识别：{s}（可用 2022-01-05、2022/1/5、20220105、2022年1月5日）")


_CJK = re.compile(r"(?![年月日号一二三四五六七八九十〇零])[\u4e00-\u9fff]")  # words, not a date in Chinese numerals


def _from_serial(number):
    # Excel's day numbers count from 1899-12-30 (it keeps Lotus's phantom 1900-02-29).
    if not 1 <= number <= 2958465:
        raise ValueError(f"Excel日期序号超出范围：{number}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def choice_parser(mapping, label="值"):
    """A parser for a fixed list: `mapping` from every accepted spelling (Chinese, English, code) to the value.
    The parser's `vocabulary` lists the Chinese spellings (the import templates' 说明 sheet shows them)."""
    folded = {_fold(k): v for k, v in mapping.items()}
    seen = {}  # raw cell → value: a column holds few distinct spellings

    def parse(value):
        try:
            return seen[value]
        except (KeyError, TypeError):
            pass
        s = _cell_text(value)
        if s == "":
            return None
        try:
            found = folded[_fold(s)]
            if len(seen) < 10000 and isinstance(value, str):
                seen[value] = found
            return found
        except KeyError:
            if s.lower() in NULL_WORDS:  # 无, -, N/A …: nothing said (a mapping may still give "0" a meaning above)
                return None
            accepted = "、".join(dict.fromkeys(k for k in mapping if re.search(r"[\u4e00-\u9fff]", k))) or \
                "、".join(mapping)
            raise ValueError(f"{label}无法识别：{s}（可用：{accepted}）")
    parse.vocabulary = list(dict.fromkeys(k for k in mapping if re.search(r"[\u4e00-\u9fff]", k))) or list(mapping)
    return parse


def _fold(text_value):
    """Header / choice key: width, case, spaces and punctuation folded (申请(专利权)人 = 申请（专利权）人)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text_value or "")).lower())
