"""`ipdesk restore <backup.zip>`: rebuild a database and the attachments from `ipdesk backup`.

Into an EMPTY database only (no users, no audit entries): it migrates the schema first, replaces
the reference rows the migrations seed with the backed-up ones, and inserts every row as it was —
ids, timestamps and versions unchanged, no signals, no new audit entries. All or nothing:
  1. the file is decrypted and authenticated (backup.decrypt_to) and every member checked (known
     names only, media paths that stay under MEDIA_ROOT) before the database is touched;
  2. the attachments are unpacked into a staging directory beside MEDIA_ROOT;
  3. in one transaction the rows are inserted, the row counts compared with the manifest and the
     audit chain verified with the audit key and against the checkpoints of this machine and of the
     backup (core.audit) — any problem rolls everything back;
  4. still inside that transaction the staged files are moved into MEDIA_ROOT (undone if a move
     or the commit fails).
"""
import base64
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .backup import (CHECKPOINTS, FORMAT, _ct_fields, _perm_m2m, backed_up_models, decrypt_to, is_encrypted_backup,
                     key_fingerprint)

BATCH = 500


def _unsafe(name):
    return CommandError(f"备份中的文件路径不安全，已拒绝：{name}（恢复已取消，数据库与附件目录均未改动）")


def media_target(name, root):
    """Where member `media/<path>` goes under `root`; CommandError for an absolute path, `..`, a drive or a
    path that resolves outside MEDIA_ROOT (through a symlink already there)."""
    relative = name[len("media/"):].rstrip("/")
    parts = PurePosixPath(relative).parts
    if (not relative or "\\" in relative or "\0" in relative or relative.startswith("/") or ":" in parts[0]
            or any(part in ("..", ".", "") for part in relative.split("/"))):
        raise _unsafe(name)
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise _unsafe(name)
    return target


def check_members(names, manifest):
    """Every member is one a backup has: the manifest, a data file of a table it lists, the audit
    checkpoints, or an attachment whose path stays under MEDIA_ROOT. Checked before anything is written."""
    root = Path(settings.MEDIA_ROOT).resolve()
    data = {f"data/{label}.jsonl" for label in manifest.get("counts", {})}
    for name in names:
        if name.startswith("media/"):
            media_target(name, root)
        elif name not in data and name not in ("manifest.json", CHECKPOINTS):
            raise CommandError(f"备份中含有不认识的文件，已拒绝：{name}（恢复已取消，数据库未改动）")


def _decode(value):
    if isinstance(value, dict) and set(value) == {"__bytes__"}:
        return base64.b64decode(value["__bytes__"])
    return value


