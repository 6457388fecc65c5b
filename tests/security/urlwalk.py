"""Every URL the project serves, with example arguments, discovered from the URLconf (not a hand-made list),
so the attack tests extend by themselves as modules add pages and endpoints."""
import re

from django.urls import URLPattern, URLResolver, get_resolver

_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
EXAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}


def _route(pattern):
    route = getattr(pattern.pattern, "_route", None)
    if route is not None:
        return route
    regex = pattern.pattern.regex.pattern  # a regex pattern (DRF routers): turn groups into examples
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
    regex = re.sub(r"\(\?P<format>[^)]*\)\??", "", regex)
    regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "<int:%s>" % m.group(1), regex)
    return regex.replace("/?", "/")


def walk(patterns=None, prefix="", names=()):
    """(path template, view callback, url name) for every URL; templates keep <conv:name> placeholders."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + _route(p), names + ((p.namespace,) if p.namespace else ()))
        elif isinstance(p, URLPattern):
            name = ":".join(names + (p.name,)) if p.name else None
            yield prefix + _route(p), p.callback, name


def example(template, **values):
    def fill(m):
        name = m.group("name")
        if name in values:
            return str(values[name])
        return EXAMPLE.get(m.group("conv") or "str", "x")
    path = "/" + _CONVERTER.sub(fill, template)
    return path if "(" not in path and "[" not in path else None


def view_class(callback):
    return getattr(callback, "view_class", None) or getattr(getattr(callback, "cls", None), "__mro__", [None])[0]
