"""Import specs of the registry: enterprises, patents, trademarks and legal-status events.

Each plugs into the one pipeline (ipdesk.core.imports). The header aliases cover SPEC section 4 and
the layouts of CNIPA, incoPat, Patentics / Soopat style exports; the first alias is what exports
write, so an exported list imports back unchanged.
"""
from django.utils.translation import gettext_lazy as _l
import json
import re

import polars as pl

from ipdesk.core import audit
from ipdesk.core.imports import Field, ImportSpec, RowError, RowOutside, choice_parser, parse_bool, parse_date, \
    parse_int, raw_text, register, text, upsert, warn
from ipdesk.core.imports import collect_warnings, columnar, get_spec
from ipdesk.core.models import AuditAction
from ipdesk.core.scoping import choosable

from . import placement, rules, sei
from .choices import CultivationTier, LegalStatus, PatentEventKind, PatentType, TrademarkStatus
from .matching import EnterpriseIndex
from .models import CultivationMembership, Enterprise, EnterpriseNameHistory, GIProduct, Patent, PatentEvent, \
    PctApplication, Trademark


# ---- Lookups shared by the specs (loaded once per file) -------------------------------------------
def load_lookups(ctx):
    from ipdesk.regions.models import DictionaryEntry, IndustryChain, Region
    cache = ctx.cache
    if "regions" in cache:
        return cache
    from django.conf import settings
    regions = list(Region.objects.values("pk", "code", "name", "short_name", "address_keywords", "path",
                                         "is_functional_zone", "parent__code"))
    cache["regions"] = {r["code"]: r["pk"] for r in regions}
    cache["region_codes"] = {r["pk"]: r["code"] for r in regions}
    # Addresses are read by registry.placement only (the old keyword list matched 市中 inside 济南市市中区 and
    # 菏泽市中华路; compliance used it last and now places through `locate` / `city_placement` too).
    cache["gazetteer"] = _gazetteer(settings.IPDESK_CITY_CODE, regions)
    # Records are linked only to enterprises the importing user may link to (core.scoping.choosable, as
    # the forms and the API): a district officer's file cannot attach its patents to another district's
    # enterprise by naming its credit code. The command line (no user) matches the whole registry.
    enterprises = Enterprise.objects.all()
    if getattr(ctx, "user", None) is not None:
        enterprises = choosable(enterprises, ctx.user)
    # registry.matching: by credit code, by current name, then by former name (曾用名); the enterprise import adds
    # the credit codes it creates to `enterprise_by_uscc` (the index's own dict) as it goes.
    index = cache["enterprise_index"] = EnterpriseIndex(enterprises)
    cache["enterprise_by_uscc"], cache["enterprise_by_name"] = index.by_uscc, index.by_name
    cache["enterprise_signal"] = index.signal  # enterprise id → how its region was decided (placement)
    cache["chains"] = {}
    for c in IndustryChain.objects.values("pk", "code", "name"):
        cache["chains"][c["code"].upper()] = c["pk"]
        cache["chains"][c["name"]] = c["pk"]
    cache["tags"] = {}
    for code, label in DictionaryEntry.objects.filter(dictionary="enterprise_tag").values_list("code", "label"):
        cache["tags"][code.lower()] = code
        cache["tags"][label] = code
    return cache


_GAZETTEERS = {}


def city_placement():
    """(gazetteer, {region code: region id}) of this city: registry.placement's view, for code that places a record
    outside an import (compliance's assignment of an abnormal application). Reads the regions, not the registry."""
    from django.conf import settings

    from ipdesk.regions.models import Region
    regions = list(Region.objects.values("pk", "code", "name", "short_name", "address_keywords", "path",
                                         "is_functional_zone", "parent__code"))
    return _gazetteer(settings.IPDESK_CITY_CODE, regions), {r["code"]: r["pk"] for r in regions}


def _gazetteer(city_code, regions):
    """registry.placement's view of the country (data/regions-cn.csv) and of this city's regions, built
    once per process for the same regions (a region edited by an officer builds it anew)."""
    from ipdesk.regions.setup import national_rows
    local = tuple((r["code"], r["name"], r["short_name"], r["address_keywords"], r["parent__code"] or "",
                   r["is_functional_zone"]) for r in regions)
    key = (city_code, local)
    if key not in _GAZETTEERS:
        _GAZETTEERS.clear()
        _GAZETTEERS[key] = placement.Gazetteer.build(
            national_rows(), city_code,
            [dict(zip(("code", "name", "short_name", "address_keywords", "parent_code", "is_functional_zone"), r))
             for r in local])
    return _GAZETTEERS[key]


# ---- Cells that belong to another column (列错位) --------------------------------------------------------
_SENTENCE = re.compile(r"[。！？]|[，,].*[，,]")


def parse_person_name(value):
    """A person's name (法定代表人, 联系人). A paragraph there (a sentence, or more than 50 characters in one name)
    means the row's cells have slid into the wrong columns: 列错位."""
    s = text(value)
    if s and (len(s) > 50 or _SENTENCE.search(s)) and any(len(n) > 50 or _SENTENCE.search(n)
                                                           for n in re.split(r"[;；、\n]", s)):
        raise ValueError(f"列错位：人名列中是一段文字“{s[:30]}…”，本行各列可能错位，请核对后重新导入")
    return s


_PROVINCE_WORDS = rules.MAINLAND_PROVINCES + rules.NOT_MAINLAND_WORDS


def parse_province(value):
    """所在省份: a province's name (山东省, 山东, 山东省枣庄市 …), Hong Kong, Macao, Taiwan, or a foreign country's
    name or code. A date, a company's name or a long text there is 列错位 (the row's cells have slid)."""
    s = text(value)
    if not s or any(p in s for p in _PROVINCE_WORDS):
        return s
    slid = (len(s) > 20 or re.search(r"\d{4}", s) or
            re.search(r"公司|大学|学院|研究|医院|中心|厂|集团|有限|专利|方法|装置|系统", s))
    if slid:
        raise ValueError(f"列错位：省份列中没有省份名称：“{s[:30]}”，本行各列可能错位，请核对后重新导入")
    return s  # a foreign country (美国, JP …): placement decides


# Area columns (地区 / 所在省份 / 所在城市 / 所在区县), read together in that order by placement.
AREA_FIELDS = [
    Field("province", ("所在省份", "所属省份", "省份", "省", "province"), parse_province),
    Field("city", ("所在城市", "所属城市", "城市", "所在地市", "地市", "city")),
    Field("area", ("地区", "所在地区", "所属地区", "所在区县", "所属区县", "区县", "area", "district")),
    Field("postcode", ("邮政编码", "邮编", "申请人邮编", "postcode", "zip")),
]


def split_address(values, field="address"):
    """A six-digit postcode written in front of the address (277100 山东省枣庄市薛城区…) is taken off the stored
    address and, when the file has no 邮政编码 column value, used as the row's postcode (a placement signal:
    registry.placement rule 6)."""
    address = values.get(field) or ""
    if not address or not (address[0].isdigit() or address[0] in "邮０１２３４５６７８９"):
        return
    postcode, rest = placement.split_postcode(address)
    if postcode:
        values[field] = rest
        if not values.get("postcode"):
            values["postcode"] = postcode


def domestic(values, enterprise_id=None, region_id=None):
    """The stored 国内 flag of a holder (SPEC section 3: a mainland-China holder; section 4: 国省代码 first, else a
    mainland address or credit code). registry.rules.domicile reads those; when they tell nothing, a record placed
    in one of this city's regions is domestic (its placement came from a region code, a credit code, a 地区 column,
    an address or a postcode of this city — all mainland), so an address-less holder of this city is no longer
    taken for a foreign one. Unplaced and unknown stays False: Patent.is_domestic is a yes/no flag and the
    indicators count only proven mainland holders (an unplaced record is counted in no region anyway). A true
    "unknown" needs a nullable field and the stats fact tables to accept it (not done here)."""
    found = rules.domicile(values.get("country_code") or "", values.get("address") or "",
                           values.get("uscc") or ("x" if enterprise_id else ""))
    if found is None and region_id is not None:
        return True
    return bool(found)