class Command(BaseCommand):
    help = "Restore a backup made by `ipdesk backup` into an empty database (数据恢复)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the file written by `ipdesk backup`")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-migrate", action="store_true", help="the schema is already migrated")
        parser.add_argument("--allow-unencrypted", action="store_true",
                            help="accept a plain zip (backups made before backups were encrypted)")

    def handle(self, *args, backup, database=DEFAULT_DB_ALIAS, no_migrate=False, allow_unencrypted=False,
               verbosity=1, **options):
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        with tempfile.TemporaryDirectory(prefix="ipdesk-restore-", dir=settings.VAR_DIR) as work:
            if is_encrypted_backup(path):
                plain = Path(work) / "backup.zip"  # private: TemporaryDirectory is 0700
                with open(plain, "wb") as out:
                    decrypt_to(path, out)
            elif zipfile.is_zipfile(path):
                if not allow_unencrypted:
                    raise CommandError(f"备份文件未加密：{path}。ipdesk backup 写出的备份是加密的；未加密的文件可能被改动过。"
                                       "确认是旧版本生成的备份后，加 --allow-unencrypted 恢复。")
                plain = path
            else:
                raise CommandError(f"不是有效的备份文件（既不是 ipdesk 加密备份，也不是 zip）：{path}")
            try:
                zf = zipfile.ZipFile(plain)
            except zipfile.BadZipFile:
                raise CommandError(f"不是有效的备份文件（zip 格式损坏）：{path}")
            with zf:
                self._restore(zf, Path(work), database, no_migrate, verbosity)

    def _restore(self, zf, work, database, no_migrate, verbosity):
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except (KeyError, ValueError):
            raise CommandError("备份文件缺少 manifest.json，不是 ipdesk backup 生成的文件。")
        if manifest.get("format") != FORMAT:
            raise CommandError(f"不支持的备份格式：{manifest.get('format')}（本程序读取 {FORMAT}）")
        if manifest.get("field_key_fingerprint") != key_fingerprint():
            raise CommandError("字段加密密钥与备份时不一致：请使用备份时的 FIELD_ENCRYPTION_KEY（或 SECRET_KEY）后再恢复，"
                               "否则加密存储的个人信息无法读取。")
        check_members(zf.namelist(), manifest)
        if not no_migrate:
            call_command("migrate", database=database, interactive=False, verbosity=max(0, verbosity - 1))
        self._check_empty(database)
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=root.resolve().parent) as staging:
            staged = self._stage_media(zf, Path(staging))
            moved = []
            try:
                with transaction.atomic(using=database):
                    restored = self._load(zf, manifest, database, verbosity)
                    self._verify(manifest, restored, database, zf)
                    self._move_media(staged, moved)  # last: a failed move rolls the rows back
            except BaseException:
                for target in moved:
                    target.unlink(missing_ok=True)
                raise
        self._keep_checkpoints(zf)
        self.stdout.write(f"restore complete: {sum(restored.values())} rows in {len(restored)} tables, "
                          f"{len(staged)} files, {restored.get('core.auditentry', 0)} audit entries; "
                          "audit chain verified")

    # -- steps ------------------------------------------------------------------------------------
    def _check_empty(self, database):
        from django.contrib.auth import get_user_model

        from ipdesk.core.models import AuditEntry
        users = get_user_model()._base_manager.using(database).count()
        entries = AuditEntry.objects.using(database).count()
        if users or entries:
            raise CommandError(f"目标数据库不是空库（已有 {users} 个用户、{entries} 条审计日志）。恢复只写入空数据库，"
                               "请新建数据库（或设置新的 DATABASE_URL / IPDESK_VAR_DIR）后再恢复。")

    def _load(self, zf, manifest, database, verbosity):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType
        connection = connections[database]
        models = {m._meta.label_lower: m for m in backed_up_models()}
        unknown = [label for label in manifest["counts"] if label not in models]
        if unknown:
            raise CommandError(f"备份中含有本程序没有的数据表：{', '.join(unknown)}（程序版本比备份旧？请先升级）。")
        ct_ids = {}
        for ct in ContentType.objects.using(database).all():
            ct_ids[ct.natural_key()] = ct.pk
        perm_ids = {(p.codename, p.content_type.app_label, p.content_type.model): p.pk
                    for p in Permission.objects.using(database).select_related("content_type")}
        restored = {}
        with transaction.atomic(using=database):
            with connection.constraint_checks_disabled():
                for label in manifest["counts"]:
                    qs = models[label]._base_manager.using(database).all()
                    if qs.exists():  # reference rows the migrations seeded give way to the backed-up ones
                        qs._raw_delete(database)  # raw: no signals, no audit entries
                for label in manifest["counts"]:
                    restored[label] = self._load_model(zf, models[label], database, ct_ids, perm_ids)
                    if verbosity > 1:
                        self.stdout.write(f"  {label}: {restored[label]}")
            tables = [models[label]._meta.db_table for label in restored]
            connection.check_constraints(table_names=tables)
            for sql in connection.ops.sequence_reset_sql(no_style(), [models[label] for label in restored]):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
        return restored

    def _load_model(self, zf, model, database, ct_ids, perm_ids):
        label = model._meta.label_lower
        ct_fields = _ct_fields(model)
        perm_fields = {f.name for f in _perm_m2m(model)}
        fields = [f for f in model._meta.concrete_fields]
        inherited = bool(model._meta.parents)
        count = 0
        batch, m2m = [], []
        try:
            handle = zf.open(f"data/{label}.jsonl")
        except KeyError:
            raise CommandError(f"备份文件缺少数据文件 data/{label}.jsonl")
        with handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                values = {k: _decode(v) for k, v in row["fields"].items()}
                for f in ct_fields:
                    if values.get(f.name) is not None:
                        key = tuple(values[f.name])
                        if key not in ct_ids:
                            from django.contrib.contenttypes.models import ContentType
                            ct_ids[key] = ContentType.objects.using(database).get_or_create(
                                app_label=key[0], model=key[1])[0].pk
                        values[f.name] = ct_ids[key]
                for name in perm_fields:
                    values[name] = [perm_ids[tuple(p)] for p in values.get(name, []) if tuple(p) in perm_ids]
                item = {"model": label, "pk": row["pk"], "fields": values}
                try:
                    obj = next(serializers.deserialize("python", [item], using=database, ignorenonexistent=True))
                except serializers.base.DeserializationError as exc:
                    raise CommandError(f"data/{label}.jsonl 第 {lineno} 行无法读取：{exc}")
                if inherited:
                    obj.save(using=database)
                    count += 1
                    continue
                batch.append(obj.object)
                if obj.m2m_data:
                    m2m.append((obj.object.pk, obj.m2m_data))
                if len(batch) >= BATCH:
                    count += self._insert(model, batch, fields, database)
                    batch = []
            if batch:
                count += self._insert(model, batch, fields, database)
        self._insert_m2m(model, m2m, database)
        return count

    def _insert(self, model, objs, fields, database):
        # raw=True: values exactly as backed up (no auto_now, no version bump, no signals, no new audit entry)
        model._base_manager.using(database)._insert(objs, fields=fields, using=database, raw=True)
        return len(objs)

    def _insert_m2m(self, model, rows, database):
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue  # an explicit through model is backed up as a model of its own
            src = field.m2m_field_name()
            dst = field.m2m_reverse_field_name()
            links = [through(**{f"{src}_id": pk, f"{dst}_id": target})
                     for pk, data in rows for target in data.get(field.name, [])]
            if links:
                through._base_manager.using(database).bulk_create(links, batch_size=BATCH)

    def _stage_media(self, zf, staging):
        """Unpack the attachments into `staging` (beside MEDIA_ROOT, same file system); [(staged, target)].
        A file already in MEDIA_ROOT with other contents is not overwritten: the restore is refused."""
        root = Path(settings.MEDIA_ROOT).resolve()
        staged = []
        for index, info in enumerate(zf.infolist()):
            if not info.filename.startswith("media/") or info.is_dir():
                continue
            target = media_target(info.filename, root)
            temp = staging / str(index)
            with zf.open(info) as src, open(temp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            if target.exists():
                if target.read_bytes() != temp.read_bytes():
                    raise CommandError(f"附件目录中已有同名但内容不同的文件：{target}。恢复已取消，请先清空 MEDIA_ROOT。")
                continue
            staged.append((temp, target))
        return staged

    def _move_media(self, staged, moved):
        for temp, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
            moved.append(target)

    def _keep_checkpoints(self, zf):
        """The restored chain has verified: keep the backup's checkpoints here, and sign one of the chain now."""
        from ipdesk.core import audit
        have = set(audit.checkpoint_sources()[0][1].splitlines())
        for line in self._backup_checkpoints(zf).splitlines():
            if line.strip() and line not in have:
                audit.append_checkpoint(json.loads(line))
                have.add(line)
        audit.checkpoint()

    def _backup_checkpoints(self, zf):
        try:
            return zf.read(CHECKPOINTS).decode("utf-8")
        except KeyError:
            return ""

    def _verify(self, manifest, restored, database, zf):
        from ipdesk.core import audit
        problems = [f"{label}: 备份 {n} 行，恢复 {restored.get(label)} 行"
                    for label, n in manifest["counts"].items() if restored.get(label) != n]
        for label, n in manifest["counts"].items():
            model = apps.get_model(label)
            actual = model._base_manager.using(database).count()
            if actual != n:
                problems.append(f"{label}: 数据库中 {actual} 行，备份 {n} 行")
        sources = audit.checkpoint_sources() + [(f"backup:{CHECKPOINTS}", self._backup_checkpoints(zf))]
        try:
            checked, chain = audit.verify(using=database, sources=sources)
        except audit.AuditKeyMissing as exc:
            raise CommandError(str(exc))
        problems += chain
        if checked != manifest["audit"]["entries"]:
            problems.append(f"审计日志 {checked} 条，备份 {manifest['audit']['entries']} 条")
        if problems:
            raise CommandError(
                "恢复已取消，数据库与附件目录均未改动：审计日志或数据校验失败（审计日志被篡改、备份被改动，"
                f"或本机检查点文件 {audit.checkpoint_path()} 记录的日志比备份更长——有意恢复较早的备份时，"
                "请先把该文件移到别处存档）：\n" + "\n".join(problems))
