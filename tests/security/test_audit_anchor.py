"""The audit chain is anchored outside the database (a keyed hash and signed checkpoints), so someone
with database access alone cannot cut off its tail or rewrite an entry and recompute the chain:
`ipdesk audit verify` and `ipdesk restore` both notice."""
import hashlib
import hmac
import io
import json
import os
import stat
import subprocess
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ipdesk.core import audit
from ipdesk.core.models import AuditChainHead, AuditEntry, canonical_json
from tests.security.test_backup import COUNT, IPDESK, fresh_database, read_backup, restore_env, write_backup

TABLE = AuditEntry._meta.db_table


@pytest.fixture(autouse=True)
def checkpoints(settings, tmp_path):
    """Each test keeps its own checkpoint file (the database is rolled back after it, the file is not)."""
    path = tmp_path / "audit-checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(path)
    return path


def some_history(users, make_enterprise, n=4):
    for i in range(n):
        ent = make_enterprise(f"审计锚定测试企业{i}有限公司")
        ent.name = f"审计锚定测试企业{i}（改名）有限公司"
        ent.save()


def execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def plain_sha256(prev, payload):
    """How the chain was computed before it was keyed: anyone with the database could redo it."""
    return hashlib.sha256((prev + canonical_json(payload)).encode()).hexdigest()


def test_a_normal_life_cycle_verifies(users, make_enterprise, checkpoints, capsys):
    some_history(users, make_enterprise)
    call_command("audit", "checkpoint", stdout=io.StringIO())
    some_history(users, make_enterprise, 2)  # more entries after the checkpoint are fine
    call_command("audit", "verify")
    assert "audit chain OK" in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(checkpoints).st_mode) == 0o600
    line = json.loads(checkpoints.read_text().splitlines()[-1])
    assert line["head"] and line["entries"] > 10 and line["sig"]
    assert AuditEntry.objects.latest("id").hash_scheme == "hmac-sha256"


