"""The bulk export's background task (Django's Tasks framework, run by `manage.py db_worker`)."""

from django.tasks import task

from exports.bulk import export_job_run


@task()
def run_export_job(job_id: int) -> dict[str, int]:
    return export_job_run(job_id=job_id)
