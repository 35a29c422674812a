"""Stored results: what submitting, approving and closing store, and which answers they score."""

import json
from unittest import mock

import pytest
from hypothesis import given, settings

from assessments.coordination import (
    assignment_set,
    consolidation_set,
    questionnaire_approve,
    questionnaire_reopen,
    round_close,
)
from assessments.models import Answer, QuestionnaireStatus, Round
from assessments.submitting import questionnaire_submit
from frameworks.models import AnswerType
from results.models import ScoreSnapshot, SnapshotTrigger
from results.scoring import NOT_STARTED, score_card
from results.snapshots import (
    Targets,
    card_from_json,
    card_to_json,
    round_inputs,
    snapshots_refresh,
    targets_from_json,
)
from tests.assessment_factories import AnswerFactory, open_round
from tests.assessments.conftest import make_open_round
from tests.factories import DepartmentFactory
from tests.frameworks.factories import (
    EditionFactory,
    IndicatorFactory,
    PolicyAreaFactory,
    make_edition,
    make_stages,
)
from tests.results.test_scoring import cards

AREAS = {"std": ("標準化", "Standardisation"), "sec": ("セキュリティ", "Security")}


def make_tiny_edition(indicators: list[tuple[str, str, int]], areas=AREAS, **edition_fields):
    """An edition of maturity indicators (levels 0..4).

    `indicators` are (code, area code, stage index); `areas` maps area codes
    to (name, English name); stages are the factory's three (thresholds 60,
    60, 70).
    """
    edition = EditionFactory(**edition_fields)
    stages = make_stages(edition)
    area_objects = {
        code: PolicyAreaFactory(edition=edition, code=code, order=n, name=name, name_en=name_en)
        for n, (code, (name, name_en)) in enumerate(areas.items(), start=1)
    }
    for order, (code, area, stage) in enumerate(indicators, start=1):
        IndicatorFactory(area=area_objects[area], stage=stages[stage], code=code, order=order)
    return edition


def make_tiny_round(personas, indicators: list[tuple[str, str, int]], fiscal_year=2026) -> Round:
    """Municipality A's round on a new `make_tiny_edition(indicators)`; every indicator goes
    to department_a."""
    return open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=make_tiny_edition(indicators),
        fiscal_year=fiscal_year,
    )


def answer(round_, department, code, **values) -> Answer:
    """`department`'s answer to `code` in `round_`, saved (version 1) with `values`."""
    return AnswerFactory(round=round_, department=department, code=code, **values)


def snapshot_of(round_, department=None) -> ScoreSnapshot:
    return ScoreSnapshot.objects.get(round=round_, department=department)


def contributions(snapshot) -> dict[str, tuple[float, float]]:
    """code → (score, share) over everything (the overall group)."""
    return {c["code"]: (c["score"], c["share"]) for c in snapshot.card["overall"]["contributions"]}


@pytest.fixture
def two_maturity(personas):
    return make_tiny_round(personas, [("M-1", "std", 0), ("M-2", "std", 0)])


def submit(round_, personas):
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    return questionnaire


# --- the hooks -------------------------------------------------------------------------


def test_submitting_stores_the_department_and_the_municipality(two_maturity, personas):
    answer(two_maturity, personas.department_a, "M-1", level=2)  # 2 ÷ 4 = 50
    answer(two_maturity, personas.department_a, "M-2", level=4)  # 100
    assert not ScoreSnapshot.objects.exists()

    submit(two_maturity, personas)

    for snapshot in (snapshot_of(two_maturity), snapshot_of(two_maturity, personas.department_a)):
        assert snapshot.trigger == SnapshotTrigger.SUBMITTED
        assert snapshot.overall_score == pytest.approx(75.0)
        assert snapshot.completeness == 100.0
        # デジタイゼーション: 75 ≥ 60; the next stage has nothing to score, so it stops there.
        assert snapshot.stage_attained == "digitization"
        assert contributions(snapshot) == {"M-1": (50.0, 0.5), "M-2": (100.0, 0.5)}
        (area,) = snapshot.card["areas"]
        assert (area["area"], area["score"], area["answered"], area["total"]) == ("std", 75.0, 2, 2)
        assert [(cell["stage"], cell["score"]) for cell in area["by_stage"]] == [
            ("digitization", 75.0),
            ("digitalization", None),
            ("transformation", None),
        ]
    assert ScoreSnapshot.objects.count() == 2