def locate(ctx, values, enterprise_id=None, enterprise_region=None, header="行政区划代码", address_field="address"):
    """(region id or None, signal) of a row by registry.placement.place; raises RowOutside when the row
    belongs to another city, RowError when its region code exists nowhere.

    Remembered per file (ctx.cache, so per import and per user) by exactly what it reads: the row's region code,
    credit code, 省份/城市/地区, address, postcode and 国省代码 cells as parsed, and the matched enterprise — the
    same cells give the same answer, and the error or the outside outcome is raised anew for every row that has
    them (each row keeps its own line). Only cells that are all text (or None) are remembered: 1, 1.0 and True would
    share a key, and a str never equals a number, so a lookup finds only what text cells stored. `_placement` below
    has its own memo, keyed by what `place` reads."""
    cells = (values.get("region_code"), values.get("uscc"), values.get("province"), values.get("city"),
             values.get("area"), values.get(address_field), values.get("postcode"), values.get("country_code"))
    key = (cells, enterprise_id, enterprise_region)
    memo = ctx.cache.setdefault("locate_memo", {})
    try:
        found = memo.get(key)
    except TypeError:  # an unhashable cell: not remembered
        found = key = None
    if found is None:
        found = _placement(ctx, values, enterprise_id, enterprise_region, address_field)
        if key is not None and len(memo) < _MEMO_LIMIT and all(c is None or c.__class__ is str for c in cells):
            memo[key] = found
    outcome, value, signal = found
    if outcome is _PLACED:
        return value, signal
    if outcome is _NO_CODE:
        raise RowError(header, value)
    raise RowOutside(placement.explain(value))


_PLACED, _NO_CODE, _OUTSIDE = "placed", "no code", "outside"   # _placement's outcomes


def _placement(ctx, values, enterprise_id, enterprise_region, address_field):
    """(outcome, value, signal) of `locate`: (_PLACED, region id or None, signal), (_NO_CODE, the error's reason,
    None) or (_OUTSIDE, the Placement, None). registry.placement.place's answers are remembered by what it reads
    (the credit code's division, not the whole code)."""
    cache = ctx.cache
    code = str(values.get("region_code") or "").strip()
    g = cache["gazetteer"]
    if code and code not in cache["regions"] and code not in g.level:
        return _NO_CODE, f"行政区划代码不存在：{code}", None
    enterprise = None
    if enterprise_id is not None or enterprise_region is not None:
        enterprise = (cache["region_codes"].get(enterprise_region),
                      cache["enterprise_signal"].get(enterprise_id, ""))
    area = "".join(str(values.get(name) or "") for name in ("province", "city", "area"))
    key = (code, placement.credit_code_division(values.get("uscc") or ""), area, enterprise,
           values.get(address_field) or "", str(values.get("postcode") or ""), values.get("country_code") or "")
    memo = cache.setdefault("placement_memo", {})
    try:
        found = memo[key]
    except KeyError:
        found = placement.place(g, region_code=key[0], uscc=values.get("uscc") or "", area=area,
                                enterprise=enterprise, address=key[4], postcode=key[5], country_code=key[6])
        if len(memo) < _MEMO_LIMIT:
            memo[key] = found
    if found.outcome == placement.OUTSIDE:
        return _OUTSIDE, found, None
    region_id = cache["regions"].get(found.region) if found.region else None
    return _PLACED, region_id, (found.signal if region_id else "")


def region_code_id(values, ctx, header="行政区划代码"):
    code = values.get("region_code")
    if not code:
        return None
    code = str(code).strip()
    region_id = ctx.cache["regions"].get(code)
    if region_id is None:
        raise RowError(header, f"行政区划代码不存在：{code}")
    return region_id


def match_enterprise(ctx, uscc="", name=""):
    """(enterprise id, region id) matched by credit code, else by normalised name; (None, None).
    registry.matching.EnterpriseIndex of the file (load_lookups)."""
    return ctx.cache["enterprise_index"].match(uscc, name)


_MEMO_LIMIT = 50_000  # memo entries per file: bounded, so memory does not grow with the file


def address_region(ctx, address):
    """The region an address alone places a record in (registry.placement), or None — also for an
    address of another city. Remembered per file (the same addresses come back row after row)."""
    if not address:
        return None
    memo = ctx.cache.setdefault("address_memo", {})
    try:
        return memo[address]
    except KeyError:
        found = placement.place(ctx.cache["gazetteer"], address=address)
        found = ctx.cache["regions"].get(found.region) if found.region else None
        if len(memo) < _MEMO_LIMIT:
            memo[address] = found
        return found


def parse_uscc(value):
    """统一社会信用代码 (GB 32100-2015 §4: 18 characters of 0-9 and capitals without I O S V Z, last a check
    character). Written in lowercase it is uppercased and accepted with a warning; a wrong length, character or
    check character is an error."""
    s = text(value)
    if not s:
        return ""
    try:
        code = rules.normalize_uscc(s)
    except rules.InvalidIdentifier as exc:
        raise ValueError(str(exc))
    if any("a" <= c <= "z" for c in s):
        warn("统一社会信用代码", f"统一社会信用代码含小写字母，已转为大写：{s} → {code}")
    return code


def parse_holder_uscc(value):
    """The holder's credit code in a patent file: used to match the enterprise and to place the record, not the
    record's key. A code that is not valid (an old 15-digit 注册号, a wrong check character) is reported as a warning
    and left out, so the patent itself is not refused for it."""
    try:
        return parse_uscc(value)
    except ValueError as exc:
        warn("统一社会信用代码", f"{exc}；未用于匹配企业和确定区划")
        return ""


# 8 (before 2003: YYTNNNNN) or 12 (YYYYTNNNNNNN) digits with nothing after them: the number without its check digit.
_APP_NO_WITHOUT_CHECK = re.compile(r"(?:CN|ZL)?(\d{2}[123]\d{5}|\d{4}[12389]\d{7})")


def parse_application_no(value):
    """申请号 in its canonical form (registry.rules.normalize_application_no: ZC 0006-2003, CN/ZL prefixes, spaces
    such as `ZL 201010110545.X`, a missing dot). A number written without its check digit — the eight digits
    `YYTNNNNN` of the 1980s and 1990s as old lists print them (89100123), or twelve digits — is completed with the
    computed check digit (SPEC section 4: Σ dᵢ·wᵢ mod 11, weights 2–9 then 2–5, 10 written X) and accepted with a
    warning. A dot or separator before the last digit means a check digit was written: it is verified, never
    replaced."""
    s = text(value)
    if not s:
        return ""
    try:
        return rules.normalize_application_no(s)
    except rules.InvalidIdentifier as exc:
        bare = re.sub(r"\s+", "", s.upper())
        m = _APP_NO_WITHOUT_CHECK.fullmatch(bare)
        if m is None:
            raise ValueError(str(exc))
        body = m.group(1)
        number = f"{body}.{rules._app_check(body)}"
        warn("申请号", f"申请号 {s} 缺少校验位，已按 ZC 0006-2003 计算补全为 {number}")
        return number


def parse_patent_or_pct_no(value):
    """The 申请号 of a patent file: a CN application number, or a PCT international application number
    (PCT/CN2025/137406 …), which is imported as a PctApplication (registry.pct_imports), not refused."""
    s = text(value)
    if s[:1] in _PCT_HEAD:  # a cheap look first: a million CN numbers pass here
        from . import pct
        if pct.looks_like_pct_no(s):
            try:
                return pct.normalize_pct_no(s)
            except rules.InvalidIdentifier as exc:
                raise ValueError(str(exc))
    return parse_application_no(value)


_PCT_HEAD = frozenset("PpＰｐ")


