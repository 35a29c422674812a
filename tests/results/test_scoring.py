"""Properties of the pure scoring rules (results/scoring.py), on generated data."""

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from results.scoring import (
    NOT_STARTED,
    IndicatorInput,
    StageRule,
    answer_score,
    points,
    score_card,
    stage_attained,
)

STAGE_CODES = ["digitization", "digitalization", "transformation"]
AREAS = ["std", "mnc", "sec"]
CHOICE_SCORES = [0, 25, 50, 100]


@st.composite
def indicators(draw, code):
    kind = draw(st.sampled_from(["maturity", "yes_no", "percentage", "count", "choice", "text"]))
    answered = draw(st.booleans())
    base = {
        "code": code,
        "area": draw(st.sampled_from(AREAS)),
        "stage": draw(st.sampled_from(STAGE_CODES)),
        "answer_type": kind,
        "weight": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])),
        "max_level": 4,
        "full_score_at": 10.0,
        "answered": answered,
        "not_applicable": answered and draw(st.booleans()) and draw(st.booleans()),
    }
    if answered:
        if kind == "maturity":
            base["level"] = draw(st.integers(0, 4))
        elif kind == "yes_no":
            base["yes"] = draw(st.booleans())
        elif kind == "percentage":
            base["number"] = draw(st.floats(0, 100))
        elif kind == "count":
            base["number"] = float(draw(st.integers(0, 30)))
        elif kind == "choice":
            base["choice_score"] = draw(st.sampled_from(CHOICE_SCORES))
    return IndicatorInput(**base)


@st.composite
def cards(draw):
    count = draw(st.integers(1, 25))
    items = [draw(indicators(f"I{n:02d}")) for n in range(count)]
    thresholds = draw(st.lists(st.integers(1, 100), min_size=3, max_size=3))
    return items, [StageRule(c, t) for c, t in zip(STAGE_CODES, thresholds, strict=True)]


def _all_scores(card) -> list[float | None]:
    scores = [card.overall.score]
    scores += [g.score for g in card.by_stage.values()]
    for area in card.areas.values():
        scores.append(area.score)
        scores += [g.score for g in area.by_stage.values()]
    return scores


def _stage_rank(code: str) -> int:
    return -1 if code == NOT_STARTED else STAGE_CODES.index(code)


def _raised(item: IndicatorInput, draw) -> IndicatorInput:
    """The same indicator with a higher (or equal) answer, never N/A-flipped."""
    kind = item.answer_type
    if kind == "maturity":
        low = item.level if item.level is not None else 0
        return dataclasses.replace(item, answered=True, level=draw(st.integers(low, 4)))
    if kind == "yes_no":
        return dataclasses.replace(item, answered=True, yes=True)
    if kind in {"percentage", "count"}:
        low = float(item.number or 0)
        top = 100.0 if kind == "percentage" else 40.0
        return dataclasses.replace(item, answered=True, number=draw(st.floats(low, top)))
    if kind == "choice":
        low = item.choice_score if item.choice_score is not None else 0
        higher = [s for s in CHOICE_SCORES if s >= low]
        return dataclasses.replace(item, answered=True, choice_score=draw(st.sampled_from(higher)))
    return item


@settings(max_examples=200)
@given(cards())
def test_every_score_stays_within_0_and_100(data):
    items, stages = data
    card = score_card(items, stages)
    for score in _all_scores(card):
        assert score is None or 0.0 <= score <= 100.0
    assert 0.0 <= card.completeness <= 100.0


@settings(max_examples=200)
@given(cards(), st.data())
def test_raising_any_answer_never_lowers_any_score(data, draw):
    items, stages = data
    n = draw.draw(st.integers(0, len(items) - 1))
    if items[n].not_applicable:
        return
    raised = list(items)
    raised[n] = _raised(items[n], draw.draw)
    before, after = score_card(items, stages), score_card(raised, stages)
    for old, new in zip(_all_scores(before), _all_scores(after), strict=True):
        if old is not None:
            assert new is not None and new >= old - 1e-9
    assert _stage_rank(after.stage_attained) >= _stage_rank(before.stage_attained)
    for area, result in after.areas.items():
        assert _stage_rank(result.stage_attained) >= _stage_rank(before.areas[area].stage_attained)


