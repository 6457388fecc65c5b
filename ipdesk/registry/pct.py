"""Pure rules for PCT international applications (PCT国际申请): their numbers. No database here.

International application number — PCT Administrative Instructions, Section 307 (read on wipo.int,
pct/en/texts/ai/s307.html): "PCT", a slant, the two-letter code of the receiving Office (Section 115,
WIPO Standard ST.3; "IB" when the International Bureau receives), a four-digit year in which the papers
were first received, a slant and a six-digit serial number — e.g. PCT/SE2004/000001. Numbers allotted
before 2004 carry a two-digit year and a five-digit serial (PCT/CN03/00123); they are stored here in the
four-digit form (PCT/CN2003/000123) so that one application has one key — the same conversion patent
databases apply (e.g. LexisNexis PatentSight's importable formats), not a WIPO rule: 待核对.

International publication number — Administrative Instructions, Section 404: "WO", a four-digit year of
publication, a slant and a six-digit serial (WO 2004/123456); stored without the space: WO2004/123456.
"""
import datetime as dt
import re
import unicodedata

from .rules import InvalidIdentifier

FIRST_PCT_YEAR = 1978  # the PCT entered into force in 1978; the first international applications date from then

# PCT / receiving office / year / serial, with or without slants and spaces: PCT/CN2025/137406,
# PCTCN2025137406, PCT/CN25/137406, PCT/CN03/00123, PCT CN 2025 137406.
_PCT = re.compile(r"^PCT[/\s]*([A-Z]{2})[/\s]*(\d{4}|\d{2})[/\s]*(\d{5,6})$")
_WO = re.compile(r"^WO[/\s]*(\d{4}|\d{2})[/\s]*(\d{5,6})(?:[A-Z]\d?)?$")


def _clean(raw):
    return re.sub(r"[\s\-_]+", " ", unicodedata.normalize("NFKC", str(raw or "")).upper()).strip()


def looks_like_pct_no(raw):
    """True when the text is written as a PCT international application number (PCT/…), valid or not."""
    return _clean(raw).replace(" ", "").startswith("PCT")


def _year(text_year, raw, today=None):
    year = int(text_year)
    if len(text_year) == 2:
        year += 1900 if year >= FIRST_PCT_YEAR % 100 else 2000
    this_year = (today or dt.date.today()).year
    if not FIRST_PCT_YEAR <= year <= this_year:
        raise InvalidIdentifier(f"PCT国际申请号年份不正确：{raw}（应在 {FIRST_PCT_YEAR}–{this_year} 之间）")
    return year


def normalize_pct_no(raw, today=None):
    """Canonical `PCT/CCYYYY/NNNNNN` of an international application number; raises InvalidIdentifier
    with the reason (receiving-office code, year or serial wrong)."""
    text_value = _clean(raw)
    compact = text_value.replace(" ", "")
    m = _PCT.match(compact) or _PCT.match(text_value.replace(" ", "/"))
    if not m:
        raise InvalidIdentifier(f"PCT国际申请号格式不正确：{raw}（应为 PCT/受理局代码+年份/序号，如 PCT/CN2025/137406）")
    office, year_text, serial = m.groups()
    if not office.isalpha():
        raise InvalidIdentifier(f"PCT国际申请号受理局代码不正确：{raw}")
    year = _year(year_text, raw, today)
    if len(year_text) == 4 and year >= 2004 and len(serial) != 6:
        raise InvalidIdentifier(f"PCT国际申请号序号应为6位：{raw}（2004年起的格式，如 PCT/CN2025/137406）")
    if int(serial) == 0:
        raise InvalidIdentifier(f"PCT国际申请号序号不能为0：{raw}")
    return f"PCT/{office}{year}/{int(serial):06d}"


def receiving_office(canonical):
    """The receiving Office's two-letter code of a canonical number (CN, IB, US …)."""
    return canonical[4:6]


def normalize_wo_no(raw, today=None):
    """Canonical `WOYYYY/NNNNNN` of an international publication number (a kind code such as A1 is dropped);
    raises InvalidIdentifier."""
    text_value = _clean(raw).replace(" ", "")
    m = _WO.match(text_value)
    if not m:
        raise InvalidIdentifier(f"国际公布号格式不正确：{raw}（应为 WO+年份/序号，如 WO2025/123456）")
    year = _year(m.group(1), raw, today)
    return f"WO{year}/{int(m.group(2)):06d}"