@columnar.register_screen(parse_patent_or_pct_no)
def screen_application_no(cells):
    """The columnar screen of 申请号 (core.imports.columnar): a number already canonical (YYYYTNNNNNNN.C or YYTNNNNN.C)
    whose check digit is right (ZC 0006-2003, rules._app_check, computed on the column) is its own value, as
    rules.normalize_application_no returns it; every other spelling is read by the row path."""
    def check(n):
        total = pl.sum_horizontal([pl.col("c").str.slice(i, 1).cast(pl.Int64, strict=False) * w
                                   for i, w in zip(range(n), rules._APP_WEIGHTS)]) % 11
        return pl.when(total == 10).then(pl.lit("X")).otherwise(total.cast(pl.String))
    last = pl.col("c").str.tail(1)
    ok = pl.DataFrame({"c": cells}).select(
        (pl.col("c").str.contains(r"^[0-9]{4}[12389][0-9]{7}\.[0-9X]$") & (check(12) == last)) |
        (pl.col("c").str.contains(r"^[0-9]{2}[123][0-9]{5}\.[0-9X]$") & (check(8) == last))).to_series()
    return columnar.Unchanged(), ok


def identifier_parser(normalize):
    """A cell parser for an identifier: text (无, N/A, - …: not said, empty), then `normalize` (a registry.rules /
    registry.pct function); an invalid identifier is the cell's error, with the rule's own message."""
    def parse(value):
        s = text(value)
        if not s:
            return ""
        try:
            return normalize(s)
        except rules.InvalidIdentifier as exc:
            raise ValueError(str(exc))
    parse.__doc__ = normalize.__doc__
    return parse


parse_country = identifier_parser(rules.normalize_country_code)


def parse_days(value):
    """A number of days: a whole number, 0 or more (期限补偿天数); empty is none."""
    days = parse_int(value)
    if days is not None and days < 0:
        raise ValueError(f"天数不能为负数：{days}")
    return days


def parse_family(value):
    """海外同族: 是/否, or a list of family countries (US;EP;JP) — any other than CN means yes."""
    s = text(value)
    try:
        return parse_bool(s)
    except ValueError:
        codes = [c for c in re.split(r"[\s,;；、，]+", s.upper()) if c]
        if codes and all(re.fullmatch(r"[A-Z]{2}|WO|EP", c) for c in codes):
            return any(c != "CN" for c in codes)
        raise ValueError(f"海外同族应为 是/否 或同族国家代码：{s}")


# IPC symbols as exports write them: `G06F 21/60(2013.01)I;H04L 9/32(2006.01)I` (CNIPA), `G06F21/60` (incoPat),
# several per cell. The version in brackets and the letter after it (I/A/N: 发明信息/附加信息 of WIPO ST.8 —
# 待核对 against the standard's text) are dropped; the first symbol is the main class (主分类号); stored in the
# usual printed form `G06F 21/60` (registry.sei.normalize_ipc reads both).
_IPC_VERSION = re.compile(r"\([^)]*\)(?:[A-Z](?![0-9A-Z]))?")
_IPC_CLASSES = re.compile(r"\s*[;；,，|\n\r]+\s*|\s+(?=[A-H]\d{2}[A-Z])")
_IPC_SYMBOL = re.compile(r"([A-H]\d{2}[A-Z])\s*(?:(\d{1,4})\s*/\s*(\d{1,6}))?\*?")


def _memo(parse):
    """A parser remembered per cell text (a column repeats few spellings in a million rows), its warnings
    (core.imports.warn) given again each time the remembered value is used."""
    seen = {}

    def remembered(value):
        try:
            found, warned = seen[value]
        except (KeyError, TypeError):
            with collect_warnings() as warned:
                found = parse(value)
            if isinstance(value, str) and len(seen) < 10000:
                seen[value] = (found, warned)
        for w in warned:
            warn(*w)
        return found
    remembered.__doc__ = parse.__doc__
    return remembered


def split_ipc(value):
    """Every IPC symbol of a cell, normalised, in order (the first is the main class)."""
    s = _IPC_VERSION.sub("", text(value).upper())
    found = []
    for part in _IPC_CLASSES.split(s):
        part = part.strip()
        if not part:
            continue
        m = _IPC_SYMBOL.fullmatch(part)
        if m is None:
            found.append(part)  # not an IPC symbol: kept as written, judged by parse_ipc
            continue
        code = m.group(1) + (f" {m.group(2)}/{m.group(3)}" if m.group(2) else "")
        if code not in found:
            found.append(code)
    return found


@_memo
def parse_ipc(value):
    """主分类号: the first IPC symbol of the cell (see split_ipc). Text that is no IPC symbol — a title slid into
    this column — is 列错位; anything else unreadable is kept as written, with a warning."""
    codes = split_ipc(value)
    if not codes:
        return ""
    first = codes[0]
    if not _IPC_SYMBOL.fullmatch(first):
        if len(re.findall(r"[\u4e00-\u9fff]", first)) >= 2:
            raise ValueError(f"列错位：主分类号列中是文字“{first[:30]}”，本行各列可能错位，请核对后重新导入")
        warn("主分类号", f"不是IPC分类号的写法，已原样保存：{first}")
    return first[:50]


# ---- Applicants (申请人 / 专利权人) -----------------------------------------------------------------
# One cell lists every applicant: on separate lines, as a JSON array (["甲公司","乙公司"], PatSnap/incoPat API
# dumps), or separated by ; ； (with or without spaces) or 、 (SPEC section 4). Decision on 、: it separates names only
# when the cell has no stronger separator (newline, ; or ；), so 甲公司；乙、丙联合研究中心 keeps its second name whole
# while 甲公司、乙公司 is two names. Stored joined with ；, the first applicant first (第一申请人: the holder).
_NAMES_STRONG = re.compile(r"\s*(?:[;；]|\r\n|\n|\r)\s*")
_NAMES_WEAK = re.compile(r"\s*、\s*")


def split_applicants(value):
    """The applicants of a cell, in order (see the comment above)."""
    s = text(value)
    if not s:
        return []
    if s.startswith("[") and s.endswith("]"):
        try:
            items = json.loads(s)
        except ValueError:
            items = None
        if isinstance(items, list):
            return [n for n in (text(i) for i in items if i is not None) if n]
    names = [n for n in _NAMES_STRONG.split(s) if n]
    if len(names) == 1:
        names = [n for n in _NAMES_WEAK.split(s) if n]
    return names


@_memo
def parse_applicants(value):
    """申请人 / 当前权利人 cell → the names joined with ；(split_applicants)."""
    return "；".join(split_applicants(value))


@columnar.register_screen(parse_applicants)
def screen_applicants(cells):
    """The columnar screen of 申请人: a cell naming one applicant (no separator, no JSON array) is that name, as
    core.imports.text reads it."""
    values, ok = columnar.screen_text(cells)
    return values, ok & ~cells.str.contains(r"[\[;；\n\r、]")




def _labels(choices):
    return {**{str(label): value for value, label in choices}, **{value: value for value, _ in choices}}


# ---- Patent type, kind code and legal status as real exports write them ------------------------------
# Kind codes of CN patent documents (国家知识产权局 专利文献种类标识代码 — 待核对 against the standard's own text,
# not read here): A invention application published, B invention granted, U utility model granted, S design
# granted; C, Y and D are the grant codes of invention, utility model and design in the older editions. A utility
# model or a design is published only when granted (专利法第四十条), so its publication is its grant.
KIND_CODES = {"A": ("invention", False), "B": ("invention", True), "C": ("invention", True),
              "U": ("utility", True), "Y": ("utility", True), "S": ("design", True), "D": ("design", True)}
_TYPE_WORDS = {**rules.PATENT_TYPE_WORDS, "发明公开": "invention", "发明公布": "invention", "发明专利申请": "invention",
               "发明专利授权": "invention", "实用新型授权": "utility", "实用新型专利授权": "utility",
               "外观设计授权": "design", "外观设计专利授权": "design", "外观专利": "design"}
_plain_type = choice_parser(_TYPE_WORDS, "专利类型")
_PARTS = re.compile(r"\s*[;；,，、/|\n]\s*")


