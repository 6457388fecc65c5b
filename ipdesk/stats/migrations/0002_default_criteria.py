"""Seed the high-value criteria (CNIPA categories); the office edits them afterwards."""
from django.db import migrations

CRITERIA = [
    ("strategic", "战略性新兴产业发明专利", 0),
    ("overseas", "在海外有同族专利权的发明专利", 0),
    ("maintained", "维持年限超过10年的发明专利", 10),
    ("pledge", "实现较高质押融资金额的发明专利", 0),
    ("award", "获得国家科学技术奖或中国专利奖的发明专利", 0),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("stats", "HighValueCriterion")
    for order, (kind, name, threshold) in enumerate(CRITERIA):
        Criterion.objects.get_or_create(kind=kind, defaults={"name": name, "threshold": threshold, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
