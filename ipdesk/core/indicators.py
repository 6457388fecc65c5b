"""Where modules offer their figures to `ipdesk indicators`, the API and the dashboard.

A module registers a provider `func(region, start, end) -> dict` (period figures run from `start`
to `end` inclusive; stock figures are as of `end`; the same keys for every region and period), and the label and unit of each key it provides
(`register_figures`). stats composes them; nothing here computes. Both are filled when the module's
indicators file loads (from its AppConfig.ready), so no module patches another's table.
A provider may also carry `many(regions, start, end, keys=None) -> {region.pk: dict}`: the same figures
for many regions in a few grouped queries (with `keys`, at least those), which stats then asks instead
(a bulletin ranks 16 cities at once).
"""
_PROVIDERS = []
_FIGURES = {}   # key -> (label, unit)


def indicator_provider(func):
    _PROVIDERS.append(func)
    return func


def providers():
    return list(_PROVIDERS)


def register_figures(entries):
    """Name figures: `entries` is {key: (label, unit)} (label translatable, unit one of 件, 家, 万元 …, "" for
    none). A key names one figure: registering it again with another entry is a ValueError (two modules
    claiming one key), with the same entry it changes nothing."""
    for key, entry in entries.items():
        known = _FIGURES.setdefault(key, entry)
        if known is not entry and (str(known[0]), known[1]) != (str(entry[0]), entry[1]):
            raise ValueError(f"figure {key!r} is already registered as {known!r}")


def figure_entry(key):
    """(label, unit) of `key`, or None when no module registered it."""
    return _FIGURES.get(key)


def figure_keys():
    """Every registered figure key, in registration order."""
    return list(_FIGURES)
