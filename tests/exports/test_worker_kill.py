"""Real `db_worker` processes: one killed with SIGKILL mid-job, then resumed (SECURITY.md 23);
two sharing one job.

The worker runs as a subprocess against the test database (committed data:
a transactional test). It is killed as soon as the first report is stored;
`resume_exports` then finds the job's task still RUNNING with no live worker
and enqueues it again, and a second worker (--batch: it stops when the queue
is empty) finishes the job. The ZIP must hold every municipality exactly once,
and no report stored before the kill is made again (its stored PDF, which
WeasyPrint stamps with the time it was made, and its finish time are unchanged).
Both workers render the real reports.
"""

import signal
import subprocess
import time

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from exports.bulk import export_job_create, job_zip
from exports.models import ExportItem, ItemStatus
from tests.exports.support import (
    PROJECT_ROOT,
    make_scored_round,
    summary_rows,
    worker_command,
    worker_env,
    zip_contents,
)
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import make_edition

MUNICIPALITIES = 4


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_resumed_with_every_municipality_exactly_once(personas):
    edition = make_edition(indicators=2, areas=2)
    municipalities = [MunicipalityFactory() for _ in range(MUNICIPALITIES)]
    for municipality in municipalities:
        make_scored_round(municipality, edition, personas.admin)
    job = export_job_create(owner=personas.admin, municipalities=municipalities, fiscal_year=None)
    env = worker_env()
    done = ExportItem.objects.filter(job=job, status=ItemStatus.DONE)

    worker = subprocess.Popen(
        worker_command(), cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        _wait_for(done.exists, timeout=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    stored_before_kill = {item.pk: (item.finished_at, bytes(item.pdf)) for item in done}
    assert 1 <= len(stored_before_kill) < MUNICIPALITIES
    # django_tasks_db leaves a killed worker's task RUNNING: nothing else would run it again.
    assert "RUNNING" in DBTaskResult.objects.filter(pk__in=job.task_ids).values_list(
        "status", flat=True
    )

    call_command("resume_exports", "--stale-after", "0", verbosity=0)
    subprocess.run(worker_command("--batch"), cwd=PROJECT_ROOT, env=env, check=True, timeout=120)

    assert set(ExportItem.objects.filter(job=job).values_list("status", flat=True)) == {
        ItemStatus.DONE
    }
    with job_zip(job) as archive:
        contents = zip_contents(archive.read())
    pdfs = {name: data for name, data in contents.items() if name.endswith(".pdf")}
    assert len(pdfs) == MUNICIPALITIES
    for municipality in municipalities:
        (name,) = [name for name in pdfs if name.startswith(municipality.code)]
        assert pdfs[name].startswith(b"%PDF-")
    assert sorted(row["団体コード"] for row in summary_rows(contents)) == sorted(
        m.code for m in municipalities
    )
    for item in ExportItem.objects.filter(pk__in=stored_before_kill):
        assert (item.finished_at, bytes(item.pdf)) == stored_before_kill[item.pk], (
            f"{item.municipality} was rendered again after the kill"
        )
    statuses = set(
        DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).values_list("status", flat=True)
    )
    assert statuses == {"FAILED", "SUCCESSFUL"}  # the dead run, marked; and the resumed one


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_job_and_render_each_municipality_once(personas):
    """Two real `db_worker` processes (BULK_EXPORT_RUNS=2): each takes one of the job's runs,
    both render reports, and every municipality is in the ZIP once."""
    count = 8
    edition = make_edition(indicators=2, areas=2)
    municipalities = [MunicipalityFactory() for _ in range(count)]
    for municipality in municipalities:
        make_scored_round(municipality, edition, personas.admin)
    job = export_job_create(owner=personas.admin, municipalities=municipalities, fiscal_year=None)
    assert len(job.task_ids) == 2
    env = worker_env(BULK_EXPORT_RUNS="2")

    workers = [
        subprocess.Popen(
            worker_command("--batch"), cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL
        )
        for _ in range(2)
    ]
    try:
        for worker in workers:
            assert worker.wait(timeout=180) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    items = list(job.items.all())
    assert len(items) == count
    assert {item.status for item in items} == {ItemStatus.DONE}
    runs = {item.claimed_by for item in items}
    assert len(runs) == 2, f"one worker rendered everything: {runs}"
    with job_zip(job) as archive:
        contents = zip_contents(archive.read())
    assert sorted(name.split("_")[0] for name in contents if name.endswith(".pdf")) == sorted(
        m.code for m in municipalities
    )
    statuses = list(
        DBTaskResult.objects.filter(pk__in=job.task_ids).values_list("status", flat=True)
    )
    assert statuses == ["SUCCESSFUL", "SUCCESSFUL"]
