"""Database triggers that refuse UPDATE and DELETE on the audit log, on SQLite and PostgreSQL alike.

The hash chain detects tampering by someone who drops these triggers; the triggers stop everyone else.
"""
from django.db import migrations

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry;",
    "CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER IF EXISTS core_auditentry_no_update;", "DROP TRIGGER IF EXISTS core_auditentry_no_delete;"],
    "postgresql": ["DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry;",
                   "DROP FUNCTION IF EXISTS core_auditentry_append_only();"],
}


FORWARD = {"sqlite": SQLITE, "postgresql": POSTGRES}


def install(connection):
    with connection.cursor() as cursor:
        for sql in FORWARD.get(connection.vendor, []):
            cursor.execute(sql)


def uninstall(connection):
    with connection.cursor() as cursor:
        for sql in REVERSE.get(connection.vendor, []):
            cursor.execute(sql)


def forwards(apps, schema_editor):
    install(schema_editor.connection)


def backwards(apps, schema_editor):
    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