def _remembered(parse):
    """A parser remembered per cell text: a column holds few distinct spellings in a million rows."""
    seen = {}

    def remembered(value):
        try:
            return seen[value]
        except (KeyError, TypeError):
            found = parse(value)
            if isinstance(value, str) and len(seen) < 10000:
                seen[value] = found
            return found
    remembered.__doc__ = parse.__doc__
    return remembered


@_remembered
def parse_patent_type(value):
    """(patent type, granted?) from a type cell: 发明 / 实用新型 / 外观设计, a kind code (A B C U Y S D), or a
    compound such as 发明公开;发明授权. `granted` is True when the cell says so, else None."""
    s = text(value)
    if not s:
        return None
    kinds, granted = set(), None
    for part in _PARTS.split(s):
        if not part:
            continue
        code = part.upper()
        if code in KIND_CODES:
            kind, says = KIND_CODES[code]
        else:
            kind, says = _plain_type(part), ("授权" in part or None)
        kinds.add(kind)
        granted = granted or says or None
    if len(kinds) != 1:
        raise ValueError(f"专利类型前后矛盾：{s}")
    return kinds.pop(), granted


_PUBLICATION_KIND = re.compile(r"([ABCUYSD])\d?$")


def parse_publication_no(value):
    """公开（公告）号 such as CN105555555A / CN205555555U: (patent type, granted?) from its kind code, or None."""
    s = text(value).upper().replace(" ", "")
    if not s:
        return None
    found = None
    for part in _PARTS.split(s):
        m = _PUBLICATION_KIND.search(part)
        if m:
            kind, granted = KIND_CODES[m.group(1)]
            found = (kind, granted or bool(found and found[1]))
    return found


# Legal status: plain words (rules.LEGAL_STATUS_WORDS), the CNIPA legal-status event texts (the last event
# that tells decides), and the compound statuses of commercial exports (incoPat / PatSnap: 有权-审定授权,
# 审中-实质审查, 无权-驳回 …). Event texts that say nothing about the status (a transfer, a licence, a pledge,
# a change of name) leave it to the dates.
_STATUS_WORDS = {
    **rules.LEGAL_STATUS_WORDS, **_labels(LegalStatus.choices),
    "发明专利申请公布": "pending", "发明专利申请公开": "pending", "发明专利申请公布后的实质审查生效": "pending",
    "实质审查请求的生效": "pending", "实质审查": "pending", "公布": "pending", "申请": "pending",
    "发明专利权授予": "valid", "实用新型专利权授予": "valid", "外观设计专利权授予": "valid", "授权": "valid",
    "专利权有效": "valid", "审定授权": "valid",
    "专利权的终止": "lapsed", "未缴年费专利权终止": "lapsed", "专利权的视为放弃": "lapsed", "避免重复授权放弃专利权": "lapsed",
    "专利权人放弃专利权": "lapsed", "主动放弃": "lapsed", "未缴年费": "lapsed",
    "专利权的恢复": "valid", "权利的恢复": "valid",
    "发明专利申请公布后的驳回": "rejected", "驳回": "rejected",
    "发明专利申请公布后的视为撤回": "withdrawn", "发明专利申请公布后的撤回": "withdrawn", "视为撤回": "withdrawn",
    "撤回": "withdrawn", "专利申请的视为撤回": "withdrawn",
    "专利权的全部无效": "revoked", "全部无效": "revoked",
    "专利权期限届满": "expired", "期限届满": "expired", "期满终止": "expired",
}
_STATUS_SILENT = ("转移", "变更", "许可", "质押", "保全", "更正", "通知", "口审", "复审", "部分无效")
_COMPOUND_HEAD = {"有权": "valid", "审中": "pending", "无权": "lapsed"}
_one_status = choice_parser(_STATUS_WORDS, "法律状态")
_STATUS_PARTS = re.compile(r"\s*[;；|\n]\s*")


@_remembered
def parse_legal_status(value):
    """A legal status (LegalStatus value) from plain words, CNIPA event texts or 有权-/审中-/无权- compounds;
    None when the cell holds only events that do not tell the status (then the dates decide)."""
    s = text(value)
    if not s:
        return None
    found, silent = None, False
    for part in _STATUS_PARTS.split(s):  # not on 、: 专利申请权、专利权的转移 is one event
        if not part:
            continue
        head, dash, tail = part.replace("－", "-").partition("-")
        if dash and head in _COMPOUND_HEAD:
            status = _COMPOUND_HEAD[head]
            detail = _STATUS_WORDS.get(tail)
            if head == "无权" and detail in ("rejected", "withdrawn", "revoked", "expired", "lapsed"):
                status = detail
            found = status
            continue
        try:
            found = _one_status(part)
        except ValueError:
            if any(word in part for word in _STATUS_SILENT):
                silent = True
                continue
            raise
    if found is None and not silent:
        return None
    return found


parse_event_kind = choice_parser({**rules.EVENT_WORDS, **_labels(PatentEventKind.choices),
                                  # CNIPA legal-status event texts (法律状态公告)
                                  "发明专利申请公布": "publication", "发明专利权授予": "grant",
                                  "实用新型专利权授予": "grant", "外观设计专利权授予": "grant",
                                  "专利申请权、专利权的转移": "transfer", "专利申请权的转移": "transfer",
                                  "专利权的终止": "lapse", "专利权的视为放弃": "lapse",
                                  "专利权质押合同登记的生效": "pledge", "专利权质押合同登记的注销": "pledge_release",
                                  "专利权的恢复": "restoration", "权利的恢复": "restoration",
                                  "专利权的全部无效": "invalidation", "专利权期限届满": "expiry"}, "事件类型")
parse_tier = choice_parser({**_labels(CultivationTier.choices), "培育层": "cultivate", "储备层": "reserve",
                            "推荐层": "recommend"}, "培育库梯次")
parse_tm_status = choice_parser({**_labels(TrademarkStatus.choices), "注册": "registered", "有效": "registered",
                                 "无效": "expired", "已无效": "expired", "失效": "expired", "注销": "cancelled",
                                 "撤销": "cancelled", "申请": "pending", "待审": "pending", "审查中": "pending"},
                                "商标状态")


def _check_dates(record, labels):
    filing = record.get("filing_date")
    for attname, header in labels:
        value = record.get(attname)
        if filing and value and value < filing:
            raise RowError(header, f"{value:%Y-%m-%d} 早于申请日 {filing:%Y-%m-%d}")


