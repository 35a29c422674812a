"""Storing a round's results: load its answers, score them (results.scoring), keep the card.

`round_inputs` decides which answer stands for what: a department is scored
on the indicators assigned to it, with its own answers; the municipality on
every indicator assigned in the round, with the municipality's answer
(assessments.municipality_answers, the rule reconciliation, reports and
exports follow too).
Answers count as they are when the snapshot is taken, whatever the
questionnaire's status; completeness says how much is answered.

`snapshots_refresh` writes one ScoreSnapshot per department and one for the
municipality (department empty), in place, in one transaction.

The card is stored as JSON (`card_to_json`, read back with
`card_from_json`); lists, not objects, keep areas and stages in order:

    {
      "version": 1,
      "overall": {"score": 62.5 | null, "contributions": [CONTRIBUTION, ...]},
      "stage_attained": "digitization" | "not_started",
      "answered": 4, "total": 5, "completeness": 80.0,
      "by_stage": [{"stage": "digitization", "score": ..., "contributions": [...]}, ...],
      "areas": [
        {"area": "area-1", "score": ..., "stage_attained": ..., "answered": ..., "total": ...,
         "completeness": ..., "by_stage": [{"stage": ..., "score": ..., "contributions": [...]}]},
        ...
      ]
    }
    CONTRIBUTION = {"code": "STD-01", "score": 50.0, "weight": 1.0, "share": 0.25,
                    "answered": true}

An edition with a foundation area (results.scoring rule 6) adds, only then,
the foundation's own score beside the ladder, and marks its area, whose
"stage_attained" is null:

    "foundation": {"score": 70.0 | null, "contributions": [CONTRIBUTION, ...]},
    "areas": [{"area": "governance", "is_foundation": true, "stage_attained": null, ...}, ...]

"overall", "stage_attained" and "by_stage" then leave the foundation out. A
card without the keys has no foundation (every area on the ladder): cards of
editions without a foundation area, and cards of one stored before the keys
existed, until `recompute_scores` runs.

Scores are 0–100 floats at full precision (null: nothing to score); `share`
is the answer's weight ÷ its group's total weight; `answered` is false for an
indicator not answered yet, which counts as 0 (a card stored before the key
existed reads as answered until `recompute_scores` runs).

Targets (目標値): a maturity answer may name a target level beside its
current level. The card's optional "targets" holds the scores the same rules
give when each target level stands in for the current level (every other
answer as it is), overall and for each area where at least one target is set:

    "targets": {"overall": 80.0 | null, "areas": [{"area": "area-1", "score": 87.5}, ...],
                "fiscal_years": [2028, 2029]}

"overall" is null and "areas" empty when no target is set; "fiscal_years" are
the distinct years the targets are for (Answer.target_fiscal_year), ascending,
leaving out targets set before years were asked (a card stored before the key
existed has none: its series is labelled without a year). The key is an
addition to version 1: a card stored before it has no targets until
`recompute_scores` runs, and `card_from_json` ignores it (read it with
`targets_from_json`).
"""

import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import JSONField, Max, Value
from django.utils import timezone

from assessments.models import Answer, Assignment, Consolidation, Round
from assessments.municipality_answers import municipality_answers
from frameworks.models import AnswerType, Indicator, Stage
from municipalities.models import Municipality
from results.models import ScoreSnapshot, SnapshotTrigger
from results.scoring import (
    AreaResult,
    Contribution,
    Group,
    IndicatorInput,
    ScoreCard,
    StageRule,
    score_card,
    target_scores,
)

CARD_VERSION = 1

# department id → its inputs; the key None is the municipality as a whole.
RoundInputs = dict[int | None, list[IndicatorInput]]


# --- loading -----------------------------------------------------------------------------


def _indicator_base(indicator: Indicator, municipality: Municipality) -> dict[str, Any]:
    """What an indicator's input says whatever the answer (for this body)."""
    full_score_at = indicator.full_score_for(municipality)  # by the body's size band
    return {
        "code": indicator.code,
        "area": indicator.area.code,
        "stage": indicator.stage.code,
        "answer_type": indicator.answer_type,
        "foundation": indicator.area.is_foundation,
        "weight": float(indicator.weight),
        "max_level": indicator.top_level or 0,
        "full_score_at": float(full_score_at) if full_score_at is not None else None,
    }


