"""Strategic emerging industries by IPC (issue 16 item 3): the table as editable reference data
(SeiRule, loaded from registry/data/sei-ipc-2021.csv — 国知办函规字〔2021〕121号, transcribed from a public
copy, not the official attachment) and each patent's branch, computed by registry.sei."""
from django.db import migrations, models


def load_table(apps, schema_editor):
    from ipdesk.registry import sei
    SeiRule = apps.get_model("registry", "SeiRule")
    for row in sei.read_rows():
        SeiRule.objects.update_or_create(branch_no=row["branch_no"], rule_no=row["rule_no"],
                                         defaults={**row, "ipc_only": not row["keywords"]})
    rules = [sei.rule_from({**r, "ipc_only": r["ipc_only"]}) for r in SeiRule.objects.filter(active=True).values()]
    Patent = apps.get_model("registry", "Patent")
    ids = list(Patent.objects.order_by("pk").values_list("pk", flat=True))
    names = ["sei_branch", "sei_branch_name", "sei_evidence"]
    for offset in range(0, len(ids), 2000):
        todo = []
        for p in Patent.objects.filter(pk__in=ids[offset:offset + 2000]).only("pk", "ipc_main", "title", "abstract",
                                                                              "strategic_class", *names):
            values = sei.fields_for(sei.match_for(p.ipc_main, p.title, p.abstract, p.strategic_class, rules))
            if any(getattr(p, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(p, k, v)
                todo.append(p)
        Patent.objects.bulk_update(todo, names, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_pct_application'),
    ]

    operations = [
        migrations.AddField(
            model_name='patent',
            name='sei_branch',
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name='战略性新兴产业分类号'),
        ),
        migrations.AddField(
            model_name='patent',
            name='sei_branch_name',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='战略性新兴产业分类名称'),
        ),
        migrations.AddField(
            model_name='patent',
            name='sei_evidence',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='战略性新兴产业分类依据'),
        ),
        migrations.AlterField(
            model_name='patent',
            name='strategic_class',
            field=models.CharField(blank=True, help_text='填写参照关系表的分类号（如 1.5）即以人工认定为准；其他内容仅作记录，按IPC分类号自动分类', max_length=100, verbose_name='战略性新兴产业分类（人工认定）'),
        ),
        migrations.CreateModel(
            name='SeiRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                ('branch_no', models.CharField(help_text='两级分类号，如 1.5', max_length=10, verbose_name='分类号')),
                ('branch_name', models.CharField(max_length=100, verbose_name='分类名称')),
                ('top_category', models.CharField(max_length=100, verbose_name='所属大类')),
                ('rule_no', models.PositiveIntegerField(verbose_name='条目序号')),
                ('ipc_patterns', models.TextField(help_text='以;分隔；*表示该分类号及其下位组，如 G06F21*', verbose_name='IPC分类号')),
                ('ipc_exclusions', models.TextField(blank=True, help_text='以;分隔，写法同上；排除优先', verbose_name='排除的IPC分类号')),
                ('keywords', models.TextField(blank=True, help_text='以;分隔；有关键词的条目还须名称或摘要含有关键词（registry.sei 的近似匹配）', verbose_name='关键词')),
                ('ipc_only', models.BooleanField(default=True, editable=False, verbose_name='仅按分类号')),
                ('source_page', models.CharField(blank=True, max_length=20, verbose_name='来源页码')),
                ('active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '战略性新兴产业IPC参照关系',
                'verbose_name_plural': '战略性新兴产业IPC参照关系',
                'ordering': ['branch_no', 'rule_no'],
                'unique_together': {('branch_no', 'rule_no')},
            },
        ),
        migrations.RunPython(load_table, migrations.RunPython.noop),
    ]
