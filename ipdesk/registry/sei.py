"""Strategic emerging industries by IPC (战略性新兴产业专利分类): a pure classifier over CNIPA's table.

Source: 《战略性新兴产业分类与国际专利分类参照关系表（2021）（试行）》, CNIPA, 国知办函规字〔2021〕121号
(2021-02-07). The rules come from `data/sei-ipc-2021.csv`, transcribed from a public copy, not the
official attachment: the official table is the authority where they differ, which is why the project
loads it as editable reference data (registry.SeiRule), never as code.

How a rule is read (the transcription's README):
- `ipc_patterns`: `*` = this code and everything under it (`G06F21*`: main group G06F 21 and all its
  subgroups; `G16*`: every subclass of class G16); a code without `*` and without `/` (`H03M13`,
  `G16H`) means the same as with `*`; a code with `/` and no `*` (`G06N3/08`) is that subgroup only.
  Matching is by IPC level (section, class, subclass, main group, subgroup), not by string prefix:
  `G06F1*` covers G06F 1/16 but not G06F 12/00.
- `ipc_exclusions`: same notation; a code matching an exclusion is not in the rule (exclusions win,
  also where the table lists a code both ways, e.g. 1.1 rule 1).
- `keywords`: a rule with keywords needs an IPC match AND a keyword hit in the title or abstract.
  The table's keywords are descriptive phrases (mostly the key products of 《战略性新兴产业分类（2018）》),
  which a patent title rarely repeats word for word. What this module does — an approximation,
  documented as such and 待核对 against CNIPA's own statistical practice, which is not published
  with the table: each phrase is cut into terms at 、，,/ and at the words 等 及 和 与 或; generic
  heads and tails (其他, 相关关键词, 制造, 服务, 生产, 开发, 系统, 软件, 设备 …) are stripped; a term of at
  least two characters that is not itself generic (配套, 专用 …) hits when the title or abstract
  contains it. Phrases that are notes beginning with 不包括 / 不包含 (e.g. 不包含非机动车) are negative:
  a text containing what they name does not pass the keyword test.
- A patent is classified into the first branch (table order: 1.1 … 9.2) with a matching rule; the
  table allows a patent in several branches, the indicators need only "in any branch" (SPEC section 3).

Which codes are tested: every IPC code the record carries (today registry.Patent keeps the main IPC,
主分类号, only). Whether CNIPA tests the main IPC or all IPCs of a patent is 待核对 / not verified.
"""
import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "sei-ipc-2021.csv"
SOURCE = "国知办函规字〔2021〕121号《战略性新兴产业分类与国际专利分类参照关系表（2021）（试行）》"

_CODE = re.compile(r"^([A-H])(\d{2})?([A-Z])?(\d{1,4})?(?:/(\d{1,6}))?$")


@dataclass(frozen=True)
class Rule:
    """One row of the table."""
    branch_no: str
    branch_name: str
    top_category: str
    rule_no: int
    ipc_patterns: tuple
    ipc_exclusions: tuple = ()
    keywords: tuple = ()
    source_page: str = ""


@dataclass(frozen=True)
class Match:
    """The branch a patent falls in, with the evidence: the rule, the code and pattern, the keyword."""
    branch_no: str
    branch_name: str
    top_category: str
    rule_no: int
    ipc: str
    pattern: str
    keyword: str = ""
    note: str = ""          # an officer's classification (registry.Patent.strategic_class), not the table's

    @property
    def label(self):
        return f"{self.branch_no} {self.branch_name}"

    @property
    def evidence(self):
        """One line an officer can check against the table: 规则、分类号、关键词."""
        if self.note:
            return f"{self.branch_no} {self.branch_name}：人工认定（{self.note}）"
        text = f"{self.branch_no} {self.branch_name}：参照关系表第{self.rule_no}条，分类号 {self.ipc} 符合 {self.pattern}"
        if self.keyword:
            text += f"，关键词“{self.keyword}”"
        return text


