"""The municipality dashboard of a round, read from its stored snapshots (results.snapshots).

`dashboard_for(round)` makes seven queries whatever the size of the round or
the number of rounds and peers: the round's snapshots (municipality and
departments), the earlier rounds' municipality snapshots (results.trend),
the same-kind peers' stamp (results.benchmarks; two more when
results.peer_groups reads the peers again), the edition's stages, its areas,
the questions of the indicators named as strengths or gaps, and the
departments' questionnaire statuses; plus two when an earlier round is on
another edition (the lineage, results.trend). The page renders it once per
`dashboard_stamp` (results.page_cache).

Strengths and gaps, of areas and of indicators, are read against the stage
thresholds (results.highlights); results of an open round are marked 暫定.
Everything else is pure helpers over the stored cards, so the page never
scores answers again.

Beside this round's area scores the radar shows:
- the previous round: the latest earlier round of the trend, its areas read
  through the edition mappings the trend uses (results.trend);
- the peer median: the median of the municipalities of the same kind in the
  same fiscal year and edition, only where at least K_ANONYMITY of them have
  the score (results.benchmarks, the same statistics as the benchmark page);
- the target: the score at the municipality's target levels (目標値) of its
  maturity answers, stored with the snapshot (results.snapshots), for the
  areas where a target is set.

`department_results_for(round, department)` is one department's view of the
same kind (three queries plus the snapshot's).

A foundation area (推進体制, results.scoring rule 6) is not a row of the
ladder: the area rows, and so the radar, the stage chart, the heatmap, the
trend and the area strengths and gaps, leave it out, and `foundation` holds
its score, its indicators (with their questions, read in the same query as
the highlighted ones) and their strengths and gaps beside them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments.models import Questionnaire, QuestionnaireStatus, Round
from dxportal.localized import localized_text
from dxportal.number_format import rounded_decimal
from frameworks.models import Indicator, PolicyArea, Stage
from municipalities.models import Department
from results.benchmarks import same_kind_peers
from results.cards import StoredCard
from results.highlights import area_bar, split
from results.models import ScoreSnapshot
from results.page_cache import stamp_rows
from results.peer_groups import peer_stamp
from results.scoring import AreaResult, Contribution, Group
from results.stage_names import stage_label, stage_names
from results.trend import Trend, trend_for


@dataclass(frozen=True)
class StageStep:
    name: str
    threshold: float
    score: float | None  # None: nothing applicable at this stage in the area
    attained: bool

    @property
    def applicable(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class ScoredIndicator:
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
    # Answered indicators at or above / below their stage's threshold (results.highlights).
    strengths: list[ScoredIndicator]
    gaps: list[ScoredIndicator]
    peer_median: float | None = None  # None: hidden (fewer than K_ANONYMITY peers) or no peers
    target: float | None = None  # None: no target level set in the area

    @property
    def unanswered(self) -> int:
        return self.total - self.answered


@dataclass(frozen=True)
class FoundationIndicator:
    code: str
    question: str
    stage: str  # the name of the stage the indicator names (it orders them)
    score: float | None  # None: not answered yet (counted as 0, shown as 未回答)


@dataclass(frozen=True)
class Foundation:
    """The foundation (推進体制) beside the ladder: its score, never a rung (scoring rule 6)."""

    score: float | None
    answered: int
    total: int
    indicators: list[FoundationIndicator]  # the scored ones (N/A and text are left out)
    # Answered indicators at or above / below their stage's threshold (results.highlights).
    strengths: list[ScoredIndicator]
    gaps: list[ScoredIndicator]

    @property
    def unanswered(self) -> int:
        return self.total - self.answered


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    scores: list[float | None]  # in the order of Dashboard.areas; None: nothing assigned/scored
    department_id: int | None = None
    status: str = ""  # the questionnaire's status label (回答中, 提出済み…)
    completeness: float = 0.0  # the department's answer rate, 0–100


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
    peer_label: str = ""  # the peer group, e.g. 同じ区分（市）
    peer_overall: float | None = None  # None: hidden below K_ANONYMITY
    target_overall: float | None = None  # None: no target level set
    target_label: str = ""  # the target series' name (results.cards.target_label)
    trend: Trend | None = None
    provisional: bool = False  # the round is still open (Round.is_provisional)
    foundation: Foundation | None = None  # None: the card has no foundation area

    @property
    def summary(self) -> str:
        return _summary(self.areas)

    @property
    def has_peer_median(self) -> bool:
        return any(a.peer_median is not None for a in self.areas)

    @property
    def has_targets(self) -> bool:
        return any(a.target is not None for a in self.areas)


@dataclass(frozen=True)
class DepartmentResults:
    """One department's own results in a round (its snapshot)."""

    department: Department
    overall: float | None
    stage: str
    answered: int
    total: int
    completeness: float
    areas: list[AreaRow]
    gaps: list[ScoredIndicator]  # the department's answers below their stage's threshold
    provisional: bool = False  # the round is still open (Round.is_provisional)
    foundation: Foundation | None = None  # None: no foundation indicator is the department's
    target_label: str = ""  # the target series' name (results.cards.target_label)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    # What templates/results/includes/scores_overview.html reads of a municipality's Dashboard
    # and a department does not have: no previous round, peer group or overall target.
    previous_round = None
    peer_label = ""
    peer_overall = None
    has_peer_median = False
    target_overall = None

    @property
    def summary(self) -> str:
        return _summary(self.areas)

    @property
    def has_targets(self) -> bool:
        return any(a.target is not None for a in self.areas)


