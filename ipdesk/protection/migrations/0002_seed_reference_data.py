"""Seed the office calendar (2020–2026, from chinese-calendar), the default time-limit rules and
the default document templates. Idempotent: rows already there are left as the office edited them."""
from django.db import migrations


def seed(apps, schema_editor):
    from ipdesk.protection import setup
    setup.seed_calendar(apps.get_model("protection", "CalendarDay"))
    setup.seed_rules(apps.get_model("protection", "TimeLimitRule"))
    setup.seed_templates(apps.get_model("protection", "DocumentTemplate"))


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
