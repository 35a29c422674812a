"""The charts of a round's results, for the results pages and the PDF report alike.

Each figure is drawn once here, from the objects the pages already read
(results.dashboard, results.trend, results.benchmarks), by the pure SVG
functions of results.charts, with the words translated here. The dashboard,
a department's page, the portfolio and the report all call these, so a chart
on screen and in the PDF is the same drawing of the same numbers as the
table beside it (results/README.md).

On a page a chart's accessible name is its <title> (title_id) and its
description the sentence the page writes under it (described_by: the id of
that sentence in templates/results/); the report passes neither, its
figcaption saying the same.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dxportal.number_format import score_text
from results import charts
from results.benchmarks import PortfolioRow
from results.dashboard import AreaRow, Dashboard, DepartmentResults
from results.trend import Trend


@dataclass(frozen=True)
class Column:
    """One series of area scores: this round, the previous round, the peer median or the target."""

    label: str
    values: list[float | None]  # in the order of the area rows
    style: dict[str, Any]  # how the radar draws it (results.charts)


@dataclass(frozen=True)
class AreaScores:
    """The area scores of a radar and of the table beside it: the same columns, so they say
    the same."""

    rows: list[AreaRow]
    columns: list[Column]

    @property
    def table(self) -> list[tuple[AreaRow, list[float | None]]]:
        return [
            (row, [column.values[n] for column in self.columns]) for n, row in enumerate(self.rows)
        ]


def area_scores(
    rows: list[AreaRow], dashboard: Dashboard | None = None, *, target_label: str
) -> AreaScores:
    """This round's area scores, with the dashboard's comparisons where it has them
    (a department's results have no previous round or peer group, only targets, named
    `target_label`: the results' own, results.cards.target_label)."""
    columns = [Column(_("今回"), [a.score for a in rows], charts.CURRENT)]
    if dashboard is not None and dashboard.previous_round:
        label = _("前回（{year}年度）").format(year=dashboard.previous_round.fiscal_year)
        columns.append(Column(label, [a.previous for a in rows], charts.PREVIOUS))
    if dashboard is not None and dashboard.has_peer_median:
        label = _("{group}の中央値").format(group=dashboard.peer_label)
        columns.append(Column(label, [a.peer_median for a in rows], charts.PEER))
    if any(a.target is not None for a in rows):
        columns.append(Column(target_label, [a.target for a in rows], charts.TARGET))
    return AreaScores(rows=rows, columns=columns)


# results.charts escapes every text it draws, so its SVG is safe to place in a page.


def _with_figures(title: str, figures: list[str]) -> str:
    """A chart's accessible name (its <title>, the PDF's /Alt) with the key figures it shows,
    not only what it is: 「分野ごとの得点（0〜100点）：テレワークの推進 34.9点、…」."""
    return (
        _("{title}：{figures}").format(title=title, figures="、".join(figures))
        if figures
        else title
    )


def _points(value: float | None) -> str:
    return _("{score}点").format(score=score_text(value)) if value is not None else score_text(None)


def radar_svg(scores: AreaScores, *, title_id: str = "", described_by: str = "") -> SafeString:
    """The radar of the area scores, one line per column."""
    return mark_safe(
        charts.radar_chart(
            [a.name for a in scores.rows],
            [charts.Series(c.label, c.values, **c.style) for c in scores.columns],
            _with_figures(
                _("分野ごとの得点（0〜100点）"),
                [
                    f"{a.name} {_points(v)}"
                    for a, v in zip(
                        scores.rows,
                        scores.columns[0].values if scores.columns else [],
                        strict=False,
                    )
                ],
            ),
            title_id=title_id,
            described_by=described_by,
        )
    )


def stage_svg(rows: list[AreaRow], *, title_id: str = "", described_by: str = "") -> SafeString:
    """Each area's score at each stage against the stage's threshold (the ladder)."""
    return mark_safe(
        charts.stage_chart(
            [
                (
                    a.name,
                    [charts.StageBar(s.name, s.score, s.threshold, s.attained) for s in a.ladder],
                )
                for a in rows
            ],
            charts.StageChartWords(
                title=_with_figures(
                    _("分野と段階ごとの得点と到達基準"),
                    [_("{area}は{stage}").format(area=a.name, stage=a.stage) for a in rows],
                ),
                not_attained=_("未到達の段階"),
                threshold=_("到達とみなす得点（基準）"),
                no_score=_("採点対象なし"),
            ),
            title_id=title_id,
            described_by=described_by,
        )
    )


def heatmap_svg(board: Dashboard, *, title_id: str = "", described_by: str = "") -> SafeString:
    """The departments × areas grid of the dashboard's department table; empty without
    departments."""
    if not board.departments:
        return mark_safe("")
    return mark_safe(
        charts.heatmap_chart(
            [d.name for d in board.departments],
            [a.name for a in board.areas],
            [d.scores for d in board.departments],
            charts.HeatmapWords(
                title=_("部署と分野ごとの得点（0〜100点、色が濃いほど高い）"),
                no_value=_("得点なし"),
                step=_("{low}〜{high}点"),
            ),
            title_id=title_id,
            described_by=described_by,
        )
    )


def trend_svg(trend: Trend, *, title_id: str = "", described_by: str = "") -> SafeString:
    """The overall score (its values written) and each area across the fiscal years; empty
    while there is no earlier round to compare with."""
    if trend.previous is None:
        return mark_safe("")
    overall = charts.Series(
        _("総合得点"),
        [p.overall for p in trend.points],
        charts.TEXT,
        width=3,
        labelled=True,
    )
    areas = [
        charts.Series(
            name,
            [p.areas[n] for p in trend.points],
            charts.PALETTE[n % len(charts.PALETTE)],
            dash=charts.DASHES[n % len(charts.DASHES)],
            marker=charts.MARKERS[(n + 1) % len(charts.MARKERS)],
        )
        for n, name in enumerate(trend.area_names)
    ]
    return mark_safe(
        charts.line_chart(
            [_("{year}年度").format(year=p.fiscal_year) for p in trend.points],
            [overall, *areas],
            _("年度ごとの推移"),
            title_id=title_id,
            described_by=described_by,
        )
    )


def portfolio_svg(
    rows: list[PortfolioRow], *, title_id: str = "", described_by: str = ""
) -> SafeString:
    """A bar per municipality's overall score, in the table's order; empty when no row has a
    score (there would be nothing to draw)."""
    if all(r.overall_score is None for r in rows):
        return mark_safe("")
    return mark_safe(
        charts.bar_chart(
            [str(r.municipality) for r in rows],
            [r.overall_score for r in rows],
            charts.BarChartWords(title=_("総合得点のグラフ"), no_value=_("得点なし")),
            title_id=title_id,
            described_by=described_by,
        )
    )


@dataclass(frozen=True)
class Figures:
    """A results page's charts (empty strings where the page has nothing to draw)."""

    scores: AreaScores
    radar: SafeString
    stages: SafeString
    heatmap: SafeString = mark_safe("")
    trend: SafeString = mark_safe("")


# The ids of each chart's title and of the sentence the page writes about it
# (templates/results/includes/scores_overview.html, ladder.html, trend.html, dashboard.html).
def _area_figures(scores: AreaScores) -> dict[str, Any]:
    return {
        "scores": scores,
        "radar": radar_svg(scores, title_id="radar-chart-title", described_by="areas-summary"),
        "stages": stage_svg(
            scores.rows, title_id="stage-chart-title", described_by="ladder-summary"
        ),
    }


def dashboard_figures(board: Dashboard) -> Figures:
    return Figures(
        **_area_figures(area_scores(board.areas, board, target_label=board.target_label)),
        heatmap=heatmap_svg(
            board, title_id="heatmap-chart-title", described_by="departments-summary"
        ),
        trend=(
            trend_svg(board.trend, title_id="trend-chart-title", described_by="trend-summary")
            if board.trend
            else mark_safe("")
        ),
    )


def department_figures(results: DepartmentResults) -> Figures:
    return Figures(**_area_figures(area_scores(results.areas, target_label=results.target_label)))