class AnswerRow:
    """What scoring reads of one answer, from a values_list row: building a model instance
    per answer was most of the time of reading a nation's million answers."""

    __slots__ = (
        "pk",
        "indicator_id",
        "answered_by_id",  # the questionnaire's department
        "carried_from_id",
        "not_applicable",
        "level",
        "yes",
        "number",
        "choice_id",
        "choice_score",
        "text",
        "target_level",
        "target_fiscal_year",
    )
    is_answered = Answer.is_answered  # the model's own rule, over the same attributes

    def __init__(self, row: tuple) -> None:
        for name, value in zip(self.__slots__, row, strict=True):
            setattr(self, name, value)


# The columns an AnswerRow is read from, in its slots' order (questionnaire__round_id may
# follow): the slot's own name but for the two read through a relation.
_ANSWER_COLUMNS = tuple(
    {"answered_by_id": "questionnaire__department_id", "choice_score": "choice__score"}.get(
        name, name
    )
    for name in AnswerRow.__slots__
)


def _indicator_input(
    indicator: Indicator,
    answer: AnswerRow | None,
    municipality: Municipality,
    base: dict[str, Any] | None = None,
) -> IndicatorInput:
    base = base or _indicator_base(indicator, municipality)
    if answer is None or not answer.is_answered:
        return IndicatorInput(**base)
    return IndicatorInput(
        **base,
        answered=True,
        not_applicable=answer.not_applicable,
        level=answer.level,
        yes=answer.yes,
        number=answer.number,
        choice_score=answer.choice_score,
    )


@dataclass(frozen=True)
class Scored:
    """What stands for one indicator: its answer now, and as it would be at its target."""

    now: IndicatorInput
    target: IndicatorInput  # the same as `now` unless has_target
    has_target: bool
    target_year: int | None = None  # the fiscal year the target is for, if it names one


def _scored(
    indicator: Indicator,
    answer: AnswerRow | None,
    municipality: Municipality,
    base: dict[str, Any] | None = None,
) -> Scored:
    """The answer, and the answer with its target level in place of its current level."""
    now = _indicator_input(indicator, answer, municipality, base)
    if (
        answer is None
        or answer.target_level is None
        or answer.not_applicable
        or indicator.answer_type != AnswerType.MATURITY
    ):
        return Scored(now=now, target=now, has_target=False)
    target = replace(now, answered=True, level=answer.target_level)
    return Scored(now=now, target=target, has_target=True, target_year=answer.target_fiscal_year)


def round_inputs(round_: Round) -> tuple[RoundInputs, list[StageRule]]:
    """Every department's inputs and the municipality's (key None), and the edition's stages.

    Five queries whatever the size of the round (those of `round_scored`).
    """
    scored, stages = round_scored(round_)
    return {key: [item.now for item in items] for key, items in scored.items()}, stages


def round_scored(round_: Round) -> tuple[dict[int | None, list[Scored]], list[StageRule]]:
    """`round_inputs` with each answer's target beside it.

    Five queries whatever the size of the round (with the round's municipality
    loaded, as snapshots_refresh loads it: a count's full score depends on its
    size band): stages, indicators (with their highest rubric level),
    assignments, answers (with choices), consolidations.
    """
    stages = _edition_stages(round_.edition_id)
    indicators = _edition_indicators(round_.edition_id)
    assignments = list(
        Assignment.objects.filter(round=round_)
        .order_by(*_ASSIGNMENT_ORDER)
        .values_list("indicator_id", "department_id", "is_owner")
    )
    answers = [
        AnswerRow(row)
        for row in Answer.objects.filter(questionnaire__round=round_).values_list(*_ANSWER_COLUMNS)
    ]
    consolidated = dict(
        Consolidation.objects.filter(round=round_).values_list("indicator_id", "answer_id")
    )
    return _round_scored_from(round_, indicators, assignments, answers, consolidated), stages


