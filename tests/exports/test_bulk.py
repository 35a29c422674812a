"""Bulk export: choosing municipalities, the job and its items, permissions, the ZIP."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership
from exports import bulk
from exports.bulk import export_job_create, export_job_resume_if_stale, export_job_run
from exports.models import ExportItem, ExportJob, ItemStatus
from tests.exports.support import fake_render, make_results, summary_rows, zip_contents
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_renderer(monkeypatch):
    # The real renderer (reports.rendering) has its own tests; here a report
    # only has to say whose it is.
    monkeypatch.setattr(bulk, "_renderer", lambda: fake_render)


@pytest.fixture
def edition():
    return make_edition(indicators=2, areas=2)


@pytest.fixture
def rounds(personas, edition):
    return make_results(personas, edition)


def start(client, user, municipalities, fiscal_year=""):
    client.force_login(user)
    return client.post(
        reverse("exports:bulk"),
        {"municipalities": [m.pk for m in municipalities], "fiscal_year": fiscal_year},
    )


def download(client, job) -> dict[str, bytes]:
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    # Reading the stream to its end closes the response (and its temporary file).
    return zip_contents(b"".join(response.streaming_content))


def test_a_consultant_exports_assigned_municipalities(client, personas, rounds):
    client.force_login(personas.consultant)
    page = client.get(reverse("exports:bulk")).content.decode()
    assert personas.municipality_a.name in page and personas.municipality_b.name in page
    assert personas.municipality_c.name not in page

    response = start(
        client, personas.consultant, [personas.municipality_a, personas.municipality_b]
    )

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    assert job.owner == personas.consultant
    assert [(i.municipality, i.round, i.status) for i in job.items.all()] == [
        (personas.municipality_a, rounds["a"], ItemStatus.PENDING),
        (personas.municipality_b, rounds["b"], ItemStatus.PENDING),
    ]
    # One run per item here (BULK_EXPORT_RUNS is 2): each db_worker may take one.
    tasks = DBTaskResult.objects.filter(pk__in=job.task_ids)
    assert len(job.task_ids) == tasks.count() == 2
    for task in tasks:
        assert (task.status, task.args_kwargs["args"]) == ("READY", [job.pk])
        assert task.task_path == "exports.tasks.run_export_job"

    export_job_run(job_id=job.pk)

    contents = download(client, job)
    a, b = personas.municipality_a, personas.municipality_b
    a_pdf = f"{a.code}_{a.name}_2026年度.pdf"
    b_pdf = f"{b.code}_{b.name}_2026年度.pdf"
    assert sorted(contents) == sorted([a_pdf, b_pdf, "summary.csv"])
    assert contents[a_pdf] == fake_render(rounds["a"])
    assert [
        (
            r["団体コード"],
            r["総合得点"],
            r["到達段階"],
            r["回答率（%）"],
            r["状態"],
            r["ファイル名"],
        )
        for r in summary_rows(contents)
    ] == [
        (a.code, "40.0", "デジタイゼーション", "80.0", "作成済み", a_pdf),
        (b.code, "70.0", "デジタイゼーション", "80.0", "作成済み", b_pdf),
    ]
    job.refresh_from_db()
    assert job.finished_at is not None


def test_a_consultant_cannot_choose_another_municipality(client, personas, edition, rounds):
    make_round(personas.municipality_c, edition, personas.admin, 50.0)

    response = start(
        client, personas.consultant, [personas.municipality_a, personas.municipality_c]
    )

    assert response.status_code == 400
    assert "有効な選択肢" in response.content.decode() or "選択" in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_nothing_chosen_is_a_clear_message(client, personas, rounds):
    response = start(client, personas.consultant, [])
    assert response.status_code == 400
    assert "団体を1つ以上選んでください。" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_only_consultants_and_admins_may_bulk_export(client, personas, edition, rounds):
    make_round(personas.municipality_c, edition, personas.admin, 50.0)
    for name in ("respondent_a", "coordinator_a", "coordinator_c", "catalogue_editor"):
        client.force_login(personas.by_name(name))
        assert client.get(reverse("exports:bulk")).status_code == 403, name
        assert start(client, personas.by_name(name), [personas.municipality_a]).status_code == 403
    client.force_login(personas.admin)
    page = client.get(reverse("exports:bulk")).content.decode()
    for municipality in (personas.municipality_a, personas.municipality_b, personas.municipality_c):
        assert municipality.name in page
    assert not ExportJob.objects.exists()


def test_a_chosen_fiscal_year_and_a_municipality_without_results(client, personas, edition, rounds):
    earlier = make_round(personas.municipality_a, edition, personas.admin, 20.0, fiscal_year=2025)

    start(client, personas.consultant, [personas.municipality_a, personas.municipality_b], "2025")

    job = ExportJob.objects.get()
    assert job.fiscal_year == 2025
    a_item = job.items.get(municipality=personas.municipality_a)
    b_item = job.items.get(municipality=personas.municipality_b)
    assert (a_item.round, a_item.status) == (earlier, ItemStatus.PENDING)
    # B has no round with results in 2025: listed at once, never rendered.
    assert (b_item.round, b_item.status) == (None, ItemStatus.NO_RESULTS)
    export_job_run(job_id=job.pk)
    rows = summary_rows(download(client, job))
    assert [(r["年度"], r["総合得点"], r["状態"], r["ファイル名"]) for r in rows] == [
        (
            "2025",
            "20.0",
            "作成済み",
            f"{personas.municipality_a.code}_{personas.municipality_a.name}_2025年度.pdf",
        ),
        ("", "", "結果なし", ""),
    ]


def test_the_latest_round_with_results_is_used(personas, edition, rounds):
    make_round(
        personas.municipality_a, edition, personas.admin, None, fiscal_year=2027
    )  # no results yet
    job = export_job_create(
        owner=personas.consultant, municipalities=[personas.municipality_a], fiscal_year=None
    )
    assert job.items.get().round == rounds["a"]


def test_permissions_are_checked_again_when_the_job_runs(client, personas, rounds):
    start(client, personas.consultant, [personas.municipality_a, personas.municipality_b])
    job = ExportJob.objects.get()
    # The consultant is unassigned from B before the worker gets to the job.
    Membership.objects.filter(
        user=personas.consultant, municipality=personas.municipality_b
    ).delete()

    export_job_run(job_id=job.pk)

    statuses = dict(job.items.values_list("municipality_id", "status"))
    assert statuses == {
        personas.municipality_a.pk: ItemStatus.DONE,
        personas.municipality_b.pk: ItemStatus.REFUSED,
    }
    assert job.items.get(municipality=personas.municipality_b).pdf is None
    contents = download(client, job)
    assert not [name for name in contents if personas.municipality_b.code in name]
    assert [r["状態"] for r in summary_rows(contents)] == ["作成済み", "権限なし"]


def test_a_deactivated_owner_gets_nothing(personas, rounds):
    job = export_job_create(
        owner=personas.consultant, municipalities=[personas.municipality_a], fiscal_year=None
    )
    personas.consultant.is_active = False
    personas.consultant.save()
    export_job_run(job_id=job.pk)
    assert job.items.get().status == ItemStatus.REFUSED


def test_a_failing_report_does_not_stop_the_others(monkeypatch, client, personas, rounds):
    def render(round_):
        if round_ == rounds["a"]:
            raise ValueError("broken chart")
        return fake_render(round_)

    monkeypatch.setattr(bulk, "_renderer", lambda: render)
    start(client, personas.consultant, [personas.municipality_a, personas.municipality_b])
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)

    a_item, b_item = job.items.all()
    assert (a_item.status, a_item.error) == (ItemStatus.FAILED, "ValueError: broken chart")
    assert b_item.status == ItemStatus.DONE
    assert [r["状態"] for r in summary_rows(download(client, job))] == ["失敗", "作成済み"]


def test_the_summary_is_formula_safe(client, personas, edition):
    hostile = MunicipalityFactory(name="=HYPERLINK(1)市")
    make_round(hostile, edition, personas.admin, 10.0)
    client.force_login(personas.admin)
    start(client, personas.admin, [hostile])
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    (row,) = summary_rows(download(client, job))
    assert row["団体名"] == "'=HYPERLINK(1)市"


# --- killed runs and their recovery ----------------------------------------------------------


class WorkerKilled(BaseException):
    """What SIGKILL looks like from inside: the run stops between two statements."""


def test_a_run_killed_after_the_first_item_resumes_without_duplicates(
    monkeypatch, client, personas, rounds
):
    rendered = []

    def dies_on_the_second(round_):
        rendered.append(round_.municipality.code)
        if len(rendered) == 2:
            raise WorkerKilled
        return fake_render(round_)

    monkeypatch.setattr(bulk, "_renderer", lambda: dies_on_the_second)
    start(client, personas.consultant, [personas.municipality_a, personas.municipality_b])
    job = ExportJob.objects.get()
    _task(job).update(status="RUNNING", started_at=timezone.now())
    with pytest.raises(WorkerKilled):
        export_job_run(job_id=job.pk)
    assert list(job.items.values_list("status", flat=True)) == [ItemStatus.DONE, ItemStatus.PENDING]
    first_tasks = job.task_ids

    # Within the heartbeat window the run counts as alive.
    assert not export_job_resume_if_stale(job)
    assert export_job_resume_if_stale(job, stale_after=timedelta(0))

    job.refresh_from_db()
    assert job.attempts == 2 and not set(job.task_ids) & set(first_tasks)
    assert set(
        DBTaskResult.objects.filter(pk__in=first_tasks).values_list("status", flat=True)
    ) == {"FAILED"}
    # One item is left: one run.
    assert list(_task(job).values_list("status", flat=True)) == ["READY"]
    export_job_run(job_id=job.pk)
    export_job_run(job_id=job.pk)  # a second, late run changes nothing

    # A was rendered once; B twice (the killed attempt and the resumed one), kept once.
    assert rendered == [
        personas.municipality_a.code,
        personas.municipality_b.code,
        personas.municipality_b.code,
    ]
    contents = download(client, job)
    assert len([name for name in contents if name.endswith(".pdf")]) == 2
    assert [r["状態"] for r in summary_rows(contents)] == ["作成済み", "作成済み"]


def test_two_runs_at_once_store_one_report_per_municipality(monkeypatch, personas, rounds):
    """A run that finishes an item while another is still rendering it wins; nothing doubles."""
    job = export_job_create(
        owner=personas.consultant, municipalities=[personas.municipality_a], fiscal_year=None
    )
    item = job.items.get()

    def render_while_another_run_finishes_first(round_):
        assert bulk._item_record(
            item.pk, status=ItemStatus.DONE, pdf=b"%PDF first", file_name="a.pdf"
        )
        return b"%PDF second"

    monkeypatch.setattr(bulk, "_renderer", lambda: render_while_another_run_finishes_first)
    export_job_run(job_id=job.pk)

    item.refresh_from_db()
    assert (item.status, bytes(item.pdf)) == (ItemStatus.DONE, b"%PDF first")
    assert job.items.count() == 1


@pytest.fixture
def job(personas, rounds):
    return export_job_create(
        owner=personas.consultant,
        municipalities=[personas.municipality_a, personas.municipality_b],
        fiscal_year=None,
    )


def _task(job):
    """The job's runs."""
    return DBTaskResult.objects.filter(pk__in=job.task_ids)


