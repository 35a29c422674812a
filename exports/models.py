"""Bulk export jobs: one PDF report per chosen municipality, and a ZIP to download.

A job is made of items, one per municipality (unique), each with its own
state. The job runs as several tasks at once (exports.tasks, one per
`db_worker` process): each run leases the next pending item nobody holds,
renders it and records its PDF together with its new state in one
transaction, so a job whose worker was killed is resumed without
duplicates or gaps (exports.bulk). The PDFs live in the database for that
reason: a file written beside the database could not commit with the row.
The ZIP is assembled from the items when it is downloaded.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Round
from municipalities.models import Municipality


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待機中")
    DONE = "done", _("作成済み")
    NO_RESULTS = "no_results", _("結果なし")
    REFUSED = "refused", _("権限なし")
    FAILED = "failed", _("失敗")


class ExportJob(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    # Empty: each municipality's latest round with results.
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written by the running task at its start and after each item: a job whose
    # heartbeat is old while its task counts as running has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The django_tasks_db result ids of the job's current runs (exports.bulk._enqueue).
    task_ids = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("一括書き出し")
        verbose_name_plural = _("一括書き出し")

    def __str__(self) -> str:
        return f"#{self.pk} {self.owner}"


class ExportItem(models.Model):
    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    # A deleted round leaves the row (結果なし in the summary) rather than a gap.
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True)
    # The snapshot's headline numbers when the PDF was made, for the summary CSV.
    overall_score = models.FloatField(null=True, blank=True)
    stage_attained = models.CharField(max_length=80, blank=True)
    completeness = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a pending item: which run renders it, since when. A lease older than
    # exports.bulk.STALE_AFTER belongs to a dead run, and another run may take the item.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "municipality"], name="export_item_one_per_municipality"
            ),
            models.UniqueConstraint(fields=["job", "position"], name="export_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.municipality_id} {self.status}"