_ASSIGNMENT_ORDER = (
    "indicator__area__order",
    "indicator__order",
    "department__sort_order",
    "department_id",
)


def _edition_stages(edition_id: int) -> list[StageRule]:
    return [
        StageRule(code, float(threshold))
        for code, threshold in Stage.objects.filter(edition_id=edition_id)
        .order_by("order")
        .values_list("code", "threshold")
    ]


def _edition_indicators(edition_id: int) -> dict[int, Indicator]:
    return {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(edition_id=edition_id)
        .select_related("area", "stage")
        .only(
            "code",
            "answer_type",
            "weight",
            "full_score_at",
            "full_score_by_band",
            "area__code",
            "area__is_foundation",
            "stage__code",
        )
        .annotate(top_level=Max("levels__level"))
    }


def _round_scored_from(
    round_: Round,
    indicators: dict[int, Indicator],
    assignments: list[tuple[int, int, bool]],
    answers: list[AnswerRow],
    consolidated: dict[int, int],
) -> dict[int | None, list[Scored]]:
    """What stands for each indicator, per department and for the municipality (key None),
    from the round's rows as loaded by `round_scored` or `snapshots_refresh_many`."""
    # A count's full score depends on the body's size band; callers load the round with it.
    municipality = round_.municipality
    by_department = {(answer.indicator_id, answer.answered_by_id): answer for answer in answers}
    # Each indicator's part that is the same for every department, worked out once.
    bases = {
        indicator_id: _indicator_base(indicators[indicator_id], municipality)
        for indicator_id in {row[0] for row in assignments}
    }
    # The same answer stands for the same thing in its department's card and the
    # municipality's, and an unanswered indicator the same in every card: each worked out once.
    known: dict[tuple[int, int | None], Scored] = {}

    def scored(indicator_id: int, answer: AnswerRow | None) -> Scored:
        key = (indicator_id, answer.pk if answer is not None else None)
        if key not in known:
            known[key] = _scored(
                indicators[indicator_id], answer, municipality, bases[indicator_id]
            )
        return known[key]

    inputs: dict[int | None, list[Scored]] = {None: []}
    for indicator_id, department_id, _is_owner in assignments:
        answer = by_department.get((indicator_id, department_id))
        inputs.setdefault(department_id, []).append(scored(indicator_id, answer))
    counted = municipality_answers(
        assignments=assignments, answers=by_department, consolidated=consolidated
    )
    for indicator_id, answer in counted.items():
        inputs[None].append(scored(indicator_id, answer))
    return inputs


# --- the card as JSON ----------------------------------------------------------------------


def _group_to_json(group: Group) -> dict[str, Any]:
    return {
        "score": group.score,
        "contributions": [
            {
                "code": c.code,
                "score": c.score,
                "weight": c.weight,
                "share": c.share,
                "answered": c.answered,
            }
            for c in group.contributions
        ],
    }


def _group_from_json(data: dict[str, Any]) -> Group:
    return Group(
        score=data["score"],
        contributions=[
            Contribution(
                code=c["code"],
                score=c["score"],
                weight=c["weight"],
                share=c["share"],
                # Cards stored before the flag existed: recompute_scores adds it.
                answered=c.get("answered", True),
            )
            for c in data["contributions"]
        ],
    )


@dataclass(frozen=True)
class Targets:
    overall: float | None  # None: no target set anywhere
    areas: dict[str, float | None]  # only the areas where a target is set
    fiscal_years: tuple[int, ...] = ()  # the years the targets name, ascending


def targets_of(items: list[Scored], stages: list[StageRule]) -> Targets:
    """The scores at the target levels (the card's overall and area scores of the target
    inputs: scoring.target_scores)."""
    with_target = {item.target.area for item in items if item.has_target}
    if not with_target:
        return Targets(overall=None, areas={})
    overall, areas = target_scores([item.target for item in items])
    return Targets(
        overall=overall,
        areas={code: score for code, score in areas.items() if code in with_target},
        fiscal_years=tuple(
            sorted({item.target_year for item in items if item.has_target and item.target_year})
        ),
    )


