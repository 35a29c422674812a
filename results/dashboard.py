"""The municipality dashboard of a round, read from its stored snapshots (results.snapshots).

`dashboard_for(round)` makes five queries whatever the size of the round: the
round's snapshots (municipality and departments), the previous round's
municipality snapshot, the edition's stages, its areas, and the questions
of the indicators named as gaps. Everything else is pure helpers over the
stored cards, so the page never scores answers again.

The previous round is the municipality's latest round of an earlier fiscal
year that has a municipality snapshot; its areas are matched by code (an
area the earlier edition did not have shows no previous score).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from assessments.models import Round
from frameworks.models import Indicator, PolicyArea, Stage
from frameworks.templatetags.catalogue import localized_text
from results.models import ScoreSnapshot
from results.scoring import NOT_STARTED

HIGHLIGHTS = 3  # strengths and gaps listed at most
LOWEST_INDICATORS = 3  # indicators listed under each gap


@dataclass(frozen=True)
class StageStep:
    name: str
    threshold: float
    score: float | None
    attained: bool


@dataclass(frozen=True)
class LowIndicator:
    code: str
    question: str
    score: float


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    score: float | None
    previous: float | None
    stage: str  # the name of the stage attained, or 未着手
    answered: int
    total: int
    ladder: list[StageStep]
    lowest: list[LowIndicator]


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    scores: list[float | None]  # in the order of Dashboard.areas; None: nothing assigned/scored


@dataclass(frozen=True)
class Dashboard:
    overall: float | None
    previous_overall: float | None
    previous_round: Round | None
    stage: str
    answered: int
    total: int
    completeness: float
    areas: list[AreaRow]
    strengths: list[AreaRow]
    gaps: list[AreaRow]
    departments: list[DepartmentRow]

    @property
    def summary(self) -> str:
        """One sentence for screen readers: the highest and the lowest area."""
        scored = [a for a in self.areas if a.score is not None]
        if not scored:
            return _("採点できる分野はまだありません。")
        high = max(scored, key=lambda a: a.score)
        low = min(scored, key=lambda a: a.score)
        return _(
            "最も高い分野は{high}（{high_score:.1f}点）、最も低い分野は{low}（{low_score:.1f}点）です。"
        ).format(high=high.name, high_score=high.score, low=low.name, low_score=low.score)

    def chart_data(self) -> dict[str, Any]:
        """What static/js/dashboard-charts.js draws (read through json_script)."""
        return {
            "areas": [a.name for a in self.areas],
            "current": {"label": _("今回"), "scores": [a.score for a in self.areas]},
            "previous": (
                {
                    "label": _("前回（{year}年度）").format(year=self.previous_round.fiscal_year),
                    "scores": [a.previous for a in self.areas],
                }
                if self.previous_round
                else None
            ),
            "departments": [d.name for d in self.departments],
            "matrix": [d.scores for d in self.departments],
        }


# --- pure helpers --------------------------------------------------------------------------


def _area_scores(card: dict[str, Any] | None) -> dict[str, float | None]:
    return {area["area"]: area["score"] for area in card["areas"]} if card else {}


def ladder(area: dict[str, Any], stages: list[Stage]) -> list[StageStep]:
    """Each stage of the edition with the area's score there and whether it is attained."""
    scores = {cell["stage"]: cell["score"] for cell in area["by_stage"]}
    codes = [stage.code for stage in stages]
    attained = area["stage_attained"]
    last = codes.index(attained) if attained in codes else -1
    return [
        StageStep(
            name=localized_text(stage, "name"),
            threshold=float(stage.threshold),
            score=scores.get(stage.code),
            attained=n <= last,
        )
        for n, stage in enumerate(stages)
    ]


def lowest_contributions(area: dict[str, Any], count: int = LOWEST_INDICATORS) -> list[tuple]:
    """The (code, score) of the area's lowest-scoring answers, lowest first, then by code."""
    scored = [
        (c["code"], c["score"])
        for cell in area["by_stage"]
        for c in cell["contributions"]
        if c["score"] is not None
    ]
    return sorted(scored, key=lambda item: (item[1], item[0]))[:count]


def strengths_and_gaps(areas: list[AreaRow]) -> tuple[list[AreaRow], list[AreaRow]]:
    """The highest and the lowest scored areas, never the same area in both lists.

    Up to HIGHLIGHTS each; with fewer than twice that many scored areas, each
    list takes half of them (an odd one out is in neither).
    """
    scored = [a for a in areas if a.score is not None]
    count = min(HIGHLIGHTS, len(scored) // 2)
    if not count:
        return [], []
    ranked = sorted(scored, key=lambda a: -a.score)
    return ranked[:count], list(reversed(ranked[-count:]))


def _stage_name(code: str, names: dict[str, str]) -> str:
    return _("未着手") if code == NOT_STARTED else names.get(code, code)


# --- the selector --------------------------------------------------------------------------


def dashboard_for(round_: Round) -> Dashboard | None:
    """The round's dashboard, or None while the round has no municipality snapshot yet."""
    snapshots = list(
        ScoreSnapshot.objects.filter(round=round_)
        .select_related("department")
        .order_by("department__sort_order", "department_id")
    )
    municipality = next((s for s in snapshots if s.department_id is None), None)
    if municipality is None:
        return None
    previous = (
        ScoreSnapshot.objects.filter(
            round__municipality_id=round_.municipality_id,
            round__fiscal_year__lt=round_.fiscal_year,
            department__isnull=True,
        )
        .select_related("round")
        .order_by("-round__fiscal_year")
        .first()
    )
    stages = list(Stage.objects.filter(edition_id=round_.edition_id).order_by("order"))
    areas = list(PolicyArea.objects.filter(edition_id=round_.edition_id).order_by("order"))
    stage_names = {stage.code: localized_text(stage, "name") for stage in stages}
    card = municipality.card
    cards = {area["area"]: area for area in card["areas"]}
    lowest = {code: lowest_contributions(cards[code]) for code in cards}
    questions = {
        indicator.code: localized_text(indicator, "question")
        for indicator in Indicator.objects.filter(
            edition_id=round_.edition_id,
            code__in={code for items in lowest.values() for code, _score in items},
        ).only("code", "question", "question_en")
    }
    previous_scores = _area_scores(previous.card if previous else None)
    rows = []
    for area in areas:
        data = cards.get(area.code)
        if data is None:  # nothing of this area is assigned in the round
            continue
        rows.append(
            AreaRow(
                code=area.code,
                name=localized_text(area, "name"),
                score=data["score"],
                previous=previous_scores.get(area.code),
                stage=_stage_name(data["stage_attained"], stage_names),
                answered=data["answered"],
                total=data["total"],
                ladder=ladder(data, stages),
                lowest=[
                    LowIndicator(code=code, question=questions.get(code, ""), score=score)
                    for code, score in lowest[area.code]
                ],
            )
        )
    strengths, gaps = strengths_and_gaps(rows)
    return Dashboard(
        overall=municipality.overall_score,
        previous_overall=previous.overall_score if previous else None,
        previous_round=previous.round if previous else None,
        stage=_stage_name(municipality.stage_attained, stage_names),
        answered=card["answered"],
        total=card["total"],
        completeness=municipality.completeness,
        areas=rows,
        strengths=strengths,
        gaps=gaps,
        departments=[
            DepartmentRow(
                name=s.department.name,
                scores=[_area_scores(s.card).get(row.code) for row in rows],
            )
            for s in snapshots
            if s.department_id is not None
        ],
    )
