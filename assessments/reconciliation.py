"""Indicators answered by several departments: their answers side by side.

For scored answer types the spread is the difference between the highest
and the lowest 0–100 score (AnswerType.scoring_rule); free text is not
scored and has no spread. The municipality's answer is the owner
department's unless the coordinator chose another (Consolidation), and a
disagreement stays visible after the choice.

Scores come from results.scoring (the one place scoring rules live);
`reconciliation_for` reads a round's whole reconciliation in a fixed number
of queries; `reconciliation_page` cuts it into one policy area at a time,
optionally the indicators whose answers differ only, with the counts.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from assessments.models import Answer, Assignment, Consolidation, Round
from assessments.municipality_answers import counted_answer, owner_departments
from dxportal.localized import localized_text
from dxportal.number_format import rounded
from frameworks.models import AnswerType, Indicator, PolicyArea
from frameworks.selectors import rubric_labels
from municipalities.models import Department
from results.scoring import IndicatorInput, answer_score


def _plain_number(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class DepartmentAnswer:
    department: Department
    is_owner: bool
    answer: Answer | None
    score: float | None
    summary: str  # the answer in words, for the table


@dataclass(frozen=True)
class IndicatorReconciliation:
    indicator: Indicator
    rows: list[DepartmentAnswer]  # the owner first
    consolidation: Consolidation | None

    @property
    def is_scored(self) -> bool:
        return AnswerType(self.indicator.answer_type).is_scored

    @property
    def spread(self) -> float | None:
        """Highest minus lowest score among the departments that answered (None: not comparable)."""
        scores = [row.score for row in self.rows if row.score is not None]
        if not self.is_scored or len(scores) < 2:
            return None
        return rounded(max(scores) - min(scores))

    @property
    def disagrees(self) -> bool:
        if self.is_scored:
            return bool(self.spread)
        texts = {row.summary for row in self.rows if row.answer and row.answer.is_answered}
        return len(texts) > 1

    @property
    def owner_row(self) -> DepartmentAnswer:
        owner = owner_departments((0, row.department.pk, row.is_owner) for row in self.rows)[0]
        return next(row for row in self.rows if row.department.pk == owner)

    @property
    def chosen_row(self) -> DepartmentAnswer:
        """The row whose answer is the municipality's (assessments.municipality_answers)."""
        counted = counted_answer(
            owner=self.owner_row.department.pk,
            by_department={row.department.pk: row.answer for row in self.rows},
            chosen_answer_id=self.consolidation.answer_id if self.consolidation else None,
        )
        return next(
            (row for row in self.rows if counted is not None and row.answer == counted),
            self.owner_row,
        )

    @property
    def chose_other(self) -> bool:
        return not self.chosen_row.is_owner

    @property
    def answered_rows(self) -> list[DepartmentAnswer]:
        return [row for row in self.rows if row.answer is not None]


def answer_summary(indicator: Indicator, answer: Answer | None, labels: dict[int, str]) -> str:
    if answer is not None and answer.is_carried:
        return _("前年度から引き継ぎ（未確認）")
    if answer is None or not answer.is_answered:
        return _("未回答")
    if answer.not_applicable:
        return _("該当しない")
    match indicator.answer_type:
        case AnswerType.MATURITY:
            label = labels.get(answer.level)
            return f"{answer.level}：{label}" if label else str(answer.level)
        case AnswerType.YES_NO:
            return _("はい") if answer.yes else _("いいえ")
        case AnswerType.PERCENTAGE:
            return f"{_plain_number(answer.number)}%"
        case AnswerType.COUNT:
            return f"{_plain_number(answer.number)}{indicator.unit}"
        case AnswerType.CHOICE:
            return localized_text(answer.choice, "label")
    return answer.text


