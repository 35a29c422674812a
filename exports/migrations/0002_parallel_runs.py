"""A job runs as several tasks (task_ids), each leasing one pending item at a time."""

from django.db import migrations, models


def task_id_into_task_ids(apps, schema_editor):
    ExportJob = apps.get_model("exports", "ExportJob")
    for job in ExportJob.objects.exclude(task_id=""):
        job.task_ids = [job.task_id]
        job.save(update_fields=["task_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="task_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(task_id_into_task_ids, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="exportjob",
            name="task_id",
        ),
        migrations.AddField(
            model_name="exportitem",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportitem",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=32),
        ),
    ]