def _summary(areas: list[AreaRow]) -> str:
    """One sentence for screen readers: the highest and the lowest area."""
    scored = [a for a in areas if a.score is not None]
    if not scored:
        return _("採点できる分野はまだありません。")
    high = max(scored, key=lambda a: a.score)
    low = min(scored, key=lambda a: a.score)
    return _(
        "最も高い分野は{high}（{high_score:.1f}点）、最も低い分野は{low}（{low_score:.1f}点）です。"
    ).format(
        high=high.name,
        high_score=rounded_decimal(high.score),
        low=low.name,
        low_score=rounded_decimal(low.score),
    )


# --- pure helpers --------------------------------------------------------------------------


def ladder(area: AreaResult, stages: list[Stage]) -> list[StageStep]:
    """Each stage of the edition with the area's score there and whether it is attained."""
    scores = {code: group.score for code, group in area.by_stage.items()}
    codes = [stage.code for stage in stages]
    attained = area.stage_attained
    last = codes.index(attained) if attained in codes else -1
    return [
        StageStep(
            name=localized_text(stage, "name"),
            threshold=float(stage.threshold),
            score=scores.get(stage.code),
            # A stage with nothing to score is passed through (results.scoring rule 4):
            # not attained, and shown as 対象なし.
            attained=n <= last and scores.get(stage.code) is not None,
        )
        for n, stage in enumerate(stages)
    ]


def strengths_and_gaps(areas: list[AreaRow]) -> tuple[list[AreaRow], list[AreaRow]]:
    """The areas at or above their bar and those below it (results.highlights): the
    threshold of the next stage each has to attain. An area nobody has answered yet
    scores 0 by the scoring rules but is 未回答, not a gap."""
    return split(
        areas, score=lambda a: a.score if a.answered else None, bar=lambda a: area_bar(a.ladder)
    )


# --- the selectors -------------------------------------------------------------------------


def _catalogue(edition_id: int) -> tuple[list[Stage], list[PolicyArea]]:
    """The edition's stages and areas, in order (two queries)."""
    stages = list(Stage.objects.filter(edition_id=edition_id).order_by("order"))
    areas = list(PolicyArea.objects.filter(edition_id=edition_id).order_by("order"))
    return stages, areas


def _questions(edition_id: int, codes: set[str]) -> dict[str, str]:
    """The question of each indicator named (one query)."""
    return {
        indicator.code: localized_text(indicator, "question")
        for indicator in Indicator.objects.filter(edition_id=edition_id, code__in=codes).only(
            "code", "question", "question_en"
        )
    }


def _noted(items: list[Contribution], questions: dict[str, str]) -> list[ScoredIndicator]:
    return [
        ScoredIndicator(code=c.code, question=questions.get(c.code, ""), score=c.score)
        for c in items
    ]


