"""Personal data in clear: a patent attorney's phone stored and shown as typed, and a station's (masked)
phone copied in clear into the change history. The phone must be a token in the database, masked on every
page, export and API answer a role sees unless the role may reveal it (officers), and never in the audit log."""
import io
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from openpyxl import load_workbook

from ipdesk.core.exports import export_response, mask_phone
from ipdesk.core.fields import decrypt, is_encrypted

PHONE = "13912345678"
NEW_PHONE = "13787654321"
STATION_PHONE = "0632-8612345"


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def audit_text():
    """Every before/after of the audit log, as the database holds it."""
    return " ".join(f"{b} {a}" for b, a in raw("SELECT before, after FROM core_auditentry"))


@pytest.fixture
def agency(regions):
    from ipdesk.compliance.models import Agency
    from ipdesk.registry.rules import uscc_check_char
    body = "91370400MA3C00001"
    return Agency.objects.create(name="枣庄专利代理事务所", uscc=body + uscc_check_char(body), region=regions["370403"])


@pytest.fixture
def agent(agency):
    from ipdesk.compliance.models import Agent
    return Agent.objects.create(agency=agency, name="张代理", certificate_no="ZL001", phone=PHONE)


# ---- The attorney's phone ---------------------------------------------------------------------------
def test_attorney_phone_added_through_the_form_is_a_token_in_the_database(users, clients, agency):
    from ipdesk.compliance.models import Agent
    r = clients["city"].post("/compliance/agents/add/", {"agency": agency.pk, "name": "李代理", "certificate_no": "ZL2",
                                                          "phone": PHONE, "is_active": "on"})
    assert r.status_code == 302, r.content.decode()[:500]
    agent = Agent.objects.get(name="李代理")
    [(stored,)] = raw("SELECT phone FROM compliance_agent WHERE id = %s", [agent.pk])
    assert PHONE not in stored and is_encrypted(stored) and decrypt(stored) == PHONE
    assert agent.phone == PHONE  # plain in Python
    assert PHONE not in audit_text()  # nor copied in clear into the log on the way


def test_the_migration_encrypts_phones_stored_before(agent):
    raw("UPDATE compliance_agent SET phone = %s WHERE id = %s", [PHONE, agent.pk])  # a row from before the switch
    migration = import_module("ipdesk.compliance.migrations.0002_encrypt_agent_phone")
    migration.encrypt_existing(None, SimpleNamespace(connection=connection))
    [(stored,)] = raw("SELECT phone FROM compliance_agent WHERE id = %s", [agent.pk])
    assert is_encrypted(stored) and decrypt(stored) == PHONE
    migration.encrypt_existing(None, SimpleNamespace(connection=connection))  # idempotent: no token of a token
    assert raw("SELECT phone FROM compliance_agent WHERE id = %s", [agent.pk])[0][0] == stored


@pytest.mark.parametrize("path", ["/compliance/agents/", "detail"])
def test_attorney_phone_is_masked_on_pages_to_a_role_that_may_not_reveal_it(users, clients, agent, path):
    path = agent.get_absolute_url() if path == "detail" else path
    body = clients["leader"].get(path).content.decode()
    assert "张代理" in body and mask_phone(PHONE) in body and PHONE not in body


def test_officers_see_the_attorney_phone_in_the_list(users, clients, agent):
    assert PHONE in clients["district"].get("/compliance/agents/").content.decode()


