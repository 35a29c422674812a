"""Benchmark: times what users wait for, on a throw-away SQLite database.

Run with `make bench`. Prints numbers; it asserts nothing (timings vary by
machine; query counts are pinned in the test suite instead).
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="dxportal-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="dxportal.settings",
    DJANGO_ENV="development",
    DATABASE_URL=f"sqlite:///{WORKDIR}/bench.sqlite3",
    # The benchmark signs in with force_login, which enters no authenticator code: time
    # the pages as the demo serves them (two-factor off), not the verification redirect.
    TWO_FACTOR_REQUIRED="0",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402

REQUESTS = 50


def timed(label: str, func) -> None:
    start = time.perf_counter()
    func()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")


def page_median(client: Client, url: str) -> None:
    client.get(url)  # warm up templates and caches
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    median_ms = statistics.median(samples) * 1000
    p95_ms = statistics.quantiles(samples, n=20)[18] * 1000
    print(f"GET {url:<44} median {median_ms:6.1f} ms  p95 {p95_ms:6.1f} ms")


def scored_demo_rounds() -> list:
    """The demo rounds on the catalogue's editions, with their scores stored."""
    from assessments.models import Round
    from frameworks.models import EditionStatus
    from results.snapshots import snapshots_refresh

    if not Round.objects.filter(edition__status=EditionStatus.PUBLISHED).exists():
        catalogue = sorted((ROOT / "frameworks" / "catalogue").glob("jichitai-dx-*.yaml"))
        call_command("import_framework", "--skip-existing", *map(str, catalogue), verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())  # opens the demo rounds
    rounds = list(Round.objects.select_related("municipality"))
    for round_ in rounds:
        snapshots_refresh(round=round_, trigger="recomputed")
    return rounds


def bulk_export_throughput(jobs: int = 5) -> None:
    """Reports per minute of bulk exports of the demo rounds, run in-process by the task's body.

    The demo rounds get their scores stored first (a round without results
    is not exported); each job exports every one of them.
    """
    from exports.bulk import export_job_create, export_job_run
    from exports.models import ExportItem, ItemStatus

    rounds = scored_demo_rounds()
    admin = User.objects.get(email="admin@example.jp")
    start = time.perf_counter()
    for _ in range(jobs):
        job = export_job_create(
            owner=admin, municipalities=[r.municipality for r in rounds], fiscal_year=None
        )
        export_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - start
    done = ExportItem.objects.filter(status=ItemStatus.DONE).count()
    failed = ExportItem.objects.filter(status=ItemStatus.FAILED).count()
    print(
        f"bulk export: {done} reports ({failed} failed) in {elapsed:.1f} s"
        f"  {done / elapsed * 60:6.1f} reports/min"
    )


def answer_demo_rounds() -> None:
    """横浜市's demo round with every questionnaire answered, and two earlier rounds.

    Run after bulk_export_throughput (which loads the catalogue and opens the
    demo rounds): the round gets every questionnaire answered (targets
    included) and two earlier fiscal years on the earlier edition, so the
    trend goes through the catalogue's lineage. scripts/profile_report.py uses
    it too.
    """
    from assessments.models import Answer, Round
    from assessments.rounds import round_open
    from frameworks.models import AnswerType, Edition
    from results.snapshots import snapshots_refresh

    current = Round.objects.select_related("edition", "municipality").get(
        municipality__code="141003"
    )
    coordinator = User.objects.get(email="coordinator@example.jp")
    earlier = Edition.objects.exclude(pk=current.edition_id).order_by("published_on").first()
    rounds = [current] + [
        round_open(
            municipality=current.municipality,
            edition=earlier,
            fiscal_year=current.fiscal_year - years,
            opens_on=current.opens_on,
            closes_on=current.closes_on,
            user=coordinator,
        )
        for years in (1, 2)
    ]
    values = {
        AnswerType.MATURITY: lambda i: {"level": i.pk % 4, "target_level": i.pk % 4 + 1},
        AnswerType.YES_NO: lambda i: {"yes": bool(i.pk % 2)},
        AnswerType.PERCENTAGE: lambda i: {"number": i.pk % 100},
        AnswerType.COUNT: lambda i: {"number": i.pk % 7},
        AnswerType.CHOICE: lambda i: {"choice": i.choices.order_by("order").first()},
        AnswerType.TEXT: lambda i: {"text": "取組の説明"},
    }
    for round_ in rounds:
        Answer.objects.bulk_create(
            Answer(
                questionnaire=q,
                indicator=a.indicator,
                version=1,
                **values[a.indicator.answer_type](a.indicator),
            )
            for q in round_.questionnaires.all()
            for a in round_.assignments.filter(department=q.department).select_related("indicator")
        )
        snapshots_refresh(round=round_, trigger="recomputed")


