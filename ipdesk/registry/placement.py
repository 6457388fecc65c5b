"""Placement (区划归属): which of this city's regions an imported record belongs to — or that it belongs
to another city (outside), or that nothing says (unplaced). One pure function, `place`, no database.

The rules, in order (SPEC section 4; issue 15 item 1):
1. an explicit region code (行政区划代码): one of this city's regions places the record; a valid code
   of another prefecture puts it outside; this province's or the country's code decides nothing;
2. the credit code's registration division (统一社会信用代码 characters 3–8, the 登记管理机关行政区划码 of
   GB 32100-2015 §4.3): a district of this city → that district; this city's own code, a code of
   the city's that is not a district (e.g. 370401 市辖区), a provincial or national one → decided by
   the other signals; another prefecture → outside. (An enterprise that moved keeps its code: the
   registration division is where it was registered, not necessarily where it is now — 待核对 against
   the registry's relocation practice; the order above is the issue's.)
3. a 地区 / 所在城市 / 所在省份 column, read like the start of an address;
4. the enterprise the record was matched to, only when that enterprise was placed by a strong signal
   (`STRONG_SIGNALS`: never a postcode);
5. the address — only the administrative names at its start count (省, 市, 区/县, in that order;
   a name further on is a road, street or village: 枣庄路, 青岛胶州市滕州路, 龙口市中村镇). The address
   places the record when it names this city, or names no prefecture at all and a county-level
   name that only this city has (滕州市); a name of another province, prefecture or county puts it
   outside (济南市市中区, 菏泽市中华路); a name several places share without a parent to tell them
   apart (市中区 alone) decides nothing. Short names (枣庄, 滕州) count only when no other place has
   the same short name (so 市中 is never used) and not when a road or village word follows
   (枣庄路, 滕州东路, 枣庄村). A functional zone (高新区) counts only right after this city's name
   (枣庄高新区), since every city has one;
6. a postcode (邮政编码, a column or six digits in front of the address): its first three digits
   name the postal area (枣庄 277). This city's prefix places the record in the city, not a district;
   another prefix puts it outside. The prefixes are configuration (`POSTCODE_PREFIXES`, 待核对:
   taken from the common published postcode lists, not from China Post's own table).
Anything else stays unplaced: never guessed. Rule 5 and 6 may place a record in the city itself
(its district unknown): that is a placement, counted in the city and in no district.

`place(gazetteer, ...)` returns `Placement(region, outcome, signal)`: the region code (or None),
one of PLACED / OUTSIDE / UNPLACED, and the name of the signal that decided (the one stored on the
record as `region_signal`). `Gazetteer.build` reads the national table (data/regions-cn.csv) and
the city's own regions (its zones and extra address keywords).
"""
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

PLACED, OUTSIDE, UNPLACED = "placed", "outside", "unplaced"


class RegionSignal(models.TextChoices):
    """What decided a record's region (区划依据), stored on the record. Blank: set by hand, or before 2026-11."""
    REGION_CODE = "region_code", _("行政区划代码")
    CREDIT_CODE = "credit_code", _("统一社会信用代码登记地")
    AREA = "area", _("地区列")
    ENTERPRISE = "enterprise", _("匹配企业的区划")
    ADDRESS = "address", _("地址")
    POSTCODE = "postcode", _("邮政编码")


# Signals a matched record may inherit from its enterprise ("" = placed by hand, or stored before
# signals were recorded: an officer's or an earlier import's decision, trusted).
STRONG_SIGNALS = frozenset({"", "region_code", "credit_code", "area", "address", "enterprise"})

# First three postcode digits of a city's postal area (待核对: common published lists, not China Post's table).
POSTCODE_PREFIXES = {"370400": ("277",)}


class Placement(NamedTuple):
    region: str | None
    outcome: str
    signal: str


# A short name followed by one of these is part of a road, street, village or building name.
_ROAD_AFTER = re.compile(r"[东西南北中新老]?(?:路|街|大街|大道|道|巷|弄|胡同|村|庄|屯|里|社区|小区|花园|新村|广场|大厦|桥|"
                         r"公园|湖|河|山|学院|大学|中学|小学|医院)")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_LEADING = re.compile(r"^(?:中华人民共和国|中国)")