def test_attorney_export_masks_the_phone_unless_the_role_may_reveal_it(users, clients, agent):
    """The attorney list's XLSX export, downloaded as each role would."""
    def cells(role):
        response = clients[role].get("/compliance/agents/?export=xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                          else response.content)).active
        return [str(c.value) for row in sheet.iter_rows() for c in row]
    assert mask_phone(PHONE) in cells("leader") and PHONE not in cells("leader")
    assert PHONE in cells("city")


def test_officers_see_the_attorney_phone_in_full_on_its_page(clients, agent):
    assert PHONE in clients["city"].get(f"/compliance/agents/{agent.pk}/").content.decode()
    body = clients["leader"].get(f"/compliance/agents/{agent.pk}/").content.decode()
    assert PHONE not in body and mask_phone(PHONE) in body


def test_no_api_answer_carries_the_attorney_phone_in_clear(users, clients, agent):
    """Every API list (the audit log included, which city officers read) as the leader and the city officer."""
    from tests.security.urlwalk import example, walk
    agent.phone = NEW_PHONE
    agent.save()
    checked = 0
    for template, callback, name in walk():
        path = example(template)
        if path is None or not path.startswith("/api/") or "<" in template or path.startswith(("/api/schema",
                                                                                              "/api/docs")):
            continue
        for role in ("leader", "city"):
            r = clients[role].get(path)
            if r.status_code != 200:
                continue
            checked += 1
            body = r.content.decode()
            assert PHONE not in body and NEW_PHONE not in body, f"{path} answers the phone in clear to {role}"
    assert checked > 20
    audit = clients["city"].get("/api/audit/", {"object_type": "compliance.agent"}).json()
    assert audit["count"] >= 2  # the create and the change of the phone are both recorded …
    assert PHONE not in str(audit) and NEW_PHONE not in str(audit)  # … without the numbers


# ---- The change history --------------------------------------------------------------------------
@pytest.fixture
def station(regions):
    from ipdesk.protection.models import ServiceStation
    return ServiceStation.objects.create(kind="workstation", name="薛城区知识产权保护工作站", host="薛城区市场监管局",
                                         region=regions["370403"], contact_name="王站长", contact_phone=STATION_PHONE)


def test_a_station_phone_changed_through_the_ui_stays_out_of_the_history(users, clients, station):
    from ipdesk.core.models import AuditEntry
    r = clients["city"].post(f"/protection/stations/{station.pk}/edit/", {
        "kind": "workstation", "name": station.name, "host": station.host, "region": station.region_id,
        "contact_name": "王站长", "contact_phone": "0632-8698765", "is_active": "on", "_version": station.version})
    assert r.status_code == 302, r.content.decode()[:500]
    station.refresh_from_db()
    assert station.contact_phone == "0632-8698765"
    page = clients["city"].get(station.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="history"'):]
    assert "联系电话" in history  # the officer still learns that the phone changed (by the field's label) …
    for number in (STATION_PHONE, "0632-8698765"):  # … but neither the old nor the new number
        assert number not in history and number not in audit_text()
    update = AuditEntry.objects.filter(object_type="protection.servicestation", action="update").get()
    assert update.before == {"contact_phone": "***"} and update.after == {"contact_phone": "***"}


def test_a_station_phone_changed_through_the_api_stays_out_of_the_audit(users, clients, station):
    r = clients["city"].patch(f"/api/protection/stations/{station.pk}/",
                              {"contact_phone": "0632-8600000", "version": station.version},
                              content_type="application/json")
    assert r.status_code == 200, r.content
    r = clients["city"].get("/api/audit/", {"object_type": "protection.servicestation"})
    assert r.json()["count"] == 2
    assert STATION_PHONE not in r.content.decode() and "0632-8600000" not in r.content.decode()
    assert STATION_PHONE not in audit_text() and "0632-8600000" not in audit_text()


def test_any_encrypted_field_is_masked_in_the_audit_and_its_change_recorded(users):
    """The rule is the field's class, not a list per model: a user's phone (core.fields) and its change."""
    from ipdesk.core.models import AuditEntry
    from ipdesk.core.signals import personal_fields
    from ipdesk.accounts.models import User
    from ipdesk.compliance.models import Agent
    from ipdesk.registry.models import Contact
    assert {"phone"} <= personal_fields(Agent) and {"phone", "id_number"} <= personal_fields(Contact)
    assert "phone" in personal_fields(User)
    user = users["district"]
    user.phone = PHONE
    user.save()
    user.phone = NEW_PHONE
    user.save()
    changes = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), action="update")
    assert [e.after.get("phone") for e in changes.order_by("id")] == ["***", "***"]  # both changes recorded
    assert PHONE not in audit_text() and NEW_PHONE not in audit_text()
