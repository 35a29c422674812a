"""Scoring: what the answers mean, as plain data in and plain data out.

No database here (nothing from django.db): callers turn a round's answers
into `IndicatorInput`s and get a `ScoreCard` back, so the rules can be read,
tested and reasoned about on their own. The rules, in plain words (the README
and the catalogue's scoring page say the same):

1. Each answer scores 0–100 by its answer type: a maturity level ÷ the highest
   level × 100; yes 100, no 0; a percentage as it is; a count ÷ the value that
   scores full marks × 100, capped at 100; a choice its own score.
2. Free-text indicators are never scored. An indicator answered 該当しない (not
   applicable) is left out, never counted as zero. An indicator not answered
   yet counts as 0, so that answering more can only raise a score and an
   unfinished questionnaire cannot look better than a finished one
   (completeness is reported beside every score). Each contribution says
   whether it was answered, so that an unanswered indicator is shown as 未回答,
   never as a scored 0 (results.cards, results.highlights).
3. A score of a group of indicators (one policy area at one stage, one area,
   one stage across areas, or everything) is the weighted mean of its scored
   indicators: Σ(weight × score) ÷ Σ(weight). A group with nothing to score
   (all N/A or text) has no score (None), rather than zero.
4. Stages are climbed in order. A stage is attained in an area when its score
   reaches the stage's threshold (set per catalogue edition) and every earlier
   stage is attained. A stage with nothing to score in the area (no applicable
   indicator: a prefecture in a stage of municipal counter services, say) is
   passed through, neither attained nor a wall. The attained stage is the
   highest attained one, or 未着手 (none). The same rule applied to the scores
   of each stage across all areas gives the overall stage.
5. Completeness is the share of indicators answered (scored, N/A, or text).
6. A foundation area (推進体制: PolicyArea.is_foundation, frameworks/FORMAT.md
   "Foundation areas") is scored beside the stage ladder, never on it: its
   indicators are left out of the stage scores across areas, the overall score
   and the overall stage, and the card's `foundation` is their own score by
   rule 3 (None on a card without foundation indicators). A foundation area
   has an area score and scores per stage (its indicators name a stage, which
   orders them) but no stage attained (None). Answered, total and
   completeness still count every indicator, the foundation's included.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

NOT_STARTED = "not_started"


@dataclass(frozen=True)
class StageRule:
    code: str
    threshold: float  # 0–100


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator and the answer that stands for it (if any)."""

    code: str
    area: str
    stage: str
    answer_type: str  # maturity | yes_no | percentage | count | choice | text
    weight: float = 1.0
    max_level: int = 0  # maturity
    full_score_at: float | None = None  # count
    # The answer:
    answered: bool = False
    not_applicable: bool = False
    level: int | None = None
    yes: bool | None = None
    number: float | Decimal | None = None
    choice_score: int | None = None
    foundation: bool = False  # in a foundation area: scored beside the ladder (rule 6)


def answer_score(item: IndicatorInput) -> float | None:
    """The 0–100 score of one given answer; None when there is none to score."""
    if item.not_applicable:
        return None
    kind = item.answer_type
    if kind == "maturity":
        if item.level is None or item.max_level <= 0:
            return None
        return _clamp(100.0 * item.level / item.max_level)
    if kind == "yes_no":
        return None if item.yes is None else (100.0 if item.yes else 0.0)
    if kind == "percentage":
        return None if item.number is None else _clamp(float(item.number))
    if kind == "count":
        if item.number is None or not item.full_score_at:
            return None
        return _clamp(100.0 * float(item.number) / float(item.full_score_at))
    if kind == "choice":
        return None if item.choice_score is None else _clamp(float(item.choice_score))
    return None


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


@dataclass(frozen=True)
class Contribution:
    """How one answer moved a group's score."""

    code: str
    score: float
    weight: float
    share: float  # weight ÷ the group's total weight: how much this answer counts
    answered: bool = True  # False: not answered yet, counted as 0 (rule 2)


@dataclass
class Group:
    score: float | None = None
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class AreaResult:
    area: str
    score: float | None
    by_stage: dict[str, Group]
    stage_attained: str | None  # a stage code or NOT_STARTED; None for a foundation (rule 6)
    answered: int
    total: int
    is_foundation: bool = False

    @property
    def completeness(self) -> float:
        return 100.0 * self.answered / self.total if self.total else 0.0


@dataclass
class ScoreCard:
    areas: dict[str, AreaResult]
    by_stage: dict[str, Group]  # each stage across the areas of the ladder
    overall: Group  # the areas of the ladder, the foundation left out (rule 6)
    stage_attained: str
    answered: int
    total: int
    foundation: Group | None = None  # None: no foundation indicator on the card

    @property
    def completeness(self) -> float:
        return 100.0 * self.answered / self.total if self.total else 0.0


