"""The assessment factories make what the product would: consistent rows, values stored alike."""

import datetime

import pytest

from assessments.answer_values import IndicatorSpec, parse_answer
from assessments.models import QuestionnaireStatus, RoundStatus
from frameworks.models import AnswerType
from tests.assessment_factories import (
    AnswerFactory,
    QuestionnaireFactory,
    RoundFactory,
    open_round,
)
from tests.frameworks.factories import IndicatorFactory, make_edition

pytestmark = pytest.mark.django_db


def test_open_round_goes_through_round_open_with_dates_in_its_fiscal_year(personas):
    round_ = open_round(personas.municipality_a, personas.coordinator_a, fiscal_year=2027)
    assert (round_.opens_on, round_.closes_on) == (
        datetime.date(2027, 6, 1),
        datetime.date(2027, 9, 30),
    )
    assert round_.status == RoundStatus.OPEN and round_.created_by == personas.coordinator_a
    # The catalogue's assignments: every indicator to DX推進課, CNT-01 left out (A is a city).
    assert {q.department for q in round_.questionnaires.all()} == {personas.department_a}
    assert round_.assignments.count() == round_.edition.indicators.count() - 1


def test_a_round_s_questionnaire_and_answer_belong_to_one_municipality():
    answer = AnswerFactory(level=3)
    questionnaire = answer.questionnaire
    assert questionnaire.department.municipality == questionnaire.round.municipality
    assert answer.indicator.edition == questionnaire.round.edition
    assert answer.indicator.code == "STD-01"
    assert (answer.level, answer.version, answer.is_answered) == (3, 1, True)
    assert not questionnaire.round.assignments.exists()


def test_traits():
    closed = RoundFactory(closed=True, fiscal_year=2025)
    assert closed.status == RoundStatus.CLOSED and closed.closed_at is not None
    assert closed.closes_on == datetime.date(2025, 9, 30)
    submitted = QuestionnaireFactory(submitted=True)
    assert submitted.status == QuestionnaireStatus.SUBMITTED and submitted.is_locked


def test_values_are_stored_as_the_answering_page_stores_them(personas):
    edition = make_edition()
    IndicatorFactory(
        area=edition.areas.first(),
        stage=edition.stages.first(),
        code="PCT-01",
        answer_type=AnswerType.PERCENTAGE,
    )
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    department = personas.department_a
    percentage = AnswerFactory(round=round_, department=department, code="PCT-01", percentage=75)
    parsed = parse_answer(IndicatorSpec(AnswerType.PERCENTAGE), {"number": "７５％"})
    assert percentage.number == parsed.values.number
    assert str(percentage.number) == "75.00"

    choice = AnswerFactory(round=round_, department=department, code="CHO-01", choice_code="all")
    assert (choice.choice.code, choice.choice.score) == ("all", 100)

    skipped = AnswerFactory(round=round_, code="STD-02", inapplicable=True)
    assert skipped.questionnaire.department == department
    assert skipped.not_applicable and skipped.not_applicable_reason
    assert skipped.level is None and skipped.is_answered

    empty = AnswerFactory(round=round_, code="STD-03")
    assert not empty.is_answered
