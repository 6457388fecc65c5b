"""What an import file holds: Field, ImportSpec (with its hooks), ImportContext, and the registry of specs
(register, specs, get_spec)."""
from dataclasses import dataclass, field
from typing import Any, Callable

from django.utils.module_loading import autodiscover_modules

from ..scoping import CHANGE, can
from .errors import RowError
from .parsers import text


# ---- Specs -----------------------------------------------------------------------------------
@dataclass
class Field:
    """One column of an import file. `aliases[0]` is the header exports write, so files round-trip."""
    name: str
    aliases: tuple
    parse: Callable[[Any], Any] = text
    required: bool = False
    help: str = ""

    @property
    def header(self):
        return self.aliases[0]


@dataclass
class ImportContext:
    """What a spec's hooks know about the run; `cache` holds lookups loaded once by `begin`."""
    user: Any = None
    filename: str = ""
    dry_run: bool = False
    keep_good: bool = False
    cache: dict = field(default_factory=dict)
    allowed_region_ids: set | None = None   # None: every region (city officer, command line)
    columns: list | None = None             # a file without a header row: the field alias of each column ("" skips)
    kept: frozenset = frozenset()           # the spec's kept_when_absent attnames this file has no column for
    kept_placement: tuple = ()              # the spec's `placement` when this file has no `placed_from` column
    bulk: bool = False                      # a large file (PostgreSQL): empty tables are filled without their
                                            # secondary indexes, built again before the commit (core.imports.bulk)

    def region_allowed(self, region_id):
        return self.allowed_region_ids is None or region_id in self.allowed_region_ids


