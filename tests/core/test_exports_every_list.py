"""Every list page that offers ?export=xlsx|csv answers with a file for a city officer.

The export of a column that reaches a related record (a commissioner, a handler) once answered 500
("Cannot convert <User …> to Excel"); core.exports turns any value that is not a number, a date or
text into its text, so the test walks every ObjectListView with export columns, not a chosen few."""
import datetime
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from ipdesk.core.exports import neutralize
from ipdesk.core.views import ObjectListView


def _export_lists(resolver=None, prefix=""):
    """(path, view class) of every URL without arguments served by an ObjectListView that exports."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _export_lists(entry, route)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "view_class", None)
            if cls and issubclass(cls, ObjectListView) and cls.export_columns and "<" not in route:
                yield "/" + route.lstrip("^").rstrip("$"), cls


@pytest.fixture
def rows(users, regions, make_enterprise):
    """A row in the lists whose columns reach related records: an assignment and an assistance case."""
    from ipdesk.protection import actions
    from ipdesk.protection.models import AssistanceCase
    from ipdesk.services.models import CommissionerAssignment
    ent = users["enterprise"].enterprise
    CommissionerAssignment.objects.create(enterprise=ent, commissioner=users["commissioner"],
                                          previous=users["district"], assigned_by=users["city"], reason="=调整")
    case = AssistanceCase.objects.create(title="商标被抢注维权", source="outreach", right_type="trademark",
                                         enterprise=ent, region=ent.region, received_on=datetime.date(2024, 5, 6),
                                         handler=users["district"])
    actions.register(case, users["district"])


def test_there_are_export_lists():
    paths = {path for path, _ in _export_lists()}
    assert "/services/assignments/" in paths and "/protection/assistance/" in paths, paths
    assert len(paths) >= 20, paths


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_export_list_answers_a_file(client_for, users, rows, fmt):
    client = client_for(users["city"])
    failed = []
    for path, cls in _export_lists():
        response = client.get(path, {"export": fmt})
        if response.status_code != 200:
            failed.append((path, cls.__name__, response.status_code))
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(body), read_only=True).active
            header = next(sheet.iter_rows(values_only=True))
            assert list(header) == [c.header for c in cls.export_columns], path
        else:
            assert body.decode("utf-8-sig").splitlines()[0].split(",")[0] == cls.export_columns[0].header, path
    assert not failed, failed


def _first_exported_row(client, path):
    """The first data row of a list's XLSX export, by header."""
    response = client.get(path, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    return dict(zip(header, first))


def test_assignment_export_shows_people_as_text(client_for, users, rows):
    record = _first_exported_row(client_for(users["city"]), "/services/assignments/")
    assert record["服务专员"] == str(users["commissioner"])
    assert record["原服务专员"] == str(users["district"])
    assert isinstance(record["开始时间"], datetime.datetime)  # dates stay dates
    assert record["原因"] == "'=调整"  # a formula-looking text stays neutralised


def test_assistance_export_shows_handler_as_text(client_for, users, rows):
    record = _first_exported_row(client_for(users["city"]), "/protection/assistance/")
    assert record["承办人"] == str(users["district"])
    assert record["受理日期"] == datetime.datetime(2024, 5, 6)  # a date cell, read back as midnight


def test_neutralize_keeps_scalars_and_texts_the_rest(users):
    from decimal import Decimal
    assert neutralize(3) == 3 and neutralize(2.5) == 2.5 and neutralize(Decimal("1.20")) == Decimal("1.20")
    assert neutralize(datetime.date(2024, 1, 2)) == datetime.date(2024, 1, 2)
    assert neutralize(users["city"]) == str(users["city"])
    assert neutralize(users["lawyer"].__class__.objects.filter(username__in=["city", "lawyer"]).order_by("username")) \
        == f"{users['city']}；{users['lawyer']}"
    assert neutralize(object.__new__(type("Odd", (), {"__str__": lambda self: "=cmd"}))) == "'=cmd"
