"""`{% basis_link "stats.valid_invention" %}`: a superscript 依据 link from a figure or deadline to the rule it uses
(core.basis). A second argument is appended as the last part of the key, for rules listed per record:
`{% basis_link "protection.limits" limit.rule.code %}`. A figure shown by its indicator key links with
`{% indicator_basis_link section.key %}`. An undeclared key renders nothing (a test checks every key
written in a template, tests/core/test_basis.py)."""
import logging

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ipdesk.core import basis

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag
def basis_link(key, part=None):
    full = f"{key}.{part}" if part not in (None, "") else key
    if not basis.is_known(full):
        log.warning("basis_link: undeclared key %s", full)
        return ""
    entry = basis.get(full)
    title = _("依据：%(title)s") % {"title": entry.title} if entry else _("依据")
    return format_html('<sup class="basis-link"><a href="{}" title="{}" data-basis="{}">{}</a></sup>',
                       reverse("core:basis_detail", args=[full]), title, full, _("依据"))


@register.simple_tag
def indicator_basis_link(indicator_key):
    """The 依据 link of the figure `indicator_key` (stats.indicators.LABELS), from the declaration that lists it."""
    entry = basis.for_indicator(str(indicator_key))
    return basis_link(entry.key) if entry is not None else ""