@settings(max_examples=200)
@given(cards(), st.randoms())
def test_order_of_answers_does_not_matter(data, rnd: random.Random):
    items, stages = data
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert _all_scores(score_card(items, stages)) == pytest.approx(
        _all_scores(score_card(shuffled, stages))
    )


@settings(max_examples=200)
@given(cards(), st.data())
def test_not_applicable_answers_are_left_out_not_zero(data, draw):
    items, stages = data
    n = draw.draw(st.integers(0, len(items) - 1))
    marked = list(items)
    marked[n] = dataclasses.replace(
        items[n], answered=True, not_applicable=True, level=0, yes=False
    )
    without = items[:n] + items[n + 1 :]
    with_na, removed = score_card(marked, stages), score_card(without, stages)
    assert with_na.overall.score == pytest.approx(removed.overall.score)
    assert [g.score for g in with_na.by_stage.values()] == pytest.approx(
        [g.score for g in removed.by_stage.values()]
    )


@settings(max_examples=100)
@given(cards(), st.sampled_from([0.5, 2.0, 7.0]))
def test_scaling_every_weight_changes_nothing(data, factor):
    items, stages = data
    scaled = [dataclasses.replace(i, weight=i.weight * factor) for i in items]
    assert _all_scores(score_card(items, stages)) == pytest.approx(
        _all_scores(score_card(scaled, stages))
    )


@settings(max_examples=100)
@given(cards())
def test_weight_two_counts_like_the_same_answer_twice(data):
    items, stages = data
    doubled = [dataclasses.replace(i, weight=2.0 * i.weight) for i in items[:1]] + items[1:]
    twice = [items[0], dataclasses.replace(items[0], code="copy")] + items[1:]
    assert _all_scores(score_card(doubled, stages)) == pytest.approx(
        _all_scores(score_card(twice, stages))
    )


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (IndicatorInput("a", "x", "s", "maturity", max_level=5, level=3, answered=True), 60.0),
        (IndicatorInput("a", "x", "s", "yes_no", yes=False, answered=True), 0.0),
        (IndicatorInput("a", "x", "s", "percentage", number=72.5, answered=True), 72.5),
        (IndicatorInput("a", "x", "s", "count", full_score_at=4, number=10, answered=True), 100.0),
        (IndicatorInput("a", "x", "s", "choice", choice_score=25, answered=True), 25.0),
        (IndicatorInput("a", "x", "s", "text", answered=True), None),
        (
            IndicatorInput("a", "x", "s", "maturity", max_level=4, level=4, not_applicable=True),
            None,
        ),
    ],
)
def test_each_answer_type_maps_to_0_100_as_documented(item, expected):
    assert answer_score(item) == expected


def test_stages_are_gated_in_order():
    stages = [StageRule("d1", 60), StageRule("d2", 60), StageRule("dx", 60)]
    assert stage_attained({"d1": 80, "d2": 40, "dx": 100}, stages) == "d1"
    assert stage_attained({"d1": 50, "d2": 90, "dx": 90}, stages) == NOT_STARTED
    assert stage_attained({"d1": 60, "d2": 60, "dx": 60}, stages) == "dx"
    # A stage with nothing applicable is passed through, not a wall.
    assert stage_attained({"d1": 90, "d2": None, "dx": 90}, stages) == "dx"
    assert stage_attained({"d1": None, "d2": 70, "dx": 10}, stages) == "d2"
    assert stage_attained({"d1": None, "d2": None, "dx": None}, stages) == NOT_STARTED


