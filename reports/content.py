"""What a report says: a round's results gathered for the report templates.

Every number comes from where the pages take it, so a report never
disagrees with the screen: the scores, stages, strengths, gaps and
department table from results.dashboard (the stored snapshots), the peer
benchmark from results.benchmarks (k-anonymity included), the action plan
and next steps from plans.selectors. The appendix lists the answers that
count: for the municipality, each indicator's municipality answer
(assessments.municipality_answers, the rule the scores follow); for a
department, its own.

The number of queries is fixed whatever the number of answers, departments
or plan items (tests/reports/test_content.py pins it).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assignment, Consolidation, Round
from assessments.municipality_answers import municipality_answers
from assessments.reconciliation import answer_summary
from dxportal.localized import localized_text
from frameworks.selectors import rubric_labels
from municipalities.models import Department
from plans.selectors import PlanRow, Suggestion, action_plan_for, rubrics_for, suggestions_for
from plans.suggestions import next_steps
from results.benchmarks import K_ANONYMITY, Benchmark, peer_benchmark
from results.cards import StoredCard
from results.dashboard import (
    AreaRow,
    Dashboard,
    DepartmentResults,
    dashboard_for,
    department_results_for,
)
from results.figures import AreaScores, area_scores, heatmap_svg, radar_svg, stage_svg
from results.models import ScoreSnapshot

NEXT_STEPS_PER_AREA = 3


@dataclass(frozen=True)
class EvidenceLink:
    name: str
    url: str  # empty when the portal's address is not configured


@dataclass(frozen=True)
class AnswerLine:
    """One indicator's answer as the appendix prints it."""

    code: str
    question: str
    answer: str  # in words (assessments.reconciliation.answer_summary)
    score: float | None  # on the score card; None: not scored (free text, 該当しない)
    department: str  # who answered; empty when nobody has
    comment: str
    not_applicable_reason: str
    evidence_url: str
    evidence_files: list[EvidenceLink]


@dataclass(frozen=True)
class AreaAnswers:
    name: str
    lines: list[AnswerLine]


@dataclass(frozen=True)
class AreaSection:
    """One area's page: the dashboard row (with its strengths and gaps), what to do next."""

    area: AreaRow
    next_steps: list[Suggestion]


@dataclass(frozen=True)
class MunicipalityReport:
    round: Round
    issued_on: datetime.date
    dashboard: Dashboard | None  # None: nothing submitted yet
    sections: list[AreaSection]
    benchmark: Benchmark
    plan: list[PlanRow]
    appendix: list[AreaAnswers]
    scores: AreaScores
    # The charts (results.figures), as the dashboard draws them; empty without results.
    radar_svg: str = ""
    stage_svg: str = ""
    heatmap_svg: str = ""
    k_anonymity: int = K_ANONYMITY

    @property
    def answer_rate(self) -> float | None:
        return self.dashboard.completeness if self.dashboard else None

    @property
    def department_tables(self) -> list["DepartmentTable"]:
        return department_tables(self.dashboard) if self.dashboard else []


@dataclass(frozen=True)
class DepartmentReport:
    round: Round
    department: Department
    issued_on: datetime.date
    results: DepartmentResults | None  # None: nothing scored for the department yet
    sections: list[AreaSection]
    appendix: list[AreaAnswers]
    scores: AreaScores
    radar_svg: str = ""
    stage_svg: str = ""

    @property
    def answer_rate(self) -> float | None:
        return self.results.completeness if self.results else None


# --- building blocks -------------------------------------------------------------------------

# Departments per table of the department comparison, at most: on A4 the area names take
# the first column whole, and six department names (up to about eight characters, broken
# between phrases) fit the rest at the table's type size.
DEPARTMENTS_PER_TABLE = 6


@dataclass(frozen=True)
class DepartmentTable:
    """Part of the department comparison: areas down, some departments across."""

    departments: list[str]
    rows: list[tuple[str, list[float | None]]]  # (area name, the departments' scores)