def points(item: IndicatorInput) -> float | None:
    """What an indicator counts for in its groups: None when it is left out (text, N/A)."""
    if item.answer_type == "text" or item.not_applicable:
        return None
    score = answer_score(item)
    return 0.0 if score is None else score


# An item that counts in a group, with its points, weight and weight × points (worked out
# once per card, whichever groups it is in).
_Scored = tuple[IndicatorInput, float, float, float]


def _scored(items: Iterable[IndicatorInput]) -> list[_Scored]:
    """The items that count in a group (rule 2, and a weight above zero), with their points."""
    scored = []
    for item in items:
        weight = item.weight
        if weight > 0:
            value = points(item)
            if value is not None:
                scored.append((item, value, weight, weight * value))
    return scored


def _mean(scored: Sequence[_Scored]) -> tuple[float, float | None]:
    """(total weight, weighted mean) of scored items (rule 3); the mean is None for none.

    The one arithmetic of a group's score: the card's groups and `target_scores` both use
    it, so the same items give the same float."""
    total_weight = sum([pair[2] for pair in scored])
    if not scored:
        return total_weight, None
    return total_weight, sum([pair[3] for pair in scored]) / total_weight


def _group(scored: Sequence[_Scored]) -> Group:
    total_weight, score = _mean(scored)
    if score is None:
        return Group()
    # Largest effect first: share × distance from the middle (50), then by code.
    ranked = []
    for item, value, weight, _ in scored:
        share = weight / total_weight
        ranked.append(
            (
                (-share * abs(value - 50), item.code),
                Contribution(item.code, value, weight, share, item.answered),
            )
        )
    ranked.sort(key=itemgetter(0))
    return Group(score=score, contributions=[contribution for _, contribution in ranked])


def stage_attained(scores: dict[str, float | None], stages: Sequence[StageRule]) -> str:
    """The highest stage reached with every earlier stage reached too (gating); a stage
    with nothing to score (None) is passed through."""
    attained = NOT_STARTED
    for stage in stages:
        score = scores.get(stage.code)
        if score is None:
            continue
        if score < stage.threshold:
            break
        attained = stage.code
    return attained


def score_card(items: Sequence[IndicatorInput], stages: Sequence[StageRule]) -> ScoreCard:
    """Scores per area × stage, per area, per stage and overall, with stages attained, and
    the foundation's score beside them (rule 6)."""
    # Each item's points once, in order; every group keeps the items' order (so its sums
    # add up in the same order whichever way the items were grouped).
    scored = _scored(items)
    by_area: dict[str, list[IndicatorInput]] = defaultdict(list)
    for item in items:
        by_area[item.area].append(item)
    scored_by_area: dict[str, list[_Scored]] = defaultdict(list)
    by_cell: dict[tuple[str, str], list[_Scored]] = defaultdict(list)
    ladder_by_stage: dict[str, list[_Scored]] = defaultdict(list)
    for pair in scored:
        item = pair[0]
        scored_by_area[item.area].append(pair)
        by_cell[item.area, item.stage].append(pair)
        if not item.foundation:
            ladder_by_stage[item.stage].append(pair)

    areas = {}
    for area, area_items in sorted(by_area.items()):
        cells = {stage.code: _group(by_cell.get((area, stage.code), ())) for stage in stages}
        # An area is a foundation or not as a whole (PolicyArea.is_foundation).
        is_foundation = any(i.foundation for i in area_items)
        areas[area] = AreaResult(
            area=area,
            score=_mean(scored_by_area.get(area, ()))[1],
            by_stage=cells,
            stage_attained=(
                None
                if is_foundation
                else stage_attained({k: g.score for k, g in cells.items()}, stages)
            ),
            answered=sum(1 for i in area_items if i.answered),
            total=len(area_items),
            is_foundation=is_foundation,
        )
    has_foundation = any(i.foundation for i in items)
    across = {stage.code: _group(ladder_by_stage.get(stage.code, ())) for stage in stages}
    return ScoreCard(
        areas=areas,
        by_stage=across,
        overall=_group([pair for pair in scored if not pair[0].foundation]),
        stage_attained=stage_attained({k: g.score for k, g in across.items()}, stages),
        answered=sum(1 for i in items if i.answered),
        total=len(items),
        foundation=(
            _group([pair for pair in scored if pair[0].foundation]) if has_foundation else None
        ),
    )


def target_scores(items: Sequence[IndicatorInput]) -> tuple[float | None, dict[str, float | None]]:
    """The overall score and each area's score of `items`, as `score_card` gives them, without
    the rest of the card (the targets need only these: results.snapshots.targets_of)."""
    scored = _scored(items)
    by_area: dict[str, list[_Scored]] = {}
    for item in items:
        by_area.setdefault(item.area, [])
    for pair in scored:
        by_area[pair[0].area].append(pair)
    overall = _mean([pair for pair in scored if not pair[0].foundation])[1]
    return overall, {area: _mean(pairs)[1] for area, pairs in sorted(by_area.items())}
