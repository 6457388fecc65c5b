from django import template

from ipdesk.stats import rules

register = template.Library()


@register.filter
def num(value):
    return rules.number(value)


@register.filter
def pct(value):
    return rules.percent(value) if value is not None else "—"


@register.filter
def index(sequence, i):
    try:
        return sequence[i]
    except (IndexError, TypeError, KeyError):
        return None