def targets_from_json(data: dict[str, Any]) -> Targets:
    """The targets a card holds; none for a card stored before targets were kept."""
    stored = data.get("targets") or {}
    return Targets(
        overall=stored.get("overall"),
        areas={area["area"]: area["score"] for area in stored.get("areas", [])},
        fiscal_years=tuple(stored.get("fiscal_years", ())),
    )


def card_to_json(card: ScoreCard, targets: Targets | None = None) -> dict[str, Any]:
    """The whole card as JSON-ready data (the shape is in the module docstring)."""
    stored = {
        "version": CARD_VERSION,
        "overall": _group_to_json(card.overall),
        "stage_attained": card.stage_attained,
        "answered": card.answered,
        "total": card.total,
        "completeness": card.completeness,
        "by_stage": [
            {"stage": code, **_group_to_json(group)} for code, group in card.by_stage.items()
        ],
        "areas": [
            {
                "area": area.area,
                "score": area.score,
                "stage_attained": area.stage_attained,
                "answered": area.answered,
                "total": area.total,
                "completeness": area.completeness,
                "by_stage": [
                    {"stage": code, **_group_to_json(group)}
                    for code, group in area.by_stage.items()
                ],
                # Only when true, so a card without a foundation is stored as before.
                **({"is_foundation": True} if area.is_foundation else {}),
            }
            for area in card.areas.values()
        ],
    }
    if card.foundation is not None:
        stored["foundation"] = _group_to_json(card.foundation)
    if targets is not None:
        stored["targets"] = {
            "overall": targets.overall,
            "areas": [{"area": code, "score": score} for code, score in targets.areas.items()],
            "fiscal_years": list(targets.fiscal_years),
        }
    return stored


def card_from_json(data: dict[str, Any]) -> ScoreCard:
    """The ScoreCard that `card_to_json` stored (completeness is recomputed from the counts)."""
    if data.get("version") != CARD_VERSION:
        raise ValueError(f"unknown score card version: {data.get('version')!r}")
    return ScoreCard(
        areas={
            area["area"]: AreaResult(
                area=area["area"],
                score=area["score"],
                by_stage={cell["stage"]: _group_from_json(cell) for cell in area["by_stage"]},
                stage_attained=area["stage_attained"],
                answered=area["answered"],
                total=area["total"],
                is_foundation=area.get("is_foundation", False),
            )
            for area in data["areas"]
        },
        by_stage={cell["stage"]: _group_from_json(cell) for cell in data["by_stage"]},
        overall=_group_from_json(data["overall"]),
        stage_attained=data["stage_attained"],
        answered=data["answered"],
        total=data["total"],
        foundation=_group_from_json(data["foundation"]) if "foundation" in data else None,
    )


# --- storing -------------------------------------------------------------------------------

_COMPUTED_FIELDS = [
    "trigger",
    "computed_at",
    "overall_score",
    "stage_attained",
    "completeness",
    "card",
]


@transaction.atomic
def snapshots_refresh(*, round: Round, trigger: SnapshotTrigger | str) -> list[ScoreSnapshot]:
    """Recompute and store the round's snapshots: the municipality's first, then each department's.

    Rows are updated in place; a department no longer assigned anything in
    the round loses its snapshot.
    """
    # The round's row lock serialises refreshes, so two cannot both create the same snapshot.
    locked = (
        Round.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=round.pk)
    )
    inputs, stages = round_scored(locked)
    existing = {s.department_id: s for s in ScoreSnapshot.objects.filter(round=locked)}
    snapshots, stale = _snapshots_of(locked, inputs, stages, existing, trigger, timezone.now())
    _snapshots_store(snapshots, stale)
    return snapshots


