"""Pages read keys first (core.pagination): the same rows, in the same order, as a plain Paginator."""
import datetime as dt

import pytest
from django.core.paginator import Paginator

from ipdesk.core.pagination import DeferredJoinPaginator
from ipdesk.registry.models import Patent
from ipdesk.registry.rules import _app_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def patents(regions):
    rows = []
    for i in range(52):
        body = f"2020{1 + i % 3}{i:07d}"
        # equal filing dates on purpose: the second ordering key decides
        rows.append(Patent(application_no=f"{body}.{_app_check(body)}", patent_type="invention", title=f"专利{i}",
                           holder_name="甲", region=regions["370403" if i % 2 else "370481"],
                           filing_date=dt.date(2020, 1 + i % 4, 1)))
    Patent.objects.bulk_create(rows)


def test_every_page_matches_the_plain_paginator(patents):
    qs = Patent.objects.filter(patent_type="invention").select_related("region")
    plain, deferred = Paginator(qs, 5, orphans=2), DeferredJoinPaginator(qs, 5, orphans=2)
    assert deferred.count == plain.count == 52 and deferred.num_pages == plain.num_pages == 10
    seen = []
    for n in plain.page_range:
        a, b = list(plain.page(n)), list(deferred.page(n))
        assert [p.pk for p in b] == [p.pk for p in a]
        assert deferred.page(n).has_next() == plain.page(n).has_next()
        seen += [p.pk for p in b]
    assert len(seen) == len(set(seen)) == 52


def test_list_page_counts_once_and_shows_the_same_rows(clients, patents):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as ctx:
        r = clients["city"].get("/registry/patents/?patent_type=invention&page=2")
    assert r.status_code == 200 and r.context["total"] == 52
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "registry_patent" in q["sql"]]
    assert len(counts) == 1, counts
    # the page's keys are read first, and the rows are then fetched by key, not by OFFSET
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "registry_patent"."id"')]
    # the 操作 column reads once which of the page's rows the user may change (ids only, by key)
    scope = [q for q in reads if " IN (" in q and q.split("FROM")[0].count(",") == 0 and "OFFSET" not in q]
    assert len(scope) == 1, scope
    reads = [q for q in reads if q not in scope]
    assert len(reads) == 2 and "OFFSET 25" in reads[0] and "FROM" in reads[0], reads
    assert reads[0].split("FROM")[0].count(",") == 0 and "OFFSET" not in reads[1] and " IN (" in reads[1]
    shown = [row.record.pk for row in r.context["table"].page.object_list]
    expected = list(Patent.objects.filter(patent_type="invention").values_list("pk", flat=True)[25:50])
    assert shown == expected and len(shown) == 25
    r = clients["city"].get("/registry/patents/?patent_type=invention")
    assert [row.record.pk for row in r.context["table"].page.object_list] == \
        list(Patent.objects.filter(patent_type="invention").values_list("pk", flat=True)[:25])


def test_district_list_and_api_pages_stay_in_scope(clients, patents):
    own = set(Patent.objects.filter(region__code="370403").values_list("pk", flat=True))
    shown = []
    for page in (1, 2):
        r = clients["district"].get(f"/registry/patents/?page={page}")
        assert r.context["total"] == len(own) == 26
        shown += [row.record.pk for row in r.context["table"].page.object_list]
    assert len(shown) == 26 and set(shown) == own
    api = clients["district"].get("/api/patents/?page=1").json()
    assert api["count"] == len(own) and {p["id"] for p in api["results"]} == own
