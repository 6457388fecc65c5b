"""The type-to-search answer for a searchable select of enterprises (GET /autocomplete/enterprises/?q=…,
core.autocomplete): what the user may see and link to (scoping.choosable) — a district officer its
districts' enterprises, a commissioner those it serves, an enterprise user only itself."""
from ipdesk.core.scoping import choosable

from .filters import search_enterprises
from .models import Enterprise


def enterprises(user, q):
    rows = search_enterprises(choosable(Enterprise.objects.all(), user), q).order_by("name", "pk")
    return rows, lambda e: e.name
