"""results.cards: the stored card read back, the one way pages, reports and exports read scores."""

import dataclasses

import pytest
from django.utils import translation
from hypothesis import given, settings

from results.cards import StoredCard, stored_area_scores, target_label
from results.scoring import IndicatorInput, StageRule, score_card
from results.snapshots import Targets, card_to_json
from tests.results.test_scoring import cards

STAGES = [StageRule("dig", 60.0), StageRule("dx", 60.0)]


def maturity(code, area, stage, level, weight=1.0):
    return IndicatorInput(
        code, area, stage, "maturity", weight=weight, max_level=4, answered=True, level=level
    )


def stored(items, targets=None) -> StoredCard:
    return StoredCard.from_json(card_to_json(score_card(items, STAGES), targets))


def test_strengths_and_gaps_are_answered_indicators_against_their_stages_threshold():
    card = stored(
        [
            maturity("B", "a", "dig", 2),  # 50: below 60
            maturity("A", "a", "dig", 4),  # 100
            maturity("D", "a", "dx", 0),  # 0
            maturity("C", "a", "dx", 3),  # 75
            maturity("E", "b", "dig", 1),  # 25, another area
            IndicatorInput("F", "a", "dig", "maturity", max_level=4),  # not answered: neither
        ]
    )
    thresholds = {"dig": 60.0, "dx": 60.0}
    strengths, gaps = card.indicator_highlights(thresholds, area="a")
    assert [c.code for c in strengths] == ["A", "C"]
    assert [c.code for c in gaps] == ["D", "B"]
    strengths, gaps = card.indicator_highlights(thresholds)
    assert [c.code for c in gaps] == ["D", "E", "B"]
    assert card.indicator_highlights(thresholds, area="unknown") == ([], [])
    assert "F" not in card.indicator_scores()


def test_the_headline_figures_are_the_scoring_rules():
    items = [maturity("A", "a", "dig", 4), maturity("B", "b", "dig", 0)]
    card = stored(items, Targets(overall=80.0, areas={"b": 60.0}))
    direct = score_card(items, STAGES)
    assert card.overall_score == direct.overall.score == 50.0
    assert card.area_scores() == {"a": 100.0, "b": 0.0}
    assert card.indicator_scores() == {"A": 100.0, "B": 0.0}
    assert (card.answered, card.total, card.completeness) == (2, 2, 100.0)
    assert card.targets.overall == 80.0 and card.targets.areas == {"b": 60.0}
    assert card.area("a").stage_attained == "dig"


@settings(max_examples=60, deadline=None)
@given(cards())
def test_the_cheap_area_reader_agrees_with_the_card(generated):
    items, stages = generated
    data = card_to_json(score_card(items, stages))
    assert stored_area_scores(data) == StoredCard.from_json(data).area_scores()


def _with_foundation():
    return [
        maturity("A", "a", "dig", 4),  # 100
        maturity("B", "a", "dx", 0),  # 0
        dataclasses.replace(maturity("G1", "gov", "dig", 3), foundation=True),  # 75
        dataclasses.replace(maturity("G2", "gov", "dx", 1, weight=3.0), foundation=True),  # 25
        dataclasses.replace(
            IndicatorInput("G3", "gov", "dig", "maturity", max_level=4), foundation=True
        ),  # not answered: 0
    ]


def test_a_foundation_is_stored_and_read_beside_the_ladder():
    items = _with_foundation()
    data = card_to_json(score_card(items, STAGES))
    card = StoredCard.from_json(data)
    assert card.overall_score == 50.0  # A and B only
    assert card.stage_scores() == {"dig": 100.0, "dx": 0.0}
    assert card.stage_attained == "dig"
    assert card.foundation_score == (75 + 3 * 25 + 0) / 5
    assert card.foundation is not None
    assert sorted(c.code for c in card.foundation.contributions) == ["G1", "G2", "G3"]
    assert [a.area for a in card.ladder_areas] == ["a"]
    assert [a.area for a in card.foundation_areas] == ["gov"]
    assert card.area("gov").is_foundation and card.area("gov").stage_attained is None
    assert card.area_scores()["gov"] == card.foundation_score
    assert (card.answered, card.total) == (4, 5)  # every question counts
    # The whole card's indicator scores include the foundation's answered ones.
    assert card.indicator_scores() == {"A": 100.0, "B": 0.0, "G1": 75.0, "G2": 25.0}
    assert sorted(c.code for c in card.contributions()) == ["A", "B", "G1", "G2", "G3"]
    thresholds = {"dig": 60.0, "dx": 60.0}
    strengths, gaps = card.indicator_highlights(thresholds)  # the ladder only
    assert ([c.code for c in strengths], [c.code for c in gaps]) == (["A"], ["B"])
    strengths, gaps = card.foundation_highlights(thresholds)
    assert ([c.code for c in strengths], [c.code for c in gaps]) == (["G1"], ["G2"])
    assert data["foundation"]["score"] == card.foundation_score
    assert [a.get("is_foundation", False) for a in data["areas"]] == [False, True]


def test_a_card_without_a_foundation_is_stored_as_before_and_reads_without_one():
    items = [maturity("A", "a", "dig", 4), maturity("B", "b", "dig", 0)]
    data = card_to_json(score_card(items, STAGES))
    assert "foundation" not in data
    assert all("is_foundation" not in area for area in data["areas"])
    card = StoredCard.from_json(data)
    assert card.foundation is None and card.foundation_score is None
    assert card.foundation_areas == [] and len(card.ladder_areas) == 2
    assert card.foundation_highlights({"dig": 60.0}) == ([], [])


def test_an_old_card_of_an_edition_with_a_foundation_reads_as_it_was_stored():
    """Stored before foundations were scored: no keys, so every area is on the ladder."""
    items = [dataclasses.replace(i, foundation=False) for i in _with_foundation()]
    data = card_to_json(score_card(items, STAGES))
    card = StoredCard.from_json(data)
    assert card.foundation is None
    assert card.area("gov").stage_attained == "not_started"
    assert not card.area("gov").is_foundation
    assert card.overall_score == score_card(items, STAGES).overall.score


@pytest.mark.parametrize(
    ("years", "label"),
    [
        ((2029,), "目標（2029年度）"),
        ((2029, 2029), "目標（2029年度）"),
        ((2028, 2029, 2030), "目標（2028〜2030年度）"),
        ((2030, 2028), "目標（2028〜2030年度）"),
        ((), "目標"),  # targets set before years were asked
    ],
)
def test_the_target_series_is_named_with_its_years(years, label):
    with translation.override("ja"):
        assert target_label(years) == label


def test_the_card_names_its_target_series():
    items = [maturity("A", "a", "dig", 2)]
    card = stored(items, Targets(overall=75.0, areas={"a": 75.0}, fiscal_years=(2028, 2031)))
    with translation.override("ja"):
        assert card.target_label == "目標（2028〜2031年度）"
        assert stored(items).target_label == "目標"  # a card kept without targets
