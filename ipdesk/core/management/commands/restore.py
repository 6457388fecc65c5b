"""`ipdesk restore <backup.zip>`: rebuild a database and the attachments from `ipdesk backup`.

Into an EMPTY database only (no users, no audit entries): it migrates the schema first, replaces
the reference rows the migrations seed with the backed-up ones, and inserts every row as it was —
ids, timestamps and versions unchanged, no signals, no new audit entries — in one transaction, so
a failed restore leaves nothing half-done. The audit log is inserted verbatim (the append-only
triggers allow inserts), so `ipdesk audit verify` still checks the same hash chain afterwards; the
command runs that check and compares the row counts with the manifest before it reports success.
"""
import base64
import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .backup import FORMAT, _ct_fields, _perm_m2m, backed_up_models, key_fingerprint

BATCH = 500


def _decode(value):
    if isinstance(value, dict) and set(value) == {"__bytes__"}:
        return base64.b64decode(value["__bytes__"])
    return value


class Command(BaseCommand):
    help = "Restore a backup made by `ipdesk backup` into an empty database (数据恢复)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the zip written by `ipdesk backup`")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-migrate", action="store_true", help="the schema is already migrated")

    def handle(self, *args, backup, database=DEFAULT_DB_ALIAS, no_migrate=False, verbosity=1, **options):
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise CommandError(f"不是有效的备份文件（zip 格式损坏）：{path}")
        with zf:
            try:
                manifest = json.loads(zf.read("manifest.json"))
            except (KeyError, ValueError):
                raise CommandError("备份文件缺少 manifest.json，不是 ipdesk backup 生成的文件。")
            if manifest.get("format") != FORMAT:
                raise CommandError(f"不支持的备份格式：{manifest.get('format')}（本程序读取 {FORMAT}）")
            if manifest.get("field_key_fingerprint") != key_fingerprint():
                raise CommandError("字段加密密钥与备份时不一致：请使用备份时的 FIELD_ENCRYPTION_KEY（或 SECRET_KEY）后再恢复，"
                                   "否则加密存储的个人信息无法读取。")
            if not no_migrate:
                call_command("migrate", database=database, interactive=False, verbosity=max(0, verbosity - 1))
            self._check_empty(database)
            restored = self._load(zf, manifest, database, verbosity)
            media = self._extract_media(zf)
        self._verify(manifest, restored, database)
        self.stdout.write(f"restore complete: {sum(restored.values())} rows in {len(restored)} tables, {media} files, "
                          f"{restored.get('core.auditentry', 0)} audit entries; audit chain verified")

    # -- steps ------------------------------------------------------------------------------------
    def _check_empty(self, database):
        from ipdesk.accounts.models import User
        from ipdesk.core.models import AuditEntry
        users = User._base_manager.using(database).count()
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

    def _extract_media(self, zf):
        root = Path(settings.MEDIA_ROOT).resolve()
        count = 0
        for info in zf.infolist():
            if not info.filename.startswith("media/") or info.is_dir():
                continue
            relative = info.filename[len("media/"):]
            target = (root / relative).resolve()
            if not target.is_relative_to(root):  # a crafted archive cannot write outside MEDIA_ROOT
                raise CommandError(f"备份中的文件路径不安全，已拒绝：{info.filename}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            count += 1
        return count

    def _verify(self, manifest, restored, database):
        from ipdesk.core import audit
        problems = [f"{label}: 备份 {n} 行，恢复 {restored.get(label)} 行"
                    for label, n in manifest["counts"].items() if restored.get(label) != n]
        for label, n in manifest["counts"].items():
            model = apps.get_model(label)
            actual = model._base_manager.using(database).count()
            if actual != n:
                problems.append(f"{label}: 数据库中 {actual} 行，备份 {n} 行")
        checked, chain = audit.verify()
        problems += chain
        if checked != manifest["audit"]["entries"]:
            problems.append(f"审计日志 {checked} 条，备份 {manifest['audit']['entries']} 条")
        if problems:
            raise CommandError("恢复后校验失败：\n" + "\n".join(problems))
