"""The type-to-search answer for choosing a case's handler (GET /autocomplete/people/?q=…, core.autocomplete):
the people an officer may name (actions.nameable_people: the officers of its own districts, city officers and
public lawyers); other roles assign no one (404)."""
from django.db.models import Q
from django.http import Http404

from .actions import nameable_people


def people(user, q):
    if not user.is_officer:
        raise Http404  # only officers assign people
    rows = nameable_people(user, "user")
    if q:
        rows = rows.filter(Q(display_name__icontains=q) | Q(username__icontains=q))
    return rows.order_by("display_name", "username", "pk"), str