Highlighted = dict[str, tuple[list[Contribution], list[Contribution]]]


def _highlights_by_area(card: StoredCard, stages: list[Stage]) -> Highlighted:
    """area code → (strength, gap) indicators of the area."""
    thresholds = _thresholds(stages)
    return {area.area: card.indicator_highlights(thresholds, area=area.area) for area in card.areas}


def _thresholds(stages: list[Stage]) -> dict[str, float]:
    return {stage.code: float(stage.threshold) for stage in stages}


def _codes(highlighted: Highlighted) -> set[str]:
    return {c.code for pair in highlighted.values() for items in pair for c in items}


def _foundation_codes(card: StoredCard) -> set[str]:
    return {c.code for c in card.foundation.contributions} if card.foundation else set()


def _foundation(
    card: StoredCard, stages: list[Stage], questions: dict[str, str]
) -> Foundation | None:
    """The card's foundation beside the ladder, or None when it has none."""
    if card.foundation is None:
        return None
    names = stage_names(stages)
    areas = card.foundation_areas
    strengths, gaps = card.foundation_highlights(_thresholds(stages))
    return Foundation(
        score=card.foundation_score,
        answered=sum(a.answered for a in areas),
        total=sum(a.total for a in areas),
        indicators=[
            FoundationIndicator(
                code=c.code,
                question=questions.get(c.code, ""),
                stage=names.get(stage.code, ""),
                score=c.score if c.answered else None,
            )
            for stage in stages  # in stage order, then by code
            for area in areas
            for c in sorted(
                area.by_stage.get(stage.code, Group()).contributions, key=lambda c: c.code
            )
        ],
        strengths=_noted(strengths, questions),
        gaps=_noted(gaps, questions),
    )


def _area_rows(
    card: StoredCard,
    areas: list[PolicyArea],
    stages: list[Stage],
    questions: dict[str, str],
    highlighted: Highlighted,
    previous: dict[str, float | None] | None = None,
    peer_medians: dict[str, float | None] | None = None,
) -> list[AreaRow]:
    """A row per area of the ladder, in catalogue order (areas with nothing assigned, and a
    foundation, are left out)."""
    targets = card.targets.areas
    names = stage_names(stages)
    rows = []
    for area in areas:
        data = card.area(area.code)
        if data is None or data.is_foundation:  # nothing assigned, or beside the ladder
            continue
        rows.append(
            AreaRow(
                code=area.code,
                name=localized_text(area, "name"),
                score=data.score,
                previous=(previous or {}).get(area.code),
                stage=stage_label(data.stage_attained, names),
                answered=data.answered,
                total=data.total,
                ladder=ladder(data, stages),
                strengths=_noted(highlighted.get(area.code, ([], []))[0], questions),
                gaps=_noted(highlighted.get(area.code, ([], []))[1], questions),
                peer_median=(peer_medians or {}).get(area.code),
                target=targets.get(area.code),
            )
        )
    return rows


# The round's snapshots and its municipality's earlier ones, found from the municipality's
# rounds (an index), never by looking through every municipality's snapshots.
_STAMP_SNAPSHOTS_SQL = f"""
    SELECT s.id, s.round_id, r.fiscal_year, r.edition_id, s.computed_at, s.department_id,
           d.name, d.sort_order
    FROM {ScoreSnapshot._meta.db_table} s
    JOIN {Round._meta.db_table} r ON s.round_id = r.id
    LEFT JOIN {Department._meta.db_table} d ON s.department_id = d.id
    WHERE r.municipality_id = %s AND r.fiscal_year <= %s
      AND (s.round_id = %s OR (s.department_id IS NULL AND r.fiscal_year < %s))
    ORDER BY s.id
"""
_STAMP_STATUSES_SQL = f"""
    SELECT department_id, status FROM {Questionnaire._meta.db_table} WHERE round_id = %s
    ORDER BY id
"""