# ---- Enterprises ------------------------------------------------------------------------------
@register
class EnterpriseImport(ImportSpec):
    name = "enterprises"
    label = "企业"
    model = Enterprise
    key = ("uscc",)
    batch_size = 1000
    fields = [
        Field("uscc", ("统一社会信用代码", "信用代码", "社会信用代码", "uscc", "credit_code"), parse_uscc, required=True),
        Field("name", ("企业名称", "名称", "单位名称", "name", "enterprise"), required=True),
        Field("region_code", ("行政区划代码", "区划代码", "region_code")),
        Field("address", ("地址", "企业地址", "注册地址", "住所", "address")),
        Field("industry_chain", ("产业链", "所属产业链", "industry_chain")),
        Field("tags", ("标签", "企业标签", "tags"), help=_l("以 ；、, 分隔：专精特新、高新技术企业…")),
        Field("is_key_enterprise", ("重点企业库", "重点企业", "is_key_enterprise"), parse_bool),
        Field("cultivation_tier", ("高价值专利培育库梯次", "培育库梯次", "培育梯次", "cultivation_tier"), parse_tier),
        Field("cultivation_year", ("培育库年度", "培育年度", "cultivation_year"), parse_int),
        Field("legal_representative", ("法定代表人", "法人代表", "legal_representative"), parse_person_name),
        Field("established", ("成立日期", "成立时间", "注册日期", "established"), parse_date),
        Field("employees", ("员工人数", "职工人数", "employees"), parse_int),
        Field("rd_staff", ("研发人员", "研发人员数", "rd_staff"), parse_int),
        *AREA_FIELDS,
    ]
    derived = {"region_signal": "region_id"}
    # Kept as stored when the file has no such column: a market-regulation registry export carries the credit code,
    # name, address and legal representative, not what the office keeps (产业链, 标签, 重点企业库, 人数 …); re-importing
    # it must not empty them.
    kept_when_absent = ("address", "tags", "is_key_enterprise", "legal_representative", "established", "employees",
                        "rd_staff")

    def kept_attnames(self, absent):
        kept = set(super().kept_attnames(absent))
        if "industry_chain" in absent:
            kept.add("industry_chain_id")
        return frozenset(kept)
    # columns of registry exports that are understood but not kept (core.layouts names the layout)
    unused_headers = ("登记机关", "登记状态", "经营状态", "企业类型", "企业类型(性质)", "注册资本", "经营范围", "核准日期",
                      "营业期限自", "营业期限至", "行业门类", "所属行业")

    def begin(self, ctx):
        load_lookups(ctx)

    def clean(self, values, ctx):
        cache = ctx.cache
        split_address(values)
        region_id, signal = locate(ctx, values)
        if region_id is None:
            raise RowError("行政区划代码", "无法确定所属区划：请填写行政区划代码，或在地址中写明本市及区（市）")
        chain_id = None
        if values["industry_chain"]:
            chain_id = cache["chains"].get(values["industry_chain"]) or \
                cache["chains"].get(values["industry_chain"].upper())
            if chain_id is None:
                raise RowError("产业链", f"产业链不存在：{values['industry_chain']}")
        tags = []
        for word in rules.split_names((values["tags"] or "").replace(",", "；").replace("，", "；")):
            code = cache["tags"].get(word) or cache["tags"].get(word.lower())
            if code is None:
                raise RowError("标签", f"标签不存在：{word}（可用：{'、'.join(k for k in cache['tags'] if not k.isascii())}）")
            if code not in tags:
                tags.append(code)
        if bool(values["cultivation_tier"]) != bool(values["cultivation_year"]):
            raise RowError("培育库梯次", "培育库梯次与培育库年度须同时填写")
        for name in ("employees", "rd_staff"):
            if values[name] is not None and values[name] < 0:
                raise RowError(name, "不能为负数")
        return {
            "uscc": values["uscc"], "name": values["name"], "normalized_name": rules.normalize_name(values["name"]),
            "region_id": region_id, "region_signal": signal, "address": values["address"] or "",
            "industry_chain_id": chain_id,
            "tags": sorted(tags), "is_key_enterprise": bool(values["is_key_enterprise"]),
            "legal_representative": values["legal_representative"] or "", "established": values["established"],
            "employees": values["employees"], "rd_staff": values["rd_staff"],
            "__cultivation__": (values["cultivation_year"], values["cultivation_tier"]),
        }

    def write(self, records, ctx, outcome):
        existing = ctx.cache.get("__existing__", {})
        renamed = []
        for record in records:
            old = existing.get((record["uscc"],))
            if old is not None and old.get("name") and old["name"] != record["name"]:
                renamed.append((old["pk"], old["name"]))
        upsert(self, records, ctx, outcome)
        for pk, old_name in renamed:  # 曾用名: patents filed under the old name still match
            if not EnterpriseNameHistory.objects.filter(enterprise_id=pk, name=old_name).exists():
                EnterpriseNameHistory.objects.create(enterprise_id=pk, name=old_name)
        memberships = [(r["uscc"], *r["__cultivation__"]) for r in records if r["__cultivation__"][0]]
        if memberships:
            ids = dict(Enterprise.objects.filter(uscc__in=[m[0] for m in memberships]).values_list("uscc", "pk"))
            for uscc, year, tier in memberships:
                current = CultivationMembership.objects.filter(enterprise_id=ids[uscc], year=year).first()
                if current is None:
                    CultivationMembership.objects.create(enterprise_id=ids[uscc], year=year, tier=tier)
                    if uscc in {r["uscc"] for r in records if (r["uscc"],) in existing}:
                        outcome.unchanged -= 1  # the enterprise row itself did not change, its library did
                        outcome.updated += 1
                elif current.tier != tier:
                    current.tier = tier
                    current.save()
        for record in records:
            e = ctx.cache["enterprise_by_uscc"]
            e.setdefault(record["uscc"], (None, record["region_id"]))


