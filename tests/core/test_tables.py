"""Table cells at the cost of the value they show (core.columns, core.templatetags.ipdesk.table_rows):
the same HTML as django-tables2's own templates, without a template per date cell or per row cell."""
import datetime as dt
import re

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation
from django_tables2 import utils as tables_utils

from ipdesk.core import columns
from ipdesk.core.models import AuditEntry
from ipdesk.core.tables import AuditTable
from ipdesk.registry.models import Patent
from ipdesk.registry.rules import _app_check
from ipdesk.registry.tables import PatentTable

pytestmark = pytest.mark.django_db


def _patents(regions, n=3):
    rows = []
    for i in range(n):
        body = f"2021{1 + i % 3}{i:07d}"
        rows.append(Patent.objects.create(
            application_no=f"{body}.{_app_check(body)}", patent_type=["invention", "utility", "design"][i % 3],
            title=f"一种<b>电池</b>装置{i}", holder_name="甲&乙", region=regions["370403"],
            filing_date=dt.date(2021, 3, 1 + i), grant_date=dt.date(2022, 5, 9) if i else None,
            legal_status="valid"))
    return Patent.objects.select_related("region", "holder").order_by("pk")


def _tbody(table, template_name):
    request = RequestFactory().get("/")
    html = Template("{% load django_tables2 %}{% render_table table template %}").render(
        Context({"table": table, "template": template_name, "request": request}))
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body)).strip()


def test_model_date_fields_get_the_plain_date_columns():
    table = PatentTable(Patent.objects.none())
    assert type(table.columns["filing_date"].column) is columns.DateColumn
    assert type(AuditTable(AuditEntry.objects.none()).columns["timestamp"].column) is columns.DateTimeColumn


def test_date_cells_read_as_the_date_filter_would(regions):
    patents = _patents(regions)
    with translation.override("zh-hans"):
        table = PatentTable(patents)
        cell = list(table.rows)[1].get_cell("filing_date")
        expected = Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": dt.date(2021, 3, 2)}))
        assert cell == expected and "2021" in cell
        # an empty date shows the column's default, an export shows ISO dates
        assert list(table.rows)[0].get_cell("grant_date") == table.columns["grant_date"].default
        assert list(table.rows)[1].get_cell_value("grant_date") == "2022-05-09"


def test_moments_are_shown_in_local_time():
    moment = dt.datetime(2026, 1, 1, 20, 30, tzinfo=dt.UTC)   # 04:30 on 2 January in Asia/Shanghai
    column = columns.DateTimeColumn(format="Y-m-d H:i")
    with timezone.override("Asia/Shanghai"):
        assert column.render(moment) == "2026-01-02 04:30"
    assert column.value(moment) == "2026-01-01 20:30:00+00:00"


def test_rows_render_as_the_bootstrap_template_renders_them(regions):
    """The one-tag rows (core/table.html) against django-tables2's own template, cell by cell:
    links, choices, escaping, dates, empty cells, per-row td attributes and localisation."""
    class Rich(tables.Table):
        application_no = tables.Column(linkify=True)
        title = tables.Column(attrs={"td": {"class": "title", "data-pk": lambda record: record.pk}})
        holder_name = tables.Column(localize=False)

        class Meta:
            model = Patent
            fields = ("application_no", "patent_type", "title", "holder_name", "filing_date", "grant_date",
                      "legal_status")
            row_attrs = {"data-status": lambda record: record.legal_status}

    patents = _patents(regions)
    for table_class in (Rich, PatentTable):
        ours, theirs = _tbody(table_class(patents), "core/table.html"), \
            _tbody(table_class(patents), "django_tables2/bootstrap5.html")
        assert ours == theirs
        assert "&lt;b&gt;电池&lt;/b&gt;" in ours and "甲&amp;乙" in ours
    assert 'data-pk="%d"' % patents[0].pk in _tbody(Rich(patents), "core/table.html")
    empty = _tbody(PatentTable(Patent.objects.none()), "core/table.html")
    assert empty == _tbody(PatentTable(Patent.objects.none()), "django_tables2/bootstrap5.html")


def _count_signature_reads(monkeypatch):
    """The functions whose signature django-tables2 reads from now on (none remembered yet), in order."""
    calls = []
    real = tables_utils.signature

    def counting(fn):
        calls.append(getattr(fn, "__func__", fn))
        return real(fn)

    monkeypatch.setattr(tables_utils, "signature", counting)
    monkeypatch.setattr(columns, "_signatures", {})
    return calls


def test_a_render_method_signature_is_read_once_per_function(monkeypatch, regions):
    """Rendering and exporting read each render/value method's arguments once, not once per cell."""
    calls = _count_signature_reads(monkeypatch)

    class Titles(tables.Column):
        def render(self, value, record):
            return f"{value}·{record.pk}"

    class Listed(columns.BaseTable):
        title = Titles()
        holder_name = tables.Column()

        class Meta:
            model = Patent
            fields = ("application_no", "title", "holder_name", "filing_date")

        def render_application_no(self, value):
            return value

    patents = _patents(regions, n=4)
    for _ in range(2):
        _tbody(Listed(patents), "core/table.html")
        rows = list(Listed(patents).as_values())
    assert rows[1][1] == f"{patents[0].title}·{patents[0].pk}"
    assert len(calls) == len(set(calls)), "a signature was read twice"
    assert {Titles.render, Listed.render_application_no, tables.Column.render} <= set(calls)


def test_a_page_of_the_keyset_paginator_reads_each_signature_once(monkeypatch, regions):
    """The list pages paginate through core.pagination.DeferredJoinPaginator, which reads a page's rows by key
    and wraps them again: in the table's own `Rows`, so the signatures are still read once per function (plain
    django-tables2 rows read one per cell, a quarter of the patent list's time)."""
    from ipdesk.core.pagination import DeferredJoinPaginator
    calls = _count_signature_reads(monkeypatch)
    patents = _patents(regions, n=6)
    for page in (1, 2):
        table = PatentTable(patents.order_by("-filing_date", "application_no"))
        table.paginate(paginator_class=DeferredJoinPaginator, per_page=3, page=page)
        assert all(isinstance(row, columns.Row) for row in table.paginated_rows)
        assert "电池" in _tbody(table, "core/table.html")
    assert calls and len(calls) == len(set(calls)), "a signature was read twice"


def test_every_table_is_a_base_table():
    """Every table of the project gets the rows that read signatures once (core.columns.BaseTable)."""
    from importlib import import_module

    from django.apps import apps
    for config in apps.get_app_configs():
        if config.name.startswith("ipdesk."):
            for module in ("tables", "views", "sei_views"):
                try:
                    import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [t for t in subclasses(tables.Table) if t.__module__.startswith("ipdesk.")]
    assert len(ours) > 40
    assert [t.__qualname__ for t in ours if not issubclass(t, columns.BaseTable)] == []
