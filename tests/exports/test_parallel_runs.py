"""A bulk export split over several runs (db_worker processes): leases, dead runs, races.

Every test counts the renders of each item: a municipality is rendered once
and appears once in the ZIP, whichever run took it.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from exports import bulk
from exports.bulk import (
    STALE_AFTER,
    export_item_claim,
    export_job_create,
    export_job_resume_if_stale,
    export_job_run,
    job_zip,
)
from exports.models import ExportItem, ItemStatus
from tests.exports.support import fake_render, zip_contents
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round

MUNICIPALITIES = 6

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent transactions: runs on PostgreSQL (CI's second pass)",
)


class Renders:
    """A stand-in renderer that counts its renders per municipality (thread-safe)."""

    def __init__(self, pause: float = 0.0):
        self.counts: Counter[str] = Counter()
        self.by_thread: Counter[int] = Counter()
        self.pause = pause
        self._lock = threading.Lock()

    def __call__(self, round_):
        time.sleep(self.pause)  # long enough for the other run to take the next item
        with self._lock:
            self.counts[round_.municipality.code] += 1
            self.by_thread[threading.get_ident()] += 1
        return fake_render(round_)


@pytest.fixture
def renders(monkeypatch):
    renders = Renders()
    monkeypatch.setattr(bulk, "_renderer", lambda: renders)
    return renders


def make_job(personas, count=MUNICIPALITIES):
    edition = make_edition(indicators=2, areas=2)
    municipalities = [MunicipalityFactory() for _ in range(count)]
    for municipality in municipalities:
        make_round(municipality, edition, personas.admin, 50.0)
    job = export_job_create(owner=personas.admin, municipalities=municipalities, fiscal_year=None)
    return job, municipalities


def assert_every_municipality_once(job, municipalities, renders):
    codes = sorted(m.code for m in municipalities)
    assert sorted(renders.counts) == codes
    assert set(renders.counts.values()) == {1}
    assert set(job.items.values_list("status", flat=True)) == {ItemStatus.DONE}
    with job_zip(job) as archive:
        contents = zip_contents(archive.read())  # asserts the names are unique
    pdfs = sorted(name.split("_")[0] for name in contents if name.endswith(".pdf"))
    assert len(pdfs) == len(codes)
    assert pdfs == codes
    job.refresh_from_db()
    assert job.finished_at is not None


def _backdate_lease(item_id: int, by: timedelta) -> None:
    ExportItem.objects.filter(pk=item_id).update(claimed_at=timezone.now() - by)


# --- runs and leases (both databases) ----------------------------------------------------------


@pytest.mark.django_db
def test_a_job_is_enqueued_as_one_run_per_worker(personas, settings):
    settings.BULK_EXPORT_RUNS = 3
    job, _ = make_job(personas)
    assert len(job.task_ids) == 3
    tasks = DBTaskResult.objects.filter(pk__in=job.task_ids)
    assert tasks.count() == 3
    assert {(t.status, t.task_path, tuple(t.args_kwargs["args"])) for t in tasks} == {
        ("READY", "exports.tasks.run_export_job", (job.pk,))
    }
    small, _ = make_job(personas, count=2)
    assert len(small.task_ids) == 2  # never more runs than items


@pytest.mark.django_db
def test_two_runs_lease_different_items_and_a_lease_expires(personas):
    job, _ = make_job(personas, count=3)
    first = export_item_claim(job.pk, "run-a")
    second = export_item_claim(job.pk, "run-b")
    third = export_item_claim(job.pk, "run-a")
    positions = dict(job.items.values_list("pk", "position"))
    assert [positions[first], positions[second], positions[third]] == [1, 2, 3]
    assert export_item_claim(job.pk, "run-c") is None  # every item is leased

    # run-b is silent for longer than STALE_AFTER: its lease is free again.
    _backdate_lease(second, STALE_AFTER + timedelta(seconds=1))
    assert export_item_claim(job.pk, "run-c") == second
    assert ExportItem.objects.get(pk=second).claimed_by == "run-c"
    assert export_item_claim(job.pk, "run-d") is None


@pytest.mark.django_db
def test_a_run_that_dies_after_claiming_is_taken_over_when_its_lease_expires(personas, renders):
    job, municipalities = make_job(personas)
    # A run takes the first item and dies before rendering it (its worker was killed).
    dead_lease = export_item_claim(job.pk, "killed-run")

    export_job_run(job_id=job.pk)  # the other run does everything else, then stops
    assert job.items.get(pk=dead_lease).status == ItemStatus.PENDING
    assert sum(renders.counts.values()) == MUNICIPALITIES - 1
    job.refresh_from_db()
    assert job.finished_at is None

    _backdate_lease(dead_lease, STALE_AFTER + timedelta(seconds=1))
    export_job_run(job_id=job.pk)  # a later run (or the live one, on its next item) takes it

    assert_every_municipality_once(job, municipalities, renders)


@pytest.mark.django_db
def test_at_start_up_a_dead_run_is_failed_and_the_waiting_run_finishes_the_job(personas, renders):
    """resume_exports --stale-after 0 before the workers start: one run was killed mid-item,
    the job's other run still waits for a worker and takes the released item."""
    job, municipalities = make_job(personas)
    killed, waiting = job.task_ids
    DBTaskResult.objects.filter(pk=killed).update(status="RUNNING", started_at=timezone.now())
    export_item_claim(job.pk, "killed-run")

    assert not export_job_resume_if_stale(job, stale_after=timedelta(0))  # no new run needed
    assert DBTaskResult.objects.get(pk=killed).status == "FAILED"
    assert DBTaskResult.objects.get(pk=waiting).status == "READY"
    assert not job.items.filter(claimed_at__isnull=False).exists()
    assert DBTaskResult.objects.count() == 2

    export_job_run(job_id=job.pk)  # the waiting run
    assert_every_municipality_once(job, municipalities, renders)


# --- real concurrency (PostgreSQL) ---------------------------------------------------------------


def _in_threads(*functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def work(function):
        try:
            barrier.wait(timeout=10)
            function()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_over_one_job_render_each_municipality_once(personas, renders):
    renders.pause = 0.05
    job, municipalities = make_job(personas, count=10)

    _in_threads(
        lambda: export_job_run(job_id=job.pk),
        lambda: export_job_run(job_id=job.pk),
    )

    assert_every_municipality_once(job, municipalities, renders)
    assert len(renders.by_thread) == 2, "both runs should have taken items"
    assert min(renders.by_thread.values()) >= 2


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_the_item_another_run_is_leasing(personas):
    """skip_locked: while one run holds the first item's row lock, another run takes the
    second item at once instead of waiting."""
    job, _ = make_job(personas, count=2)
    first = job.items.get(position=1).pk
    locked, release = threading.Event(), threading.Event()

    def hold_the_first_row():
        with transaction.atomic():
            ExportItem.objects.select_for_update().get(pk=first)
            locked.set()
            release.wait(timeout=20)

    holder = threading.Thread(target=lambda: (hold_the_first_row(), connection.close()))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        taken = export_item_claim(job.pk, "run-b")
        assert time.monotonic() - started < 5
        assert taken == job.items.get(position=2).pk
    finally:
        release.set()
        holder.join(timeout=20)