def test_a_waiting_job_is_left_alone(job):
    assert not export_job_resume_if_stale(job, stale_after=timedelta(0))
    assert DBTaskResult.objects.count() == 2


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(job):
    _task(job).update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=10))
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert not export_job_resume_if_stale(job)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=2))
    assert export_job_resume_if_stale(job)
    assert DBTaskResult.objects.count() == 4


def test_a_task_that_ended_with_items_pending_is_resumed(job):
    _task(job).update(status="FAILED", finished_at=timezone.now())
    assert export_job_resume_if_stale(job)


def test_a_job_that_keeps_dying_is_given_up(job):
    ExportJob.objects.filter(pk=job.pk).update(attempts=bulk.MAX_ATTEMPTS)
    _task(job).update(status="FAILED", finished_at=timezone.now())
    assert not export_job_resume_if_stale(job)
    job.refresh_from_db()
    assert job.finished_at is not None
    assert set(job.items.values_list("status", flat=True)) == {ItemStatus.FAILED}


def test_resume_exports_command_re_enqueues_dead_jobs(job):
    _task(job).update(status="RUNNING", started_at=timezone.now())
    call_command("resume_exports", verbosity=0)  # default window: still alive
    assert DBTaskResult.objects.count() == 2
    call_command("resume_exports", "--stale-after", "0", verbosity=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    export_job_run(job_id=job.pk)
    assert set(job.items.values_list("status", flat=True)) == {ItemStatus.DONE}


# --- the job's pages -------------------------------------------------------------------------


def test_the_progress_page_shows_a_progress_bar_and_polls_until_done(client, personas, job):
    client.force_login(personas.consultant)
    address = reverse("exports:job", args=[job.pk])
    page = client.get(address).content.decode()
    assert '<progress id="job-progress" class="w-100" max="2" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="{address}"' in page  # the refresh link, without JavaScript
    assert reverse("exports:job_download", args=[job.pk]) not in page

    export_job_run(job_id=job.pk)
    fragment = client.get(address, headers={"HX-Request": "true"}).content.decode()
    assert not fragment.lstrip().startswith("<!doctype")
    assert fragment.lstrip().startswith('<div id="job-progress-panel"')
    assert 'value="2"' in fragment and "hx-trigger" not in fragment
    assert reverse("exports:job_download", args=[job.pk]) in fragment


def test_the_progress_page_resumes_a_dead_job(client, personas, job):
    _task(job).update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=5))
    client.force_login(personas.consultant)
    client.get(reverse("exports:job", args=[job.pk]))
    assert DBTaskResult.objects.filter(status="READY").count() == 2


