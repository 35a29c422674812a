"""Progress per department: assigned, answered, status and overdue, counted by the database."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from assessments.models import QuestionnaireStatus
from assessments.round_progress import round_progress, rounds_with_progress
from dxportal.japanese_calendar import today_in_japan
from tests.assessment_factories import AnswerFactory, open_round
from tests.assessments.conftest import share_with_tax_office
from tests.factories import DepartmentFactory
from tests.frameworks.factories import make_edition

BEFORE_CLOSE = datetime.date(2026, 9, 30)  # the close date itself is not overdue
AFTER_CLOSE = datetime.date(2026, 10, 1)


def _by_name(progress):
    return {row.department.name: row for row in progress.departments}


@pytest.fixture
def two_departments(open_round, personas):
    """STD-01 and STD-02 are also answered by 税務課, which answers nothing else."""
    return share_with_tax_office(open_round, personas, ["STD-01", "STD-02"])


def test_counts_assigned_and_answered_per_department(two_departments, personas):
    round_ = two_departments
    dx = round_.questionnaires.get(department=personas.department_a)
    tax = round_.questionnaires.get(department=personas.other_department_a)
    std01, std02, std03 = (round_.edition.indicators.get(code=f"STD-0{n}") for n in (1, 2, 3))
    AnswerFactory(questionnaire=dx, indicator=std01, level=1)
    AnswerFactory(questionnaire=dx, indicator=std03, inapplicable=True)
    # A row with nothing in it (a cleared answer) does not count.
    AnswerFactory(questionnaire=dx, indicator=std02, version=2)
    AnswerFactory(questionnaire=tax, indicator=std02, text="", yes=None, level=0)

    rows = _by_name(round_progress(round_, today=BEFORE_CLOSE))
    # A city: 6 maturity + CHO-01, without the towns-and-villages-only CNT-01.
    assert (rows["DX推進課"].assigned, rows["DX推進課"].answered) == (7, 2)
    assert (rows["税務課"].assigned, rows["税務課"].answered) == (2, 1)
    assert rows["税務課"].percent == 50


def test_overdue_is_after_the_close_date_and_not_submitted(two_departments, personas):
    round_ = two_departments
    round_.questionnaires.filter(department=personas.other_department_a).update(
        status=QuestionnaireStatus.SUBMITTED
    )
    on_time = _by_name(round_progress(round_, today=BEFORE_CLOSE))
    assert not any(row.overdue for row in on_time.values())

    late = round_progress(round_, today=AFTER_CLOSE)
    rows = _by_name(late)
    assert rows["DX推進課"].overdue and not rows["税務課"].overdue
    assert (late.overdue, late.submitted, late.in_progress) == (1, 1, 1)

    for status in (QuestionnaireStatus.RETURNED, QuestionnaireStatus.IN_PROGRESS):
        round_.questionnaires.filter(department=personas.department_a).update(status=status)
        assert _by_name(round_progress(round_, today=AFTER_CLOSE))["DX推進課"].overdue
    round_.questionnaires.filter(department=personas.department_a).update(
        status=QuestionnaireStatus.APPROVED
    )
    assert round_progress(round_, today=AFTER_CLOSE).overdue == 0


def test_today_is_the_date_in_japan():
    # 2026-09-30 16:00 UTC is already 1 October in Japan.
    late_utc = datetime.datetime(2026, 9, 30, 16, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_utc):
        assert today_in_japan() == AFTER_CLOSE


def test_rounds_summary_counts_done_and_overdue(two_departments, personas):
    round_ = two_departments
    round_.questionnaires.filter(department=personas.other_department_a).update(
        status=QuestionnaireStatus.APPROVED
    )
    (summary,) = rounds_with_progress(personas.municipality_a, today=AFTER_CLOSE)
    assert (summary.total, summary.done, summary.approved, summary.overdue) == (2, 1, 1, 1)
    (summary,) = rounds_with_progress(personas.municipality_a, today=BEFORE_CLOSE)
    assert summary.overdue == 0


def test_round_page_with_a_frozen_date(client, two_departments, personas):
    client.force_login(personas.coordinator_a)
    url = reverse(
        "rounds:detail",
        kwargs={"code": personas.municipality_a.code, "round_id": two_departments.pk},
    )
    late = datetime.datetime(2026, 10, 1, 1, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        response = client.get(url)
    progress = response.context["progress"]
    assert progress.today == AFTER_CLOSE
    assert progress.overdue == 2
    assert "期限超過 2部署" in response.text


# --- query counts: the same whatever the number of departments and indicators ---------


def _round_with(personas, *, departments: int, indicators: int):
    for n in range(departments - 1):
        DepartmentFactory(municipality=personas.municipality_a, name=f"DX室{n}")
    edition = make_edition(indicators=indicators, areas=2)
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    for questionnaire in round_.questionnaires.all():
        for indicator in edition.indicators.filter(code__startswith="STD")[:2]:
            AnswerFactory(questionnaire=questionnaire, indicator=indicator, level=2)
    return round_


# Every signed-in page: session, user, memberships = 3 (the session is not written:
# accounts/session_lifetime.py renews it at most once a minute). Then the round page:
# the round and the questionnaires with their counts (2); the rounds page: the rounds
# with their counts and the published editions for the form's default and select (4).
ROUND_PAGE_QUERIES = 5
ROUNDS_PAGE_QUERIES = 7


@pytest.mark.parametrize(("departments", "indicators"), [(1, 2), (6, 12)])
def test_round_page_queries_do_not_grow(
    client, personas, django_assert_num_queries, departments, indicators
):
    round_ = _round_with(personas, departments=departments, indicators=indicators)
    assert round_.questionnaires.count() == departments
    client.force_login(personas.coordinator_a)
    url = reverse(
        "rounds:detail", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["progress"].departments) == departments


@pytest.mark.parametrize(("departments", "indicators"), [(1, 2), (6, 12)])
def test_rounds_page_queries_do_not_grow(
    client, personas, django_assert_num_queries, departments, indicators
):
    _round_with(personas, departments=departments, indicators=indicators)
    client.force_login(personas.coordinator_a)
    with django_assert_num_queries(ROUNDS_PAGE_QUERIES):
        response = client.get(
            reverse("rounds:index", kwargs={"code": personas.municipality_a.code})
        )
    assert response.status_code == 200


# The round, the questionnaire, its assignments with indicators, their rubric
# levels, its answers, their evidence files (listed with download links since
# issue 11) and its events: 7 after the 3 of every page. A returned questionnaire
# adds its latest return's indicator comments, events with comments add those.
REVIEW_PAGE_QUERIES = 10
# The round and the assignments with indicators and departments.
ASSIGNMENTS_PAGE_QUERIES = 5


@pytest.mark.parametrize(("departments", "indicators"), [(1, 2), (6, 12)])
def test_review_and_assignments_pages_queries_do_not_grow(
    client, personas, django_assert_num_queries, departments, indicators
):
    round_ = _round_with(personas, departments=departments, indicators=indicators)
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    client.force_login(personas.coordinator_a)
    kwargs = {"code": personas.municipality_a.code, "round_id": round_.pk}
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        response = client.get(
            reverse("rounds:review", kwargs=kwargs | {"questionnaire_id": questionnaire.pk})
        )
    assert response.status_code == 200
    with django_assert_num_queries(ASSIGNMENTS_PAGE_QUERIES):
        response = client.get(reverse("rounds:assignments", kwargs=kwargs))
    assert len(response.context["rows"]) == indicators + 1
