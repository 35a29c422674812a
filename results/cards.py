"""Reading a stored score card: the one read model of ScoreSnapshot.card.

Pages, reports, exports and commands read a snapshot's results through
`ScoreSnapshot.read` (a `StoredCard`), never by indexing its JSON: the card's
shape (results.snapshots' docstring) is known here and in snapshots.py only.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from results.highlights import HIGHLIGHTS, split
from results.scoring import AreaResult, Contribution, Group, ScoreCard
from results.snapshots import Targets, card_from_json, targets_from_json


def stored_area_scores(data: dict[str, Any]) -> dict[str, float | None]:
    """area code → area score, straight from a stored card's JSON: for lists over many
    municipalities (benchmarks, the portfolio), where reading whole cards would cost."""
    return {area["area"]: area["score"] for area in data.get("areas", [])}


def target_label(fiscal_years: Sequence[int]) -> str:
    """The name of the target series wherever results show it (charts, tables, the PDF):
    「目標（2029年度）」, 「目標（2028〜2030年度）」 when the targets name several years, and
    「目標」 when none names one (targets set before years were asked)."""
    if not fiscal_years:
        return _("目標")
    first, last = min(fiscal_years), max(fiscal_years)
    if first == last:
        return _("目標（{year}年度）").format(year=first)
    return _("目標（{first}〜{last}年度）").format(first=first, last=last)


@dataclass(frozen=True)
class StoredCard:
    """A stored card read back: the scoring rules' ScoreCard and the targets beside it."""

    card: ScoreCard
    targets: Targets

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StoredCard":
        return cls(card=card_from_json(data), targets=targets_from_json(data))

    # --- the whole ------------------------------------------------------------------------

    @property
    def overall_score(self) -> float | None:
        """The score of the ladder's areas (a foundation is beside it: scoring rule 6)."""
        return self.card.overall.score

    @property
    def stage_attained(self) -> str:
        """A stage code, or scoring.NOT_STARTED."""
        return self.card.stage_attained

    @property
    def answered(self) -> int:
        return self.card.answered

    @property
    def total(self) -> int:
        return self.card.total

    @property
    def completeness(self) -> float:
        return self.card.completeness

    def stage_scores(self) -> dict[str, float | None]:
        """stage code → the score of that stage across all areas."""
        return {code: group.score for code, group in self.card.by_stage.items()}

    @property
    def target_label(self) -> str:
        """The target series' name, with the years the card's targets are for."""
        return target_label(self.targets.fiscal_years)

    # --- areas ----------------------------------------------------------------------------

    @property
    def areas(self) -> list[AreaResult]:
        """The card's areas, in the order scoring kept them."""
        return list(self.card.areas.values())

    @property
    def ladder_areas(self) -> list[AreaResult]:
        """The areas on the stage ladder: every area but a foundation."""
        return [area for area in self.card.areas.values() if not area.is_foundation]

    def area(self, code: str) -> AreaResult | None:
        return self.card.areas.get(code)

    # --- the foundation (推進体制), beside the ladder: scoring rule 6 ---------------------

    @property
    def foundation(self) -> Group | None:
        """The foundation's score and contributions; None on a card without a foundation
        (an edition without one, or a card stored before foundations were scored)."""
        return self.card.foundation

    @property
    def foundation_score(self) -> float | None:
        return self.card.foundation.score if self.card.foundation else None

    @property
    def foundation_areas(self) -> list[AreaResult]:
        return [area for area in self.card.areas.values() if area.is_foundation]

    def area_scores(self) -> dict[str, float | None]:
        """area code → area score (None: nothing scored there)."""
        return {code: area.score for code, area in self.card.areas.items()}

    # --- indicators -----------------------------------------------------------------------

    def contributions(self, area: str | None = None) -> list[Contribution]:
        """The scored answers, of one area (from every stage) or of the whole card (the
        ladder's and the foundation's)."""
        if area is None:
            return [*self.card.overall.contributions, *self._foundation_contributions()]
        result = self.card.areas.get(area)
        if result is None:
            return []
        return [c for group in result.by_stage.values() for c in group.contributions]

    def indicator_scores(self) -> dict[str, float]:
        """indicator code → score of every answered, scored indicator (an unanswered one,
        counted as 0 in the group scores, is not here: it has no score of its own)."""
        return {c.code: c.score for c in self.contributions() if c.answered}

    def _foundation_contributions(self) -> list[Contribution]:
        return list(self.card.foundation.contributions) if self.card.foundation else []

    def indicator_highlights(
        self, thresholds: Mapping[str, float], area: str | None = None, count: int = HIGHLIGHTS
    ) -> tuple[list[Contribution], list[Contribution]]:
        """(strengths, gaps) among the answered indicators, each against its stage's
        threshold (results.highlights): of one area, or of the ladder (area None: the
        foundation's are in `foundation_highlights`)."""
        if area is None:
            groups = [self.card.by_stage]
        else:
            result = self.card.areas.get(area)
            groups = [result.by_stage] if result else []
        return self._highlights(groups, thresholds, count)

    def foundation_highlights(
        self, thresholds: Mapping[str, float], count: int = HIGHLIGHTS
    ) -> tuple[list[Contribution], list[Contribution]]:
        """(strengths, gaps) among the foundation's answered indicators, as for an area."""
        return self._highlights([a.by_stage for a in self.foundation_areas], thresholds, count)

    def _highlights(
        self, groups: list[dict[str, Group]], thresholds: Mapping[str, float], count: int
    ) -> tuple[list[Contribution], list[Contribution]]:
        staged = sorted(self._staged(groups), key=lambda pair: pair[1].code)
        strengths, gaps = split(
            staged,
            score=lambda pair: pair[1].score,
            bar=lambda pair: thresholds.get(pair[0]),
            count=count,
        )
        return [c for _stage, c in strengths], [c for _stage, c in gaps]

    def _staged(self, groups: list[dict[str, Group]]) -> Iterator[tuple[str, Contribution]]:
        """(stage code, contribution) of the answered indicators of the stage groups."""
        return (
            (stage, c)
            for by_stage in groups
            for stage, group in by_stage.items()
            for c in group.contributions
            if c.answered and c.score is not None
        )
