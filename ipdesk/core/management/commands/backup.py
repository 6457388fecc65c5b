"""`ipdesk backup`: every record, the audit log verbatim and the attachments, in one portable file.

The same file restores into SQLite or PostgreSQL (`ipdesk restore`). It is a zip, encrypted and
authenticated as a whole (AES-256-GCM, see encrypt_to) and written mode 0600: the rows include
secrets that are not field-encrypted (TOTP device keys, password hashes), so a copied backup must
reveal nothing and a changed one must not restore. Inside the zip:
  manifest.json            format, time, database vendor, migrations applied, rows per model,
                           the audit chain head, and a fingerprint of the field-encryption key
  data/<app.model>.jsonl   one JSON object per row: {"pk": …, "fields": {…}} (Django's python
                           serializer: field values as stored, datetimes with full precision)
  media/<path>             every file under MEDIA_ROOT (attachments are stored by their SHA-256)
  audit/checkpoints.jsonl  the signed audit checkpoints of this machine and one of the backed-up
                           chain (core.audit); restore holds the chain against them

The backup key is BACKUP_KEY, or, when that is empty, derived from the field-encryption key
(FIELD_ENCRYPTION_KEY / SECRET_KEY), which restoring needs anyway. Content types and permissions
are written by natural key, so ids may differ in the target database. Sessions and API tokens are
not backed up (people sign in again).
"""
import datetime
import decimal
import hashlib
import json
import os
import uuid
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ipdesk-backup/1"
MAGIC = b"ipdesk-backup-aes256gcm/1\n"  # then the key id (16 ASCII hex), the nonce (12), ciphertext, tag (16)
HEADER = len(MAGIC) + 16 + 12
TAG = 16
CHECKPOINTS = "audit/checkpoints.jsonl"
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


def _backup_key(material):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ipdesk-backup-encryption/1").derive(
        material.encode())
    return hashlib.sha256(b"ipdesk-backup-key-id:" + key).hexdigest()[:16].encode(), key


def backup_keys():
    """[(key id, AES-256 key)]: the first encrypts; all are tried to decrypt (BACKUP_KEY, else the field keys,
    the retired ones included, so a backup made before a key rotation still opens)."""
    from ipdesk.core.fields import _keys
    configured = getattr(settings, "BACKUP_KEY", None) or os.environ.get("BACKUP_KEY", "")
    materials = [configured.strip()] if configured.strip() else _keys()
    return [_backup_key(m) for m in materials]


class EncryptingWriter:
    """A write-only file that encrypts what is written to `out` (AES-256-GCM, the header authenticated too).
    No tell(): zipfile then writes a streaming zip (sizes after each member), so no plain copy is ever on disk."""

    def __init__(self, out):
        kid, key = backup_keys()[0]
        nonce = os.urandom(12)
        self.out = out
        self.header = MAGIC + kid + nonce
        self.encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self.encryptor.authenticate_additional_data(self.header)
        out.write(self.header)

    def write(self, data):
        self.out.write(self.encryptor.update(bytes(data)))
        return len(data)

    def flush(self):
        self.out.flush()

    def finish(self):
        self.out.write(self.encryptor.finalize())
        self.out.write(self.encryptor.tag)
        self.out.flush()


def encrypt_to(src, out):
    """Encrypt the readable `src` into `out` in the backup format."""
    writer = EncryptingWriter(out)
    while chunk := src.read(1 << 20):
        writer.write(chunk)
    writer.finish()


def is_encrypted_backup(path):
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_to(path, out):
    """Decrypt an encrypted backup at `path` into `out`; CommandError when the key is not ours or the file
    was changed (the tag is checked at the end: the caller discards `out` unless this returns)."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        header = handle.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC) or size < HEADER + TAG:
            raise CommandError(f"不是有效的备份文件（既不是 ipdesk 加密备份，也不是 zip）：{path}")
        kid, nonce = header[len(MAGIC):len(MAGIC) + 16], header[len(MAGIC) + 16:]
        key = dict(backup_keys()).get(kid)
        if key is None:
            raise CommandError("备份加密密钥不一致：请使用备份时的 BACKUP_KEY（未设置时为 FIELD_ENCRYPTION_KEY 或 "
                               "SECRET_KEY；已轮换的旧字段密钥放在 FIELD_ENCRYPTION_OLD_KEYS）后再恢复。")
        handle.seek(size - TAG)
        tag = handle.read(TAG)
        handle.seek(HEADER)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        left = size - HEADER - TAG
        while left > 0:
            chunk = handle.read(min(1 << 20, left))
            if not chunk:
                break
            left -= len(chunk)
            out.write(decryptor.update(chunk))
        try:
            out.write(decryptor.finalize())
        except InvalidTag:
            raise CommandError(f"备份文件已被篡改或损坏（认证加密校验失败），已拒绝：{path}") from None


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

        from ipdesk.core import audit
        from ipdesk.core.models import AuditChainHead, AuditEntry
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"ipdesk-{stamp}.zip"
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.unlink(missing_ok=True)
        checkpoint = None
        connection = connections[database]
        ct_names = {ct.pk: ct.natural_key() for ct in ContentType.objects.using(database).all()}
        perm_names = {p.pk: p.natural_key() for p in Permission.objects.using(database).select_related("content_type")}
        counts = {}
        media_files = 0
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        try:
            raw = os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")  # 0600 from the start
            with raw, transaction.atomic(using=database):
                writer = EncryptingWriter(raw)
                with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
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
                    # the chain as backed up, signed: restore holds the restored log against it
                    checkpoint, problems = audit.checkpoint(using=database, write=False)
                    for problem in problems:
                        self.stderr.write(problem)
                    if problems:
                        self.stderr.write("审计日志校验失败：备份照常写出，但不附检查点；请运行 ipdesk audit verify 查明原因。")
                    carried = [text for _label, text in audit.checkpoint_sources()]
                    if checkpoint:
                        carried.append(audit.checkpoint_line(checkpoint) + "\n")
                    zf.writestr(CHECKPOINTS, "".join(t if t.endswith("\n") or not t else t + "\n" for t in carried))
                writer.finish()
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if checkpoint:
            audit.append_checkpoint(checkpoint)  # this machine's record that the chain had reached this point
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