def _snapshots_of(
    round_: Round,
    inputs: dict[int | None, list[Scored]],
    stages: list[StageRule],
    existing: dict[int | None, ScoreSnapshot],
    trigger: str,
    now,
) -> tuple[list[ScoreSnapshot], list[ScoreSnapshot]]:
    """The round's snapshots scored from `inputs` (existing rows updated), and the stale ones."""
    existing = dict(existing)
    snapshots: list[ScoreSnapshot] = []
    for department_id, items in inputs.items():
        card = score_card([item.now for item in items], stages)
        snapshot = existing.pop(department_id, None) or ScoreSnapshot(
            round=round_, department_id=department_id
        )
        snapshot.trigger = trigger
        snapshot.computed_at = now
        snapshot.overall_score = card.overall.score
        snapshot.stage_attained = card.stage_attained
        snapshot.completeness = card.completeness
        snapshot.card = card_to_json(card, targets_of(items, stages))
        # Field checks only: the foreign keys and the one-per-round rule hold by construction
        # (and in the database), and checking them here would cost queries per row; the card
        # is plain JSON data by construction (card_to_json), and checking it would encode
        # every card once more (an eighth of recomputing the nation).
        snapshot.full_clean(
            exclude=["round", "department", "card"],
            validate_unique=False,
            validate_constraints=False,
        )
        snapshots.append(snapshot)
    return snapshots, list(existing.values())


def _snapshots_store(snapshots: list[ScoreSnapshot], stale: list[ScoreSnapshot]) -> None:
    if stale:
        ScoreSnapshot.objects.filter(pk__in=[s.pk for s in stale]).delete()
    ScoreSnapshot.objects.bulk_create([s for s in snapshots if s.pk is None])
    ScoreSnapshot.objects.bulk_update([s for s in snapshots if s.pk is not None], _COMPUTED_FIELDS)


def snapshots_refresh_many(
    rounds: Iterable[Round],
    *,
    trigger: SnapshotTrigger | str,
    batch: int = 200,
    jobs: int = 1,
) -> int:
    """`snapshots_refresh` for many rounds at once (recompute_scores, generated data sets):
    the same loading rule (`_round_scored_from`) and scoring, with the rows of `batch`
    rounds read and written together, so the whole nation takes a few queries per batch
    instead of per round. Each batch is written in one transaction; the number of
    snapshots stored. A department no longer assigned anything loses its snapshot, as there.

    jobs > 1 refreshes the batches in that many processes (forked, each with its own
    database connection): each scores its batch outside any transaction and writes it in a
    short one (SQLite's busy timeout queues the writers), only where the round's snapshots
    are still those it read: a round refreshed meanwhile (a submission, say) keeps its newer
    snapshots. The result is the same as with jobs=1, batch by batch. (Writing every batch
    in this process instead, the cards pickled to it, took 131 s of CPU against 96 s in one
    process, recomputing the national data set.) Inside a transaction (whose rows other
    processes could not see) the batches are scored here, one by one.
    """
    rounds = list(rounds)
    chunks = [rounds[start : start + batch] for start in range(0, len(rounds), batch)]
    stored = 0
    if jobs > 1 and len(chunks) > 1 and not connection.in_atomic_block:
        # A forked process must not share this one's connection: each opens its own.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            return sum(pool.imap_unordered(partial(_batch_refresh, trigger=trigger), chunks))
    for chunk in chunks:
        with transaction.atomic():
            # Lock the rounds before reading them, as snapshots_refresh does.
            _rounds_lock([round_.pk for round_ in chunk])
            stored += _batch_store(_batch_scored(chunk, trigger=trigger))
    return stored


def _batch_refresh(chunk: list[Round], *, trigger: str) -> int:
    """A worker's batch: scored outside any transaction, written in a short one (so that on
    SQLite, one writer at a time, the other processes go on scoring meanwhile)."""
    return _batch_store(_batch_scored(chunk, trigger=trigger))


@dataclass(frozen=True)
class _BatchScored:
    """A batch's new snapshots, and the stamps of the stored ones they replace."""

    round_ids: list[int]
    snapshots: list[ScoreSnapshot]
    seen: dict[int, dict[int | None, Any]]  # round → department → computed_at when read


def _rounds_lock(round_ids: list[int]) -> None:
    list(Round.objects.select_for_update().filter(pk__in=round_ids).values_list("pk"))


def _stored_stamps(round_ids: list[int]) -> dict[int, dict[int | None, Any]]:
    stamps: dict[int, dict[int | None, Any]] = {pk: {} for pk in round_ids}
    for round_id, department_id, computed_at in ScoreSnapshot.objects.filter(
        round_id__in=round_ids
    ).values_list("round_id", "department_id", "computed_at"):
        stamps[round_id][department_id] = computed_at
    return stamps