def test_unanswered_counts_as_zero_and_explanation_names_the_answers():
    stages = [StageRule("d1", 50)]
    items = [
        IndicatorInput("A", "x", "d1", "yes_no", weight=3, yes=True, answered=True),
        IndicatorInput("B", "x", "d1", "yes_no", weight=1),
    ]
    card = score_card(items, stages)
    assert card.overall.score == pytest.approx(75.0)
    assert card.completeness == pytest.approx(50.0)
    assert [c.code for c in card.areas["x"].by_stage["d1"].contributions] == ["A", "B"]
    assert card.areas["x"].stage_attained == "d1"


def test_scoring_module_imports_nothing_from_django_or_the_apps():
    import ast
    from pathlib import Path

    import results.scoring as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
        )
    }
    assert imported <= {"collections", "collections.abc", "dataclasses", "decimal", "operator"}


# --- rule 6: a foundation area is scored beside the ladder ------------------------------------

FOUNDATION = "gov"


@st.composite
def cards_with_a_foundation(draw):
    """A card whose FOUNDATION area is a foundation, with at least one indicator there."""
    items, stages = draw(cards())
    count = draw(st.integers(1, 6))
    extra = [draw(indicators(f"F{n:02d}")) for n in range(count)]
    foundation = [dataclasses.replace(i, area=FOUNDATION, foundation=True) for i in extra]
    return items + foundation, stages


def _ladder(card):
    return (
        card.overall.score,
        {code: g.score for code, g in card.by_stage.items()},
        card.stage_attained,
        {code: a.stage_attained for code, a in card.areas.items()},
    )


@settings(max_examples=200)
@given(cards_with_a_foundation(), st.data())
def test_changing_a_foundation_answer_never_changes_the_ladder(data, draw):
    items, stages = data
    before = score_card(items, stages)
    positions = [n for n, i in enumerate(items) if i.foundation]
    n = draw.draw(st.sampled_from(positions))
    changed = list(items)
    other = draw.draw(indicators(items[n].code))
    changed[n] = dataclasses.replace(other, area=FOUNDATION, foundation=True)
    after = score_card(changed, stages)
    assert _ladder(after) == _ladder(before)
    # Dropping every foundation indicator leaves the same ladder too.
    without = score_card([i for i in items if not i.foundation], stages)
    assert _ladder(without)[:3] == _ladder(before)[:3]


@settings(max_examples=200)
@given(cards_with_a_foundation())
def test_the_foundation_score_is_the_weighted_mean_of_its_indicators(data):
    items, stages = data
    card = score_card(items, stages)
    counted = [(i, points(i)) for i in items if i.foundation]
    counted = [(i, p) for i, p in counted if p is not None]
    assert card.foundation is not None
    if not counted:
        assert card.foundation.score is None
        assert card.foundation.contributions == []
    else:
        weight = sum(i.weight for i, _ in counted)
        assert card.foundation.score == pytest.approx(
            sum(i.weight * p for i, p in counted) / weight
        )
        assert sorted(c.code for c in card.foundation.contributions) == sorted(
            i.code for i, _ in counted
        )
        assert sum(c.share for c in card.foundation.contributions) == pytest.approx(1.0)
    area = card.areas[FOUNDATION]
    assert area.is_foundation
    assert area.stage_attained is None
    assert area.score == card.foundation.score
    assert not any(a.is_foundation for code, a in card.areas.items() if code != FOUNDATION)
    # Every question still counts towards completeness.
    assert card.total == len(items)
    assert card.answered == sum(1 for i in items if i.answered)
    ladder_codes = {c.code for c in card.overall.contributions}
    assert ladder_codes.isdisjoint(i.code for i in items if i.foundation)


@settings(max_examples=100)
@given(cards())
def test_a_card_without_a_foundation_has_none(data):
    items, stages = data
    card = score_card(items, stages)
    assert card.foundation is None
    assert all(not a.is_foundation and a.stage_attained is not None for a in card.areas.values())
