"""Pagination of large lists: one page costs the same on page 1 and page 20 of a million rows.

A page of an ordered queryset is read in two steps (a "deferred join"): the keys of the page first,
which the database answers from an index alone when a covering index matches the order and the
filters (registry.Patent has one for its list order), then the rows of those keys. Read in one
step, the database fetches and filters every row before the page from the table itself.

Used by every list page (through django-tables2) and every API list (through DRF).
"""
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRows
from rest_framework.pagination import PageNumberPagination


def rows_by_key(queryset, keys):
    """The rows of `queryset` with these primary keys, in the order of `keys` (the second step of a
    deferred join: the keys were read in the queryset's order, from an index where one matches)."""
    if not keys:
        return []
    by_key = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=keys)}
    return [by_key[k] for k in keys if k in by_key]


# The most rows one page may hold: django-tables2 takes ?per_page= from the request, and a page of
# every row is an export (core.exports, audited), not a page.
MAX_PER_PAGE = 1000


class DeferredJoinPaginator(Paginator):
    """A Paginator over a QuerySet (or a django-tables2 table over one) that pages keys first."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        # ?per_page=-1 or 0 would make every page number "less than 1" (a server error in the table's
        # fallback to the last page), ?per_page=10**15 one page of the whole table
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)

    def page(self, number):
        qs, wrap = self._source()
        if qs is None or not qs.ordered:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(qs.values_list("pk", flat=True)[bottom:top])
        return self._get_page(wrap(rows_by_key(qs, keys)), number, self)

    def _source(self):
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows, list
        # django-tables2 keeps pinned rows as {"top": …, "bottom": …}: pages are keys only when both are empty
        pinned = rows.pinned_data if isinstance(rows, BoundRows) else None
        if isinstance(pinned, dict):
            pinned = any(pinned.values())
        if isinstance(rows, BoundRows) and isinstance(rows.data, TableQuerysetData) and not pinned:
            # the table's own rows class (core.columns.Rows for a BaseTable: render signatures read once per
            # function, not once per cell — a quarter of a patent list page's time when plain BoundRows were made)
            return rows.data.data, lambda objs: type(rows)(data=objs, table=rows.table)
        return None, None


class ApiPagination(PageNumberPagination):
    """DRF's page-number pagination, reading each page through DeferredJoinPaginator."""
    django_paginator_class = DeferredJoinPaginator
