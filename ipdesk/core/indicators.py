"""Where modules offer their figures to `ipdesk indicators`, the API and the dashboard.

A module registers a provider `func(region, start, end) -> dict` (period figures run from `start`
to `end` inclusive; stock figures are as of `end`). stats composes them; nothing here computes.
"""
_PROVIDERS = []


def indicator_provider(func):
    _PROVIDERS.append(func)
    return func


def providers():
    return list(_PROVIDERS)