def dashboard_stamp(round_: Round) -> tuple:
    """What the rendered dashboard (templates/results/includes/dashboard_results.html) is
    read from that can change, for results.page_cache (two queries and the peers' stamp):

    - the round's snapshots and its municipality's earlier ones (results.trend): their ids,
      rounds, departments and computed_at, which every refresh sets; the departments' names
      and order (the department table);
    - the departments' questionnaire statuses (they change without a refresh);
    - the same-kind peers (results.peer_groups.peer_stamp);
    - the round (its status: 暫定; year; edition) and its municipality (code; kind: the peer
      group).

    The catalogue is not in it: a round is on a published edition, which never changes but
    for its citations (frameworks/FORMAT.md), and the dashboard shows none.
    """
    municipality = round_.municipality
    snapshots = stamp_rows(
        _STAMP_SNAPSHOTS_SQL,
        [round_.municipality_id, round_.fiscal_year, round_.pk, round_.fiscal_year],
    )
    statuses = stamp_rows(_STAMP_STATUSES_SQL, [round_.pk])
    return (
        round_.pk,
        round_.status,
        round_.fiscal_year,
        round_.edition_id,
        municipality.code,
        municipality.kind,
        snapshots,
        statuses,
        peer_stamp(round_.fiscal_year, round_.edition_id),
    )


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
    stages, areas = _catalogue(round_.edition_id)
    card = municipality.read
    highlighted = _highlights_by_area(card, stages)
    questions = _questions(round_.edition_id, _codes(highlighted) | _foundation_codes(card))
    ladder_codes = {a.area for a in card.ladder_areas}
    shown = [area for area in areas if area.code in ladder_codes]
    trend = trend_for(
        round_, card, [a.code for a in shown], [localized_text(a, "name") for a in shown]
    )
    previous = trend.previous
    peers = same_kind_peers(round_, card)
    rows = _area_rows(
        card,
        areas,
        stages,
        questions,
        highlighted,
        previous=dict(zip(trend.area_codes, previous.areas, strict=True)) if previous else None,
        peer_medians={code: stat.median for code, stat in peers.areas.items()},
    )
    strengths, gaps = strengths_and_gaps(rows)
    statuses = {
        department_id: QuestionnaireStatus(status).label
        for department_id, status in Questionnaire.objects.filter(round=round_).values_list(
            "department_id", "status"
        )
    }
    names = stage_names(stages)
    return Dashboard(
        overall=municipality.overall_score,
        previous_overall=previous.overall if previous else None,
        previous_round=previous.round if previous else None,
        stage=stage_label(municipality.stage_attained, names),
        answered=card.answered,
        total=card.total,
        completeness=municipality.completeness,
        areas=rows,
        strengths=strengths,
        gaps=gaps,
        departments=[
            DepartmentRow(
                name=s.department.name,
                scores=[s.read.area_scores().get(row.code) for row in rows],
                department_id=s.department_id,
                status=statuses.get(s.department_id, ""),
                completeness=s.completeness,
            )
            for s in snapshots
            if s.department_id is not None
        ],
        provisional=round_.is_provisional,
        peer_label=peers.label,
        peer_overall=peers.overall.median,
        target_overall=card.targets.overall,
        target_label=card.target_label,
        trend=trend,
        foundation=_foundation(card, stages, questions),
    )


def department_results_for(round_: Round, department: Department) -> DepartmentResults | None:
    """The department's own results in the round, or None while it has no snapshot.

    Four queries: the snapshot, stages, areas, the lowest answers' questions.
    """
    snapshot = ScoreSnapshot.objects.filter(round=round_, department=department).first()
    if snapshot is None:
        return None
    stages, areas = _catalogue(round_.edition_id)
    card = snapshot.read
    _strengths, gaps = card.indicator_highlights(_thresholds(stages))
    highlighted = _highlights_by_area(card, stages)
    questions = _questions(
        round_.edition_id,
        _codes(highlighted) | {c.code for c in gaps} | _foundation_codes(card),
    )
    names = stage_names(stages)
    return DepartmentResults(
        department=department,
        overall=snapshot.overall_score,
        stage=stage_label(snapshot.stage_attained, names),
        answered=card.answered,
        total=card.total,
        completeness=snapshot.completeness,
        areas=_area_rows(card, areas, stages, questions, highlighted),
        gaps=_noted(gaps, questions),
        provisional=round_.is_provisional,
        foundation=_foundation(card, stages, questions),
        target_label=card.target_label,
    )
