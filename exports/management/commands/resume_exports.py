"""Re-enqueue bulk export jobs whose worker died (exports.bulk, "Robustness").

`make run` calls this with --stale-after 0 before it starts the worker: no
worker runs at that moment, so every job whose task counts as running lost
its worker.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from exports.bulk import STALE_AFTER, export_job_resume_if_stale
from exports.models import ExportJob


class Command(BaseCommand):
    help = "Resume bulk export jobs whose task stopped before they were finished."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=float,
            default=STALE_AFTER.total_seconds(),
            help="seconds without a heartbeat after which a running job counts as dead",
        )

    def handle(self, *, stale_after: float, verbosity: int, **options):
        resumed = [
            job.pk
            for job in ExportJob.objects.filter(finished_at__isnull=True).order_by("pk")
            if export_job_resume_if_stale(job, stale_after=timedelta(seconds=stale_after))
        ]
        if verbosity:
            self.stdout.write(f"resumed {len(resumed)} export job(s) {resumed or ''}".rstrip())
