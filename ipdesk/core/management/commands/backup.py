"""`ipdesk backup`: every record, the audit log verbatim and the attachments, in one portable zip.

The same file restores into SQLite or PostgreSQL (`ipdesk restore`). Inside the zip:
  manifest.json            format, time, database vendor, migrations applied, rows per model,
                           the audit chain head, and a fingerprint of the field-encryption key
  data/<app.model>.jsonl   one JSON object per row: {"pk": …, "fields": {…}} (Django's python
                           serializer: field values as stored, datetimes with full precision)
  media/<path>             every file under MEDIA_ROOT (attachments are stored by their SHA-256)

Personal data in encrypted fields (core.fields) stays encrypted in the file, so a backup leaks no
more than a database dump; restoring needs the same FIELD_ENCRYPTION_KEY / SECRET_KEY. Content
types and permissions are written by natural key, so ids may differ in the target database.
Sessions and API tokens are not backed up (people sign in again).
"""
import datetime
import decimal
import hashlib
import json
import os
import uuid
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ipdesk-backup/1"
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "authtoken.token",
            "authtoken.tokenproxy"}
CHUNK = 2000


def backed_up_models():
    """Concrete, managed models whose rows the backup carries, in a stable order."""
    result = []
    for model in apps.get_models(include_auto_created=False):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.label_lower in EXCLUDED:
            continue
        result.append(model)
    return sorted(result, key=lambda m: m._meta.label_lower)


def key_fingerprint():
    from ipdesk.core.fields import _keys
    return hashlib.sha256(("fingerprint:" + _keys()[0]).encode()).hexdigest()[:16]


def encrypted_fields(model):
    from ipdesk.core.fields import EncryptedTextField
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _ct_fields(model):
    from django.contrib.contenttypes.models import ContentType
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is ContentType]


def _perm_m2m(model):
    from django.contrib.auth.models import Permission
    return [f for f in model._meta.many_to_many if f.related_model is Permission]


class Encoder(json.JSONEncoder):
    """Like DjangoJSONEncoder but keeps microseconds: audit hashes are computed over full timestamps."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.date, datetime.time)):
            return o.isoformat()
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        if isinstance(o, (bytes, memoryview)):
            import base64
            return {"__bytes__": base64.b64encode(bytes(o)).decode()}
        return super().default(o)


def serialize_rows(model, objects, ct_names, perm_names):
    """JSON-ready dicts for a chunk of rows (encrypted values kept encrypted, CT/permissions by natural key)."""
    from ipdesk.core.fields import encrypt, is_encrypted
    secret = encrypted_fields(model)
    ct_fields = _ct_fields(model)
    perm_fields = _perm_m2m(model)
    rows = []
    for item in serializers.serialize("python", objects):
        fields = item["fields"]
        for name in secret:
            value = fields.get(name)
            if value and not is_encrypted(value):
                fields[name] = encrypt(value)
        for f in ct_fields:
            if fields.get(f.name) is not None:
                fields[f.name] = list(ct_names[fields[f.name]])
        for f in perm_fields:
            fields[f.name] = [list(perm_names[p]) for p in fields.get(f.name, [])]
        rows.append({"pk": item["pk"], "fields": fields})
    return rows


class Command(BaseCommand):
    help = "Back up the database (every record and the audit log) and the attachments to one zip (数据备份)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="zip file to write (default: <var>/backups/ipdesk-<time>.zip)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-media", action="store_true", help="leave out the attachment files")

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, no_media=False, verbosity=1, **options):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        from ipdesk.core.models import AuditChainHead, AuditEntry
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"ipdesk-{stamp}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        connection = connections[database]
        ct_names = {ct.pk: ct.natural_key() for ct in ContentType.objects.using(database).all()}
        perm_names = {p.pk: p.natural_key() for p in Permission.objects.using(database).select_related("content_type")}
        counts = {}
        media_files = 0
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        try:
            with transaction.atomic(using=database), zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                if snapshot:  # one snapshot of every table, writers not blocked
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                for model in backed_up_models():
                    label = model._meta.label_lower
                    n = 0
                    qs = model._base_manager.using(database).order_by("pk")
                    with zf.open(f"data/{label}.jsonl", "w", force_zip64=True) as out:
                        chunk = []
                        for obj in qs.iterator(chunk_size=CHUNK):
                            chunk.append(obj)
                            if len(chunk) >= CHUNK:
                                n += self._write(out, model, chunk, ct_names, perm_names)
                                chunk = []
                        if chunk:
                            n += self._write(out, model, chunk, ct_names, perm_names)
                    counts[label] = n
                    if verbosity > 1:
                        self.stdout.write(f"  {label}: {n}")
                if not no_media:
                    root = Path(settings.MEDIA_ROOT)
                    if root.is_dir():
                        for dirpath, _dirs, files in os.walk(root, followlinks=False):
                            for name in sorted(files):
                                full = Path(dirpath) / name
                                if full.is_symlink() or not full.is_file():
                                    continue
                                zf.write(full, "media/" + full.relative_to(root).as_posix())
                                media_files += 1
                head = AuditChainHead.objects.using(database).filter(pk=1).first()
                last = AuditEntry.objects.using(database).order_by("-id").first()
                manifest = {
                    "format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                    "migrations": sorted([f"{a}.{n}" for a, n in
                                          MigrationRecorder(connection).applied_migrations()]),
                    "counts": counts, "media_files": media_files,
                    "audit": {"entries": counts.get("core.auditentry", 0), "head": head.last_hash if head else None,
                              "last_hash": last.hash if last else None},
                    "field_key_fingerprint": key_fingerprint(),
                }
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        total = sum(counts.values())
        self.stdout.write(f"backup written: {path} ({total} rows in {len(counts)} tables, {media_files} files, "
                          f"{counts.get('core.auditentry', 0)} audit entries)")
        if not path.exists():
            raise CommandError("backup file missing after write")
        return None

    def _write(self, out, model, chunk, ct_names, perm_names):
        rows = serialize_rows(model, chunk, ct_names, perm_names)
        for row in rows:
            out.write(json.dumps(row, cls=Encoder, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            out.write(b"\n")
        return len(rows)
