"""`ipdesk backup` / `ipdesk restore`: a backup restored into an EMPTY database holds every record and
every audit entry (the hash chain still verifies), and the attachments; on SQLite and PostgreSQL."""
import io
import json
import os
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


def rows_by_table(zip_path):
    """Every row of a backup, JSON normalised (PostgreSQL reorders jsonb keys), and the media files."""
    out = {}
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for name in zf.namelist():
            if name.startswith("data/"):
                rows = [json.loads(line) for line in zf.read(name).decode().splitlines() if line.strip()]
                out[name] = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
            elif name.startswith("media/"):
                out[name] = zf.read(name)
    return manifest, out


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
    env = {**os.environ, "DATABASE_URL": url, "IPDESK_VAR_DIR": str(tmp_path / "var"),
           "MEDIA_ROOT": str(tmp_path / "restored-media"), "SECRET_KEY": django_settings.SECRET_KEY,
           "FIELD_ENCRYPTION_KEY": django_settings.FIELD_ENCRYPTION_KEY, "DJANGO_SETTINGS_MODULE": "ipdesk.settings"}
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
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(tmp_path / "nomanifest.zip"), no_migrate=True)


def test_media_paths_in_a_crafted_archive_cannot_escape(tmp_path, settings):
    from ipdesk.core.management.commands.restore import Command
    settings.MEDIA_ROOT = tmp_path / "media"
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(crafted, "w") as zf:
        zf.writestr("media/../../escaped.txt", "x")
    with zipfile.ZipFile(crafted) as zf, pytest.raises(CommandError, match="路径不安全"):
        Command()._extract_media(zf)
    assert not (tmp_path / "escaped.txt").exists()
