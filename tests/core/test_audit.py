"""Audit: every change with who/when/request id/before/after; logins and exports; append-only; tamper-evident."""
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from ipdesk.core import audit, context
from ipdesk.core.models import AuditEntry
from ipdesk.regions.models import Population


def entries_for(obj):
    return list(audit.history(obj).order_by("id"))


def test_create_update_delete_are_recorded_with_before_and_after(users, regions):
    with context.acting_as(users["city"], request_id="req-123"):
        row = Population.objects.create(region=regions["370403"], year=2022, population=500000)
        row.population = 510000
        row.save()
        pk = row.pk
        row.delete()
    created, updated, deleted = AuditEntry.objects.filter(object_type="regions.population", object_id=str(pk)).order_by("id")
    assert created.action == "create" and created.after["population"] == 500000 and created.before is None
    assert updated.action == "update"
    assert updated.before == {"population": 500000} and updated.after == {"population": 510000}
    assert deleted.action == "delete" and deleted.before["population"] == 510000 and deleted.after is None
    assert {e.username for e in (created, updated, deleted)} == {"city"}
    assert {e.request_id for e in (created, updated, deleted)} == {"req-123"}


def test_a_save_that_changes_nothing_writes_nothing(regions):
    row = Population.objects.create(region=regions["370403"], year=2022, population=1)
    before = AuditEntry.objects.count()
    row.save()
    assert AuditEntry.objects.count() == before


def test_web_edit_names_the_user_and_request_id(users, clients, regions):
    response = clients["city"].post("/regions/populations/add/", {"region": regions["370403"].pk, "year": 2023,
                                                                 "population": 400000, "source": "年鉴"},
                                    HTTP_X_REQUEST_ID="web-req-1")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="regions.population", action="create").latest("id")
    assert entry.username == "city" and entry.request_id == "web-req-1"


@pytest.mark.parametrize("sent", ["x" * 10240, "<script>alert(1)</script>", "req\nforged: 1", "", "a b"])
def test_an_unsafe_request_id_from_the_client_is_replaced_by_a_fresh_one(users, clients, regions, sent):
    response = clients["city"].post("/regions/populations/add/", {"region": regions["370403"].pk, "year": 2023,
                                                                 "population": 400000, "source": "年鉴"},
                                    HTTP_X_REQUEST_ID=sent)
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="regions.population", action="create").latest("id")
    assert entry.request_id == response["X-Request-ID"]
    assert uuid.UUID(entry.request_id).version == 4 and sent[:64] != entry.request_id


def test_api_writes_with_a_token_name_the_token_user(users, regions):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient
    token = Token.objects.create(user=users["city"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/populations/", {"region": regions["370404"].pk, "year": 2023, "population": 1000},
                        format="json")
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.filter(object_type="regions.population", action="create").latest("id")
    assert entry.username == "city"


def test_record_page_shows_its_history(users, clients, regions):
    with context.acting_as(users["city"]):
        row = Population.objects.create(region=regions["370403"], year=2021, population=499000)
        row.population = 499500
        row.save()
    page = clients["city"].get(f"/regions/populations/{row.pk}/").content.decode()
    assert "变更记录" in page and "499000" in page and "499500" in page


def test_logins_and_failed_logins_are_recorded(users, client):
    from tests.conftest import PASSWORD
    client.post("/accounts/login/", {"username": "district", "password": "wrong"})
    client.post("/accounts/login/", {"username": "district", "password": PASSWORD})
    actions = list(AuditEntry.objects.filter(object_repr="district").values_list("action", flat=True))
    assert "login_failed" in actions and "login" in actions


def test_exports_are_recorded(users, clients):
    clients["city"].get("/regions/populations/?export=csv")
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.username == "city" and entry.object_type == "regions.population"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(regions):
    entry = AuditEntry.objects.latest("id")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_database_triggers_refuse_update_and_delete(regions):
    from ipdesk.core.migrations import _0002 as triggers
    triggers.install(connection)  # the test database runs without them; install here (rolled back after)
    pk = AuditEntry.objects.latest("id").pk
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET username = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [pk])
    triggers.uninstall(connection)


def test_audit_admin_and_api_offer_no_writes(users, clients):
    entry = AuditEntry.objects.latest("id") if AuditEntry.objects.exists() else audit.record("action", object_repr="x")
    api = clients["city"]
    assert api.delete(f"/api/audit/{entry.pk}/").status_code in (403, 405)
    assert api.patch(f"/api/audit/{entry.pk}/", {"username": "x"}, content_type="application/json").status_code in (403, 405)
    assert AuditEntry.objects.get(pk=entry.pk).username == entry.username
    assert clients["district"].get("/api/audit/").status_code == 403
    assert clients["district"].get("/audit/").status_code == 404


def test_verify_finds_a_change_made_directly_in_the_database(regions, capsys):
    call_command("audit", "verify")
    assert "audit chain OK" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("id")[3]
    with connection.cursor() as cursor:  # what an intruder with database access would do
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET after = %s WHERE id = %s", ['{"population": 1}', victim.pk])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")


def test_verify_finds_a_removed_entry(regions):
    victim = AuditEntry.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [victim.pk])
    checked, problems = audit.verify()
    assert any("link broken" in p for p in problems)


def test_verify_finds_entries_removed_from_the_end(regions):
    last = AuditEntry.objects.latest("id")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])
    checked, problems = audit.verify()
    assert any("head" in p for p in problems)


def test_chain_links_every_entry_to_the_previous(regions):
    rows = list(AuditEntry.objects.order_by("id"))
    assert len(rows) > 5
    assert rows[0].prev_hash == audit.GENESIS
    for prev, entry in zip(rows, rows[1:]):
        assert entry.prev_hash == prev.hash and audit.entry_hash(entry) == entry.hash