def test_submitting_again_updates_the_same_rows(two_maturity, personas):
    first = answer(two_maturity, personas.department_a, "M-1", level=2)
    answer(two_maturity, personas.department_a, "M-2", level=4)
    questionnaire = submit(two_maturity, personas)
    before = {s.department_id: s.pk for s in ScoreSnapshot.objects.all()}

    questionnaire_reopen(questionnaire=questionnaire, user=personas.coordinator_a)
    Answer.objects.filter(pk=first.pk).update(level=0)
    submit(two_maturity, personas)

    assert {s.department_id: s.pk for s in ScoreSnapshot.objects.all()} == before
    assert snapshot_of(two_maturity).overall_score == pytest.approx(50.0)
    assert snapshot_of(two_maturity).stage_attained == NOT_STARTED  # 50 < 60


def test_approving_and_closing_refresh_and_record_why(two_maturity, personas):
    answer(two_maturity, personas.department_a, "M-1", level=3)
    answer(two_maturity, personas.department_a, "M-2", level=3)
    questionnaire = submit(two_maturity, personas)
    submitted_at = snapshot_of(two_maturity).computed_at

    questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_a)
    approved = snapshot_of(two_maturity)
    assert approved.trigger == SnapshotTrigger.APPROVED
    assert approved.computed_at >= submitted_at
    assert snapshot_of(two_maturity, personas.department_a).trigger == SnapshotTrigger.APPROVED

    round_close(round=two_maturity, user=personas.coordinator_a)
    closed = snapshot_of(two_maturity)
    assert closed.trigger == SnapshotTrigger.CLOSED
    assert closed.overall_score == pytest.approx(75.0)
    assert ScoreSnapshot.objects.count() == 2


def test_closing_a_round_nobody_submitted_stores_zeros_not_nothing(two_maturity, personas):
    round_close(round=two_maturity, user=personas.coordinator_a)
    snapshot = snapshot_of(two_maturity)
    assert (snapshot.overall_score, snapshot.completeness) == (0.0, 0.0)
    assert snapshot.stage_attained == NOT_STARTED