def test_cutting_off_the_tail_and_moving_the_head_is_detected(users, make_enterprise, capsys):
    some_history(users, make_enterprise)
    call_command("audit", "checkpoint", stdout=io.StringIO())
    rows = list(AuditEntry.objects.order_by("id"))
    keep = rows[-4]  # an intruder removes the last 3 entries and makes the stored head agree
    execute(f"DELETE FROM {TABLE} WHERE id > %s", [keep.pk])
    execute(f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s", [keep.hash])
    checked, problems = audit.verify()
    assert checked == len(rows) - 3
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert "checkpoint" in err and str(len(rows)) in err  # says which checkpoint no longer holds


@pytest.mark.parametrize("how", ["plain-sha256", "downgrade", "wrong-key"])
def test_rewriting_an_entry_and_recomputing_the_chain_is_detected(users, make_enterprise, how, capsys):
    some_history(users, make_enterprise)
    call_command("audit", "checkpoint", stdout=io.StringIO())
    rows = list(AuditEntry.objects.order_by("id"))
    victim = rows[-5]
    victim.after = {"name": "篡改后的名称"}
    prev = victim.prev_hash
    for entry in rows[rows.index(victim):]:  # recompute every later hash, as an intruder would
        payload = entry.payload()
        if how == "wrong-key":
            new = hmac.new(b"k" * 32, (prev + canonical_json(payload)).encode(), hashlib.sha256).hexdigest()
        else:
            new = plain_sha256(prev, payload)
        execute(f"UPDATE {TABLE} SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(entry.after, ensure_ascii=False), prev, new, entry.pk])
        if how == "downgrade":
            execute(f"UPDATE {TABLE} SET hash_scheme = 'sha256', key_id = '' WHERE id = %s", [entry.pk])
        prev = new
    execute(f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s", [prev])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")
    assert f"entry {victim.pk}" in capsys.readouterr().err  # says where the chain breaks


def test_a_checkpoint_edited_in_the_file_is_reported(users, make_enterprise, checkpoints):
    some_history(users, make_enterprise)
    call_command("audit", "checkpoint", stdout=io.StringIO())
    record = json.loads(checkpoints.read_text())
    record["entries"] -= 1
    checkpoints.write_text(json.dumps(record) + "\n")
    checked, problems = audit.verify()
    assert any("signature" in p for p in problems)


@pytest.mark.parametrize("how", ["rewrite", "truncate"])
def test_restore_refuses_a_backup_whose_audit_log_was_tampered_with(users, make_enterprise, tmp_path, how):
    some_history(users, make_enterprise)
    source = tmp_path / "source.zip"
    call_command("backup", output=str(source), stdout=io.StringIO())
    members = read_backup(source)
    rows = [json.loads(line) for line in members["data/core.auditentry.jsonl"].decode().splitlines()]
    victim = len(rows) - 4
    if how == "truncate":  # cut off the last entries and make the stored head and the manifest agree
        rows = rows[:victim]
        prev = rows[-1]["fields"]["hash"]
    else:  # rewrite one entry and recompute every later hash the way the unkeyed chain was computed
        rows[victim]["fields"]["after"] = {"name": "篡改后的名称"}
        prev = rows[victim]["fields"]["prev_hash"]
        for row in rows[victim:]:
            f = row["fields"]
            payload = {"timestamp": f["timestamp"], "user_id": f["user_id_value"], "username": f["username"],
                       "request_id": f["request_id"], "ip": f["ip"], "action": f["action"],
                       "object_type": f["object_type"], "object_id": f["object_id"],
                       "object_repr": f["object_repr"], "before": f["before"], "after": f["after"]}
            f["prev_hash"], f["hash"] = prev, plain_sha256(prev, payload)
            f["hash_scheme"], f["key_id"] = "sha256", ""
            prev = f["hash"]
    members["data/core.auditentry.jsonl"] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    head = json.loads(members["data/core.auditchainhead.jsonl"])
    head["fields"]["last_hash"] = prev
    members["data/core.auditchainhead.jsonl"] = json.dumps(head).encode() + b"\n"
    manifest = json.loads(members["manifest.json"])
    manifest["audit"]["head"] = manifest["audit"]["last_hash"] = prev
    manifest["audit"]["entries"] = manifest["counts"]["core.auditentry"] = len(rows)
    members["manifest.json"] = json.dumps(manifest).encode()
    tampered = tmp_path / "tampered.zip"
    write_backup(tampered, members, like=source)

    url, drop = fresh_database(tmp_path)
    env = restore_env(tmp_path, url)
    try:
        result = subprocess.run([IPDESK, "restore", str(tampered)], env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode != 0, result.stdout
        assert "审计" in result.stderr and ("entry" in result.stderr or "checkpoint" in result.stderr), result.stderr
        counts = subprocess.run([IPDESK, "shell", "-c", COUNT], env=env, capture_output=True, text=True, timeout=300)
        assert counts.stdout.split()[-2:] == ["0", "0"], counts.stdout + counts.stderr  # nothing was committed
    finally:
        if drop:
            drop()



def test_entries_written_before_the_key_still_verify_and_new_ones_are_keyed(db):
    """An upgraded installation: its old entries carry plain SHA-256 (hash_scheme "sha256")."""
    from django.utils import timezone
    assert not AuditEntry.objects.exists()
    prev, old = audit.GENESIS, []
    for i in range(3):
        entry = AuditEntry(timestamp=timezone.now(), action="action", object_repr=f"升级前 {i}", after={"i": i},
                           prev_hash=prev, hash_scheme="sha256")
        entry.hash = plain_sha256(prev, entry.payload())
        prev = entry.hash
        old.append(entry)
    AuditEntry.objects.bulk_create(old)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": prev})
    new = audit.record("action", object_repr="升级后")
    assert new.hash_scheme == "hmac-sha256" and new.prev_hash == prev and new.key_id == audit.audit_key()[0]
    assert audit.verify() == (4, [])