# ---- IPC codes ------------------------------------------------------------------------------------
def normalize_ipc(code):
    """'G06F 21/60', 'G06F21/60(2013.01)I', 'ｇ06ｆ 21/60' → 'G06F21/60'; '' when it is no IPC code."""
    s = unicodedata.normalize("NFKC", str(code or "")).upper()
    s = re.sub(r"\(.*?\)", "", s)            # version date: (2013.01), (2006.01)
    s = re.sub(r"\s+", "", s)
    s = s.rstrip("*")
    m = re.match(r"^[A-H]\d{2}[A-Z]\d{1,4}(?:/\d{1,6})?", s)
    if m:
        return m.group(0)
    m = re.match(r"^[A-H](?:\d{2}[A-Z]?)?", s)
    return m.group(0) if m and len(s) == len(m.group(0)) else ""


def split_codes(value):
    """A ';'-joined (or space/comma separated) list of codes as normalised codes."""
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[;；,，]+|\s{2,}", str(value or ""))
        # "G06F 21/60 H04L 9/32": a single space inside a code is kept; split codes on a subclass start
        items = [c for part in items for c in re.split(r"\s+(?=[A-H]\d{2}[A-Z])", part)]
    return [c for c in (normalize_ipc(i) for i in items) if c]


def _parts(code):
    m = _CODE.match(code)
    if not m:
        return None
    section, cls, subclass, group, subgroup = m.groups()
    return section, cls, subclass, (int(group) if group else None), subgroup


def ipc_matches(code, pattern):
    """Whether normalised `code` falls under `pattern` (table notation, see the module docstring)."""
    return _parts_match(_parts(normalize_ipc(code)), _parts(normalize_ipc(pattern)), pattern.endswith("*"))


def _parts_match(c, p, star):
    if p is None or c is None:
        return False
    if p[4] is not None and not star:          # a subgroup without *: that subgroup only
        return p == c
    for mine, theirs in zip(c[:4], p[:4]):
        if theirs is None:
            return True
        if mine != theirs:
            return False
    if p[4] is None:
        return True
    return c[4] is not None and c[4].startswith(p[4])   # "x/26*": subgroups numbered 26…


# ---- Keywords --------------------------------------------------------------------------------------
_SEPARATORS = re.compile(r"[、，,/；;（）()]|等|及|和|与|或")
_HEADS = ("其他", "相关", "新型", "各类", "各种")
_TAILS = ("相关关键词", "关键词", "相关", "制造", "服务", "生产", "开发", "加工", "建设", "设计", "研究", "应用",
          "系统", "软件", "设备", "装备", "产品", "器件", "器具", "装置", "制品", "材料", "专用")
_GENERIC = {"配套", "专用", "辅助", "零部件", "零配件", "附件", "部件", "成套", "工程", "技术", "产品", "设备", "系统",
            "材料", "服务", "制造", "其他", "相关", "大型", "新型", "高端", "高性能", "智能", "新一代", "先进", "关键",
            "应用", "开发", "生产", "加工", "修理", "维修"}
NEGATIVE = ("不包括", "不包含", "不含")


def _strip(term):
    changed = True
    while changed and term:
        changed = False
        for head in _HEADS:
            if term.startswith(head) and len(term) > len(head):
                term, changed = term[len(head):], True
        for tail in _TAILS:
            if term.endswith(tail) and len(term) > len(tail):
                term, changed = term[:-len(tail)], True
    return term


def keyword_terms(phrases):
    """(terms, negative terms) of a rule's keyword phrases (see the module docstring)."""
    terms, negative = [], []
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        target = terms
        for word in NEGATIVE:
            if phrase.startswith(word):
                phrase, target = phrase[len(word):], negative
                break
        for part in _SEPARATORS.split(phrase):
            for t in {part.strip(), _strip(part.strip())}:
                if len(t) >= 2 and t not in _GENERIC and t not in target:
                    target.append(t)
    # longest first, so the evidence names the most specific term
    return sorted(terms, key=lambda t: (-len(t), t)), sorted(negative, key=lambda t: (-len(t), t))