# ---- Patents -----------------------------------------------------------------------------------
@register
class PatentImport(ImportSpec):
    name = "patents"
    label = "专利"
    model = Patent
    key = ("application_no",)
    batch_size = 5000
    threaded = True
    fields = [
        Field("application_no", ("申请号", "专利申请号", "application_no", "application_number", "app_no", "APN", "APNO"),
              parse_patent_or_pct_no, required=True),
        Field("patent_type", ("专利类型", "类型", "文献类型", "文献种类", "专利类别", "patent_type", "type", "PType",
                              "kind_code"), parse_patent_type,
              help=_l("空则按申请号第5位判断；可为种类代码 A/B/C/U/Y/S/D 或 发明公开;发明授权")),
        Field("publication_no", ("公开(公告)号", "公开公告号", "公开号", "授权公告号", "申请公布号", "publication_no", "PN"),
              parse_publication_no, help=_l("按末尾种类代码判断是否已授权（B/C/U/Y/S/D）")),
        Field("title", ("名称", "专利名称", "标题", "发明名称", "title", "TTL"), required=True),
        Field("applicants", ("申请人", "申请(专利权)人", "专利权人", "申请人名称", "原始申请人", "applicants",
                             "applicant"), parse_applicants),
        Field("current_owner", ("当前权利人", "当前专利权人", "当前申请(专利权)人", "第一权利人", "current_owner", "owner",
                                "ANCS"), parse_applicants),
        Field("uscc", ("统一社会信用代码", "第一权利人统一社会信用代码", "uscc"), parse_holder_uscc),
        Field("address", ("申请人地址", "地址", "第一申请人地址", "专利权人地址", "address")),
        Field("region_code", ("行政区划代码", "区划代码", "region_code")),
        Field("country_code", ("国省代码", "申请人国别省市代码", "国别省市代码", "country_code"), parse_country),
        Field("ipc_main", ("主分类号", "IPC主分类", "IPC主分类号", "IPC分类号", "ipc_main", "ipc", "IPCR"), parse_ipc),
        Field("filing_date", ("申请日", "申请日期", "filing_date", "application_date", "APD"), parse_date),
        # 申请公布日/授权公告日 and 公开（公告）日 hold the document's date: a grant when the kind says so (below)
        Field("publication_date", ("公开日", "公开(公告)日", "公开公告日", "申请公布日/授权公告日", "申请公布日",
                                   "publication_date", "PBD"), parse_date),
        Field("grant_date", ("授权公告日", "授权日", "授权日期", "颁证日", "grant_date", "ISD"), parse_date),
        Field("lapse_date", ("失效日", "失效日期", "lapse_date"), parse_date),
        Field("legal_status", ("法律状态", "当前法律状态", "简单法律状态", "legal_status", "status"),
              parse_legal_status, help=_l("有效/审中/失效/无效宣告/期限届满/驳回/撤回")),
        Field("pct_application_no", ("PCT申请号", "PCT国际申请号", "国际申请号", "pct_application_no")),
        Field("overseas_family", ("海外同族", "同族国家", "overseas_family"), parse_family),
        Field("strategic_class", ("战略性新兴产业分类", "战略性新兴产业", "strategic_class")),
        Field("agency", ("代理机构", "专利代理机构", "agency")),
        Field("abstract", ("摘要", "abstract"), raw_text),
        Field("claim1", ("主权项", "首项权利要求", "claim1"), raw_text),
        Field("fee_paid_until", ("年费缴至", "fee_paid_until"), parse_date),
        Field("term_compensation_days", ("期限补偿天数", "专利权期限补偿天数", "期限补偿(天)", "专利权期限补偿(天)",
                                         "term_compensation_days"), parse_days,
              help=_l("国家知识产权局决定给予的专利权期限补偿天数（专利法第四十二条第二、三款）")),
        *AREA_FIELDS,
    ]
    derived = {"region_signal": "region_id"}
    # Kept as stored when the file has no such column: what an officer entered or another source supplied and
    # a plain CNIPA export does not carry (年费缴至, 海外同族, 期限补偿, 代理机构, 摘要, 主权项). Without this, the
    # monthly re-import of an export emptied them (and 海外同族 feeds the high-value figure).
    kept_when_absent = ("fee_paid_until", "overseas_family", "term_compensation_days", "agency", "abstract", "claim1",
                        "address")
    # a file without the 申请人地址 column (a plain CNIPA export): a row its other cells do not place keeps the stored
    # region, its basis and the 国内 flag, which the stored address decided (ImportSpec.placement) — unless the holder
    # or the 国省代码 changed. The holder is its name: the enterprise it matches (holder_id) is our lookup of that name,
    # and an enterprise registered since (or placed by a postcode only) does not make the stored address another's.
    placed_from, placement = "address", ("region_id", "region_signal", "is_domestic")
    placement_basis = ("holder_name", "country_code")

    def kept_attnames(self, absent):
        """Also the strategic-industry fields when the file lacks the IPC or the officer's class they are derived
        from (registry.sei): the merge keeps them as stored instead of deriving them from nothing, and `write` then
        derives them again from each changed patent's stored row (`reclassify_stored`: the file's IPC and title with
        the stored class and abstract), so an IPC that arrives with a later export still classifies the patent."""
        kept = set(super().kept_attnames(absent))
        for name in ("ipc_main", "strategic_class"):
            if name in absent:
                kept |= {name, "sei_branch", "sei_branch_name", "sei_evidence"}
        return frozenset(kept)
    # columns of patent exports that are understood but not kept: inventors, priority, the PCT filing's own dates
    # (国际申请日 …), agents, the full class list, vendors' scores (core.layouts names the layout)
    unused_headers = ("发明(设计)人", "发明人", "设计人", "发明人/设计人", "优先权", "优先权号", "优先权日", "国际申请日",
                      "国际公布", "国际公布号", "国际公布日", "进入国家日期", "代理人", "分类号", "CPC",
                      "第一申请人", "合享价值度", "被引证次数", "引证次数", "同族数量", "简单同族", "文献页数", "权利要求数量")

    def begin(self, ctx):
        load_lookups(ctx)
        ctx.cache["sei_rules"] = sei.rules_in_use()   # clean() reads no database (threaded)

    # A PCT international application in a patent file (申请号 PCT/CN…) is imported as a PctApplication by
    # `write`, through `upsert` like the patents (so the SQLite undo journal covers both).
    writes_through_upsert = True

    def clean(self, values, ctx):
        number = values["application_no"]
        if number.startswith("PCT/"):
            from ipdesk.core.imports import warn as warn_row

            from .pct_imports import pct_record_from_patent_row
            record = pct_record_from_patent_row(values, ctx)
            warn_row("申请号", f"{number} 是PCT国际申请号：已导入为PCT国际申请（不是中国专利申请）")
            return {"application_no": number, "region_id": record["region_id"], "__pct__": record}
        kind, pct_digit = rules.application_type(number)
        granted = None
        for name, header in (("patent_type", "专利类型"), ("publication_no", "公开(公告)号")):
            hint = values.get(name)
            if hint and hint[0] != kind:
                raise RowError(header, f"与申请号不符：申请号 {number} 为{PatentType(kind).label}")
            granted = granted or (hint and hint[1]) or None
        grant_date = values["grant_date"]
        if grant_date is None and values["publication_date"] and (kind in ("utility", "design") or granted):
            # a utility model or design is published when granted (公告即授权); a B/C document's date is its grant
            grant_date = values["publication_date"]
        owners = values["current_owner"] or values["applicants"] or ""
        holder_name = owners.split("；")[0]  # the first applicant (第一申请人), parse_applicants' order
        if not holder_name:
            raise RowError("申请人", "申请人与当前权利人不能都为空")
        enterprise_id, enterprise_region = match_enterprise(ctx, values["uscc"], holder_name)
        split_address(values)
        region_id, signal = locate(ctx, values, enterprise_id, enterprise_region)
        status = values["legal_status"] or (LegalStatus.LAPSED if values["lapse_date"] else
                                            LegalStatus.VALID if grant_date else LegalStatus.PENDING)
        cache = ctx.cache
        domestic_key = (values["country_code"], values["address"], values["uscc"], enterprise_id is None,
                        region_id is None)
        memo = cache.setdefault("domestic_memo", {})
        try:
            is_domestic = memo[domestic_key]
        except KeyError:
            is_domestic = domestic(values, enterprise_id, region_id)
            if len(memo) < _MEMO_LIMIT:
                memo[domestic_key] = is_domestic
        record = {
            "application_no": number, "patent_type": kind, "is_pct": pct_digit or bool(values["pct_application_no"]),
            "title": values["title"], "applicants": values["applicants"] or "",
            "current_owner": values["current_owner"] or "", "holder_id": enterprise_id, "holder_name": holder_name,
            "address": values["address"] or "", "region_id": region_id, "region_signal": signal,
            "country_code": values["country_code"] or "",
            "is_domestic": is_domestic,
            "ipc_main": values["ipc_main"] or "",
            "filing_date": values["filing_date"], "publication_date": values["publication_date"],
            "grant_date": grant_date, "lapse_date": values["lapse_date"], "legal_status": str(status),
            "pct_application_no": values["pct_application_no"] or "",
            "overseas_family": bool(values["overseas_family"]), "strategic_class": values["strategic_class"] or "",
            "agency": values["agency"] or "", "abstract": values["abstract"] or "", "claim1": values["claim1"] or "",
            "fee_paid_until": values["fee_paid_until"],
            "term_compensation_days": values["term_compensation_days"] or 0,
        }
        _check_dates(record, [("grant_date", "授权公告日"), ("lapse_date", "失效日"), ("publication_date", "公开日")])
        if record["grant_date"] and record["patent_type"] == "invention" and record["legal_status"] == "pending":
            raise RowError("法律状态", "已有授权公告日的专利，法律状态不能为“审中”")
        record.update(_sei_fields(record, cache))
        return record

    def check_scope(self, record, existing, ctx):
        """A PCT row is checked as the PctApplication spec writes it: its own record against the stored application,
        with the columns that decide whether its stored placement stands (a changed first applicant moves it)."""
        if "__pct__" in record:
            if ctx.allowed_region_ids is None:
                return
            spec, pct = get_spec("pct_applications"), record["__pct__"]
            attnames = [spec.region_field, *(a for a in spec.placement_basis if a in pct)]
            stored = PctApplication.objects.filter(international_application_no=record["application_no"]) \
                .values(*attnames).first()
            spec.check_scope(pct, stored, ctx)
            return
        super().check_scope(record, existing, ctx)

    def write(self, records, ctx, outcome):
        """Patents by the upsert; rows that are PCT international applications by the PctApplication spec's.
        The statistics facts of the patents created or changed are refreshed in the same transaction
        (stats.facts.refresh_patents: the importers write without signals)."""
        from ipdesk.core import imports as pipeline   # the pipeline's own upsert (one place to wrap or patch)
        pcts = [r["__pct__"] for r in records if "__pct__" in r]
        start, start_pks = len(outcome.written), len(outcome.pks)
        patents = [r for r in records if "__pct__" not in r] if pcts else records
        if patents:
            if pcts:
                ctx.cache["__existing__"] = pipeline._existing(self, patents)
            pipeline.upsert(self, patents, ctx, outcome)
            if "sei_branch" in ctx.kept and not ctx.dry_run:
                reclassify_stored([w["pk"] for w in outcome.written[start:] if "pk" in w], ctx, outcome)
            refresh_patent_facts(outcome.written[start:], ctx, outcome.pks[start_pks:])
        if not pcts:
            return
        spec = pipeline.get_spec("pct_applications")
        ctx.cache["__existing__"] = pipeline._existing(spec, pcts)
        pipeline.upsert(spec, pcts, ctx, outcome)

    def bulk_models(self):
        """The patents, and the facts `finish` writes of them: the import reads the patents by their number only
        (the merge, the unique key) and writes the facts set-based at the end (refresh_patent_facts). The facts'
        state row is share-locked first, as `finish` would lock it: the rebuilds of the facts lock it before the
        fact tables, and an import locking the tables first would deadlock with them."""
        from ipdesk.stats.facts import _locked_hv_config
        from ipdesk.stats.models import PatentFact, PatentInterval
        _locked_hv_config()
        return (Patent, PatentFact, PatentInterval)

    def finish(self, ctx):
        """The end of a file written in one transaction: the facts of every patent it wrote (see
        refresh_patent_facts)."""
        refresh_patent_facts_at_end(ctx)

    def undone(self, model, pks, ctx):
        """SQLite's undo of a failed import restored these patents' fields (the strategic-industry fields that
        `reclassify_stored` derived again among them, from its own journal entry): their facts follow."""
        if model is Patent:
            from ipdesk.stats.facts import refresh_patents
            refresh_patents(pks)


