"""The legal basis (依据) of every rule the system applies: one registry, filled by the apps, kept in a table.

Each app declares the rules it applies in its own `basis.py` (`declare(key, ...)` next to its rules.py), with the
citation its code's docstrings already give — source, document number, article, version — and `verified=False`
wherever those docstrings say 待核对 / not verified. Core names no app: `collect()` imports every app's
`basis` module (as `tasks` are discovered). `sync()` (post_migrate, and before the 依据 page is read) copies the
declarations into core.LegalBasis: a key the table lacks is created; a row no officer has edited follows the
code's citation; a row an officer edited (`edited_by_office`) is never overwritten.

A figure or deadline links to its entry with `{% basis_link "stats.valid_invention" %}` (core.templatetags.basis);
tests/core/test_basis.py checks that every key used in a template is declared and that every function of a rules
module whose docstring cites a source is covered by a declaration (`code=`), so a new rule cannot go unlisted.
"""
import re
from dataclasses import dataclass, field
from importlib import import_module

from django.utils.translation import gettext_lazy as _


class Kind:
    """What a rule rests on. Only LAW and STANDARD are legal sources; METHOD and CONFIG say so on the page."""
    LAW = "law"            # a law, regulation or CNIPA order / announcement
    STANDARD = "standard"  # a national standard (GB, GB/T) or an official classification
    DATA = "data"          # published statistics (census) or an official reference table
    METHOD = "method"      # the office's own method (forecasts): not a legal source
    CONFIG = "config"      # a value the office configures (no legal default)

    choices = [(LAW, _("法规/规章")), (STANDARD, _("标准/分类")), (DATA, _("统计数据")),
               (METHOD, _("计算方法（非法定依据）")), (CONFIG, _("本单位配置"))]


# Module groups of the 依据 page, in order (the key's first part).
MODULES = {
    "registry": _("专利登记与年费"),
    "term": _("专利权期限"),
    "fees": _("专利登记与年费"),
    "stats": _("统计指标"),
    "population": _("人口与区划"),
    "regions": _("人口与区划"),
    "protection": _("行政裁决期限"),
    "compliance": _("非正常专利申请"),
    "finance": _("质押融资"),
    "services": _("服务专员"),
    "forecast": _("预测方法"),
}


@dataclass(frozen=True)
class Basis:
    """A rule's default citation, as its code gives it. `code`: dotted paths of the functions and constants that
    apply the rule (checked to exist); `indicators`: the indicator keys (stats.indicators.LABELS) whose figures the rule
    defines, so a figure shown by its key links to its basis (`{% indicator_basis_link key %}`)."""
    key: str
    title: str
    source: str
    kind: str = Kind.LAW
    document: str = ""
    article: str = ""
    edition: str = ""
    excerpt: str = ""
    verified: bool = False
    note: str = ""
    code: tuple = ()
    indicators: tuple = ()

    @property
    def module(self):
        return self.key.split(".", 1)[0]

    def defaults(self):
        """The table's columns as the code declares them."""
        return {"module": self.module, "title": str(self.title), "kind": self.kind, "source": self.source,
                "document": self.document, "article": self.article, "edition": self.edition,
                "excerpt": self.excerpt, "verified": self.verified, "note": self.note}


_REGISTRY: dict[str, Basis] = {}
_collected = False
BASIS_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Fields the office may edit (and which sync() copies while the office has not edited them).
SYNCED_FIELDS = ("module", "title", "kind", "source", "document", "article", "edition", "excerpt", "verified", "note")


def declare(key, title, source, **fields):
    """Declare a rule's basis (called at import time of an app's basis.py). A key is declared once."""
    if not BASIS_KEY.match(key):
        raise ValueError(f"basis key {key!r}: lower-case words joined by dots, e.g. 'stats.valid_invention'")
    for name in ("code", "indicators"):
        if name in fields:
            fields[name] = tuple(fields[name])
    entry = Basis(key=key, title=title, source=source, **fields)
    if key in _REGISTRY and _REGISTRY[key] != entry:
        raise ValueError(f"basis key {key!r} declared twice")
    _REGISTRY[key] = entry
    return entry


# Rules whose basis lives on another record (e.g. protection.TimeLimitRule carries its own regulation, article,
# text and verified mark): prefix -> callable() returning [ExternalRow], listed on the 依据 page, never copied.
_EXTERNAL: dict[str, "External"] = {}