def keyword_hit(phrases, text):
    """The term of `phrases` found in `text`, or None; '' when the rule has no keywords (IPC decides)."""
    if not phrases:
        return ""
    return _terms_hit(keyword_terms(phrases), text)


def _terms_hit(terms_and_negative, text):
    terms, negative = terms_and_negative
    if any(n in text for n in negative):
        return None
    if not terms:                                # only notes: the IPC decides
        return ""
    return next((t for t in terms if t in text), None)


# ---- Classification ----------------------------------------------------------------------------------
def classify(ipc_codes, title="", abstract="", rules=()):
    """The branch of the first rule (table order) that the patent meets, as a Match, or None.

    ipc_codes: the patent's IPC codes (any notation: a list or a ';'-joined string); rules: Rule
    objects (load_rules(), or registry.SeiRule rows through SeiRule.as_rule)."""
    codes = _parsed_codes(ipc_codes) if isinstance(ipc_codes, str) else _parse_codes(split_codes(ipc_codes))
    if not codes:
        return None
    table = _compiled(rules)
    hits = sorted((pos, i, code, pattern) for i, (code, _) in enumerate(codes) for pos, code, pattern in table.ipc_hits(code))
    text = None
    for pos, _, code, pattern in hits:
        rule, _, _, terms = table.entries[pos]
        if terms is None:
            hit = ""
        else:
            if text is None:
                text = unicodedata.normalize("NFKC", f"{title or ''}\n{abstract or ''}")
            hit = _terms_hit(terms, text)
            if hit is None:
                continue
        return Match(rule.branch_no, rule.branch_name, rule.top_category, rule.rule_no, code, pattern, hit)
    return None


def _parse_codes(codes):
    return tuple((code, parts) for code, parts in ((c, _parts(c)) for c in codes) if parts is not None)


@functools.lru_cache(maxsize=65536)
def _parsed_codes(value):
    """A cell of IPC codes, split, normalised and parsed once per distinct cell (they repeat a lot)."""
    return _parse_codes(split_codes(value))


class _Table:
    """The rules in table order, each with its codes parsed and its keyword terms cut once, and an index
    from the section / class / subclass a pattern names to the rules that name it: a patent is tested
    against the few rules that can match its codes (the same result as testing every rule in order)."""

    def __init__(self, rules):
        self.entries, self.index = [], {}
        for pos, rule in enumerate(sorted(rules, key=_order)):
            patterns = [(p, _parts(normalize_ipc(p)), p.endswith("*")) for p in rule.ipc_patterns]
            patterns = [x for x in patterns if x[1] is not None]
            exclusions = [(_parts(normalize_ipc(p)), p.endswith("*")) for p in rule.ipc_exclusions]
            exclusions = [x for x in exclusions if x[0] is not None]
            terms = keyword_terms(rule.keywords) if rule.keywords else None
            self.entries.append((rule, patterns, exclusions, terms))
            for _, parts, _ in patterns:
                self.index.setdefault(_index_key(parts), []).append(pos)
        self._hits = {}

    def ipc_hits(self, code):
        """[(rule position, code, pattern)] of the rules whose IPC part `code` meets
        (a pattern matches, no exclusion does), in table order; kept per code (codes repeat a lot)."""
        hits = self._hits.get(code)
        if hits is None:
            c = _parts(code)
            found = set()
            for key in (c[0], c[0] + (c[1] or ""), c[0] + (c[1] or "") + (c[2] or "")):
                found.update(self.index.get(key, ()))
            hits = []
            for pos in sorted(found):
                _, patterns, exclusions, _ = self.entries[pos]
                if any(_parts_match(c, x, star) for x, star in exclusions):
                    continue
                pattern = next((p for p, x, star in patterns if _parts_match(c, x, star)), None)
                if pattern is not None:
                    hits.append((pos, code, pattern))
            if len(self._hits) < 100_000:
                self._hits[code] = hits
        return hits


def _index_key(parts):
    section, cls, subclass = parts[:3]
    return section + (cls or "") + ((subclass or "") if cls else "")


