"""Type-to-search answers for the searchable selects (core.forms.AutocompleteSelect): GET
/autocomplete/<kind>/?q=…  →  {"results": [{"id": "12", "text": "…"}], "more": false}.

Each kind answers only the records the signed-in user may choose, at most LIMIT of them, so a select over
hundreds of enterprises loads what the user types instead of writing every name into the page:

- enterprises: what the user may see and link to (scoping.choosable): a district officer its districts'
  enterprises, a commissioner those it serves, an enterprise user only itself (registry.autocomplete);
- people: the people an officer may name as a case's handler (protection.autocomplete: the officers of its
  own districts, city officers and public lawyers); other roles assign no one (404).
The apps register their kinds (core.extensions.register_autocomplete); core names none of them.
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .extensions import autocomplete_answer

LIMIT = 20


@require_GET
@login_required
def autocomplete_view(request, kind):
    answer = autocomplete_answer(kind)
    if answer is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    rows, text = answer(request.user, q)
    page = list(rows[:LIMIT + 1])
    return JsonResponse({"results": [{"id": str(row.pk), "text": text(row)} for row in page[:LIMIT]],
                         "more": len(page) > LIMIT})
