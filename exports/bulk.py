"""Bulk export: one PDF report per municipality, made on the background worker.

Who: consultants for the municipalities they are assigned to
(Capability.COMPARE_MUNICIPALITIES) and system administrators for every
municipality. Which round: the job's fiscal year if one was chosen, else each
municipality's latest round with results (a municipality snapshot); the
round is fixed when the job is made, and a municipality without such a
round gets a 結果なし row in the summary instead of a PDF.

Robustness (SECURITY.md 4 and 23):
- `export_job_run` (the task's body) works through the items still pending,
  in order. Each item's PDF and its new state are written in one
  transaction that first re-reads the item under a lock and gives up if it
  is no longer pending, so running a job twice, or two runs at once, never
  makes a second PDF for a municipality and a killed run leaves every item
  either done or pending.
- Permissions are checked again for each item when it runs, from the
  owner's current memberships: a consultant unassigned in the meantime gets
  a 権限なし row, not a PDF.
- django_tasks_db leaves the task of a killed worker RUNNING for ever (its
  worker marks a task failed only when the task raises). The job's
  heartbeat, written at the start of a run and after each item, tells a
  live run from a dead one: `export_job_resume_if_stale` enqueues a new
  task for a job whose task is RUNNING with a heartbeat older than
  STALE_AFTER (or that ended with items still pending). The progress page
  calls it on every poll, and `manage.py resume_exports --stale-after 0`
  calls it at start-up before the worker starts (`make run`).
"""

import csv
import io
import logging
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from accounts.access import Access, Capability
from assessments.models import Round
from audit.models import AuditAction
from audit.recording import record
from dxportal.number_format import rounded
from dxportal.spreadsheet_text import safe_text
from exports.models import ExportItem, ExportJob, ItemStatus
from exports.writers import SCORE_DIGITS
from frameworks.models import Stage
from municipalities.models import Municipality
from results.models import ScoreSnapshot
from results.stage_names import stage_label, stage_names

logger = logging.getLogger(__name__)

MAX_MUNICIPALITIES = 200
# A run writes its heartbeat after every item (one report takes about a second).
STALE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5  # a job whose task keeps dying stops being retried


# --- who may export what ---------------------------------------------------------------------


def may_bulk_export(access: Access) -> bool:
    return access.is_system_admin or bool(
        access.municipality_ids(Capability.COMPARE_MUNICIPALITIES)
    )


def may_export_municipality(access: Access, municipality_id: int) -> bool:
    return access.is_system_admin or municipality_id in access.municipality_ids(
        Capability.COMPARE_MUNICIPALITIES
    )


def _with_results() -> QuerySet:
    return Round.objects.filter(
        Exists(ScoreSnapshot.objects.filter(round=OuterRef("pk"), department__isnull=True))
    )


def exportable_municipalities(access: Access) -> QuerySet:
    """The municipalities the user may export that have at least one round with results."""
    municipalities = Municipality.objects.filter(
        pk__in=_with_results().values("municipality_id")
    ).order_by("code")
    if not access.is_system_admin:
        municipalities = municipalities.filter(
            pk__in=access.municipality_ids(Capability.COMPARE_MUNICIPALITIES)
        )
    return municipalities