def reconciliation_for(
    round_: Round, *, indicator_code: str | None = None
) -> list[IndicatorReconciliation]:
    """Every indicator of the round with more than one department (or just `indicator_code`)."""
    shared = (
        Assignment.objects.filter(round=round_)
        .values("indicator_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("indicator_id")
    )
    assignments = Assignment.objects.filter(round=round_, indicator_id__in=shared)
    if indicator_code is not None:
        assignments = assignments.filter(indicator__code=indicator_code)
    assignments = list(
        assignments.select_related("indicator__area", "department").order_by(
            "indicator__area__order",
            "indicator__order",
            "-is_owner",
            "department__sort_order",
            "department__pk",
        )
    )
    if not assignments:
        return []
    indicator_ids = list(dict.fromkeys(a.indicator_id for a in assignments))

    answers = {
        (a.indicator_id, a.questionnaire.department_id): a
        for a in Answer.objects.filter(
            questionnaire__round=round_, indicator_id__in=indicator_ids
        ).select_related("choice", "questionnaire")
    }
    labels = rubric_labels(indicator_id__in=indicator_ids)
    consolidations = {
        c.indicator_id: c
        for c in Consolidation.objects.filter(
            round=round_, indicator_id__in=indicator_ids
        ).select_related("decided_by")
    }

    by_indicator: dict[int, list[DepartmentAnswer]] = {}
    indicators: dict[int, Indicator] = {}
    for assignment in assignments:
        indicator = indicators.setdefault(assignment.indicator_id, assignment.indicator)
        answer = answers.get((indicator.pk, assignment.department_id))
        levels = labels.get(indicator.pk, {})
        answered = answer is not None and answer.is_answered
        score = (
            answer_score(
                IndicatorInput(
                    code=indicator.code,
                    area="",
                    stage="",
                    answer_type=indicator.answer_type,
                    max_level=max(levels, default=0),
                    full_score_at=indicator.full_score_for(round_.municipality),
                    answered=True,
                    not_applicable=answer.not_applicable,
                    level=answer.level,
                    yes=answer.yes,
                    number=answer.number,
                    choice_score=answer.choice.score if answer.choice_id else None,
                )
            )
            if answered
            else None
        )
        by_indicator.setdefault(indicator.pk, []).append(
            DepartmentAnswer(
                department=assignment.department,
                is_owner=assignment.is_owner,
                answer=answer,
                score=score,
                summary=answer_summary(indicator, answer, levels),
            )
        )
    return [
        IndicatorReconciliation(
            indicator=indicators[pk], rows=rows, consolidation=consolidations.get(pk)
        )
        for pk, rows in by_indicator.items()
    ]


# --- the page: one policy area at a time, optionally the disagreements only -------------


@dataclass(frozen=True)
class AreaCount:
    area: PolicyArea
    total: int  # indicators answered by several departments
    differing: int  # of which the departments' answers differ


@dataclass(frozen=True)
class ReconciliationPage:
    """What the reconciliation page shows: a round can share dozens of indicators, so one
    area at a time, with the counts of every area to choose another."""

    areas: list[AreaCount]
    area: PolicyArea | None  # the area shown; None when nothing is shared
    items: list[IndicatorReconciliation]  # its indicators (only those that differ, if asked)
    differences_only: bool

    @property
    def total(self) -> int:
        return sum(count.total for count in self.areas)

    @property
    def differing(self) -> int:
        return sum(count.differing for count in self.areas)


def reconciliation_page(
    items: list[IndicatorReconciliation], *, area_code: str, differences_only: bool
) -> ReconciliationPage:
    """The area `area_code` of the round's reconciliation `items` (catalogue order).

    An unknown or empty code means the first area, or with `differences_only`
    the first area where answers differ.
    """
    by_area: dict[int, list[IndicatorReconciliation]] = {}
    for item in items:
        by_area.setdefault(item.indicator.area_id, []).append(item)
    areas = [
        AreaCount(
            area=shared[0].indicator.area,
            total=len(shared),
            differing=sum(1 for item in shared if item.disagrees),
        )
        for shared in by_area.values()
    ]
    chosen = next((count for count in areas if count.area.code == area_code), None)
    if chosen is None and areas:
        chosen = next(
            (count for count in areas if count.differing or not differences_only), areas[0]
        )
    shown = by_area[chosen.area.pk] if chosen else []
    if differences_only:
        shown = [item for item in shown if item.disagrees]
    return ReconciliationPage(
        areas=areas,
        area=chosen.area if chosen else None,
        items=shown,
        differences_only=differences_only,
    )
