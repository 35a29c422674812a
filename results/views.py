"""Results pages: the scoring rules for anyone, and a round's dashboard for its municipality.

The rules page is public (no municipality's data is shown); the dashboard is
for those with Capability.VIEW_RESULTS in the municipality (others: 404). A
department's page is for those with Capability.VIEW_DEPARTMENT_RESULTS there:
the department's own respondents, and the municipality's coordinators and
consultants (others, and departments of other municipalities: 404).
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for
from assessments.models import Round
from assessments.selectors import round_department_for, round_for
from frameworks.models import AnswerType, Edition, EditionStatus, Indicator, PolicyArea, Stage
from plans.selectors import action_plan_for
from results.benchmarks import K_ANONYMITY
from results.dashboard import dashboard_for, dashboard_stamp, department_results_for
from results.figures import dashboard_figures, department_figures
from results.page_cache import cached_html
from results.scoring import (
    NOT_STARTED,
    IndicatorInput,
    StageRule,
    points,
    score_card,
    stage_attained,
)


@dataclass(frozen=True)
class ExampleRow:
    code: str
    answer_type: str
    answer: str
    weight: float | None  # None: the indicator is left out
    score: float | None
    note: str


def _plain(value: float) -> str:
    return f"{value:g}"


def worked_example() -> dict:
    """A small area scored by the real rules, so the page can never disagree with them."""
    stage = StageRule("first", 60)
    rows = [
        (
            IndicatorInput("A", "x", "first", "maturity", max_level=4, level=2, answered=True),
            _("成熟度レベル（0〜4）"),
            _("レベル2"),
        ),
        (
            IndicatorInput("B", "x", "first", "yes_no", weight=2, yes=True, answered=True),
            _("はい／いいえ"),
            _("はい"),
        ),
        (
            IndicatorInput("C", "x", "first", "count", full_score_at=10),
            _("件数・人数（10人で満点）"),
            _("未回答"),
        ),
        (
            IndicatorInput(
                "D", "x", "first", "percentage", number=30, not_applicable=True, answered=True
            ),
            _("割合（%）"),
            _("該当しない"),
        ),
        (
            IndicatorInput("E", "x", "first", "text", answered=True),
            _("自由記述"),
            _("記述あり"),
        ),
    ]
    items = [item for item, _type, _answer in rows]
    card = score_card(items, [stage])
    table = []
    for item, answer_type, answer in rows:
        score = points(item)
        if item.answer_type == "text":
            note = _("得点には含めません")
        elif item.not_applicable:
            note = _("該当しないため計算から除きます（0点にはしません）")
        elif not item.answered:
            note = _("未回答は0点として数えます")
        else:
            note = ""
        table.append(
            ExampleRow(
                code=item.code,
                answer_type=answer_type,
                answer=answer,
                weight=item.weight if score is not None else None,
                score=score,
                note=note,
            )
        )
    counted = [(row.weight, row.score) for row in table if row.score is not None]
    formula = "({terms}) ÷ ({weights}) = {total} ÷ {weight_sum} = {score}".format(
        terms=" + ".join(f"{_plain(w)} × {_plain(s)}" for w, s in counted),
        weights=" + ".join(_plain(w) for w, _s in counted),
        total=_plain(sum(w * s for w, s in counted)),
        weight_sum=_plain(sum(w for w, _s in counted)),
        score=_plain(card.overall.score),
    )
    return {
        "rows": table,
        "formula": formula,
        "score": card.overall.score,
        "threshold": stage.threshold,
        "attained": card.stage_attained != NOT_STARTED,
        "answered": card.answered,
        "total": card.total,
        "completeness": card.completeness,
    }


@dataclass(frozen=True)
class GatingRow:
    order: int
    threshold: float
    score: float
    reached: bool  # the score alone reaches the threshold
    attained: bool  # reached, and every earlier stage attained


def gating_example() -> list[GatingRow]:
    """Three stages where the third scores high but the second does not reach its threshold."""
    stages = [StageRule("1", 60), StageRule("2", 60), StageRule("3", 70)]
    scores = {"1": 80.0, "2": 55.0, "3": 90.0}
    attained = stage_attained(scores, stages)
    last = -1 if attained == NOT_STARTED else [s.code for s in stages].index(attained)
    return [
        GatingRow(
            order=n + 1,
            threshold=stage.threshold,
            score=scores[stage.code],
            reached=scores[stage.code] >= stage.threshold,
            attained=n <= last,
        )
        for n, stage in enumerate(stages)
    ]


def published_editions_with_stages():
    """Published editions with their stages in order, their foundation areas
    (`foundation_areas`) and their count indicators whose full score is set by size band
    (`scaled_counts`): four queries."""
    scaled_counts = (
        Indicator.objects.filter(answer_type=AnswerType.COUNT)
        .exclude(full_score_by_band={})
        .select_related("area")
        .order_by("area__order", "order")
    )
    return (
        Edition.objects.filter(status=EditionStatus.PUBLISHED)
        .select_related("framework")
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order")),
            Prefetch(
                "areas",
                queryset=PolicyArea.objects.filter(is_foundation=True).order_by("order"),
                to_attr="foundation_areas",
            ),
            Prefetch("indicators", queryset=scaled_counts, to_attr="scaled_counts"),
        )
        .order_by("framework__code", F("published_on").desc(nulls_last=True), "-version")
    )


@require_GET
def rules(request):
    editions = list(published_editions_with_stages())
    return render(
        request,
        "results/rules.html",
        {
            "answer_types": [
                (answer_type.label, answer_type.scoring_rule) for answer_type in AnswerType
            ],
            "editions": editions,
            "scaled_counts": [
                (edition, [(i, i.full_scores_by_band()) for i in edition.scaled_counts])
                for edition in editions
                if edition.scaled_counts
            ],
            "example": worked_example(),
            "gating": gating_example(),
        },
    )


@login_required
@require_GET
def dashboard(request, code: str, round_id: int):
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    # The membership's copy has the prefecture loaded for the page title.
    round_.municipality = request.municipality
    return render(
        request,
        "results/dashboard.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            # The same for everyone who may see the round (results.page_cache).
            "results": cached_html(
                "dashboard", dashboard_stamp(round_), lambda: _dashboard_results(round_)
            ),
            "action_plan": action_plan_for(round_),
        },
    )


def _dashboard_results(round_: Round) -> str:
    board = dashboard_for(round_)
    return render_to_string(
        "results/includes/dashboard_results.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "dashboard": board,
            "figures": dashboard_figures(board) if board else None,
            "k_anonymity": K_ANONYMITY,
        },
    )


@login_required
@require_GET
def department(request, code: str, round_id: int, department_id: int):
    round_, department = round_department_for(request, code, round_id, department_id)
    municipality = round_.municipality = request.municipality
    results = department_results_for(round_, department)
    return render(
        request,
        "results/department.html",
        {
            "municipality": municipality,
            "round": round_,
            "department": department,
            "results": results,
            "figures": department_figures(results) if results else None,
            "may_see_dashboard": access_for(request.user).can(
                Capability.VIEW_RESULTS, municipality
            ),
        },
    )