def _sei_fields(record, cache):
    """The strategic-emerging-industry fields of a patent record (registry.sei), remembered per file (a pure function
    of the IPC cell, title, abstract and officer's class and of the rules loaded by `begin`). An IPC cell whose answer
    cannot depend on the text (sei.match_without_text: the officer's class names a branch, no rule's IPC part is met,
    or the first rule met has no keywords) is remembered per IPC cell and class, so a file of unique titles and
    abstracts classifies it once; the others are remembered per IPC cell, title, abstract and class."""
    key = (record["ipc_main"], record["strategic_class"])
    memo = cache.setdefault("sei_memo", {})
    found = memo.get(key)
    if found is None:
        match = sei.match_without_text(key[0], key[1], cache["sei_rules"])
        found = _NEEDS_TEXT if match is sei.NEEDS_TEXT else sei.fields_for(match)
        if len(memo) < _MEMO_LIMIT:
            memo[key] = found
    if found is not _NEEDS_TEXT:
        return found
    key = (record["ipc_main"], record["title"], record["abstract"], record["strategic_class"])
    memo = cache.setdefault("sei_text_memo", {})
    try:
        return memo[key]
    except KeyError:
        found = sei.fields_for(sei.match_for(*key, cache["sei_rules"]))
        if len(memo) < _MEMO_LIMIT:
            memo[key] = found
        return found


_NEEDS_TEXT = "needs text"   # a sei_memo entry: the answer depends on the title and abstract


def reclassify_stored(pks, ctx, outcome):
    """Derive again the strategic-industry fields (registry.sei) of the patents `pks` from their stored rows, after
    a batch of a file that lacks the IPC or the officer's class changed them: the merge kept the fields as stored,
    and the stored row now holds everything they derive from — the file's IPC and title, the stored class and
    abstract. Without this a patent first imported from a list without IPC never got its class from a later export
    with the IPC (exports carry no officer's class, so the fields were always kept). Rows whose fields change are
    written (their stored values journalled first when the file is written in short transactions, for the undo),
    and one audit entry of the batch (in `outcome`) names them. The loop of registry.sei.reclassify, without its
    facts refresh (the import refreshes the facts of every patent it wrote) and with the file's memo (_sei_fields)."""
    names = ("sei_branch", "sei_branch_name", "sei_evidence")
    todo, before = [], []
    for start in range(0, len(pks), 2000):
        for row in Patent._base_manager.filter(pk__in=pks[start:start + 2000]).values(
                "pk", "ipc_main", "title", "abstract", "strategic_class", *names):
            fields = _sei_fields(row, ctx.cache)
            if any(row[k] != v for k, v in fields.items()):
                todo.append(Patent(pk=row["pk"], **fields))
                before.append((row["pk"], {k: row[k] for k in names}))
    if todo:
        journal = ctx.cache.get("__journal__")
        if journal is not None:   # SQLite's short transactions: the undo of a failed file restores them as they were
            journal.add((Patent, ["application_no"], [], before))
        Patent._base_manager.bulk_update(todo, list(names), batch_size=500)
        outcome.audit_items.append({
            "action": AuditAction.UPDATE, "object_type_name": audit.object_type(Patent),
            "object_repr": f"战略性新兴产业重新分类（导入：{ctx.filename}）"[:200],
            "after": {"patents": [p.pk for p in todo]}})


def refresh_patent_facts(written, ctx, pks=()):
    """Keep the statistics facts (stats.facts) of the patents an upsert batch wrote fresh: `written` holds the records
    created (no "pk") and changed ("pk"); `pks` the ids of both when the write returned them (PostgreSQL's merge,
    core.imports), else the created ones are looked up by application number.

    Set-based (stats.facts.refresh_patents: a few statements whatever the number of patents), never a rebuild. A
    file written batch by batch in short transactions (SQLite, core.imports) refreshes each batch's patents with
    it, so the facts commit with the batch. A file written in one transaction gathers the ids of its batches in a
    temporary table (stats.facts.IdTable) and `refresh_patent_facts_at_end` refreshes them all at once before the
    commit: one pass over the tables instead of one per batch. A dry run is rolled back: nothing."""
    if not written or ctx.dry_run:
        return
    from ipdesk.stats import facts
    changed = [w["pk"] for w in written if "pk" in w]
    if pks:
        created = set(pks) - set(changed)
    else:
        numbers = [w["application_no"] for w in written if "pk" not in w]
        created = set(Patent._base_manager.filter(application_no__in=numbers).values_list("pk", flat=True)
                      if numbers else ())
    if "__journal__" in ctx.cache:   # short transactions: the facts commit with the batch
        facts.refresh_patents([*changed, *created], new=created)
        return
    table = ctx.cache.get("__fact_ids__")
    if table is None:
        table = ctx.cache["__fact_ids__"] = facts.IdTable.create()
    table.add(created, new=True)
    table.add(changed, new=False)


def refresh_patent_facts_at_end(ctx):
    """The facts of every patent the file's batches wrote (gathered by refresh_patent_facts), refreshed at once
    inside the file's transaction, before the commit."""
    table = ctx.cache.pop("__fact_ids__", None)
    if table is not None and not ctx.dry_run:
        from ipdesk.stats import facts
        facts.refresh_patents(table)
        table.drop()


# ---- Trademarks --------------------------------------------------------------------------------
def parse_registration_no(value):
    s = re.sub(r"\s+", "", text(value)).upper()
    if s and not re.fullmatch(r"\d{1,10}[A-Z]?", s):
        raise ValueError(f"商标注册号格式不正确：{s}（应为数字）")
    return s


def parse_nice_class(value):
    number = parse_int(re.sub(r"^第|类$", "", text(value)))
    if number is not None and not 1 <= number <= 45:
        raise ValueError(f"商标类别应在 1–45 之间：{number}")
    return number