def fiscal_years(municipalities: QuerySet) -> list[int]:
    """Fiscal years with results among these municipalities, newest first."""
    return list(
        _with_results()
        .filter(municipality__in=municipalities)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


# --- making a job ----------------------------------------------------------------------------


def _rounds(municipalities: Iterable[Municipality], fiscal_year: int | None) -> dict[int, Round]:
    """municipality id → the round to report: of the fiscal year, or the latest with results."""
    rounds = _with_results().filter(municipality__in=list(municipalities))
    if fiscal_year is not None:
        rounds = rounds.filter(fiscal_year=fiscal_year)
    chosen: dict[int, Round] = {}
    for round_ in rounds.order_by("municipality_id", "-fiscal_year"):
        chosen.setdefault(round_.municipality_id, round_)
    return chosen


def _enqueue(job: ExportJob) -> None:
    from exports.tasks import run_export_job  # the task module imports this one

    result = run_export_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.attempts += 1
    job.save(update_fields=["task_id", "attempts"])


@transaction.atomic
def export_job_create(
    *, owner, municipalities: list[Municipality], fiscal_year: int | None
) -> ExportJob:
    """A job with one item per municipality, and its task enqueued (when the job commits)."""
    job = ExportJob(owner=owner, fiscal_year=fiscal_year)
    job.full_clean()
    job.save()
    rounds = _rounds(municipalities, fiscal_year)
    ExportItem.objects.bulk_create(
        [
            ExportItem(
                job=job,
                position=position,
                municipality=municipality,
                round=rounds.get(municipality.pk),
                status=ItemStatus.PENDING if municipality.pk in rounds else ItemStatus.NO_RESULTS,
                finished_at=None if municipality.pk in rounds else timezone.now(),
            )
            for position, municipality in enumerate(municipalities, start=1)
        ]
    )
    record(
        AuditAction.BULK_EXPORT_STARTED,
        user=owner,
        target=f"export job {job.pk}",
        detail={"municipalities": len(municipalities), "fiscal_year": fiscal_year},
    )
    _enqueue(job)
    return job


# --- running a job ---------------------------------------------------------------------------


def _renderer():
    # Imported when a report is made: the reports app renders with WeasyPrint.
    from reports.rendering import render_municipality_report

    return render_municipality_report


def _pending(job_id: int) -> QuerySet:
    return ExportItem.objects.filter(job_id=job_id, status=ItemStatus.PENDING)


def _beat(job_id: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())


@transaction.atomic
def _item_record(item_id: int, **fields) -> bool:
    """Store an item's outcome if it is still pending (False: another run was first)."""
    item = ExportItem.objects.select_for_update().get(pk=item_id)
    if item.status != ItemStatus.PENDING:
        return False
    for name, value in fields.items():
        setattr(item, name, value)
    item.finished_at = timezone.now()
    item.save()
    return True


def pdf_file_name(municipality: Municipality, round_: Round) -> str:
    name = municipality.name.replace("/", "／").replace("\\", "＼")
    return f"{municipality.code}_{name}_{round_.fiscal_year}年度.pdf"


def _stage_name(round_: Round, code: str) -> str:
    return stage_label(code, stage_names(Stage.objects.filter(edition_id=round_.edition_id)))


def export_item_process(*, item_id: int, owner_id: int) -> None:
    """Render one item's PDF, unless it is done already or its owner may no longer see it."""
    item = ExportItem.objects.select_related("municipality", "round__edition").get(pk=item_id)
    if item.status != ItemStatus.PENDING:
        return
    # Read afresh for every item: a membership removed during the job counts at once.
    owner = get_user_model().objects.get(pk=owner_id)
    if not may_export_municipality(Access(owner), item.municipality_id):
        _item_record(item_id, status=ItemStatus.REFUSED)
        return
    snapshot = (
        ScoreSnapshot.objects.filter(round=item.round, department__isnull=True).first()
        if item.round_id
        else None
    )
    if snapshot is None:
        _item_record(item_id, status=ItemStatus.NO_RESULTS)
        return
    try:
        pdf = _renderer()(item.round)
    except Exception as exc:  # one bad report must not stop the others
        logger.exception("bulk export: report of item %s failed", item_id)
        _item_record(item_id, status=ItemStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        return
    _item_record(
        item_id,
        status=ItemStatus.DONE,
        pdf=pdf,
        file_name=pdf_file_name(item.municipality, item.round),
        overall_score=snapshot.overall_score,
        stage_attained=_stage_name(item.round, snapshot.stage_attained),
        completeness=snapshot.completeness,
    )


def export_job_run(*, job_id: int) -> dict[str, int]:
    """The task's body: process the pending items in order, then mark the job finished."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:  # deleted while it waited
        return {}
    _beat(job_id)
    for item_id in list(_pending(job_id).order_by("position").values_list("pk", flat=True)):
        export_item_process(item_id=item_id, owner_id=job.owner_id)
        _beat(job_id)
    if not _pending(job_id).exists():
        ExportJob.objects.filter(pk=job_id, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
    return progress_counts(job_id)


# --- progress and recovery -------------------------------------------------------------------


def progress_counts(job_id: int) -> dict[str, int]:
    """Items by state (one query)."""
    counts = ExportItem.objects.filter(job_id=job_id).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in ItemStatus.values},
    )
    return counts


def _abandon(task: DBTaskResult) -> None:
    DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="exports.bulk.WorkerLost",
        traceback="The worker stopped while running this task; the export job was resumed.",
    )


def _run_is_dead(job: ExportJob, task: DBTaskResult | None, stale_after: timedelta) -> bool:
    """Whether the job's last run can no longer finish it (its items still pending)."""
    if task is None:
        return True  # its task result was pruned
    if task.status == "READY":
        return False  # waiting for a worker
    if task.status == "RUNNING":
        last_sign = max(filter(None, [job.heartbeat_at, task.started_at]), default=None)
        return last_sign is None or last_sign <= timezone.now() - stale_after
    return True  # the run ended (failed, or a late success) with items left


def _task_of(job: ExportJob) -> DBTaskResult | None:
    return DBTaskResult.objects.filter(pk=job.task_id).first() if job.task_id else None


def export_job_resume_if_stale(job: ExportJob, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Enqueue a new run for a job whose run died (see the module docstring); True if it did.

    A read without locks first, so that polling a live job never takes the write lock.
    """
    if job.finished_at is not None or not _run_is_dead(job, _task_of(job), stale_after):
        return False
    with transaction.atomic():
        # Again under the job's lock: two pages polling at once enqueue one run.
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if not _pending(locked.pk).exists():
            ExportJob.objects.filter(pk=locked.pk, finished_at__isnull=True).update(
                finished_at=timezone.now()
            )
            return False
        task = _task_of(locked)
        if not _run_is_dead(locked, task, stale_after):
            return False
        if task is not None:
            _abandon(task)
        if locked.attempts >= MAX_ATTEMPTS:
            _pending(locked.pk).update(
                status=ItemStatus.FAILED,
                error=_("処理が繰り返し中断されたため、作成を中止しました。"),
                finished_at=timezone.now(),
            )
            locked.finished_at = timezone.now()
            locked.save(update_fields=["finished_at"])
            return False
        _enqueue(locked)
        logger.warning("bulk export: job %s resumed (attempt %s)", locked.pk, locked.attempts)
        return True


# --- the ZIP -----------------------------------------------------------------------------------

SUMMARY_NAME = "summary.csv"


def _summary_csv(items: list[ExportItem]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("団体コード"),
            _("団体名"),
            _("年度"),
            _("ラウンドID"),
            _("総合得点"),
            _("到達段階"),
            _("回答率（%）"),
            _("状態"),
            _("ファイル名"),
        ]
    )
    for item in items:
        done = item.status == ItemStatus.DONE
        writer.writerow(
            [
                safe_text(item.municipality.code),
                safe_text(item.municipality.name),
                item.round.fiscal_year if item.round_id else "",
                item.round_id or "",
                ""
                if not done or item.overall_score is None
                else rounded(item.overall_score, SCORE_DIGITS),
                safe_text(item.stage_attained) if done else "",
                rounded(item.completeness, SCORE_DIGITS)
                if done and item.completeness is not None
                else "",
                safe_text(item.get_status_display()),
                safe_text(item.file_name) if done else "",
            ]
        )
    # UTF-8 with a BOM, for Excel on Japanese Windows (see exports.writers).
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def job_zip(job: ExportJob):
    """The job's ZIP as an open temporary file: every PDF made, and summary.csv (two queries)."""
    items = list(
        ExportItem.objects.filter(job=job)
        .select_related("municipality", "round")
        .defer("pdf")
        .order_by("position")
    )
    # Returned open: FileResponse closes it when the download is sent.
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        pdfs = (
            ExportItem.objects.filter(job=job, status=ItemStatus.DONE)
            .order_by("position")
            .values_list("file_name", "pdf")
        )
        for file_name, pdf in pdfs.iterator(chunk_size=10):
            archive.writestr(file_name, bytes(pdf))
        archive.writestr(SUMMARY_NAME, _summary_csv(items))
    out.seek(0)
    return out
