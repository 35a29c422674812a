"""A round's answers and scores as plain data: what the CSV, XLSX and JSON exports write.

`round_export(round_)` reads everything in eight queries whatever the size
of the round (stages, areas, assignments with their indicators and
departments, rubric labels, answers, evidence file names, consolidations,
snapshots), so an export never costs a query per row.

Which answer is the municipality's follows results.snapshots.round_inputs,
the rule the scores were computed with: the coordinator's Consolidation if
there is one, else the owner department's answer. Every department's own
answer is exported beside it. Scores are read from the stored snapshots
(results.models.ScoreSnapshot), never recomputed: an answer's score is its
contribution in the card of the municipality (or of the department).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import F
from django.utils import timezone

from assessments.models import Answer, Assignment, Consolidation, EvidenceFile, Round
from assessments.municipality_answers import municipality_answers, owner_departments
from assessments.reconciliation import answer_summary
from dxportal.localized import localized_text
from frameworks.models import AnswerType, PolicyArea, Stage
from frameworks.selectors import rubric_labels
from results.cards import StoredCard
from results.models import ScoreSnapshot
from results.stage_names import stage_label, stage_names


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    area_code: str
    area_name: str
    stage_code: str
    stage_name: str
    question: str
    answer_type: str
    answer_type_label: str
    weight: float


@dataclass(frozen=True)
class AnswerInfo:
    summary: str  # the answer in words (未回答, 該当しない, 「3：…」, 「75%」…)
    level: int | None
    target_level: int | None
    target_fiscal_year: int | None  # 西暦; None without a target (or one set before years)
    yes: bool | None
    number: Decimal | None
    choice_code: str
    choice_label: str
    text: str
    not_applicable: bool
    not_applicable_reason: str
    comment: str
    evidence_url: str
    evidence_files: tuple[str, ...]
    updated_at: Any


@dataclass(frozen=True)
class Given:
    """One answer standing for the municipality, or one department's own answer."""

    department: str | None  # who answered (for the municipality: whose answer stands)
    is_owner: bool
    answer: AnswerInfo | None
    score: float | None  # the card's contribution; None: not scored (text, N/A, no card)


@dataclass(frozen=True)
class IndicatorExport:
    info: IndicatorInfo
    municipality: Given
    departments: list[Given]


@dataclass(frozen=True)
class ScoreRow:
    department: str | None  # None: the municipality as a whole
    # overall | stage | area | area_stage; with a foundation (results.scoring rule 6) also
    # foundation (its score beside the ladder), foundation_area and foundation_area_stage
    kind: str
    area_code: str
    area_name: str
    stage_code: str
    stage_name: str
    score: float | None
    stage_attained: str  # a stage code, not_started, or "" (cells without a stage rule)
    stage_attained_name: str
    answered: int | None
    total: int | None
    completeness: float | None


@dataclass(frozen=True)
class CardExport:
    department: str | None
    computed_at: Any
    card: dict[str, Any]  # as stored: the JSON export documents this shape
    read: StoredCard


@dataclass(frozen=True)
class RoundExport:
    round: Round
    generated_at: Any
    stages: list[Stage]
    areas: list[PolicyArea]
    indicators: list[IndicatorExport]
    cards: list[CardExport]  # the municipality's first, then the departments'

    @cached_property
    def _stage_names(self) -> dict[str, str]:
        return stage_names(self.stages)

    def stage_name(self, code: str) -> str:
        return stage_label(code, self._stage_names)

    def score_rows(self) -> list[ScoreRow]:
        """Every stored score: overall, per stage, per area, per area × stage; municipality first."""
        area_names = {a.code: localized_text(a, "name") for a in self.areas}
        area_order = {a.code: a.order for a in self.areas}  # the card keeps scoring's order
        rows: list[ScoreRow] = []
        for card_export in self.cards:
            card = card_export.read

            def row(
                kind, area="", stage="", score=None, attained="", counts=None, *, of=card_export
            ):
                answered, total, completeness = counts or (None, None, None)
                return ScoreRow(
                    department=of.department,
                    kind=kind,
                    area_code=area,
                    area_name=area_names.get(area, area),
                    stage_code=stage,
                    stage_name=self.stage_name(stage) if stage else "",
                    score=score,
                    stage_attained=attained,
                    stage_attained_name=self.stage_name(attained) if attained else "",
                    answered=answered,
                    total=total,
                    completeness=completeness,
                )

            counts = (card.answered, card.total, card.completeness)
            rows.append(
                row(
                    "overall", score=card.overall_score, attained=card.stage_attained, counts=counts
                )
            )
            rows += [
                row("stage", stage=code, score=score) for code, score in card.stage_scores().items()
            ]
            if card.foundation is not None:
                rows.append(row("foundation", score=card.foundation_score))
            for area in sorted(card.areas, key=lambda a: area_order.get(a.area, 0)):
                counts = (area.answered, area.total, area.completeness)
                kind = "foundation_area" if area.is_foundation else "area"
                rows.append(
                    row(
                        kind,
                        area=area.area,
                        score=area.score,
                        attained=area.stage_attained or "",  # a foundation attains no stage
                        counts=counts,
                    )
                )
                rows += [
                    row(f"{kind}_stage", area=area.area, stage=code, score=group.score)
                    for code, group in area.by_stage.items()
                ]
        return rows