def test_a_failure_while_scoring_loses_nothing_and_submits_nothing(two_maturity, personas):
    answer(two_maturity, personas.department_a, "M-1", level=2)
    answer(two_maturity, personas.department_a, "M-2", level=4)
    with (
        mock.patch("assessments.submitting.snapshots_refresh", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        submit(two_maturity, personas)
    questionnaire = two_maturity.questionnaires.get(department=personas.department_a)
    assert questionnaire.status == QuestionnaireStatus.IN_PROGRESS
    assert questionnaire.answers.count() == 2
    assert not questionnaire.events.exists()


# --- which answers count ------------------------------------------------------------------


@pytest.fixture
def shared(two_maturity, personas):
    """M-1 is answered by DX推進課 (the owner, level 1) and by 税務課 (level 3)."""
    assignment_set(
        round=two_maturity,
        indicator=two_maturity.edition.indicators.get(code="M-1"),
        departments=[personas.department_a, personas.other_department_a],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    answer(two_maturity, personas.department_a, "M-1", level=1)  # 25
    answer(two_maturity, personas.department_a, "M-2", level=4)  # 100
    answer(two_maturity, personas.other_department_a, "M-1", level=3)  # 75
    return two_maturity


def test_the_municipality_takes_the_owners_answer_by_default(shared, personas):
    snapshots_refresh(round=shared, trigger=SnapshotTrigger.RECOMPUTED)
    assert contributions(snapshot_of(shared))["M-1"][0] == 25.0
    assert snapshot_of(shared).overall_score == pytest.approx(62.5)
    # Each department is scored on its own assignments and its own answers.
    assert snapshot_of(shared, personas.department_a).overall_score == pytest.approx(62.5)
    tax = snapshot_of(shared, personas.other_department_a)
    assert (tax.overall_score, tax.card["total"]) == (pytest.approx(75.0), 1)


def test_the_municipality_takes_the_consolidated_answer_when_chosen(shared, personas):
    tax_answer = Answer.objects.get(questionnaire__department=personas.other_department_a)
    consolidation_set(
        round=shared,
        indicator=tax_answer.indicator,
        answer=tax_answer,
        note="税務課の回答が実態に合う",
        user=personas.coordinator_a,
    )
    # The choice refreshes the stored results by itself.
    assert snapshot_of(shared).trigger == SnapshotTrigger.CONSOLIDATED
    assert contributions(snapshot_of(shared))["M-1"][0] == 75.0
    assert snapshot_of(shared).overall_score == pytest.approx(87.5)
    # The departments' own snapshots do not change with the coordinator's choice.
    assert snapshot_of(shared, personas.department_a).overall_score == pytest.approx(62.5)


def test_not_applicable_is_left_out_and_unanswered_counts_as_zero(personas):
    round_ = make_tiny_round(personas, [("M-1", "std", 0), ("M-2", "std", 0), ("M-3", "std", 0)])
    answer(round_, personas.department_a, "M-1", level=2)
    answer(round_, personas.department_a, "M-2", not_applicable=True, not_applicable_reason="なし")
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    snapshot = snapshot_of(round_)
    # (50 + 0) ÷ 2: M-2 is out, M-3 (not answered) is in at 0.
    assert snapshot.overall_score == pytest.approx(25.0)
    assert set(contributions(snapshot)) == {"M-1", "M-3"}
    assert snapshot.completeness == pytest.approx(200 / 3)


def test_everything_not_applicable_has_no_score(personas):
    round_ = make_tiny_round(personas, [("M-1", "std", 0)])
    answer(round_, personas.department_a, "M-1", not_applicable=True, not_applicable_reason="なし")
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    snapshot = snapshot_of(round_)
    assert (snapshot.overall_score, snapshot.completeness) == (None, 100.0)


def test_every_answer_type_is_read_from_its_own_field(personas):
    """make_edition's round: STD-01..06 (maturity) and CHO-01 (choice, full score 100)."""
    round_ = make_open_round(personas)
    answer(round_, personas.department_a, "STD-01", level=4)
    answer(round_, personas.department_a, "CHO-01", choice_code="partial")
    inputs, stages = round_inputs(round_)
    by_code = {item.code: item for item in inputs[None]}
    assert set(by_code) == {f"STD-0{n}" for n in range(1, 7)} | {"CHO-01"}  # no CNT-01: a city
    assert (by_code["STD-01"].max_level, by_code["STD-01"].level) == (4, 4)
    assert by_code["CHO-01"].choice_score == 50
    assert not by_code["STD-02"].answered
    assert [s.code for s in stages] == ["digitization", "digitalization", "transformation"]
    assert [s.threshold for s in stages] == [60, 60, 70]


def test_a_department_no_longer_assigned_loses_its_snapshot(two_maturity, personas):
    indicator = two_maturity.edition.indicators.get(code="M-1")
    assignment_set(
        round=two_maturity,
        indicator=indicator,
        departments=[personas.department_a, personas.other_department_a],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    assert ScoreSnapshot.objects.filter(department=personas.other_department_a).exists()
    assignment_set(
        round=two_maturity,
        indicator=indicator,
        departments=[personas.department_a],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    assert not ScoreSnapshot.objects.filter(department=personas.other_department_a).exists()
    assert ScoreSnapshot.objects.count() == 2


# --- the card as JSON ----------------------------------------------------------------------


@settings(max_examples=100)
@given(cards())
def test_the_card_reads_back_as_it_was_through_json_text(data):
    items, stages = data
    card = score_card(items, stages)
    stored = json.loads(json.dumps(card_to_json(card)))
    assert card_from_json(stored) == card


def test_the_card_reads_back_from_the_database(two_maturity, personas):
    answer(two_maturity, personas.department_a, "M-1", level=1)
    (snapshot, _department) = snapshots_refresh(
        round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED
    )
    inputs, stages = round_inputs(two_maturity)
    snapshot.refresh_from_db()
    assert card_from_json(snapshot.card) == score_card(inputs[None], stages)


@settings(max_examples=50)
@given(cards())
def test_targets_read_back_beside_the_card(data):
    items, stages = data
    card = score_card(items, stages)
    targets = Targets(overall=card.overall.score, areas={a: s.score for a, s in card.areas.items()})
    stored = json.loads(json.dumps(card_to_json(card, targets)))
    assert card_from_json(stored) == card
    assert targets_from_json(stored) == targets


def test_a_card_stored_before_targets_has_none():
    assert targets_from_json({"version": 1}) == Targets(overall=None, areas={})


# --- targets (目標値) ------------------------------------------------------------------


def test_targets_score_the_target_levels_in_place_of_the_current_ones(personas):
    round_ = make_tiny_round(
        personas, [("M-1", "std", 0), ("M-2", "std", 0), ("M-3", "std", 0), ("S-1", "sec", 0)]
    )
    answer(round_, personas.department_a, "M-1", level=1, target_level=3)  # 25 → 75
    answer(round_, personas.department_a, "M-2", level=2)  # no target: stays 50
    # A target on an N/A answer is ignored: the answer stays out.
    answer(
        round_,
        personas.department_a,
        "M-3",
        not_applicable=True,
        target_level=4,
        not_applicable_reason="なし",
    )
    answer(round_, personas.department_a, "S-1", level=2)  # an area without any target
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)

    for snapshot in (snapshot_of(round_), snapshot_of(round_, personas.department_a)):
        targets = targets_from_json(snapshot.card)
        assert targets.areas == {"std": pytest.approx(62.5)}  # (75 + 50) ÷ 2
        assert targets.overall == pytest.approx((75 + 50 + 50) / 3)
        # The scores themselves are the current levels'.
        assert snapshot.overall_score == pytest.approx((25 + 50 + 50) / 3)
        assert card_from_json(snapshot.card).areas["std"].score == pytest.approx(37.5)


def test_without_any_target_the_card_says_so(two_maturity, personas):
    answer(two_maturity, personas.department_a, "M-1", level=2)
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    assert snapshot_of(two_maturity).card["targets"] == {
        "overall": None,
        "areas": [],
        "fiscal_years": [],
    }


def test_the_targets_keep_the_years_they_are_for(two_maturity, personas):
    """Distinct and ascending; a target set before years were asked names none."""
    answer(two_maturity, personas.department_a, "M-1", level=1, target_level=3)  # 2029
    answer(two_maturity, personas.department_a, "M-2", level=1, target_level=2)
    Answer.objects.filter(indicator__code="M-2").update(target_fiscal_year=None)
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    assert targets_from_json(snapshot_of(two_maturity).card).fiscal_years == (2029,)

    Answer.objects.filter(indicator__code="M-2").update(target_fiscal_year=2027)
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    stored = snapshot_of(two_maturity).card
    assert stored["targets"]["fiscal_years"] == [2027, 2029]
    assert ScoreSnapshot.objects.get(pk=snapshot_of(two_maturity).pk).read.targets == Targets(
        overall=pytest.approx(62.5), areas={"std": pytest.approx(62.5)}, fiscal_years=(2027, 2029)
    )


def test_an_unanswered_indicator_with_a_target_counts_at_its_target(two_maturity, personas):
    """A target set before the current level is chosen: the target card counts it reached."""
    answer(two_maturity, personas.department_a, "M-1", target_level=2)
    snapshots_refresh(round=two_maturity, trigger=SnapshotTrigger.RECOMPUTED)
    snapshot = snapshot_of(two_maturity)
    assert snapshot.overall_score == 0.0
    assert targets_from_json(snapshot.card).overall == pytest.approx(25.0)  # (50 + 0) ÷ 2


def test_an_unknown_card_version_is_refused():
    with pytest.raises(ValueError, match="version"):
        card_from_json({"version": 99})


# --- query counts: the same for a small and a large round ----------------------------------

# Stages, indicators (with the highest rubric level), assignments, answers with their
# choices, consolidations.
ROUND_INPUTS_QUERIES = 5
# The round's row lock, round_inputs, the stored snapshots, one insert or one update
# (plus a savepoint and its release: snapshots_refresh is atomic).
REFRESH_QUERIES = 1 + ROUND_INPUTS_QUERIES + 1 + 1 + 2


def _big_round(personas, *, departments: int, indicators: int) -> Round:
    for n in range(departments - 1):
        DepartmentFactory(municipality=personas.municipality_a, name=f"DX室{n}")
    edition = make_edition(indicators=indicators, areas=3)
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    top_choice = edition.indicators.get(code="CHO-01").choices.order_by("order").last()
    for questionnaire in round_.questionnaires.all():
        for indicator in edition.indicators.all():
            if indicator.answer_type == AnswerType.CHOICE:
                values = {"choice": top_choice}
            elif indicator.pk % 3:
                values = {"level": indicator.pk % 5}
            else:
                values = {"not_applicable": True}
            AnswerFactory(questionnaire=questionnaire, indicator=indicator, **values)
    first = round_.questionnaires.order_by("pk").first()
    chosen = first.answers.select_related("indicator").first()
    consolidation_set(
        round=round_,
        indicator=chosen.indicator,
        answer=chosen,
        note="",
        user=personas.coordinator_a,
    )
    return round_


@pytest.mark.parametrize(("departments", "indicators"), [(1, 3), (4, 30)])
def test_round_inputs_queries_do_not_grow(
    personas, django_assert_num_queries, departments, indicators
):
    round_ = _big_round(personas, departments=departments, indicators=indicators)
    with django_assert_num_queries(ROUND_INPUTS_QUERIES):
        inputs, _stages = round_inputs(round_)
    assert len(inputs) == departments + 1
    assert len(inputs[None]) == indicators + 1  # with CHO-01, without CNT-01


@pytest.mark.parametrize(("departments", "indicators"), [(1, 3), (4, 30)])
def test_refreshing_queries_do_not_grow(
    personas, django_assert_num_queries, departments, indicators
):
    round_ = _big_round(personas, departments=departments, indicators=indicators)
    with django_assert_num_queries(REFRESH_QUERIES):  # every row created
        snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    with django_assert_num_queries(REFRESH_QUERIES):  # every row updated
        snapshots = snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    assert len(snapshots) == departments + 1
    assert ScoreSnapshot.objects.count() == departments + 1
