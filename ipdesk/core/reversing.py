"""`reverse_pk(name, pk)`: Django's reverse() of a URL whose one argument is an integer primary key, without
resolving the pattern again for every row of a list.

A list page links every row to its detail, edit and void pages (core.columns.ActionsColumn, the models'
get_absolute_url): three to four reverse() calls a row, a fifth of a 50-row table's rendering. reverse() walks the
URL resolver each time; the URL of pk 7 and pk 8 differ only in the number. So the URL is reversed once per
(name, URLconf, script prefix) with a sentinel pk and split around it; each row's URL is the two parts around
str(pk), which is what the <int:pk> converter's to_url gives (IntConverter.to_url: str(value)). A name whose URL
does not hold the sentinel exactly once, or a pk that is not an int, goes through reverse() itself.
"""
from django.urls import get_script_prefix, get_urlconf, reverse

_SENTINEL = 8_317_264_509_173   # a pk no table reaches, whose digits no URL prefix holds
_PARTS = {}


def reverse_pk(name, pk):
    """reverse(name, args=[pk]), from the URL's cached parts when `pk` is an int."""
    if pk.__class__ is not int:
        return reverse(name, args=[pk])
    key = (name, get_urlconf(), get_script_prefix())
    parts = _PARTS.get(key)
    if parts is None:
        url = reverse(name, args=[_SENTINEL])   # raises NoReverseMatch as reverse() does
        marker = str(_SENTINEL)
        parts = _PARTS[key] = tuple(url.split(marker)) if url.count(marker) == 1 else ()
    if not parts:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"
