"""Odd query parameters on the figure pages: a date before the patent law or near the end of the calendar,
a year or a page number too large for the database, a region code that is not one. Each must answer
a page with a clear message (or 400/404), never a server error.

The sweep walks the URLconf (tests/security/urlwalk.py), so a new page of stats is swept as soon as it lands.
"""
import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PatentFactory
from tests.security.urlwalk import example, view_class, walk

DRILL = {"figure": "invention_grants", "region": "370400", "from": "2022-01-01", "to": "2022-12-31"}
ODD = [("as_of", "0001-01-01"), ("as_of", "9999-12-31"), ("as_of", "abc"), ("year", "0"), ("year", "99999999999"),
       ("page", "999999999999999"), ("page", "99999999999999999999"), ("page", "-1"), ("region", "abc"),
       ("region", "999999999999999999999"),
       # the same values under the other date and number names these pages read
       ("from", "0001-01-01"), ("from", "9999-12-31"), ("to", "0001-01-01"), ("to", "9999-12-31"),
       ("start", "0001-01-01"), ("end", "9999-12-31"), ("month", "99999999999"), ("month", "-1"),
       ("per_page", "999999999999999"), ("per_page", "-1")]
FIGURE_PAGES = ["/finance/figures/", "/services/figures/", "/protection/figures/"]


@pytest.fixture
def figures_data(users, regions):
    """Enough rows that every page has something to count, page and drill into."""
    from ipdesk.stats.actions import prepare_bulletin
    from ipdesk.stats.models import Target
    from ipdesk.regions.models import Region
    for i in range(3):
        PatentFactory(grant_date=dt.date(2022, 3 + i, 10))
        PatentFactory(region="370481", grant_date=dt.date(2021, 5 + i, 1))
    city = Region.objects.get(code="370400")
    Target.objects.create(region=city, year=2022, indicator="invention_grants", value=10)
    prepare_bulletin(city, 2022, 6, users["city"])
    return users


def stats_pages():
    """Every GET page of stats (its record pages filled with a real key) and the other modules' figure pages."""
    pages = []
    for template, callback, name in walk():
        if not template.startswith("stats/"):
            continue
        model = getattr(view_class(callback), "model", None)
        obj = model.objects.order_by("pk").first() if model is not None else None
        path = example(template, pk=obj.pk if obj else 1, fmt="xlsx")
        if path is not None:
            pages.append(path)
    return pages + FIGURE_PAGES


def test_an_out_of_range_dashboard_date_is_explained_not_a_server_error(clients):
    r = clients["city"].get("/stats/", {"as_of": "0001-01-01"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "日期超出支持范围" in body and "1985-04-01" in body
    assert r.context["as_of"].year >= 1985  # fell back to the default date


@pytest.mark.parametrize("path,name", [("/stats/indicators/", "as_of"), ("/stats/indicators/", "from"),
                                       ("/stats/records/", "from"), ("/stats/records/", "to")])
def test_out_of_range_dates_are_refused_with_a_message(clients, path, name):
    r = clients["city"].get(path, {**DRILL, name: "0001-01-01"})
    assert r.status_code in (200, 400) and "日期超出支持范围" in r.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=366 * 11)).isoformat()
    r = clients["city"].get(path, {**DRILL, name: future})
    assert r.status_code in (200, 400) and "日期超出支持范围" in r.content.decode()


def test_a_huge_records_page_answers_the_last_page(figures_data, clients):
    r = clients["city"].get("/stats/records/", {**DRILL, "page": "999999999999999"})
    assert r.status_code == 200
    assert r.context["page"] == r.context["pages"] == 1 and len(r.context["rows"]) == 3
    r = clients["city"].get("/stats/records/", {**DRILL, "page": "-1"})
    assert r.status_code == 200 and len(r.context["rows"]) == 3


def test_a_huge_page_of_any_list_is_the_last_page_or_404(figures_data, clients):
    """The shared paginator (core.pagination) never hands the database an OFFSET it cannot hold."""
    from ipdesk.core.pagination import DeferredJoinPaginator
    from ipdesk.registry.models import Patent
    paginator = DeferredJoinPaginator(Patent.objects.order_by("pk"), 2)
    assert paginator.get_page("999999999999999").number == paginator.num_pages
    assert paginator.get_page(-1).number == paginator.num_pages
    r = clients["city"].get("/api/patents/", {"page": "999999999999999"})
    assert r.status_code == 404
    r = clients["city"].get("/stats/targets/", {"page": "99999999999999999999"})
    assert r.status_code == 200 and r.context["table"].page.number == 1


@pytest.mark.parametrize("per_page", ["-1", "0", "999999999999999"])
def test_a_list_page_size_is_held_between_one_and_the_maximum(figures_data, clients, per_page):
    from ipdesk.core.pagination import MAX_PER_PAGE
    r = clients["city"].get("/stats/targets/", {"per_page": per_page})
    assert r.status_code == 200
    assert 1 <= r.context["table"].paginator.per_page <= MAX_PER_PAGE


@pytest.mark.parametrize("path", FIGURE_PAGES[0::2])  # finance and protection read ?year=
@pytest.mark.parametrize("year", ["0", "99999999999"])
def test_a_year_out_of_range_on_a_figure_page_is_explained(clients, path, year):
    r = clients["city"].get(path, {"year": year})
    assert r.status_code == 200
    assert any("1985" in str(m) for m in r.context["messages"]), [str(m) for m in r.context["messages"]]


def test_no_figure_page_answers_a_server_error_to_odd_parameters(figures_data, clients):
    client = clients["city"]
    client.raise_request_exception = False
    pages = stats_pages()
    assert "/stats/records/" in pages and "/finance/figures/" in pages and len(pages) > 10  # the URLconf was walked
    problems = []
    for path in pages:
        base = DRILL if path == "/stats/records/" else {}
        for name, value in ODD:
            query = {**base, name: value}
            r = client.get(path, query)
            if r.status_code >= 500:
                problems.append(f"{path}?{name}={value}: HTTP {r.status_code}")
    assert not problems, "\n".join(problems)
