"""Next steps: for each maturity indicator below its top level, the next rubric level.

Pure (no database): plain data in — the municipality's stored score card
(results.snapshots, the consolidated answers) and each indicator's rubric —
and plain dataclasses out, so the rule can be read and tested on its own:

1. The current level of an indicator is read back from its score on the card
   (score = level ÷ top level × 100, so level = score × top ÷ 100). An
   indicator not answered yet has no level (nobody reported one) and gets no
   suggestion: it is listed as 未回答 instead; one answered 該当しない is not on
   the card either.
2. An indicator below its top level gets one suggestion: the next level
   (current + 1), whose description says what to do next.
3. Indicators that already have an open action item are not suggested again.
4. Gaps first: suggestions are ordered by their area's score (lowest first;
   an area with no score last), then by the indicator's own score, then in
   catalogue order.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    """One level of a rubric."""

    level: int
    label: str
    description: str


@dataclass(frozen=True)
class Rubric:
    """A maturity indicator's levels (0..top), its area and its place in the catalogue."""

    code: str
    area: str
    position: int
    levels: tuple[Rung, ...]

    @property
    def top(self) -> int:
        return max(rung.level for rung in self.levels)

    def rung(self, level: int) -> Rung | None:
        return next((rung for rung in self.levels if rung.level == level), None)


@dataclass(frozen=True)
class NextStep:
    code: str
    area: str
    area_score: float | None
    score: float
    current: Rung
    next: Rung
    top: int


def level_from_score(score: float, top: int) -> int:
    """The maturity level a stored 0–100 score stands for (rule 1)."""
    return round(score * top / 100)


def current_levels(scores: Mapping[str, float], rubrics: Mapping[str, Rubric]) -> dict[str, int]:
    """code → current level of each maturity indicator scored (`scores`: code → 0–100)."""
    return {
        code: level_from_score(score, rubrics[code].top)
        for code, score in scores.items()
        if code in rubrics and rubrics[code].top > 0
    }


def next_steps(
    scores: Mapping[str, float],
    area_scores: Mapping[str, float | None],
    rubrics: Mapping[str, Rubric],
    exclude: Collection[str] = (),
) -> list[NextStep]:
    """The suggested next step of every indicator below its top level, gaps first.

    scores: indicator code → score, area_scores: area code → score, both as the
    stored card holds them (results.cards.StoredCard).
    """
    steps = []
    for code, level in current_levels(scores, rubrics).items():
        rubric = rubrics[code]
        current, following = rubric.rung(level), rubric.rung(level + 1)
        if code in exclude or current is None or following is None:
            continue
        steps.append(
            NextStep(
                code=code,
                area=rubric.area,
                area_score=area_scores.get(rubric.area),
                score=scores[code],
                current=current,
                next=following,
                top=rubric.top,
            )
        )
    return sorted(
        steps,
        key=lambda s: (
            s.area_score is None,
            s.area_score or 0.0,
            s.score,
            rubrics[s.code].position,
        ),
    )