@register
class TrademarkImport(ImportSpec):
    name = "trademarks"
    label = "商标"
    model = Trademark
    key = ("registration_no",)
    threaded = True
    fields = [
        Field("registration_no", ("注册号", "商标注册号", "申请/注册号", "registration_no"), parse_registration_no,
              required=True),
        Field("name", ("商标名称", "商标", "名称", "name"), required=True),
        Field("nice_class", ("类别", "国际分类", "商品类别", "nice_class", "class"), parse_nice_class, required=True),
        Field("owner_name", ("注册人", "申请人", "商标注册人", "owner_name", "owner"), required=True),
        Field("uscc", ("统一社会信用代码", "uscc"), parse_uscc),
        Field("address", ("注册人地址", "地址", "address")),
        Field("region_code", ("行政区划代码", "区划代码", "region_code")),
        Field("filing_date", ("申请日", "申请日期", "filing_date"), parse_date),
        Field("registration_date", ("注册日", "注册日期", "注册公告日期", "registration_date"), parse_date),
        Field("expiry_date", ("专用权期限至", "专用权期限", "有效期至", "expiry_date"), parse_date),
        Field("status", ("状态", "商标状态", "status"), parse_tm_status),
        Field("is_geographic_indication", ("地理标志证明/集体商标", "地理标志", "is_geographic_indication"),
              parse_bool),
        *AREA_FIELDS,
    ]
    derived = {"region_signal": "region_id"}
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): the dates,
    # the 地理标志 flag and the status — which clean() would otherwise set to 已注册 by default, undoing an officer's
    # 已失效/已注销 — and the 注册人地址; a row the file's other cells do not place then keeps the stored region and
    # its basis, which the stored address decided (ImportSpec.placement).
    kept_when_absent = ("filing_date", "registration_date", "expiry_date", "status", "is_geographic_indication",
                        "address")
    placed_from, placement = "address", ("region_id", "region_signal")
    placement_basis = ("owner_name",)   # the owner's name; its matched enterprise is our lookup (see patents)
    date_pairs = (("registration_date", "注册日", "expiry_date", "专用权期限至"),)

    def begin(self, ctx):
        load_lookups(ctx)

    def clean(self, values, ctx):
        # a jointly owned mark (共有商标) lists its owners in one cell: the first is matched, as a patent's first applicant
        owners = split_applicants(values["owner_name"])
        enterprise_id, enterprise_region = match_enterprise(ctx, values["uscc"], owners[0] if owners else "")
        split_address(values)
        region_id, signal = locate(ctx, values, enterprise_id, enterprise_region)
        record = {
            "registration_no": values["registration_no"], "name": values["name"], "nice_class": values["nice_class"],
            "owner_name": values["owner_name"], "owner_id": enterprise_id, "address": values["address"] or "",
            "region_id": region_id, "region_signal": signal, "filing_date": values["filing_date"],
            "registration_date": values["registration_date"], "expiry_date": values["expiry_date"],
            "status": values["status"] or TrademarkStatus.REGISTERED.value,
            "is_geographic_indication": bool(values["is_geographic_indication"]),
        }
        _check_dates(record, [("registration_date", "注册日")])
        if record["expiry_date"] and record["registration_date"] and record["expiry_date"] < record["registration_date"]:
            raise RowError("专用权期限至", "早于注册日")
        return record


# ---- Legal-status events -------------------------------------------------------------------------
_AFTER_OWNER = re.compile(r"变更后(?:的)?(?:权利人|专利权人|申请人)[:：]\s*([^；;\n]+)")
_BEFORE_OWNER = re.compile(r"变更前(?:的)?(?:权利人|专利权人|申请人)[:：]\s*([^；;\n]+)")
@register
class PatentEventImport(ImportSpec):
    name = "events"
    label = "法律状态事件"
    model = PatentEvent
    key = ("patent_id", "kind", "date", "owner_after")
    region_field = None
    create_only = ("owner_before", "region_before_id", "region_after_id", "domestic_after")
    # Kept as stored when the file has no such column (ImportSpec.kept_when_absent): the event's text (CNIPA's
    # 法律状态信息, which names the parties of a transfer) is not emptied by a list of the same events without it.
    kept_when_absent = ("note",)
    fields = [
        Field("application_no", ("申请号", "application_no"), parse_application_no, required=True),
        Field("kind", ("事件类型", "事件", "法律状态事件", "法律状态", "kind", "event"), parse_event_kind, required=True),
        Field("date", ("日期", "生效日", "法律状态公告日", "date"), parse_date, required=True),
        Field("owner_before", ("变更前权利人", "转让人", "出质人", "owner_before")),
        Field("owner_after", ("变更后权利人", "受让人", "质权人", "owner_after")),
        Field("address_after", ("变更后地址", "受让人地址", "address_after")),
        Field("region_code", ("变更后行政区划代码", "行政区划代码", "region_code")),
        Field("note", ("说明", "备注", "法律状态信息", "note")),
    ]

    def begin(self, ctx):
        load_lookups(ctx)
        ctx.cache["patents"] = {}

    def clean(self, values, ctx):
        number = values["application_no"]
        patent = ctx.cache["patents"].get(number)
        if patent is None:
            patent = Patent.objects.filter(application_no=number).values("pk", "region_id", "holder_name").first()
            if patent is None:
                raise RowError("申请号", f"专利 {number} 不在登记簿中：请先导入该专利")
            if len(ctx.cache["patents"]) < 50000:
                ctx.cache["patents"][number] = patent
        if not ctx.region_allowed(patent["region_id"]):
            raise RowError("申请号", "超出您的数据权限范围（该专利所属区划不在您的辖区内）")
        kind = values["kind"]
        region_after, domestic_after = patent["region_id"], None
        if kind == PatentEventKind.TRANSFER and not values["owner_after"] and values["note"]:
            # CNIPA legal-status data (法律状态信息) writes the parties inside the event's text: 变更前权利人：…；变更后权利人：…
            for name, pattern in (("owner_after", _AFTER_OWNER), ("owner_before", _BEFORE_OWNER)):
                found = pattern.search(values["note"])
                if found and not values[name]:
                    values[name] = found.group(1).strip()
        if kind == PatentEventKind.TRANSFER:
            if not values["owner_after"]:
                raise RowError("变更后权利人", "转让事件须填写变更后权利人")
            enterprise_id, enterprise_region = match_enterprise(ctx, "", rules.first_name(values["owner_after"]))
            region_after = region_code_id(values, ctx, "变更后行政区划代码") or enterprise_region or \
                address_region(ctx, values["address_after"])
            domestic_after = rules.is_domestic("", values["address_after"], "x" if enterprise_id else "")
            if region_after is not None and not ctx.region_allowed(region_after):
                raise RowError("变更后行政区划代码", "超出您的数据权限范围")
        return {
            "patent_id": patent["pk"], "kind": kind, "date": values["date"],
            "owner_before": values["owner_before"] or (patent["holder_name"] if kind == "transfer" else ""),
            "owner_after": values["owner_after"] or "", "region_before_id": patent["region_id"],
            "region_after_id": region_after, "domestic_after": domestic_after, "note": values["note"] or "",
            "source": "import",
        }

    def after_write(self, written, ctx):
        from ipdesk.stats import facts

        from .actions import apply_imported_events
        created = [w for w in written if "pk" not in w]
        # The events were written without signals: the facts of their patents (and of the patents the events
        # changed) are refreshed once for the batch, in the import's transaction (stats.facts).
        with facts.collecting() as touched:
            apply_imported_events(created, ctx)
            touched.update(w["patent_id"] for w in written)
        for w in created:  # the patent may have moved: do not reuse its cached region
            ctx.cache["patents"] = {k: v for k, v in ctx.cache["patents"].items() if v["pk"] != w["patent_id"]}


# ---- Geographic-indication products ---------------------------------------------------------------
@register
class GIProductImport(ImportSpec):
    name = "gi_products"
    label = "地理标志产品"
    model = GIProduct
    key = ("name",)
    fields = [
        Field("name", ("产品名称", "地理标志产品", "名称", "name"), required=True),
        Field("region_code", ("行政区划代码", "区划代码", "region_code")),
        Field("address", ("产地", "产地范围", "地址", "address")),
        Field("protection_type", ("保护方式", "类型", "protection_type")),
        Field("approved_on", ("批准日期", "批准公告日", "approved_on"), parse_date),
        Field("holder", ("申请/管理单位", "管理单位", "申请单位", "holder")),
        Field("description", ("说明", "备注", "description"), raw_text),
    ]
    # Kept as stored when the file has no such column (core.imports.specs.ImportSpec.kept_when_absent): what the
    # office keeps of a product. The 产地 is not stored: it only places the product (locate), and a product it does
    # not place is refused, never left unplaced.
    kept_when_absent = ("protection_type", "approved_on", "holder", "description")

    def begin(self, ctx):
        load_lookups(ctx)

    def clean(self, values, ctx):
        region_id, _signal = locate(ctx, values)
        if region_id is None:
            raise RowError("行政区划代码", "无法确定所属区划：请填写行政区划代码，或在产地中写明本市及区（市）")
        return {"name": values["name"], "region_id": region_id, "protection_type": values["protection_type"] or "",
                "approved_on": values["approved_on"], "holder": values["holder"] or "",
                "description": values["description"] or ""}


from . import pct_imports  # noqa: E402,F401  - registers the PCT international application spec
