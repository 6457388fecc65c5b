"""Matching a name or a credit code to an enterprise of the registry (企业匹配): the one home of the rule.

An enterprise is found by its 统一社会信用代码 when the row has one, else by its name through the matching key
`rules.normalize_name` (full/half width, brackets, spaces, 有限责任公司 → 有限公司): its current name first,
then a former name (曾用名, EnterpriseNameHistory), so records filed under an old name still match. A cell that
lists several holders or applicants is matched by the first (第一申请人 / 第一权利人, rules.first_name).

- `enterprise_named(name)` / `enterprise_with_credit_code(uscc)` / `first_holder_enterprise(raw)`: one
  record at a time (a transfer event, an abnormal application, a financing row);
- `EnterpriseIndex`: the same rule over every enterprise a user may link to, read once per imported file
  (the import pipeline matches millions of rows; one query per row would not do).

`enterprises`, where given, is the queryset to match in (core.scoping.choosable of the importing user);
without it the whole registry.
"""
from .models import Enterprise, EnterpriseNameHistory
from .rules import first_name, normalize_name


def enterprise_with_credit_code(uscc, enterprises=None):
    """The enterprise with this (normalised) credit code, or None."""
    if not uscc:
        return None
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    return enterprises.filter(uscc=uscc).first()


def enterprise_named(name, enterprises=None):
    """The enterprise whose current name, else a former name, has the matching key of `name`; or None."""
    key = normalize_name(name)
    if not key:
        return None
    found = (Enterprise.objects if enterprises is None else enterprises).filter(normalized_name=key).first()
    if found is not None:
        return found
    former = EnterpriseNameHistory.objects.filter(normalized_name=key)
    if enterprises is not None:
        former = former.filter(enterprise__in=enterprises)
    former = former.select_related("enterprise").order_by("pk").first()
    return former.enterprise if former else None


def first_holder_enterprise(raw, enterprises=None):
    """The enterprise of the first name in a cell of holders or applicants (第一申请人 decides), or None."""
    return enterprise_named(first_name(raw), enterprises)


def match_enterprise(uscc="", name="", enterprises=None):
    """The enterprise of a credit code, else of a name; or None."""
    return enterprise_with_credit_code(uscc, enterprises) or (enterprise_named(name, enterprises) if name else None)


class EnterpriseIndex:
    """Every enterprise of `enterprises` by credit code and by matching key (current names win over former
    names), read in two queries. `match(uscc, name)` answers (enterprise id, region id) or (None, None),
    remembering at most MEMO_LIMIT names (memory stays bounded whatever the file's size)."""
    MEMO_LIMIT = 50_000

    def __init__(self, enterprises=None):
        enterprises = Enterprise.objects.all() if enterprises is None else enterprises
        self.by_uscc, self.by_name = {}, {}
        self.signal = {}  # enterprise id → how its region was decided (registry.placement)
        for e in enterprises.values("pk", "uscc", "normalized_name", "region_id", "region_signal"):
            self.by_uscc[e["uscc"]] = (e["pk"], e["region_id"])
            self.by_name[e["normalized_name"]] = (e["pk"], e["region_id"])
            self.signal[e["pk"]] = e["region_signal"]
        linkable = {pk for pk, _region in self.by_uscc.values()}
        for h in EnterpriseNameHistory.objects.order_by("pk").values("normalized_name", "enterprise_id",
                                                                      "enterprise__region_id"):
            if h["enterprise_id"] in linkable:
                self.by_name.setdefault(h["normalized_name"], (h["enterprise_id"], h["enterprise__region_id"]))
        self._memo = {}

    def match(self, uscc="", name=""):
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc]
        if not name:
            return None, None
        try:
            return self._memo[name]
        except KeyError:
            found = self.by_name.get(normalize_name(name), (None, None))
            if len(self._memo) < self.MEMO_LIMIT:
                self._memo[name] = found
            return found
