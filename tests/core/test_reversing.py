"""core.reversing.reverse_pk: the URL of a row from parts cached per URL name, equal to reverse() for every named
URL of the project that takes one integer pk — under a script prefix too — and reverse() itself otherwise."""
import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, clear_script_prefix, get_resolver, reverse, \
    set_script_prefix
from django.urls.converters import IntConverter

from ipdesk.core.reversing import reverse_pk


def _pk_url_names(patterns=None, namespace=""):
    """Every "namespace:name" of a URL whose only argument is an <int:...> converter."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _pk_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            if len(converters) == 1 and isinstance(next(iter(converters.values())), IntConverter):
                yield f"{namespace}{entry.name}"


NAMES = sorted(set(_pk_url_names()))


def test_the_project_has_many_urls_of_one_integer_pk():
    assert "registry:patent_detail" in NAMES and "registry:patent_edit" in NAMES
    assert len(NAMES) > 50


@pytest.mark.parametrize("prefix", ["/", "/ipdesk/"])
def test_reverse_pk_equals_reverse_for_every_url_of_one_integer_pk(prefix):
    set_script_prefix(prefix)
    try:
        for name in NAMES:
            for pk in (1, 42, 9_007_199_254_740_993):
                assert reverse_pk(name, pk) == reverse(name, args=[pk]), name
        assert reverse_pk("registry:patent_detail", 42).startswith(prefix)
    finally:
        clear_script_prefix()
        set_script_prefix("/")


def test_a_pk_that_is_not_an_int_and_an_unknown_name_go_through_reverse():
    assert reverse_pk("registry:patent_detail", "42") == reverse("registry:patent_detail", args=["42"])
    with pytest.raises(NoReverseMatch):
        reverse_pk("registry:no_such_page", 1)
    with pytest.raises(NoReverseMatch):
        reverse_pk("registry:patent_detail", "not-a-number")