def test_progress_queries_do_not_grow_with_the_job(client, personas, edition):
    client.force_login(personas.admin)
    sizes = {}
    for size in (2, 12):
        municipalities = [MunicipalityFactory() for _ in range(size)]
        for municipality in municipalities:
            make_round(municipality, edition, personas.admin, 50.0)
        job = export_job_create(
            owner=personas.admin, municipalities=municipalities, fiscal_year=None
        )
        export_job_run(job_id=job.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exports:job", args=[job.pk])).status_code == 200
        sizes[size] = len(queries)
    # Signed in (session, user, memberships; no session write), the job, the counts by
    # state, the items.
    assert sizes[2] == sizes[12] == 3 + 3


@pytest.mark.parametrize("name", ["admin", "coordinator_a", "respondent_a"])
def test_a_job_is_for_its_owner_only(client, personas, job, name):
    export_job_run(job_id=job.pk)
    client.force_login(personas.by_name(name))
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404
    client.force_login(personas.consultant)
    assert b"".join(client.get(reverse("exports:job_download", args=[job.pk])).streaming_content)


def test_the_zip_waits_for_the_job(client, personas, job):
    client.force_login(personas.consultant)
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404
    export_job_run(job_id=job.pk)
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_items_are_unique_per_municipality(personas, job):
    with pytest.raises(IntegrityError):
        ExportItem.objects.create(job=job, position=9, municipality=personas.municipality_a)
