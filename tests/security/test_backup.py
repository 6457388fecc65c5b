"""`ipdesk backup` / `ipdesk restore`: a backup restored into an EMPTY database holds every record and
every audit entry (the hash chain still verifies), and the attachments; on SQLite and PostgreSQL."""
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from ipdesk.core import audit
from ipdesk.core.models import AuditEntry
from ipdesk.core.uploads import attach

PDF = b"%PDF-1.4\n% backup test\n%%EOF\n"
IPDESK = str(Path(sys.executable).with_name("ipdesk"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings, tmp_path):
    """A backup appends an audit checkpoint; each test keeps its own file (its database is rolled back)."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")


def read_backup(path):
    """Every member of a backup, by name (decrypted: the file on disk is encrypted)."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        plain = path.read_bytes()
    else:
        from ipdesk.core.management.commands.backup import decrypt_to
        out = io.BytesIO()
        decrypt_to(path, out)
        plain = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_backup(path, members, like):
    """A backup file holding `members`, sealed the way `like` was (a crafted or tampered backup)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    if zipfile.is_zipfile(like):
        Path(path).write_bytes(buffer.getvalue())
    else:
        from ipdesk.core.management.commands.backup import encrypt_to
        with open(path, "wb") as out:
            encrypt_to(io.BytesIO(buffer.getvalue()), out)


def rows_by_table(zip_path):
    """Every row of a backup, JSON normalised (PostgreSQL reorders jsonb keys), and the media files."""
    out = {}
    members = read_backup(zip_path)
    manifest = json.loads(members["manifest.json"])
    for name, data in members.items():
        if name.startswith("data/"):
            rows = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
            out[name] = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
        elif name.startswith("media/"):
            out[name] = data
    return manifest, out


def restore_env(tmp_path, url):
    """The environment of `ipdesk` run on the machine a backup is restored to: its own var directory, the
    same field-encryption key and the same audit key (both are kept apart from the backups)."""
    from ipdesk.core import audit
    return {**os.environ, "DATABASE_URL": url, "IPDESK_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "restored-media"), "SECRET_KEY": django_settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEY": django_settings.FIELD_ENCRYPTION_KEY,
            "AUDIT_KEY_FILE": str(getattr(audit, "key_file_path", lambda: "")()),
            "DJANGO_SETTINGS_MODULE": "ipdesk.settings"}


def fresh_database(tmp_path):
    """A DATABASE_URL for a brand-new empty database of the same vendor as the test database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    import psycopg
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    base = f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return f"{base}/{name}", drop


def run(args, env):
    result = subprocess.run([IPDESK, *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_backup_restores_every_record_and_audit_entry_into_an_empty_database(users, make_enterprise, media, tmp_path):
    ent = make_enterprise("备份测试企业有限公司", "370403")
    ent.name = "备份测试企业（改名）有限公司"
    ent.save()
    users["district"].phone = "13912345678"
    users["district"].save()
    att = attach(ent, SimpleUploadedFile("证明.pdf", PDF), users["city"])
    audit.record("action", ent, after={"note": "备份前的业务操作"})
    source = tmp_path / "source.zip"
    call_command("backup", output=str(source), stdout=io.StringIO())

    manifest, before = rows_by_table(source)
    assert manifest["counts"]["core.auditentry"] == AuditEntry.objects.count() > 10
    assert manifest["counts"]["registry.enterprise"] >= 2 and manifest["media_files"] == 1
    assert b"13912345678" not in source.read_bytes() and "13912345678" not in "".join(
        sum((v for k, v in before.items() if k.startswith("data/")), []))  # personal data stays encrypted

    url, drop = fresh_database(tmp_path)
    env = restore_env(tmp_path, url)
    try:
        out = run(["restore", str(source)], env)
        assert "audit chain verified" in out
        assert "audit chain OK: %d entries" % manifest["counts"]["core.auditentry"] in run(["audit", "verify"], env)
        again = tmp_path / "again.zip"
        run(["backup", "-o", str(again)], env)
        # restoring twice is refused: only into an empty database
        refused = subprocess.run([IPDESK, "restore", str(source)], env=env, capture_output=True, text=True, timeout=300)
        assert refused.returncode != 0 and "不是空库" in refused.stderr
    finally:
        if drop:
            drop()
    manifest2, after = rows_by_table(again)
    assert manifest2["counts"] == manifest["counts"]
    for name, rows in before.items():
        if name == "data/accounts.user.jsonl":  # encrypted phone: new ciphertext, same plain text
            continue
        assert after[name] == rows, name
    restored_file = tmp_path / "restored-media" / att.file.name
    assert restored_file.read_bytes() == PDF


def test_restore_refuses_a_database_that_is_not_empty(users, tmp_path, media):
    path = tmp_path / "b.zip"
    call_command("backup", output=str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", str(path), no_migrate=True, stdout=io.StringIO())


def test_restore_refuses_another_encryption_key(users, tmp_path, settings, media):
    path = tmp_path / "b.zip"
    call_command("backup", output=str(path), stdout=io.StringIO())
    from cryptography.fernet import Fernet
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="加密密钥"):
        call_command("restore", str(path), no_migrate=True, stdout=io.StringIO())


def test_restore_refuses_files_that_are_not_backups(tmp_path, db):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="zip"):
        call_command("restore", str(bad), no_migrate=True)
    with zipfile.ZipFile(tmp_path / "nomanifest.zip", "w") as zf:
        zf.writestr("data/x.jsonl", "")
    with pytest.raises(CommandError, match="未加密"):  # a plain zip is not what `ipdesk backup` writes
        call_command("restore", str(tmp_path / "nomanifest.zip"), no_migrate=True)
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(tmp_path / "nomanifest.zip"), no_migrate=True, allow_unencrypted=True)
    sealed = tmp_path / "sealed.bin"
    write_backup(sealed, {"data/x.jsonl": b""}, like=bad)
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(sealed), no_migrate=True)
    damaged = bytearray(sealed.read_bytes())
    damaged[-20] ^= 1  # one bit changed: authenticated encryption notices
    sealed.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="篡改或损坏"):
        call_command("restore", str(sealed), no_migrate=True)


