"""Bulk export: one PDF report per municipality, made on the background worker.

Who: consultants for the municipalities they are assigned to
(Capability.COMPARE_MUNICIPALITIES) and system administrators for every
municipality. Which round: the job's fiscal year if one was chosen, else each
municipality's latest round with results (a municipality snapshot); the
round is fixed when the job is made, and a municipality without such a
round gets a 結果なし row in the summary instead of a PDF.

Parallel runs: a job is enqueued as BULK_EXPORT_RUNS tasks (settings), so
that as many `db_worker` processes work on it at once. Each run leases the
next pending item nobody holds (`export_item_claim`: the item's claimed_at
and claimed_by, set under a row lock taken with skip_locked on PostgreSQL,
in an exclusive transaction on SQLite, which has a single writer anyway),
renders it, records it, and takes the next, until no item is left to take.

Robustness (SECURITY.md 4 and 23):
- An item's PDF and its new state are written in one transaction that first
  re-reads the item under a lock and gives up if it is no longer pending,
  so running a job twice, two runs rendering the same item (a lease taken
  over from a run that was only slow), or a killed run never make a second
  PDF for a municipality, and a killed run leaves every item either done or
  pending.
- Permissions are checked again for each item when it runs, from the
  owner's current memberships: a consultant unassigned in the meantime gets
  a 権限なし row, not a PDF.
- A lease older than STALE_AFTER belongs to a dead run (one report takes
  about a second): another run of the job takes the item over.
- django_tasks_db leaves the task of a killed worker RUNNING for ever (its
  worker marks a task failed only when the task raises). The job's
  heartbeat, written by every run at its start and after each item, tells
  live runs from dead ones: `export_job_resume_if_stale` marks the runs
  that count as running with a heartbeat older than STALE_AFTER failed,
  releases their leases, and enqueues new runs if no run of the job is left
  (none waits for a worker, none is alive; or all ended with items still
  pending). The progress page calls it on every poll, and
  `manage.py resume_exports --stale-after 0` calls it at start-up before
  the workers start (`make run`).
"""

import csv
import io
import logging
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from accounts.access import Access, Capability
from assessments.models import Round
from audit.models import AuditAction
from audit.recording import record
from dxportal.number_format import rounded
from dxportal.spreadsheet_text import safe_text
from exports.models import ExportItem, ExportJob, ItemStatus
from exports.writers import IDENTITY_HEADERS, SCORE_DIGITS
from frameworks.models import Stage
from municipalities.models import Municipality
from results.models import ScoreSnapshot
from results.stage_names import stage_label, stage_names

logger = logging.getLogger(__name__)

MAX_MUNICIPALITIES = 200
# A run writes its heartbeat after every item (one report takes about a second); a run
# silent for longer is dead, and so are its leases.
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
    """Enqueue the job's runs: BULK_EXPORT_RUNS, or fewer if fewer items are pending."""
    from exports.tasks import run_export_job  # the task module imports this one

    runs = max(1, min(settings.BULK_EXPORT_RUNS, _pending(job.pk).count()))
    job.task_ids = [str(run_export_job.enqueue(job.pk).id) for _ in range(runs)]
    job.attempts += 1
    job.save(update_fields=["task_ids", "attempts"])


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


def export_item_claim(job_id: int, run: str) -> int | None:
    """Lease the job's next pending item to `run`; its id, or None if none is free.

    Free: never leased, or leased longer than STALE_AFTER ago (its run is dead).
    PostgreSQL skips the rows another run is leasing this instant; SQLite runs
    the whole claim in an exclusive transaction (one writer at a time).
    """
    now = timezone.now()
    free = _pending(job_id).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - STALE_AFTER)
    )
    with exclusive_transaction():
        item_id = (
            free.select_for_update(skip_locked=True)
            .order_by("position")
            .values_list("pk", flat=True)
            .first()
        )
        if item_id is not None:
            ExportItem.objects.filter(pk=item_id).update(claimed_at=now, claimed_by=run)
    return item_id


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
    """The task's body (one run): process free items one at a time, then finish the job if done.

    Several runs of a job work side by side, each on the items it leased.
    """
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:  # deleted while it waited
        return {}
    run = uuid4().hex
    _beat(job_id)
    while (item_id := export_item_claim(job_id, run)) is not None:
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


def _dead_runs(job: ExportJob, tasks: list[DBTaskResult], stale_after: timedelta) -> list:
    """The job's runs that count as running but gave no sign of life within stale_after."""
    cutoff = timezone.now() - stale_after
    return [
        task
        for task in tasks
        if task.status == "RUNNING"
        and max(filter(None, [job.heartbeat_at, task.started_at]), default=cutoff) <= cutoff
    ]


def _live_runs(tasks: list[DBTaskResult], dead: list[DBTaskResult]) -> bool:
    """Whether a run of the job waits for a worker or is still running."""
    return any(task.status in {"READY", "RUNNING"} and task not in dead for task in tasks)


def _tasks_of(job: ExportJob) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(pk__in=job.task_ids)) if job.task_ids else []


def export_job_resume_if_stale(job: ExportJob, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Rescue a job whose runs died (see the module docstring); True if it enqueued new runs.

    Dead runs are marked failed and their leases released; new runs are enqueued
    only if no run of the job is left to take the items (none waits, none lives).
    A read without locks first, so that polling a live job never takes the write lock.
    """
    if job.finished_at is not None:
        return False
    tasks = _tasks_of(job)
    dead = _dead_runs(job, tasks, stale_after)
    if not dead and _live_runs(tasks, dead):
        return False
    with transaction.atomic():
        # Again under the job's lock: two pages polling at once enqueue one set of runs.
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if not _pending(locked.pk).exists():
            ExportJob.objects.filter(pk=locked.pk, finished_at__isnull=True).update(
                finished_at=timezone.now()
            )
            return False
        tasks = _tasks_of(locked)
        dead = _dead_runs(locked, tasks, stale_after)
        for task in dead:
            _abandon(task)
        if dead:  # their leases are void: a waiting or new run may take the items at once
            _pending(locked.pk).filter(claimed_at__lte=timezone.now() - stale_after).update(
                claimed_at=None, claimed_by=""
            )
        if _live_runs(tasks, dead):
            return False
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
            *(str(header) for header in IDENTITY_HEADERS),
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