def department_tables(dashboard: Dashboard) -> list[DepartmentTable]:
    """The heatmap's numbers as tables an A4 page holds: an area name needs a wide column
    (up to 37 characters), so areas are the rows; the departments go across, a few per
    table (as many in each as can be: 8 departments go 4 and 4, not 6 and 2), the same
    areas in each."""
    departments = dashboard.departments
    count = -(-len(departments) // DEPARTMENTS_PER_TABLE)
    per_table = -(-len(departments) // count) if count else 0
    tables = []
    for start in range(0, len(departments), per_table or 1):
        chunk = departments[start : start + per_table]
        tables.append(
            DepartmentTable(
                departments=[department.name for department in chunk],
                rows=[
                    (area.name, [department.scores[index] for department in chunk])
                    for index, area in enumerate(dashboard.areas)
                ],
            )
        )
    return tables


def area_sections(rows: list[AreaRow], suggestions: list[Suggestion]) -> list[AreaSection]:
    """A section per dashboard row, with its first next steps (gaps first)."""
    return [
        AreaSection(
            area=row,
            next_steps=[s for s in suggestions if s.step.area == row.code][:NEXT_STEPS_PER_AREA],
        )
        for row in rows
    ]


# --- answers ---------------------------------------------------------------------------------


def _evidence_links(answer: Answer) -> list[EvidenceLink]:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return [
        EvidenceLink(
            name=evidence.original_name,
            url=(
                base
                + reverse(
                    "questionnaires:evidence_download",
                    kwargs={"questionnaire_id": answer.questionnaire_id, "file_id": evidence.pk},
                )
                if base
                else ""
            ),
        )
        for evidence in answer.files.all()
    ]


def answers_by_area(
    round_: Round, card: StoredCard | None, department: Department | None = None
) -> list[AreaAnswers]:
    """The answers that count, grouped by area in catalogue order (five queries).

    With a department: its own answers to the indicators assigned to it.
    Without: the municipality's answer to every indicator assigned in the round.
    """
    assignments = Assignment.objects.filter(round=round_)
    answers = Answer.objects.filter(questionnaire__round=round_)
    if department is not None:
        assignments = assignments.filter(department=department)
        answers = answers.filter(questionnaire__department=department)
    assignments = list(
        assignments.select_related("indicator__area", "department")
        .only(
            "indicator_id",
            "department_id",
            "is_owner",
            *("indicator__code", "indicator__question", "indicator__question_en"),
            *("indicator__answer_type", "indicator__unit", "indicator__area_id"),
            *("indicator__area__name", "indicator__area__name_en", "department__name"),
        )
        .order_by(
            "indicator__area__order",
            "indicator__order",
            "-is_owner",
            "department__sort_order",
            "department_id",
        )
    )
    answers = list(
        answers.select_related("choice")
        .annotate(department_id=F("questionnaire__department_id"))
        .prefetch_related("files")
    )
    by_department = {(a.indicator_id, a.department_id): a for a in answers}
    chosen = (
        {}
        if department is not None
        else dict(
            Consolidation.objects.filter(round=round_).values_list("indicator_id", "answer_id")
        )
    )
    counted = municipality_answers(
        assignments=[(a.indicator_id, a.department_id, a.is_owner) for a in assignments],
        answers=by_department,
        consolidated=chosen,
    )
    labels = rubric_labels(indicator__edition_id=round_.edition_id)
    department_names = {a.department_id: a.department.name for a in assignments}
    scores = card.indicator_scores() if card else {}

    indicators = {a.indicator_id: a.indicator for a in assignments}
    areas: dict[int, AreaAnswers] = {}
    for indicator_id, answer in counted.items():
        indicator = indicators[indicator_id]
        answered = answer is not None and answer.is_answered
        area = areas.setdefault(
            indicator.area_id, AreaAnswers(name=localized_text(indicator.area, "name"), lines=[])
        )
        area.lines.append(
            AnswerLine(
                code=indicator.code,
                question=localized_text(indicator, "question"),
                answer=answer_summary(indicator, answer, labels.get(indicator.pk, {})),
                score=scores.get(indicator.code),
                department=department_names.get(answer.department_id, "") if answered else "",
                comment=answer.comment if answer else "",
                not_applicable_reason=answer.not_applicable_reason if answered else "",
                evidence_url=answer.evidence_url if answer else "",
                evidence_files=_evidence_links(answer) if answer else [],
            )
        )
    return list(areas.values())


def _department_next_steps(round_: Round, card: StoredCard | None) -> list[Suggestion]:
    """The next rubric level of the department's own answers, gaps first (one query)."""
    if not card:
        return []
    rubrics, indicators = rubrics_for(round_.edition_id)
    return [
        Suggestion(
            step=step,
            indicator=indicators[step.code],
            area_name=localized_text(indicators[step.code].area, "name"),
        )
        for step in next_steps(card.indicator_scores(), card.area_scores(), rubrics)
    ]


def _card(round_: Round, department: Department | None) -> StoredCard | None:
    snapshot = (
        ScoreSnapshot.objects.filter(round=round_, department=department).only("card").first()
    )
    return snapshot.read if snapshot else None


# --- the reports -----------------------------------------------------------------------------


def municipality_report(round_: Round) -> MunicipalityReport:
    """Everything the municipality report shows, in a fixed number of queries."""
    dashboard = dashboard_for(round_)
    card = _card(round_, None)
    appendix = answers_by_area(round_, card)
    plan = action_plan_for(round_)
    rows = dashboard.areas if dashboard else []
    scores = area_scores(rows, dashboard, target_label=dashboard.target_label if dashboard else "")
    return MunicipalityReport(
        round=round_,
        issued_on=timezone.localdate(),
        dashboard=dashboard,
        sections=area_sections(rows, suggestions_for(round_, plan) if card else []),
        benchmark=peer_benchmark(round_),
        plan=plan,
        appendix=appendix,
        scores=scores,
        radar_svg=radar_svg(scores) if rows else "",
        stage_svg=stage_svg(rows) if rows else "",
        heatmap_svg=heatmap_svg(dashboard) if dashboard else "",
    )


def department_report(round_: Round, department: Department) -> DepartmentReport:
    """Everything one department's report shows, in a fixed number of queries."""
    results = department_results_for(round_, department)
    card = _card(round_, department)
    appendix = answers_by_area(round_, card, department)
    rows = results.areas if results else []
    scores = area_scores(rows, target_label=results.target_label if results else "")
    return DepartmentReport(
        round=round_,
        department=department,
        issued_on=timezone.localdate(),
        results=results,
        sections=area_sections(rows, _department_next_steps(round_, card)),
        appendix=appendix,
        scores=scores,
        radar_svg=radar_svg(scores) if rows else "",
        stage_svg=stage_svg(rows) if rows else "",
    )
