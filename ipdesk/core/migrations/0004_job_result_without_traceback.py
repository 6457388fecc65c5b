"""Jobs that failed before tracebacks were kept out of job records still carry one in `result`
(file paths, code, sometimes values): remove it. The server log keeps its own copy."""
from django.db import migrations


def drop_tracebacks(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(result__has_key="traceback").only("pk", "result").iterator():
        result = {k: v for k, v in job.result.items() if k != "traceback"}
        Job.objects.filter(pk=job.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_hash_scheme")]
    operations = [migrations.RunPython(drop_tracebacks, migrations.RunPython.noop)]
