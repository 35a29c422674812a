"""A generated data set of rounds and answers, for development only (generate_national_data,
and the demo's peers in portal.demo).

For each body: its default departments (municipalities.services), and three
rounds — two closed ones of the two fiscal years before this one and this
year's open one — each on the catalogue edition in force when it opened
(`edition_for`: the newest published on or before 4月1日; this year's round
on the newest published edition). Every department answers what the round
assigns it (assessments.rounds.default_assignments, the rule round_open
follows), with values from portal.synthetic_answers; now and then a
department that is not the owner sees an indicator one step lower than the
owner (a disagreement for the coordinator to reconcile). In the closed rounds
every questionnaire is approved; this year's are in realistic proportions
(CURRENT_STATES): approved, submitted, returned with a comment, or in
progress with part of the answers. Scores are stored at the end with
results.snapshots.snapshots_refresh_many, the product's own scoring.

Deterministic: the same seed and the same master and catalogue give the same
answers (every draw comes from an rng seeded by the seed, the body's code, and
the indicator code or the fiscal year). Bodies that already have a round of a
year keep it: running again adds nothing.

Rows are written with bulk_create in batches (no per-row save, no signals,
no audit event per answer: the data set is not anyone's work). `open_rounds=True`
(the demo) leaves the earlier rounds open with their questionnaires submitted,
and this year's submitted instead of approved or returned, so that the demo
reviews, reconciles and closes them through the product's services.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Assignment,
    Questionnaire,
    QuestionnaireStatus,
    Round,
    RoundStatus,
)
from assessments.rounds import default_assignments, default_reference_date
from frameworks.models import AnswerType, Edition, EditionStatus, Indicator
from municipalities.models import Department, Municipality
from municipalities.services import departments_create_defaults
from portal.synthetic_answers import Body, Question, body_capability, disagreeing, draw_answer
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh_many

BATCH = 2000
ROUNDS_PER_FILL = 300
YEARS_BACK = 2  # closed rounds before this year's
DISAGREEMENT_RATE = 0.12  # a non-owner department sees a level or a choice one step lower
# This year's questionnaires: status → share.
CURRENT_STATES = {
    QuestionnaireStatus.APPROVED: 0.30,
    QuestionnaireStatus.SUBMITTED: 0.20,
    QuestionnaireStatus.RETURNED: 0.10,
    QuestionnaireStatus.IN_PROGRESS: 0.40,
}
RETURN_COMMENT = "根拠資料の場所を記入し、数値の基準日を確認してください。"


class NoCatalogue(Exception):
    pass


@dataclass
class Generated:
    """What one run added (rows by model) and how long each step took (seconds)."""

    rows: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


def fiscal_years(current_year: int) -> list[int]:
    return [current_year - back for back in range(YEARS_BACK, -1, -1)]


def edition_for(editions: list[Edition], fiscal_year: int, current_year: int) -> Edition:
    """The edition a round of `fiscal_year` is on: this year's the newest; an earlier one's the
    newest published by its 4月1日 (the oldest if none was)."""
    if fiscal_year == current_year:
        return editions[-1]
    opened = default_reference_date(fiscal_year)
    in_force = [e for e in editions if e.published_on and e.published_on <= opened]
    return in_force[-1] if in_force else editions[0]


def published_editions() -> list[Edition]:
    """The newest published edition's framework's published editions, oldest first."""
    newest = (
        Edition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-published_on").first()
    )
    if newest is None:
        raise NoCatalogue
    return list(
        Edition.objects.filter(
            framework_id=newest.framework_id, status=EditionStatus.PUBLISHED
        ).order_by("published_on", "pk")
    )


def _catalogue(edition: Edition) -> list[Indicator]:
    return list(
        edition.indicators.select_related("area")
        .prefetch_related("levels", "choices")
        .order_by("area__order", "order")
    )


def _question(indicator: Indicator, municipality: Municipality) -> Question:
    full = indicator.full_score_for(municipality) if indicator.answer_type == "count" else None
    return Question(
        code=indicator.code,
        answer_type=indicator.answer_type,
        max_level=max((level.level for level in indicator.levels.all()), default=0),
        choice_codes=tuple(
            c.code for c in sorted(indicator.choices.all(), key=lambda c: (c.score, c.order))
        ),
        full_score_at=float(full) if full is not None else None,
    )


def _answer(indicator: Indicator, values, questionnaire: Questionnaire, user) -> Answer:
    choice = next((c for c in indicator.choices.all() if c.code == values.choice_code), None)
    return Answer(
        questionnaire=questionnaire,
        indicator=indicator,
        level=values.level,
        target_level=values.target_level,
        target_fiscal_year=values.target_fiscal_year,
        yes=values.yes,
        number=values.number,
        choice=choice,
        text=values.text,
        version=1,
        updated_by=user,
    )


def _current_state(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for status, share in CURRENT_STATES.items():
        total += share
        if pick < total:
            return status
    return QuestionnaireStatus.IN_PROGRESS


def national_data_generate(
    *,
    municipalities: list[Municipality],
    seed: int,
    user,
    today: datetime.date | None = None,
    open_rounds: bool = False,
    refresh_scores: bool = True,
    jobs: int = 1,
) -> Generated:
    """Departments, rounds, questionnaires and answers for `municipalities`, then their scores
    (scored in `jobs` processes: results.snapshots.snapshots_refresh_many)."""
    today = today or timezone.localdate()
    current_year = today.year if today.month >= 4 else today.year - 1
    editions = published_editions()
    result = Generated()
    started = time.perf_counter()

    with transaction.atomic():
        bare = [m for m in municipalities if not m.departments.exists()]
        for municipality in bare:
            result.rows["departments"] += len(
                departments_create_defaults(municipality=municipality)
            )
    result.seconds["departments"] = time.perf_counter() - started

    catalogues = {}
    departments: dict[int, list[Department]] = {}
    for department in Department.objects.filter(
        municipality__in=municipalities, is_active=True
    ).order_by("sort_order", "pk"):
        departments.setdefault(department.municipality_id, []).append(department)
    existing = set(
        Round.objects.filter(municipality__in=municipalities).values_list(
            "municipality_id", "fiscal_year"
        )
    )
    new_rounds = []
    step = time.perf_counter()
    for year in fiscal_years(current_year):
        edition = edition_for(editions, year, current_year)
        if edition.pk not in catalogues:
            catalogues[edition.pk] = _catalogue(edition)
        is_current = year == current_year
        opens_on = today if is_current else datetime.date(year, 6, 1)
        for municipality in municipalities:
            if (municipality.pk, year) in existing or municipality.pk not in departments:
                continue
            new_rounds.append(
                Round(
                    municipality=municipality,
                    edition=edition,
                    fiscal_year=year,
                    opens_on=opens_on,
                    closes_on=opens_on + datetime.timedelta(days=90),
                    reference_date=default_reference_date(year),
                    status=RoundStatus.OPEN if is_current or open_rounds else RoundStatus.CLOSED,
                    closed_at=None
                    if is_current or open_rounds
                    else timezone.make_aware(datetime.datetime(year, 9, 30, 17)),
                    created_by=user,
                )
            )
    with transaction.atomic():
        Round.objects.bulk_create(new_rounds, batch_size=BATCH)
        result.rows["rounds"] = len(new_rounds)
        # A few hundred rounds at a time: the nation's assignments would not fit in memory.
        for start in range(0, len(new_rounds), ROUNDS_PER_FILL):
            _fill_rounds(
                new_rounds[start : start + ROUNDS_PER_FILL],
                catalogues,
                departments,
                seed,
                user,
                current_year,
                open_rounds,
                result,
            )
    result.seconds["rounds, questionnaires, answers"] = time.perf_counter() - step
    if new_rounds:
        planner_statistics_refresh()

    if refresh_scores and new_rounds:
        step = time.perf_counter()
        result.rows["score snapshots"] = snapshots_refresh_many(
            Round.objects.filter(pk__in=[r.pk for r in new_rounds]).select_related("municipality"),
            trigger=SnapshotTrigger.RECOMPUTED,
            jobs=jobs,
        )
        planner_statistics_refresh()
        result.seconds["scores"] = time.perf_counter() - step
    result.seconds["total"] = time.perf_counter() - started
    return result


def planner_statistics_refresh() -> None:
    """ANALYZE after a bulk load. Until autovacuum gets to it, PostgreSQL plans with the
    empty tables' statistics: measured on the nation, it then read the million answers'
    `carried_from_id IS NULL` index for one questionnaire's progress after each autosave
    (35 ms instead of under 1). SQLite keeps no statistics until asked either."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _fill_rounds(
    rounds, catalogues, departments, seed, user, current_year, open_rounds, result
) -> None:
    """Assignments and questionnaires of the new rounds, then the answers, in batches."""
    now = timezone.now()
    latent: dict[tuple[int, str], float] = {}
    bodies: dict[int, Body] = {}
    plans = []
    assignments, questionnaires = [], []
    for round_ in rounds:
        municipality = round_.municipality
        if municipality.pk not in bodies:
            bodies[municipality.pk] = Body(
                kind=municipality.kind,
                capability=body_capability(
                    municipality.kind, random.Random(f"{seed}:{municipality.code}")
                ),
            )
        indicators = [
            i
            for i in catalogues[round_.edition_id]
            if not i.municipality_kinds or municipality.kind in i.municipality_kinds
        ]
        plan = default_assignments(indicators, departments[municipality.pk])
        plans.append((round_, indicators, plan))
        for indicator_id, pairs in plan.items():
            assignments += [
                Assignment(
                    round=round_, indicator_id=indicator_id, department=department, is_owner=owner
                )
                for department, owner in pairs
            ]
        rng = random.Random(f"{seed}:{municipality.code}:{round_.fiscal_year}:states")
        is_current = round_.fiscal_year == current_year
        assigned = {d.pk for pairs in plan.values() for d, _owner in pairs}
        for department in departments[municipality.pk]:
            if department.pk not in assigned:
                continue
            if not is_current:
                status = (
                    QuestionnaireStatus.SUBMITTED
                    if round_.status == RoundStatus.OPEN
                    else QuestionnaireStatus.APPROVED
                )
            else:
                status = _current_state(rng)
                if (
                    round_.status == RoundStatus.OPEN
                    and open_rounds
                    and status != (QuestionnaireStatus.IN_PROGRESS)
                ):
                    status = QuestionnaireStatus.SUBMITTED  # the demo reviews them
            done = status != QuestionnaireStatus.IN_PROGRESS
            questionnaires.append(
                Questionnaire(
                    round=round_,
                    department=department,
                    status=status,
                    submitted_at=now if done else None,
                    review_comment=RETURN_COMMENT if status == QuestionnaireStatus.RETURNED else "",
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    Questionnaire.objects.bulk_create(questionnaires, batch_size=BATCH)
    result.rows["assignments"] += len(assignments)
    result.rows["questionnaires"] += len(questionnaires)
    by_key = {(q.round.pk, q.department.pk): q for q in questionnaires}
    in_progress: dict[int, list[int]] = {}
    for q in questionnaires:
        if q.status == QuestionnaireStatus.IN_PROGRESS:
            in_progress.setdefault(q.round.pk, []).append(q.department.pk)

    answers: list[Answer] = []
    for round_, indicators, plan in plans:
        municipality = round_.municipality
        body = bodies[municipality.pk]
        rng = random.Random(f"{seed}:{municipality.code}:{round_.fiscal_year}")
        # In progress: the first part of the questionnaire answered.
        assigned = Counter(d.pk for pairs in plan.values() for d, _owner in pairs)
        quota = {pk: rng.uniform(0.2, 0.9) * assigned[pk] for pk in in_progress.get(round_.pk, [])}
        answered_in: Counter = Counter()
        for indicator in indicators:
            key = (municipality.pk, indicator.code)
            if key not in latent:
                latent[key] = random.Random(f"{seed}:{municipality.code}:{indicator.code}").random()
            question = _question(indicator, municipality)
            values = draw_answer(question, body, round_.fiscal_year, latent[key], rng)
            for department, owner in plan[indicator.pk]:
                questionnaire = by_key[(round_.pk, department.pk)]
                if department.pk in quota:
                    answered_in[department.pk] += 1
                    if answered_in[department.pk] > quota[department.pk]:
                        continue
                own = values
                if not owner and rng.random() < DISAGREEMENT_RATE:
                    own = disagreeing(question, values) or values
                if indicator.answer_type == AnswerType.TEXT and not own.text:
                    continue  # optional and left empty: no row, as on the answering page
                answers.append(_answer(indicator, own, questionnaire, user))
        if len(answers) >= BATCH * 5:
            Answer.objects.bulk_create(answers, batch_size=BATCH)
            result.rows["answers"] += len(answers)
            answers = []
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    result.rows["answers"] += len(answers)