_COMPILED = {"rules": None, "table": None}


def _compiled(rules):
    """The _Table of `rules`, kept for the list object last used (rules_in_use() hands out the same one)."""
    if _COMPILED["rules"] is not rules:
        _COMPILED.update(rules=rules, table=_Table(rules))
    return _COMPILED["table"]


def _order(rule):
    major, _, minor = rule.branch_no.partition(".")
    return (int(major) if major.isdigit() else 99, int(minor) if minor.isdigit() else 99, rule.rule_no)


def _list(value):
    return tuple(p.strip() for p in re.split(r"[;；]", value or "") if p.strip())


def read_rows(path=DATA_FILE):
    """The table's rows as dicts of model field values (for the data migration and tests)."""
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {"branch_no": row["branch_no"].strip(), "branch_name": row["branch_name"].strip(),
                   "top_category": row["top_category"].strip(), "rule_no": int(row["rule_no"]),
                   "ipc_patterns": row["ipc_patterns"].strip(), "ipc_exclusions": row["ipc_exclusions"].strip(),
                   "keywords": row["keywords"].strip(), "ipc_only": row["ipc_only"].strip().lower() == "true",
                   "source_page": row["source_page"].strip()}


def rule_from(values):
    """A Rule from a dict (read_rows) or an object with the same attributes (registry.SeiRule)."""
    get = values.get if isinstance(values, dict) else (lambda k: getattr(values, k))
    return Rule(get("branch_no"), get("branch_name"), get("top_category"), int(get("rule_no")),
                _list(get("ipc_patterns")), _list(get("ipc_exclusions")),
                _list(get("keywords")), str(get("source_page") or ""))


def load_rules(path=DATA_FILE):
    """The shipped table as Rule objects (the database copy, registry.SeiRule, is the one in use)."""
    return [rule_from(r) for r in read_rows(path)]


# ---- The officer's classification ---------------------------------------------------------------------
_BRANCH_NO = re.compile(r"^\s*(\d{1,2}\.\d{1,2})(?!\d)")


def override(strategic_class, rules):
    """registry.Patent.strategic_class as a Match when it names a branch of the table ("1.5",
    "1.5 人工智能"), else None. Free text (e.g. a top category such as 新一代信息技术产业, as some data
    sources write it) names no branch: it is kept on the record as information and the IPC decides."""
    if not strategic_class:
        return None
    m = _BRANCH_NO.match(unicodedata.normalize("NFKC", strategic_class))
    if not m:
        return None
    rule = next((r for r in rules if r.branch_no == m.group(1)), None)
    if rule is None:
        return None
    return Match(rule.branch_no, rule.branch_name, rule.top_category, 0, "", "", "", strategic_class.strip()[:100])


def match_for(ipc_codes, title, abstract, strategic_class, rules):
    """The patent's branch: the officer's when strategic_class names one, else the table's by IPC."""
    return override(strategic_class, rules) or classify(ipc_codes, title, abstract, rules)


NEEDS_TEXT = object()   # match_without_text: the answer depends on the title and abstract


def match_without_text(ipc_codes, strategic_class, rules):
    """match_for's answer when it cannot depend on the title and abstract, else NEEDS_TEXT. A memo (the import's,
    registry.imports._sei_fields) can then remember it per IPC cell and officer's class, not per title and
    abstract, which rarely repeat. Text-free: the officer's class names a branch (override), the codes meet no
    rule's IPC part, or the first rule (table order) whose IPC part they meet has no keywords — classify then
    returns before reading the text. A first rule with keywords (or only 不包括 notes) reads it: NEEDS_TEXT."""
    found = override(strategic_class, rules)
    if found is not None:
        return found
    codes = _parsed_codes(ipc_codes) if isinstance(ipc_codes, str) else _parse_codes(split_codes(ipc_codes))
    if not codes:
        return None
    table = _compiled(rules)
    hits = sorted((pos, i, code, pattern)
                  for i, (code, _) in enumerate(codes) for pos, code, pattern in table.ipc_hits(code))
    if not hits:
        return None
    pos, _, code, pattern = hits[0]
    rule, _, _, terms = table.entries[pos]
    if terms is not None:
        return NEEDS_TEXT
    return Match(rule.branch_no, rule.branch_name, rule.top_category, rule.rule_no, code, pattern, "")