_POSTCODE_FRONT = re.compile(r"^\s*(?:邮编[:：]?\s*)?(\d{6})(?!\d)\s*[,，;；]?\s*")
_SPACE = re.compile(r"[\s\u3000·•,，、:：;；\-—()（）\[\]【】]+")


def _short(name, level):
    """The short form people write (山东, 枣庄, 滕州, 内蒙古), or '' when there is none."""
    if level == "province":
        if name.startswith("内蒙古"):
            return "内蒙古"
        for suffix in ("省", "市"):
            if name.endswith(suffix):
                return name[:-1]
        return name[:2] if name.endswith("自治区") else ""
    if name.endswith("自治州") or name.endswith("自治县") or name.endswith("自治旗"):
        return name[:2]
    for suffix in ("地区", "市", "盟", "区", "县", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return ""


@dataclass
class Gazetteer:
    """Every mainland name down to county level, and this city's regions, zones and keywords."""
    city: str                                           # the city's code, e.g. 370400
    regions: set = field(default_factory=set)           # codes of this city's own regions (city, districts, zones)
    parent: dict = field(default_factory=dict)          # code → parent code (placeholders skipped)
    level: dict = field(default_factory=dict)           # code → province / city / county
    names: dict = field(default_factory=dict)           # written name → [(code, is_short)]
    zones: list = field(default_factory=list)           # [(keyword, zone code, parent code)] longest first
    keywords: dict = field(default_factory=dict)        # extra county-level keywords of this city → code
    prefixes: set = field(default_factory=set)          # every beginning of a name: the reader stops early
    postcodes: tuple = ()
    _ancestors: dict = field(default_factory=dict)

    @classmethod
    def build(cls, national_rows, city_code, local_regions=(), postcodes=None):
        """`national_rows`: dicts with code, name, parent_code, level (regions-cn.csv); `local_regions`:
        dicts with code, name, short_name, address_keywords, parent_code, is_functional_zone."""
        g = cls(city=city_code)
        # 东莞, 中山, 儋州 have no districts: the table lists them twice, once as their own county; keep the city
        rows = [r for r in national_rows if r["code"] != r["parent_code"]]
        by_code = {r["code"]: r for r in rows}
        for r in rows:
            if r["name"] in _PLACEHOLDERS:
                continue
            parent = r["parent_code"] or ""
            while parent and by_code.get(parent, {}).get("name") in _PLACEHOLDERS:
                parent = by_code[parent]["parent_code"] or ""
            g.parent[r["code"]] = parent
            g.level[r["code"]] = r["level"]
        shorts = {}
        for r in rows:
            code = r["code"]
            if code not in g.level:
                continue
            g.names.setdefault(r["name"], []).append((code, False))
            short = _short(r["name"], r["level"])
            if short and short != r["name"]:
                shorts.setdefault(short, []).append((code, r["level"]))
        for short, found in shorts.items():
            provinces = [c for c, lvl in found if lvl == "province"]
            if provinces:  # 海南 is the province, never 海南藏族自治州
                found = [(provinces[0], "province")]
            if len(found) == 1 and short not in g.names and not short.startswith(("市", "县", "区")):
                g.names[short] = [(found[0][0], True)]
        g.regions = {code for code in g.level if g.in_city(code)}
        for r in local_regions:
            code = r["code"]
            g.regions.add(code)
            words = {w.strip() for w in (r.get("address_keywords") or "").replace("，", ",").split(",")}
            if r.get("is_functional_zone"):
                city_names = g._city_names()
                words |= {r.get("name") or "", r.get("short_name") or ""}
                for w in list(words):  # 枣庄高新区 → 高新区: the city's name comes first, the zone follows it
                    for c in city_names:
                        if w.startswith(c) and len(w) > len(c):
                            words.add(w[len(c):])
                g.zones += [(w, code, r.get("parent_code") or city_code) for w in words
                            if len(w) >= 2 and not any(w.startswith(c) for c in city_names)]
            else:
                for w in words:
                    # a keyword another place also answers to (市中) is never used
                    if len(w) >= 2 and w not in g.names and w not in shorts:
                        g.keywords[w] = code
        g.zones.sort(key=lambda z: -len(z[0]))
        g.prefixes = {n[:i] for n in [*g.names, *g.keywords] for i in range(2, len(n) + 1)}
        g.postcodes = tuple(postcodes if postcodes is not None else POSTCODE_PREFIXES.get(city_code, ()))
        return g

    def _city_names(self):
        return sorted((n for n, found in self.names.items() if any(c == self.city for c, _s in found)),
                      key=len, reverse=True)

    def ancestors(self, code):
        try:
            return self._ancestors[code]
        except KeyError:
            pass
        seen = []
        start = code
        while code and code not in seen:
            seen.append(code)
            code = self.parent.get(code, "")
        self._ancestors[start] = seen
        return seen

    def in_city(self, code):
        return self.city in self.ancestors(code)

    def prefecture(self, code):
        """The prefecture-level unit a code lies in (itself for a prefecture), or None for a province."""
        for c in self.ancestors(code):
            if self.level.get(c) == "city":
                return c
        # a county directly under a province (省直辖县级): it is its own prefecture-level unit
        return code if self.level.get(code) == "county" else None

    def province(self, code):
        chain = self.ancestors(code)
        return chain[-1] if chain else None


# ---- Reading the administrative names at the start of a text -------------------------------------
def _clean(text_value):
    s = unicodedata.normalize("NFKC", str(text_value or "")).strip()
    return s


def split_postcode(address):
    """(postcode, rest) when the address starts with a six-digit postcode (277100 山东省…), else ('', address)."""
    s = _clean(address)
    m = _POSTCODE_FRONT.match(s)
    if m:
        return m.group(1), s[m.end():]
    return "", s


def _chains(g, s, pos, last, depth=0):
    """Every reading of the names from `pos` on: lists of (code, is_short, end). `last` is the code
    the next name must lie under (None: any)."""
    out = [[]]
    if depth >= 4 or pos >= len(s):
        return out
    lengths = []
    for end in range(pos + 2, len(s) + 1):
        if s[pos:end] not in g.prefixes:
            break
        lengths.append(end - pos)
    for length in reversed(lengths):
        word = s[pos:pos + length]
        found = g.names.get(word)
        keyword = g.keywords.get(word) if last is not None and g.in_city(last) else None
        if not found and not keyword:
            continue
        # 枣庄路, 滕州东路, 枣庄村: a road or village named after the place — unless a name of the next
        # level follows (唐山市路北区, 长治市屯留区, 枣庄市山亭区)
        road = _ROAD_AFTER.match(s, pos + length) is not None
        candidates = list(found or ()) + ([(keyword, True)] if keyword else [])
        if last is not None:
            candidates = [(c, short) for c, short in candidates if c != last and last in g.ancestors(c)]
        if not candidates:
            continue
        if len(candidates) > 1:  # one name, several places (市中区): keep them all, undecided
            if not road:
                out.append([(tuple(c for c, _ in candidates), False, pos + length)])
            continue
        code, short = candidates[0]
        tails = _chains(g, s, pos + length, code, depth + 1)
        for tail in tails:
            if tail or not road:
                out.append([(code, short, pos + length), *tail])
    return out


def read_places(g, text_value):
    """The administrative chain at the start of `text_value`: (codes or ambiguous tuples, end position, text)."""
    s = _LEADING.sub("", _SPACE.sub("", _clean(text_value)))
    best = max(_chains(g, s, 0, None), key=lambda chain: (len(chain), chain[-1][2] if chain else 0))
    return [entry[0] for entry in best], (best[-1][2] if best else 0), s


def _judge(g, chain, rest):
    """Outcome of an administrative chain: (region code or None, PLACED/OUTSIDE/UNPLACED)."""
    if not chain:
        return None, UNPLACED
    last = chain[-1]
    for code in chain:
        if not isinstance(code, tuple) and not g.in_city(code) and code not in g.ancestors(g.city):
            return None, OUTSIDE  # another province, prefecture or county
    if isinstance(last, tuple):  # a name several places share, with nothing before it to tell them apart
        return (None, OUTSIDE) if not any(g.in_city(c) for c in last) else (None, UNPLACED)
    if not g.in_city(last):
        return None, UNPLACED  # only this province (or the country) named: says nothing
    city_named = any(code == g.city for code in chain)
    if city_named:
        for word, zone, parent in g.zones:
            if rest.startswith(word) and (last == g.city or last == parent):
                return zone, PLACED
    return last, PLACED


def read_area(g, text_value):
    """(region code or None, outcome) of a place written as names (地区列, or the start of an address)."""
    chain, end, s = read_places(g, text_value)
    return _judge(g, chain, s[end:])


# ---- The placement -------------------------------------------------------------------------------
def credit_code_division(uscc):
    """Characters 3–8 of a credit code: the registration authority's division (GB 32100-2015 §4.3)."""
    s = (uscc or "").strip().upper()
    return s[2:8] if len(s) == 18 and s[2:8].isdigit() else ""


def _by_code(g, code):
    """(region, outcome) of a six-digit division code, or (None, UNPLACED) when it decides nothing."""
    if not code:
        return None, UNPLACED
    if code in g.regions and code != g.city and g.level.get(code) != "province" and g.in_city(code):
        return code, PLACED
    if code.endswith("0000") or code == g.city or code[:4] == g.city[:4]:
        return None, UNPLACED  # national, provincial, this city's own (or a non-district unit of it)
    if code in g.level:
        return (None, OUTSIDE) if not g.in_city(code) else (None, UNPLACED)
    # an unlisted (e.g. retired) code: its prefecture part still tells another city from this one
    prefecture = code[:4] + "00"
    if prefecture in g.level and g.level[prefecture] == "city":
        return None, OUTSIDE
    return None, UNPLACED


def place(g, *, region_code="", uscc="", area="", enterprise=None, address="", postcode="", country_code=""):
    """Placement(region code or None, outcome, signal) of one record, by the rules in the module docstring.

    `region_code`: an explicit 行政区划代码; `uscc`: the record's credit code; `area`: the 地区 /
    所在省份 / 所在城市 cells joined in that order; `enterprise`: (region code, signal) of the matched
    enterprise or None; `address`; `postcode`; `country_code`: 国省代码 (a mainland province code
    other than this city's puts the record outside).
    """
    code = str(region_code or "").strip()
    if code:
        if code in g.regions and g.level.get(code) != "province":
            return Placement(code, PLACED, "region_code")
        region, outcome = _by_code(g, code)
        if outcome == OUTSIDE:
            return Placement(None, OUTSIDE, "region_code")
    region, outcome = _by_code(g, credit_code_division(uscc))
    if outcome != UNPLACED:
        return Placement(region, outcome, "credit_code")
    city_level = None  # a signal that says "this city", its district unknown: kept while others may say more
    if area and str(area).strip():
        region, outcome = read_area(g, area)
        if outcome == OUTSIDE or (outcome == PLACED and region != g.city):
            return Placement(region, outcome, "area")
        if outcome == PLACED:
            city_level = Placement(region, PLACED, "area")
    cc = str(country_code or "").strip()
    if cc.isdigit() and len(cc) == 2 and 11 <= int(cc) <= 65 and g.city[:2] != cc:
        return Placement(None, OUTSIDE, "area")
    if enterprise and enterprise[0] and enterprise[1] in STRONG_SIGNALS:
        if not city_level or enterprise[0] != g.city:
            return Placement(enterprise[0], PLACED, "enterprise")
    front, rest = split_postcode(address)
    postcode = str(postcode or "").strip() or front
    if rest:
        region, outcome = read_area(g, rest)
        if outcome == OUTSIDE or (outcome == PLACED and region != g.city):
            return Placement(region, outcome, "address")
        if outcome == PLACED and city_level is None:
            city_level = Placement(region, PLACED, "address")
    if city_level is not None:
        return city_level
    if re.fullmatch(r"\d{6}", postcode) and g.postcodes:
        if postcode.startswith(g.postcodes):
            return Placement(g.city, PLACED, "postcode")
        return Placement(None, OUTSIDE, "postcode")
    return Placement(None, UNPLACED, "")


def explain(placement):
    """A short Chinese reason for an outside or unplaced record (reports and the rejected-rows file)."""
    from django.utils.translation import gettext
    signal = RegionSignal(placement.signal).label if placement.signal else ""
    if placement.outcome == OUTSIDE:
        return gettext("属于本市以外地区（依据：%(signal)s）") % {"signal": signal}
    if placement.outcome == UNPLACED:
        return gettext("无法确定所属区划：请填写行政区划代码，或在地址中写明本市及区（市）")
    return gettext("依据：%(signal)s") % {"signal": signal}
