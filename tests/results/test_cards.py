"""results.cards: the stored card read back, the one way pages, reports and exports read scores."""

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