@pytest.mark.parametrize("name", ["media/../../escaped.txt", "media//etc/escaped.txt", "media/a/../../escaped.txt"])
def test_media_paths_in_a_crafted_archive_cannot_escape(tmp_path, settings, name):
    from ipdesk.core.management.commands.restore import check_members
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(CommandError, match="路径不安全"):
        check_members([name], {"counts": {}})
    assert not (tmp_path / "escaped.txt").exists()


def test_backup_file_is_private_and_encrypted(users, tmp_path, media):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.create(user=users["city"], name="备份测试", confirmed=True)
    path = tmp_path / "b.zip"
    call_command("backup", output=str(path), stdout=io.StringIO())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = path.read_bytes()
    assert device.key.encode() not in raw
    plain_members = b""
    if zipfile.is_zipfile(path):  # what a plain zip would give away to whoever copies the file
        with zipfile.ZipFile(path) as zf:
            plain_members = b"".join(zf.read(n) for n in zf.namelist())
    assert device.key.encode() not in plain_members and not zipfile.is_zipfile(path)
    assert device.key.encode() in read_backup(path)["data/otp_totp.totpdevice.jsonl"]  # inside, for restore


def test_restore_with_an_unsafe_media_path_changes_nothing(users, tmp_path, media):
    source = tmp_path / "source.zip"
    call_command("backup", output=str(source), stdout=io.StringIO())
    members = read_backup(source)
    members["media/../../evil"] = b"evil"
    crafted = tmp_path / "crafted.zip"
    write_backup(crafted, members, like=source)
    url, drop = fresh_database(tmp_path)
    env = restore_env(tmp_path, url)
    try:
        result = subprocess.run([IPDESK, "restore", str(crafted)], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode != 0 and "media/../../evil" in result.stderr, result.stdout + result.stderr
        counts = subprocess.run([IPDESK, "shell", "-c", COUNT], env=env, capture_output=True, text=True, timeout=300)
        assert counts.stdout.split()[-2:] == ["0", "0"], counts.stdout + counts.stderr  # no row was committed
    finally:
        if drop:
            drop()
    restored = tmp_path / "restored-media"
    assert not (restored / ".." / ".." / "evil").resolve().exists() and not (tmp_path / "evil").exists()
    assert not restored.exists() or not any(p.is_file() for p in restored.rglob("*"))


# Users and audit entries in the database `ipdesk shell` opens ("0 0" also when it was never migrated).
COUNT = """
from django.db import connection
from ipdesk.accounts.models import User
from ipdesk.core.models import AuditEntry
tables = connection.introspection.table_names()
print(User._base_manager.count() if User._meta.db_table in tables else 0,
      AuditEntry.objects.count() if AuditEntry._meta.db_table in tables else 0)
"""