# ---- The database side (registry.SeiRule, registry.Patent) --------------------------------------------------
_CACHE = {"key": None, "rules": []}


def rules_in_use():
    """The active rules of registry.SeiRule as Rule objects, re-read when the table changed."""
    from django.db.models import Count, Max

    from .models import SeiRule
    qs = SeiRule.objects.filter(active=True)
    state = qs.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id"))
    key = (state["n"], state["m"], state["i"])
    if key != _CACHE["key"]:
        _CACHE.update(key=key, rules=[rule_from(r) for r in qs.order_by("branch_no", "rule_no")])
    return _CACHE["rules"]


def fields_for(match):
    """The registry.Patent field values of a Match (or of no match)."""
    if match is None:
        return {"sei_branch": "", "sei_branch_name": "", "sei_evidence": ""}
    return {"sei_branch": match.branch_no, "sei_branch_name": match.branch_name[:100],
            "sei_evidence": match.evidence[:300]}


def apply(patent, rules=None):
    """Set the patent's sei_* fields from its IPC, title, abstract and strategic_class."""
    rules = rules_in_use() if rules is None else rules
    for name, value in fields_for(match_for(patent.ipc_main, patent.title, patent.abstract,
                                            patent.strategic_class, rules)).items():
        setattr(patent, name, value)


def _prefixes(rule_values):
    """The IPC subclasses (or classes) the patterns and exclusions of rules name: which patents a
    change of these rules can touch."""
    out = set()
    for values in rule_values:
        for code in _list(values.get("ipc_patterns")) + _list(values.get("ipc_exclusions")):
            code = normalize_ipc(code)
            if code:
                out.add(code[:4] if len(code) >= 4 and code[3].isalpha() else code[:3])
    return out


def reclassify(prefixes=None, branches=(), batch=2000, progress=None):
    """Recompute the sei_* fields of the patents (all, or those whose main IPC starts with one of
    `prefixes` or that are now in one of `branches`); returns how many changed. Changed rows get a new
    updated_at, and their facts are refreshed with them (stats.facts.refresh_patents)."""
    from django.db.models import Q
    from django.utils import timezone

    from ipdesk.core import audit
    from ipdesk.core.models import AuditAction

    from .models import Patent
    rules = rules_in_use()
    qs = Patent.objects.all()
    if prefixes is not None:
        where = Q(pk__in=[])
        for prefix in sorted(prefixes):
            where |= Q(ipc_main__startswith=prefix)
        if branches:
            where |= Q(sei_branch__in=list(branches))
        qs = qs.filter(where)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    names = ["sei_branch", "sei_branch_name", "sei_evidence"]
    changed = 0
    for offset in range(0, len(ids), batch):
        chunk = ids[offset:offset + batch]
        now = timezone.now()
        todo = []
        for p in Patent.objects.filter(pk__in=chunk).only("pk", "ipc_main", "title", "abstract", "strategic_class",
                                                           *names):
            values = fields_for(match_for(p.ipc_main, p.title, p.abstract, p.strategic_class, rules))
            if any(getattr(p, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(p, k, v)
                p.updated_at = now
                todo.append(p)
        if todo:
            from django.db import transaction

            from ipdesk.stats.facts import refresh_patents
            with transaction.atomic():   # bulk_update sends no signal: the facts follow here (stats.facts)
                Patent.objects.bulk_update(todo, names + ["updated_at"], batch_size=500)
                refresh_patents([p.pk for p in todo])
            changed += len(todo)
        if progress:
            progress(offset + len(chunk), len(ids))
    if changed:
        audit.record_many([{"action": AuditAction.UPDATE, "object_type_name": "registry.patent",
                            "object_repr": "战略性新兴产业重新分类", "after": {"patents": changed}}])
    return changed