@dataclass(frozen=True)
class ExternalRow:
    key: str
    title: str
    source: str
    article: str
    excerpt: str
    verified: bool
    status: str
    note: str
    url: str
    edition: str = ""
    document: str = ""


@dataclass(frozen=True)
class External:
    prefix: str
    module: str
    rows: object  # callable() -> iterable of ExternalRow
    label: object = ""


def external(prefix, rows, label=""):
    """Declare that the rules under `prefix` keep their basis on their own records; `rows()` lists them."""
    if not BASIS_KEY.match(prefix):
        raise ValueError(f"basis prefix {prefix!r}")
    _EXTERNAL[prefix] = External(prefix, prefix.split(".", 1)[0], rows, label)


def externals():
    collect()
    return dict(_EXTERNAL)


def external_for(key):
    """The External whose prefix the key falls under, or None."""
    for prefix, ext in externals().items():
        if key == prefix or key.startswith(prefix + "."):
            return ext
    return None


def is_known(key):
    """A key the 依据 page can answer: declared, or under an external prefix."""
    return key in collect() or external_for(key) is not None


def collect():
    """Import every installed app's `basis` module once (they call declare())."""
    global _collected
    if not _collected:
        from django.utils.module_loading import autodiscover_modules
        autodiscover_modules("basis")
        _collected = True
    return _REGISTRY


def registry():
    """{key: Basis} of every declared rule."""
    return dict(collect())


def get(key):
    return collect().get(key)


def for_indicator(indicator_key):
    """The Basis defining the figure `indicator_key` (e.g. valid_invention_per_10k), or None."""
    for entry in collect().values():
        if indicator_key in entry.indicators:
            return entry
    return None


def resolve_code(path):
    """The object a dotted `code` path names (module path, then attribute), or raise LookupError."""
    parts = path.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                raise LookupError(path)
            obj = getattr(obj, attr)
        return obj
    raise LookupError(path)


def sync(model=None):
    """Copy the declarations into the table; never overwrite a row an officer edited. Returns (created, updated)."""
    if model is None:
        from .models import LegalBasis as model
    entries = registry()
    rows = {row.key: row for row in model.objects.all()}
    new = [model(key=key, **entry.defaults()) for key, entry in entries.items() if key not in rows]
    model.objects.bulk_create(new)
    updated = 0
    for key, row in rows.items():
        entry = entries.get(key)
        if entry is None or row.edited_by_office:
            continue
        defaults = entry.defaults()
        changed = [name for name in SYNCED_FIELDS if getattr(row, name) != defaults[name]]
        if changed:
            for name in changed:
                setattr(row, name, defaults[name])
            row.save(update_fields=changed)  # audited like every change (core.signals)
            updated += 1
    return len(new), updated


def ensure_synced():
    """Create the rows of keys the table lacks (a rule added since the last migrate, or a flushed test database)."""
    from .models import LegalBasis
    if set(registry()) - set(LegalBasis.objects.values_list("key", flat=True)):
        sync(LegalBasis)


def post_migrate_sync(sender, app_config=None, using="default", **kwargs):
    """post_migrate receiver (connected by core.apps): sync once the core tables exist."""
    if app_config is None or app_config.label != "core":
        return
    from django.db import connections
    from .models import LegalBasis
    if LegalBasis._meta.db_table in connections[using].introspection.table_names():
        sync(LegalBasis)


# ---- Coverage: which functions of the rules modules cite a source ---------------------------------
RULE_MODULES = ("ipdesk.registry.rules", "ipdesk.registry.fees", "ipdesk.stats.rules", "ipdesk.stats.indicators",
                "ipdesk.protection.rules", "ipdesk.protection.limits", "ipdesk.compliance.rules",
                "ipdesk.finance.rules", "ipdesk.services.rules")
# A docstring that names a regulation, an article, a standard or an unverified citation applies a rule.
CITES = re.compile(r"《|第[一二三四五六七八九十百零〇\d]+条|局令|实施细则|专利法|GB[/ ]|待核对|not verified|[Aa]rt\. ?\d")


def citing_functions(module_name):
    """Dotted paths of the public functions and classes defined in `module_name` whose docstring cites a source."""
    import inspect
    module = import_module(module_name)
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) != module_name:
            continue
        if CITES.search(inspect.getdoc(obj) or ""):
            found.append(f"{module_name}.{name}")
    return found


def covered_code():
    """Every dotted path some declaration names in `code`."""
    return {path for entry in registry().values() for path in entry.code}