def _batch_scored(chunk: list[Round], *, trigger: str) -> _BatchScored:
    """Read a batch of rounds' rows (a few queries) and score them (no writes)."""
    by_pk = {round_.pk: round_ for round_ in chunk}
    assignments: dict[int, list] = {pk: [] for pk in by_pk}
    for round_id, *row in (
        Assignment.objects.filter(round_id__in=by_pk)
        .order_by("round_id", *_ASSIGNMENT_ORDER)
        .values_list("round_id", "indicator_id", "department_id", "is_owner")
    ):
        assignments[round_id].append(tuple(row))
    answers: dict[int, list[AnswerRow]] = {pk: [] for pk in by_pk}
    for *row, round_id in Answer.objects.filter(questionnaire__round_id__in=by_pk).values_list(
        *_ANSWER_COLUMNS, "questionnaire__round_id"
    ):
        answers[round_id].append(AnswerRow(row))
    consolidated: dict[int, dict[int, int]] = {pk: {} for pk in by_pk}
    for round_id, indicator_id, answer_id in Consolidation.objects.filter(
        round_id__in=by_pk
    ).values_list("round_id", "indicator_id", "answer_id"):
        consolidated[round_id][indicator_id] = answer_id
    existing: dict[int, dict[int | None, ScoreSnapshot]] = {pk: {} for pk in by_pk}
    for snapshot in ScoreSnapshot.objects.filter(round_id__in=by_pk).defer("card"):
        existing[snapshot.round_id][snapshot.department_id] = snapshot
    seen = {
        pk: {department_id: s.computed_at for department_id, s in stored.items()}
        for pk, stored in existing.items()
    }
    editions = {
        edition_id: (_edition_stages(edition_id), _edition_indicators(edition_id))
        for edition_id in sorted({round_.edition_id for round_ in chunk})
    }
    now = timezone.now()
    snapshots: list[ScoreSnapshot] = []
    for pk, round_ in by_pk.items():
        stages, indicators = editions[round_.edition_id]
        inputs = _round_scored_from(
            round_, indicators, assignments[pk], answers[pk], consolidated[pk]
        )
        snapshots += _snapshots_of(round_, inputs, stages, existing[pk], trigger, now)[0]
    return _BatchScored(round_ids=list(by_pk), snapshots=snapshots, seen=seen)


def _batch_store(scored: _BatchScored) -> int:
    """Write a scored batch in one transaction, leaving out any round whose stored snapshots
    changed since the batch was read; the number of snapshots written."""
    with transaction.atomic():
        _rounds_lock(scored.round_ids)
        stamps = _stored_stamps(scored.round_ids)
        current = {pk for pk in scored.round_ids if stamps[pk] == scored.seen[pk]}
        snapshots = [s for s in scored.snapshots if s.round_id in current]
        # Rows keep their ids, as snapshots_refresh keeps them, but are written back with
        # one DELETE and a bulk INSERT: a bulk UPDATE of every row is many times slower.
        ScoreSnapshot.objects.filter(round_id__in=current).delete()
        # Each card as a parameter of its own (a Value): without it, PostgreSQL's bulk insert
        # sends each column as one array (UNNEST), and quoting every card into a jsonb[] literal
        # took half of this process's time writing the nation.
        for snapshot in snapshots:
            snapshot.card = Value(snapshot.card, output_field=JSONField())
        ScoreSnapshot.objects.bulk_create(snapshots, batch_size=500)
    return len(snapshots)


def round_identity(round_: Round) -> dict[str, Any]:
    """Whose results and which round, as the JSON documents put it (show_scores, exports)."""
    municipality = round_.municipality
    return {
        "municipality": {"code": municipality.code, "name": municipality.name},
        "round": {
            "id": round_.pk,
            "fiscal_year": round_.fiscal_year,
            "status": round_.status,
            "edition": {
                "framework": round_.edition.framework.code,
                "version": round_.edition.version,
                "title": round_.edition.title,
            },
        },
    }
