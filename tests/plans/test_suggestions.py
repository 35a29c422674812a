"""Suggestions: the next rubric level of every gap, gaps first, never for planned indicators."""

import pytest

from plans.selectors import suggestions_for
from plans.suggestions import Rubric, Rung, level_from_score, next_steps
from results.snapshots import snapshots_refresh
from tests.plans.plans_support import make_item, scored_round
from tests.results.test_snapshots import answer, make_tiny_round

# --- the pure rule ---------------------------------------------------------------------


def rubric(code, area, position, top=4):
    return Rubric(
        code=code,
        area=area,
        position=position,
        levels=tuple(Rung(n, f"L{n}", f"{code}のレベル{n}の状態") for n in range(top + 1)),
    )


def card(areas: dict[str, float | None], scores: dict[str, float]) -> tuple[dict, dict]:
    """next_steps' first two arguments: indicator scores and area scores."""
    return scores, areas


RUBRICS = {r.code: r for r in [rubric("A-1", "a", 0), rubric("A-2", "a", 1), rubric("B-1", "b", 2)]}


def test_the_next_level_of_each_indicator_below_the_top_is_suggested():
    steps = next_steps(
        *card({"a": 60.0, "b": 50.0}, {"A-1": 25.0, "A-2": 100.0, "B-1": 50.0}), RUBRICS
    )

    assert [(s.code, s.current.level, s.next.level) for s in steps] == [
        ("B-1", 2, 3),
        ("A-1", 1, 2),
    ]
    assert steps[0].next.description == "B-1のレベル3の状態"
    assert steps[0].top == 4


def test_lowest_area_first_then_lowest_score_then_catalogue_order():
    scores = {"A-1": 50.0, "A-2": 0.0, "B-1": 75.0}
    steps = next_steps(*card({"a": 25.0, "b": 75.0}, scores), RUBRICS)
    assert [s.code for s in steps] == ["A-2", "A-1", "B-1"]
    # An area without a score goes last.
    steps = next_steps(*card({"a": None, "b": 75.0}, scores), RUBRICS)
    assert [s.code for s in steps] == ["B-1", "A-2", "A-1"]


def test_planned_indicators_and_other_answer_types_are_left_out():
    scores = {"A-1": 0.0, "B-1": 0.0, "YES-1": 0.0}  # YES-1 has no rubric
    steps = next_steps(*card({"a": 0.0, "b": 0.0}, scores), RUBRICS, exclude={"A-1"})
    assert [s.code for s in steps] == ["B-1"]


@pytest.mark.parametrize(
    ("score", "top", "level"),
    [(0.0, 4, 0), (25.0, 4, 1), (100.0, 4, 4), (60.0, 5, 3), (33.33333333333333, 3, 1)],
)
def test_level_is_read_back_from_the_score(score, top, level):
    assert level_from_score(score, top) == level


# --- the selector ----------------------------------------------------------------------


def test_suggestions_for_a_round(personas):
    round_ = scored_round(personas)

    suggestions = suggestions_for(round_)

    # sec (0 points) before std (62.5); M-2 is at the top level already.
    assert [
        (s.step.code, s.area_name, s.step.current.level, s.step.next.level) for s in suggestions
    ] == [
        ("S-1", "セキュリティ", 0, 1),
        ("M-1", "標準化", 1, 2),
    ]
    assert suggestions[1].step.next.description == "一部で実施の状態（M-1）"
    assert suggestions[1].step.area_score == 62.5


def test_an_indicator_with_an_open_item_is_not_suggested_again(personas):
    round_ = scored_round(personas)
    item = make_item(round_, personas, "S-1", target_level=1)
    assert [s.step.code for s in suggestions_for(round_)] == ["M-1"]

    item.status = "done"
    item.save()
    assert [s.step.code for s in suggestions_for(round_)] == ["S-1", "M-1"]


def test_no_snapshot_no_suggestions(personas):
    round_ = make_tiny_round(personas, [("M-1", "std", 0)])
    assert suggestions_for(round_) == []


def test_not_applicable_answers_get_no_suggestion(personas):
    round_ = make_tiny_round(personas, [("M-1", "std", 0), ("M-2", "std", 0)])
    answer(round_, personas.department_a, "M-1", not_applicable=True)
    answer(round_, personas.department_a, "M-2", level=3)
    snapshots_refresh(round=round_, trigger="recomputed")
    assert [s.step.code for s in suggestions_for(round_)] == ["M-2"]


@pytest.mark.parametrize("indicators", [3, 12])
def test_query_count_does_not_grow(personas, django_assert_num_queries, indicators):
    codes = [(f"X-{n}", "std" if n % 2 else "sec", 0) for n in range(indicators)]
    round_ = scored_round(personas, indicators=codes, levels={code: 1 for code, _a, _s in codes})
    for code, _area, _stage in codes[:2]:
        make_item(round_, personas, code)

    # The snapshot, the plan's items, the rubrics.
    with django_assert_num_queries(3):
        suggestions = suggestions_for(round_)
    assert len(suggestions) == indicators - 2