def _answer_info(indicator, answer: Answer, labels: dict[int, str], files: tuple[str, ...]):
    # An answer that does not count as answered (nothing given yet, or carried over from
    # last year and not confirmed) exports no values, as its summary says; its comment
    # and evidence still go out.
    given = answer.is_answered
    return AnswerInfo(
        summary=answer_summary(indicator, answer, labels),
        level=answer.level if given else None,
        target_level=answer.target_level if given else None,
        target_fiscal_year=answer.target_fiscal_year if given else None,
        yes=answer.yes if given else None,
        number=answer.number if given else None,
        choice_code=answer.choice.code if given and answer.choice_id else "",
        choice_label=localized_text(answer.choice, "label") if given and answer.choice_id else "",
        text=answer.text if given else "",
        not_applicable=given and answer.not_applicable,
        not_applicable_reason=answer.not_applicable_reason if given else "",
        comment=answer.comment,
        evidence_url=answer.evidence_url,
        evidence_files=files,
        updated_at=answer.updated_at,
    )


def round_export(round_: Round) -> RoundExport:
    """Everything the exports write about the round, in eight queries."""
    stages = list(Stage.objects.filter(edition_id=round_.edition_id).order_by("order"))
    areas = list(PolicyArea.objects.filter(edition_id=round_.edition_id).order_by("order"))
    assignments = list(
        Assignment.objects.filter(round=round_)
        .select_related("indicator__area", "indicator__stage", "department")
        .order_by(
            "indicator__area__order",
            "indicator__order",
            "-is_owner",
            "department__sort_order",
            "department_id",
        )
    )
    labels = rubric_labels(indicator__edition_id=round_.edition_id)
    answers = list(
        Answer.objects.filter(questionnaire__round=round_)
        .select_related("choice")
        .annotate(answered_by_id=F("questionnaire__department_id"))
    )
    files: dict[int, list[str]] = {}
    for answer_id, name in (
        EvidenceFile.objects.filter(answer__questionnaire__round=round_)
        .order_by("uploaded_at", "pk")
        .values_list("answer_id", "original_name")
    ):
        files.setdefault(answer_id, []).append(name)
    consolidated = dict(
        Consolidation.objects.filter(round=round_).values_list("indicator_id", "answer_id")
    )
    snapshots = list(
        ScoreSnapshot.objects.filter(round=round_)
        .select_related("department")
        .order_by(F("department__sort_order").asc(nulls_first=True), "department_id")
    )

    by_department = {(a.indicator_id, a.answered_by_id): a for a in answers}
    assigned = [(a.indicator_id, a.department_id, a.is_owner) for a in assignments]
    owners = owner_departments(assigned)
    counted = municipality_answers(
        assignments=assigned, answers=by_department, consolidated=consolidated
    )
    scores = {
        s.department_id: s.read.indicator_scores() for s in snapshots
    }  # None: the municipality
    departments = {a.department_id: a.department for a in assignments}

    grouped: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        grouped.setdefault(assignment.indicator_id, []).append(assignment)

    indicators: list[IndicatorExport] = []
    for indicator_id, rows in grouped.items():
        indicator = rows[0].indicator
        levels = labels.get(indicator_id, {})

        def info_of(answer: Answer | None, *, indicator=indicator, levels=levels):
            if answer is None:
                return None
            return _answer_info(indicator, answer, levels, tuple(files.get(answer.pk, ())))

        given = []
        for assignment in rows:
            answer = by_department.get((indicator_id, assignment.department_id))
            given.append(
                Given(
                    department=assignment.department.name,
                    is_owner=assignment.is_owner,
                    answer=info_of(answer),
                    score=scores.get(assignment.department_id, {}).get(indicator.code),
                )
            )
        chosen = counted[indicator_id]
        chosen_by = departments.get(chosen.answered_by_id) if chosen else None
        indicators.append(
            IndicatorExport(
                info=IndicatorInfo(
                    code=indicator.code,
                    area_code=indicator.area.code,
                    area_name=localized_text(indicator.area, "name"),
                    stage_code=indicator.stage.code,
                    stage_name=localized_text(indicator.stage, "name"),
                    question=localized_text(indicator, "question"),
                    answer_type=indicator.answer_type,
                    answer_type_label=AnswerType(indicator.answer_type).label,
                    weight=float(indicator.weight),
                ),
                municipality=Given(
                    department=chosen_by.name if chosen_by else None,
                    is_owner=chosen_by is not None and chosen_by.pk == owners[indicator_id],
                    answer=info_of(chosen),
                    score=scores.get(None, {}).get(indicator.code),
                ),
                departments=given,
            )
        )
    return RoundExport(
        round=round_,
        generated_at=timezone.now(),
        stages=stages,
        areas=areas,
        indicators=indicators,
        cards=[
            CardExport(
                department=s.department.name if s.department_id else None,
                computed_at=s.computed_at,
                card=s.card,
                read=s.read,
            )
            for s in snapshots
        ],
    )