class ImportSpec:
    """What one kind of import file holds and how its rows become records. Subclass and `register`."""
    name = ""
    label = ""
    model = None
    fields: list = []
    key: tuple = ()
    batch_size = 2000
    region_field = "region_id"   # model attname checked against a district officer's scope; None: not checked
    create_only = ()             # attnames set when a record is created, never compared or overwritten later
    kept_when_absent = ()        # attnames copied from the column of the same field name that a file may lack
                                 # (a CNIPA export has no 年费缴至): without that column an update keeps the stored
                                 # value instead of emptying it; a created record takes the empty value
    threaded = False             # PostgreSQL: parse and write in two threads (only when clean() reads no database)
    derived = {}                 # attname → the attname it explains: the stored value is kept while that one is
                                 # unchanged (区划依据 follows the region), so re-importing an export changes nothing
    placed_from = ""             # the field a row's region is placed from last (the address: registry.placement) …
    placement = ()               # … and the attnames of that placement, region first (region_id, region_signal, 国内):
                                 # when the file has no `placed_from` column and a row's other cells do not place it
                                 # (its region is None or a stand-in, `unplaced_basis`) or place it only in a region
                                 # around the stored one (the city of a 邮政编码), an update keeps the stored placement
                                 # — the file says nothing of the address, so such a row is not an address that
                                 # places elsewhere …
    placement_basis = ()         # … as long as the other cells it was decided with are unchanged (the holder, 国省代码):
                                 # the stored address is the stored holder's
    unplaced_basis = ()          # values of the placement's basis (its second attname) that mean the cells placed
                                 # nothing and clean() put in a stand-in (an abnormal application's batch default)
    date_pairs = ()              # (earlier attname, its header, later attname, its header): clean() checks a pair the
                                 # file gives whole; when the file lacks the column of one (kept as stored), the
                                 # other is checked against the stored value before it is written (kept_pair_problem)
    unused_headers = ()          # columns of known layouts that are understood but not stored (发明（设计）人, 优先权):
                                 # named as such in the report, not as "未识别"

    def kept_attnames(self, absent):
        """The attnames an update keeps as stored because the file has no column for them (`absent`: the field
        names without a column): kept_when_absent's; a spec whose derived values need an absent column adds
        them."""
        return frozenset(a for a in self.kept_when_absent if a in absent)

    def keeps_placement(self, record, stored, ctx):
        """Whether an update of the row `stored` by `record` keeps the stored placement (ctx.kept_placement): the file
        has no `placed_from` column, the stored row is placed, the record's other cells did not place it (no region,
        or a stand-in, `unplaced_basis`, over a stored placement that is not one itself) or placed it only in a
        region around the stored one (a 邮政编码 or a 地区 column naming the city, while the kept address names the
        district: the coarser signal agrees with the finer one and says less), and the `placement_basis` attnames
        are unchanged (a new holder or a foreign 国省代码 is not the stored address's)."""
        placement = ctx.kept_placement
        if not placement or stored is None or stored.get(placement[0]) is None:
            return False
        placed = record.get(placement[0])
        stand_in = len(placement) > 1 and record.get(placement[1]) in self.unplaced_basis
        if stand_in and stored.get(placement[1]) in self.unplaced_basis:
            return False   # a stand-in replaces a stored stand-in (the officer changed the batch's default)
        if placed is not None and not stand_in and \
                not self._region_around(placed, stored[placement[0]], ctx):
            return False
        from .writing import _same
        return all(_same(stored[a], record[a]) for a in self.placement_basis if a in stored and a in record)

    def _region_around(self, outer, inner, ctx):
        """Whether the region `outer` holds the region `inner` and is not it (Region.path: the chain of codes from
        the root), by the paths of the region table read once per file."""
        paths = ctx.cache.get("__region_paths__")
        if paths is None:
            region = self.model._meta.get_field(self.placement[0]).related_model
            paths = ctx.cache["__region_paths__"] = dict(region.objects.values_list("pk", "path"))
        outer_path, inner_path = paths.get(outer), paths.get(inner)
        return bool(outer_path and inner_path) and outer != inner and inner_path.startswith(outer_path)

    def kept_placement(self, absent):
        """`placement` when the file has no column for `placed_from` (`absent`: the field names without a
        column), else ()."""
        return tuple(self.placement) if self.placed_from and self.placed_from in absent else ()

    def kept_pair_problem(self, record, existing, ctx):
        """A RowError when one date of a `date_pairs` pair comes from the file and the other is kept as stored
        (its column is absent) and they are out of order; None otherwise (also for a record not stored yet)."""
        if existing is None:
            return None
        for earlier, earlier_header, later, later_header in self.date_pairs:
            if (earlier in ctx.kept) == (later in ctx.kept):
                continue   # both from the file (clean() checked them) or both kept as stored
            first = existing.get(earlier) if earlier in ctx.kept else record.get(earlier)
            last = existing.get(later) if later in ctx.kept else record.get(later)
            if first and last and last < first:
                if earlier in ctx.kept:
                    return RowError(later_header, f"不能早于{earlier_header}（本文件无{earlier_header}列，"
                                                  f"沿用已登记的 {first:%Y-%m-%d}）")
                return RowError(earlier_header, f"不能晚于{later_header}（本文件无{later_header}列，"
                                                f"沿用已登记的 {last:%Y-%m-%d}）")
        return None

    def pairs_kept(self, ctx):
        """Whether this file keeps one date of a `date_pairs` pair and gives the other."""
        return any((a in ctx.kept) != (b in ctx.kept) for a, _h, b, _g in self.date_pairs)

    def fixed(self, ctx):
        """The attnames an update of this run leaves as stored: create_only, and kept_when_absent ones the file
        has no column for."""
        return frozenset(self.create_only) | ctx.kept

    # hooks ---------------------------------------------------------------------------------------
    def bulk_models(self):
        """The models whose tables an import of this kind may fill without their secondary indexes when a large
        file comes into them empty (core.imports.bulk); none by default. A spec opts in once nothing it runs in
        the import's transaction looks rows of them up through those indexes (each lookup would scan the table),
        and its `clean` reads none of them (PostgreSQL's reading thread would wait for the writer's lock for
        ever). Called once inside the import's transaction, before the tables are locked: a spec takes there
        the locks it would take later on rows other writers lock before these tables (no deadlock)."""
        return ()

    def begin(self, ctx):
        """Load lookups once per file (regions, enterprises …) into ctx.cache."""

    def clean(self, values, ctx):
        """Parsed cells (field name → value, '' / None when empty) → model values (attnames).
        Raise RowError(field header, reason) when the row cannot be imported."""
        return {f.name: values.get(f.name) for f in self.fields}

    def check_scope(self, record, existing, ctx):
        """Refuse a row that would create or change a record outside the user's data scope."""
        if ctx.allowed_region_ids is None or not self.region_field:
            return
        for row in (record, existing):
            if row is record and self.keeps_placement(record, existing, ctx):
                continue   # a row of a file without addresses that keeps the stored placement: that one counts
            if row is not None and self.region_field in row and not ctx.region_allowed(row[self.region_field]):
                raise RowError("行政区划代码", "超出您的数据权限范围（所属区划不在您的辖区内）")

    def write(self, records, ctx, outcome):
        """Upsert one batch; the default is the generic idempotent upsert on `key`."""
        from ipdesk.core import imports as pipeline   # the package's upsert: one place to wrap or patch
        pipeline.upsert(self, records, ctx, outcome)

    def after_write(self, written, ctx):
        """Called with the records created or changed in a batch (e.g. to apply legal-status events)."""

    def finish(self, ctx):
        """Called once after the last batch, inside the transaction."""

    def undone(self, model, pks, ctx):
        """SQLite's undo of a failed import (see `_run_in_short_transactions`) restored the fields of the
        records `pks` of `model` without signals: react (e.g. refresh derived data). Created rows are
        deleted through the ORM, which sends its signals."""

    # helpers -------------------------------------------------------------------------------------
    def key_of(self, record):
        key = self.key
        if len(key) == 1:   # most specs: called for every row of a file
            return (record[key[0]],)
        return tuple(record[k] for k in key)

    def key_text(self, record):
        return "/".join(str(record[k]) for k in self.key)

    def export_headers(self):
        return [f.header for f in self.fields]

    def accepted_headers(self):
        """(field header, all aliases, required, help) for the import page and the docs."""
        return [(f.header, list(f.aliases), f.required, f.help) for f in self.fields]

    def may_import(self, user):
        return user is None or can(user, self.model, CHANGE)


_SPECS = {}


def register(spec_class):
    """Class decorator: make a spec available to the UI, the API and `ipdesk import`."""
    _SPECS[spec_class.name] = spec_class()
    return spec_class


def specs():
    autodiscover_modules("imports")
    return dict(_SPECS)


def get_spec(name):
    found = specs().get(name)
    if found is None:
        raise KeyError(f"未知的导入类型：{name}（可用：{'、'.join(sorted(_SPECS))}）")
    return found