def results_pages(client: Client) -> None:
    """The dashboard, a department's results and the portfolio, on answered demo rounds."""
    from assessments.models import Round

    current = Round.objects.filter(municipality__code="141003").order_by("-fiscal_year").first()
    code, department = "141003", current.questionnaires.order_by("pk").first().department_id
    coordinator = User.objects.get(email="coordinator@example.jp")
    client.force_login(coordinator)
    page_median(client, reverse("results:dashboard", args=[code, current.pk]))
    page_median(client, reverse("results:department", args=[code, current.pk, department]))
    client.force_login(User.objects.get(email="consultant@example.jp"))
    page_median(client, reverse("benchmarks:portfolio"))


NATIONAL = 1788  # municipalities in the official master (fixtures/municipalities)


def report_median(runs: int = 7) -> None:
    """Median time to render the standard municipality report (target: at most 1.0 s).

    Run after answer_demo_rounds: 横浜市's demo round, every questionnaire
    answered, with two earlier rounds for the trend. The first render (fonts,
    templates) is not counted. The CPU time (time.process_time) is the number
    to compare: wall time also counts whatever else the machine runs. From it,
    the time a bulk export of every municipality would take with one worker
    per core (BULK_EXPORT_RUNS runs; exports/README.md), if each report cost
    as much as this fully answered one.
    """
    from django.conf import settings

    from assessments.models import Round
    from reports.rendering import render_municipality_report

    round_ = Round.objects.filter(municipality__code="141003").order_by("-fiscal_year").first()
    size = len(render_municipality_report(round_))
    cpu, wall = [], []
    for _ in range(runs):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        render_municipality_report(round_)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    print(
        f"municipality report PDF (横浜市, {size // 1024} KB, {runs} runs)"
        f"  CPU median {statistics.median(cpu):6.3f} s  max {max(cpu):6.3f} s"
        f"  (wall median {statistics.median(wall):6.3f} s)"
    )
    workers = min(settings.BULK_EXPORT_RUNS, os.cpu_count() or 1)
    minutes = NATIONAL * statistics.median(cpu) / workers / 60
    print(
        f"bulk export of all {NATIONAL:,} municipalities, {workers} workers"
        f" (estimate from the CPU median)   {minutes:6.1f} min"
    )


def main() -> None:
    master = ROOT / "fixtures" / "municipalities" / "municipalities.csv"
    call_command("migrate", verbosity=0)
    timed(
        "import_municipalities (1,788 bodies, first)",
        lambda: call_command("import_municipalities", str(master), verbosity=0),
    )
    timed(
        "import_municipalities (re-import, no change)",
        lambda: call_command("import_municipalities", str(master), verbosity=0),
    )
    call_command("seed_demo", stdout=io.StringIO())

    client = Client(SERVER_NAME="localhost")
    page_median(client, reverse("accounts:login"))
    client.force_login(User.objects.get(email="coordinator@example.jp"))
    page_median(client, reverse("portal:home"))
    page_median(client, reverse("municipalities:overview", kwargs={"code": "141003"}))
    page_median(client, reverse("municipalities:departments", kwargs={"code": "141003"}))
    bulk_export_throughput()
    answer_demo_rounds()
    results_pages(client)
    report_median()


if __name__ == "__main__":
    main()
