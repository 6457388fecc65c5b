"""Audit entries say how they were hashed: rows written before this migration keep plain SHA-256
("sha256"), new ones are HMAC-SHA256 under the audit key (core.audit). SQLite adds a column by
rebuilding the table, which drops the append-only triggers of 0002: they are installed again."""
from importlib import import_module

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    import_module("ipdesk.core.migrations.0002_audit_append_only").install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AddField(
            model_name='auditentry',
            name='hash_scheme',
            field=models.CharField(default='sha256', editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', editable=False, max_length=16),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
