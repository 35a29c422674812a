"""The results' charts, drawn as SVG strings in plain Python, for the pages and the PDF report.

Pure (no Django, no database, no dependency): plain numbers in, an SVG
document out, which a results page places inline in its HTML and the report
template in its PDF, so both show the same vector drawing. Nothing here needs
a script or a style sheet: every look is an SVG presentation attribute
(fill, stroke, font-size…), which the portal's Content-Security-Policy does
not block, where a style="" attribute or an injected <style> would be
(dxportal.csp, style-src 'self' with a nonce). The numbers are the pages'
(results.dashboard, results.trend, results.benchmarks), written as everywhere
else (dxportal.number_format), so a chart never disagrees with its table.

Inline SVG text does not inherit the page's font, so every chart names its
font family itself (FONT_FAMILY, the report's @font-face families; the pages'
style sheet sets their own). Every text from outside (area, stage, department
and municipality names, series labels) is XML-escaped. Series differ in line
style and marker shape as well as colour, heatmap cells carry their number,
so nothing depends on colour alone. Each chart is role="img" with a <title>
(its accessible name, through aria-labelledby when given a title_id) and,
when given described_by, aria-describedby naming the page's sentence about
it; the page and the report print the same numbers in a table next to it.
The caller (results.figures) translates every word.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from dxportal.number_format import NO_NUMBER, compact_number
from dxportal.phrases import phrases

FONT_FAMILY = "'BIZ UDPGothic', 'Noto Sans CJK JP Fallback'"
TEXT = "#1a1a1a"
SECONDARY = "#626264"
GRID = "#c8c8cb"
SCALE = (20, 40, 60, 80, 100)  # rings and ticks on a 0–100 scale
LEGEND_ROW = 16


@dataclass(frozen=True)
class Series:
    """One line of a chart: a value per category (None: no value there)."""

    label: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray; empty for a solid line
    marker: str = "circle"  # circle, square, diamond or triangle
    filled: bool = False
    width: float = 2  # the line's stroke width
    labelled: bool = False  # each point's value written beside it


# The radar's series, in the order the dashboard's table has its columns.
CURRENT = {"colour": "#0031d8", "filled": True}
PREVIOUS = {"colour": "#767676", "dash": "6 4", "marker": "square"}
PEER = {"colour": "#b45309", "dash": "2 3", "marker": "diamond"}
TARGET = {"colour": "#047857", "dash": "8 3 2 3", "marker": "triangle"}

# The trend's areas: colours, dashes and markers cycle independently, so two areas
# differ in more than colour until there are far more areas than any edition has.
PALETTE = ("#0031d8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f")
DASHES = ("", "6 4", "2 3")
MARKERS = ("circle", "square", "diamond", "triangle")

# A stage not attained: its bar is outlined (dashed) in the stage's colour, not filled.
NOT_ATTAINED = 'fill="#ffffff" stroke="{colour}" stroke-width="1" stroke-dasharray="3 2"'

# Stage bars: one fill per stage, light to dark, in stage order.
STAGE_FILLS = ("#9db7f9", "#4979f5", "#0031d8", "#001a73", "#000c3a")

# Heatmap: a score below each bound gets that fill and text colour (every pair at least
# 4.5:1); 100 falls in the last step.
HEAT_STEPS = (
    (20, "#e8f1fe", TEXT),
    (40, "#c5d7fb", TEXT),
    (60, "#7096f8", TEXT),
    (80, "#3460fb", "#ffffff"),
    (100, "#0031d8", "#ffffff"),
)


def _svg(
    width: int, height: int, title: str, body: list[str], title_id: str, described_by: str
) -> str:
    labelled = f" aria-labelledby={quoteattr(title_id)}" if title_id else ""
    described = f" aria-describedby={quoteattr(described_by)}" if described_by else ""
    title_attributes = f" id={quoteattr(title_id)}" if title_id else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="chart"{labelled}{described} '
        f'font-family="{FONT_FAMILY}" font-size="11" fill="{TEXT}">'
        f"<title{title_attributes}>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    size = 3.5
    fill = f'fill="{colour}" stroke="none"'
    match shape:
        case "square":
            return (
                f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" '
                f'height="{2 * size}" {fill}/>'
            )
        case "diamond":
            return (
                f'<polygon points="{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y:.1f} '
                f'{x:.1f},{y + size + 1:.1f} {x - size - 1:.1f},{y:.1f}" {fill}/>'
            )
        case "triangle":
            return (
                f'<polygon points="{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y + size:.1f} '
                f'{x - size - 1:.1f},{y + size:.1f}" {fill}/>'
            )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" {fill}/>'


# Characters a Japanese line must not start with (kinsoku): they stay on the line before.
NO_LINE_START = set("、。，．・：；？！）」』】〕ーぁぃぅぇぉっゃゅょァィゥェォッャュョ…")


def _cut(phrase: str, width: int) -> list[str]:
    """A phrase longer than a line, cut every `width` characters (never before a NO_LINE_START)."""
    pieces = [""]
    for char in phrase:
        if len(pieces[-1]) >= width and char not in NO_LINE_START:
            pieces.append("")
        pieces[-1] += char
    return pieces


def wrap_label(text: str, width: int) -> list[str]:
    """Split a label into lines of at most about `width` characters, between phrases.

    Lines break between the phrases of dxportal.phrases (「公金収納における／eLTAXの活用」),
    never inside a word; only a phrase longer than a line is cut, and then a
    line never starts with closing punctuation or a small kana.
    """
    lines = [""]
    for phrase in phrases(text):
        if lines[-1] and len(lines[-1]) + len(phrase) > width:
            lines.append("")
        if len(phrase) > width:
            first, *rest = _cut(lines[-1] + phrase, width)
            lines[-1:] = [first, *rest]
        else:
            lines[-1] += phrase
    return lines


def _line_height(size: int) -> int:
    return size + 2


def _text_lines(x: float, y: float, lines: list[str], anchor: str, size: int = 11) -> str:
    """Lines of text centred vertically on y."""
    top = y - (len(lines) - 1) * _line_height(size) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + n * _line_height(size) + size * 0.35:.1f}">'
        f"{escape(line)}</tspan>"
        for n, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" font-size="{size}">{spans}</text>'


def _legend(
    series: Sequence[Series], top: float, left: float, columns: int = 1, column_width: float = 0
) -> list[str]:
    """A line sample and the name of each series, in rows of `columns` from `left`."""
    parts = []
    for n, item in enumerate(series):
        row = top + (n // columns) * LEGEND_ROW
        x = left + (n % columns) * column_width
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        parts.append(
            f'<line x1="{x}" y1="{row:.1f}" x2="{x + 30}" y2="{row:.1f}" '
            f'stroke="{item.colour}" stroke-width="{item.width}"{dash}/>'
        )
        parts.append(_marker(item.marker, x + 15, row, item.colour))
        parts.append(_text_lines(x + 38, row, [item.label], "start"))
    return parts


def _legend_height(count: int, columns: int = 1) -> int:
    return LEGEND_ROW * math.ceil(count / columns)


def _clamped(value: float) -> float:
    return max(0.0, min(value, 100.0))


def _segments(points: Sequence[tuple[float, float] | None]) -> str:
    """Path data joining each point to the next, with a gap where either is missing."""
    return "".join(
        f"M{start[0]:.1f},{start[1]:.1f}L{end[0]:.1f},{end[1]:.1f}"
        for start, end in zip(points, points[1:], strict=False)
        if start is not None and end is not None
    )


def radar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    *,
    title_id: str = "",
    described_by: str = "",
) -> str:
    """A radar (spider) chart on a 0–100 scale; one axis per category, clockwise from the top.

    A series with a missing value has a gap there (no line to or from it),
    as the dashboard's table shows —; only a complete series is filled. The
    legend is part of the drawing, under the radar, so nothing can lie on it.
    """
    count = len(categories)
    width, radius = 520, 125
    centre_x, centre_y = width / 2, 190
    legend_top = centre_y + radius + 65
    height = int(legend_top + _legend_height(len(series)) + 8)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        distance = radius * value / 100
        return centre_x + distance * math.cos(angle), centre_y + distance * math.sin(angle)

    body = []
    for ring in SCALE:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        body.append(f'<polygon points="{points}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
        _x, y = point(0, ring)
        body.append(
            f'<text x="{centre_x + 3:.1f}" y="{y + 10:.1f}" font-size="8" fill="{SECONDARY}">'
            f"{ring}</text>"
        )
    # Few SVG elements: WeasyPrint's time grows with their number, so lines share paths.
    axes = "".join(
        f"M{centre_x},{centre_y}L{x:.1f},{y:.1f}" for x, y in (point(i, 100) for i in range(count))
    )
    body.append(f'<path d="{axes}" stroke="{GRID}" stroke-width="0.8" fill="none"/>')
    for index, name in enumerate(categories):
        lines = wrap_label(name, 9)
        lx, ly = point(index, 100 + 1200 / radius)  # 12 px beyond the outer ring
        if abs(lx - centre_x) < 10:  # straight above or below: clear the axis end
            anchor = "middle"
            ly += (-1 if ly < centre_y else 1) * (len(lines) - 1) * 6.5
        else:
            anchor = "start" if lx > centre_x else "end"
        body.append(_text_lines(lx, ly, lines, anchor))
    for item in series:
        points = [
            point(i, _clamped(value)) if value is not None else None
            for i, value in enumerate(item.values)
        ]
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        if item.filled and points and all(p is not None for p in points):
            outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polygon points="{outline}" fill="{item.colour}" fill-opacity="0.15" '
                'stroke="none"/>'
            )
        segments = _segments(points + points[:1]) if count > 1 else ""
        if segments:
            body.append(
                f'<path d="{segments}" fill="none" stroke="{item.colour}" '
                f'stroke-width="{item.width}"{dash}/>'
            )
        body.extend(_marker(item.marker, p[0], p[1], item.colour) for p in points if p)
    body.extend(_legend(series, legend_top, centre_x - 110))
    return _svg(width, height, title, body, title_id, described_by)


@dataclass(frozen=True)
class StageBar:
    """One stage of one area: its score (None: nothing to score) and threshold."""

    stage: str
    score: float | None
    threshold: float
    attained: bool


@dataclass(frozen=True)
class StageChartWords:
    """The stage chart's words, translated by the caller (this module has no Django)."""

    title: str
    not_attained: str  # the outlined bar's legend
    threshold: str  # the tick's legend
    no_score: str  # written where a stage has nothing to score


def stage_chart(
    groups: Sequence[tuple[str, Sequence[StageBar]]],
    words: StageChartWords,
    *,
    title_id: str = "",
    described_by: str = "",
) -> str:
    """Horizontal bars: for each area, one bar per stage with a tick at the stage's threshold.

    A bar of an attained stage is solid; one not attained is only outlined
    (dashed), so the difference does not rest on colour.
    """
    label_width, plot_width, bar, gap = 150, 320, 10, 14
    stages = list(dict.fromkeys(b.stage for _name, bars in groups for b in bars))
    fills = {stage: STAGE_FILLS[min(n, len(STAGE_FILLS) - 1)] for n, stage in enumerate(stages)}
    top = 24
    heights = [max(len(bars), 1) * (bar + 2) + gap for _name, bars in groups]
    legend_top = top + sum(heights) + 14
    height = legend_top + _legend_height(len(stages) + 2) + 4
    width = label_width + plot_width + 50
    body = []
    grid = ""
    for tick in (0, *SCALE):
        x = label_width + plot_width * tick / 100
        grid += f"M{x:.1f},{top - 4}V{top + sum(heights) - gap + 4}"
        body.append(
            f'<text x="{x:.1f}" y="{top - 8}" font-size="8" text-anchor="middle">{tick}</text>'
        )
    body.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.6" fill="none"/>')
    thresholds = ""
    y = top
    for (name, bars), group_height in zip(groups, heights, strict=True):
        body.append(
            _text_lines(label_width - 8, y + (group_height - gap) / 2, wrap_label(name, 12), "end")
        )
        for n, item in enumerate(bars):
            row = y + n * (bar + 2)
            if item.score is None:
                body.append(
                    f'<text x="{label_width + 4}" y="{row + bar - 1}" font-size="8">'
                    f"{escape(words.no_score)}</text>"
                )
            else:
                length = plot_width * _clamped(item.score) / 100
                look = (
                    f'fill="{fills[item.stage]}" stroke="none"'
                    if item.attained
                    else NOT_ATTAINED.format(colour=fills[item.stage])
                )
                body.append(
                    f'<rect x="{label_width}" y="{row}" width="{length:.1f}" height="{bar}" '
                    f"{look}/>"
                )
                body.append(
                    f'<text x="{label_width + length + 4:.1f}" y="{row + bar - 1}" font-size="8">'
                    f"{compact_number(item.score)}</text>"
                )
            threshold = label_width + plot_width * item.threshold / 100
            thresholds += f"M{threshold:.1f},{row - 1}V{row + bar + 1}"
        y += group_height
    body.append(f'<path d="{thresholds}" stroke="{TEXT}" stroke-width="1.5" fill="none"/>')
    for n, stage in enumerate(stages):
        row = legend_top + n * LEGEND_ROW
        body.append(
            f'<rect x="20" y="{row - 5}" width="24" height="10" fill={quoteattr(fills[stage])}/>'
        )
        body.append(_text_lines(52, row, [stage], "start"))
    row = legend_top + len(stages) * LEGEND_ROW
    body.append(
        f'<rect x="20" y="{row - 5}" width="24" height="10" '
        f"{NOT_ATTAINED.format(colour=SECONDARY)}/>"
    )
    body.append(_text_lines(52, row, [words.not_attained], "start"))
    row += LEGEND_ROW
    body.append(
        f'<line x1="32" y1="{row - 6}" x2="32" y2="{row + 6}" stroke="{TEXT}" stroke-width="1.5"/>'
    )
    body.append(_text_lines(52, row, [words.threshold], "start"))
    return _svg(width, int(height), words.title, body, title_id, described_by)


@dataclass(frozen=True)
class HeatmapWords:
    """The heatmap's words, translated by the caller."""

    title: str
    no_value: str  # the legend of a cell without a score (drawn as —)
    step: str  # a legend step, with {low} and {high}: "{low}〜{high}点"


def heat_step(value: float) -> tuple[str, str]:
    """The fill and the text colour of a cell with this score."""
    for bound, fill, text in HEAT_STEPS:
        if value < bound:
            return fill, text
    return HEAT_STEPS[-1][1], HEAT_STEPS[-1][2]


def column_mark(number: int) -> str:
    """A heatmap column's heading: its number, circled (①…㊿, which every font of the
    report has), so it is not taken for a score; bracketed past 50."""
    if 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if 21 <= number <= 35:
        return chr(0x3251 + number - 21)
    if 36 <= number <= 50:
        return chr(0x32B1 + number - 36)
    return f"({number})"


def heatmap_chart(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    words: HeatmapWords,
    *,
    title_id: str = "",
    described_by: str = "",
) -> str:
    """A grid of scores: a row per department, a column per area, each cell shaded by its
    score's step of 20 and written out (— where there is none), with the steps as legend.

    The columns are headed by their number (column_mark), and a key under the grid names
    each area in full, on lines as wide as the chart: an area's name (up to 37 characters,
    with single words of 10 such as 「マイナンバーカードの」) does not fit a column's width
    without cutting words or widening the grid past an A4 page (nine columns of 56 fit),
    and turned headings are hard to read.
    """
    label_width, cell_width, column_gap = 150, 56, 2
    header_height = _line_height(11) + 12
    row_lines = [wrap_label(name, 12) for name in rows]
    row_heights = [max(28, _line_height(11) * len(lines) + 8) for lines in row_lines]
    steps = [words.step.format(low=low, high=high) for low, high in _steps()]
    step_width = 96
    width = max(label_width + cell_width * len(columns) + 10, 20 + step_width * 3)
    per_row = max(1, (width - 20) // step_width)
    # The key's names start after their number, as the legend's labels after their swatch.
    key_lines = [wrap_label(name, (width - 44 - 10) // 11) for name in columns]
    key_top = header_height + sum(row_heights) + 20
    key_heights = [LEGEND_ROW + _line_height(11) * (len(lines) - 1) for lines in key_lines]
    legend_top = key_top + sum(key_heights) + 8
    # The steps in rows, then the cell without a score on a row of its own (a longer label).
    no_value_row = legend_top + LEGEND_ROW * math.ceil(len(steps) / per_row)
    height = no_value_row + LEGEND_ROW + 4
    body = []
    for n in range(len(columns)):
        x = label_width + cell_width * n + (cell_width - column_gap) / 2
        body.append(_text_lines(x, header_height / 2, [column_mark(n + 1)], "middle"))
    y = header_height
    for lines, row_height, row_values in zip(row_lines, row_heights, values, strict=True):
        body.append(_text_lines(label_width - 8, y + row_height / 2, lines, "end"))
        for n, value in enumerate(row_values):
            x = label_width + cell_width * n
            centre_x, centre_y = x + (cell_width - column_gap) / 2, y + (row_height - 2) / 2
            if value is None:
                fill, text, label = "#ffffff", SECONDARY, NO_NUMBER
                outline = f' stroke="{GRID}" stroke-width="1"'
            else:
                (fill, text), label, outline = heat_step(value), compact_number(value), ""
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_width - column_gap}" '
                f'height="{row_height - 2}" fill="{fill}"{outline}/>'
            )
            body.append(
                f'<text x="{centre_x:.1f}" y="{centre_y + 4:.1f}" text-anchor="middle" '
                f'fill="{text}">{label}</text>'
            )
        y += row_height
    row = key_top
    for n, (lines, key_height) in enumerate(zip(key_lines, key_heights, strict=True)):
        body.append(_text_lines(29, row, [column_mark(n + 1)], "middle"))
        body.append(_text_lines(44, row + (key_height - LEGEND_ROW) / 2, lines, "start"))
        row += key_height
    for n, (label, (_bound, fill, _text)) in enumerate(zip(steps, HEAT_STEPS, strict=True)):
        x = 20 + (n % per_row) * step_width
        row = legend_top + (n // per_row) * LEGEND_ROW
        body.append(f'<rect x="{x}" y="{row - 6}" width="18" height="12" fill="{fill}"/>')
        body.append(_text_lines(x + 24, row, [label], "start"))
    body.append(
        f'<rect x="20" y="{no_value_row - 6}" width="18" height="12" fill="#ffffff" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    body.append(_text_lines(44, no_value_row, [f"{NO_NUMBER} {words.no_value}"], "start"))
    return _svg(width, int(height), words.title, body, title_id, described_by)


def _steps() -> list[tuple[int, int]]:
    lows = (0, *(bound for bound, _fill, _text in HEAT_STEPS[:-1]))
    return [(low, bound) for low, (bound, _fill, _text) in zip(lows, HEAT_STEPS, strict=True)]


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    *,
    title_id: str = "",
    described_by: str = "",
) -> str:
    """Lines over categories (fiscal years, oldest first) on a 0–100 scale, with a gap where
    a series has no value; a series marked `labelled` has its values written at its points.
    The legend is part of the drawing, under the plot, in two columns."""
    left, plot_width, top, plot_height = 36, 500, 16, 220
    width = left + plot_width + 24
    step = plot_width / max(len(categories), 1)
    label_lines = [wrap_label(name, max(2, int(step // 11))) for name in categories]
    axis_bottom = top + plot_height
    labels_height = _line_height(11) * max((len(lines) for lines in label_lines), default=1)
    legend_top = axis_bottom + labels_height + 28
    columns = 2
    height = legend_top + _legend_height(len(series), columns) + 4

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    def y_of(value: float) -> float:
        return axis_bottom - plot_height * _clamped(value) / 100

    body = []
    grid = ""
    for tick in (0, *SCALE):
        y = y_of(tick)
        grid += f"M{left},{y:.1f}H{left + plot_width}"
        body.append(
            f'<text x="{left - 6}" y="{y + 3:.1f}" font-size="8" text-anchor="end" '
            f'fill="{SECONDARY}">{tick}</text>'
        )
    body.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.6" fill="none"/>')
    for index, lines in enumerate(label_lines):
        body.append(_text_lines(x_of(index), axis_bottom + 10 + labels_height / 2, lines, "middle"))
    labels = []
    # The first series is drawn last, on top of the others (the overall score).
    for item in reversed(series):
        points = [
            (x_of(i), y_of(value)) if value is not None else None
            for i, value in enumerate(item.values)
        ]
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        segments = _segments(points)
        if segments:
            body.append(
                f'<path d="{segments}" fill="none" stroke="{item.colour}" '
                f'stroke-width="{item.width}"{dash}/>'
            )
        body.extend(_marker(item.marker, p[0], p[1], item.colour) for p in points if p)
        if item.labelled:
            labels.extend(
                (p, compact_number(value))
                for p, value in zip(points, item.values, strict=True)
                if p is not None and value is not None
            )
    # Values above every line, each on a white ground so no line runs through it.
    for (x, y), label in labels:
        box = 7 * len(label) + 6
        body.append(
            f'<rect x="{x - box / 2:.1f}" y="{y - 22:.1f}" width="{box}" height="14" '
            'fill="#ffffff" fill-opacity="0.9"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{y - 11:.1f}" text-anchor="middle" font-weight="bold">'
            f"{label}</text>"
        )
    body.extend(_legend(series, legend_top, left, columns, (plot_width + 24) / columns))
    return _svg(width, int(height), title, body, title_id, described_by)


@dataclass(frozen=True)
class BarChartWords:
    """The bar chart's words, translated by the caller."""

    title: str
    no_value: str  # written where a row has no score


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    words: BarChartWords,
    *,
    title_id: str = "",
    described_by: str = "",
) -> str:
    """A horizontal bar per label on a 0–100 scale, in the given order, its value at its end."""
    label_width, plot_width, bar = 170, 300, 14
    label_lines = [wrap_label(name, 13) for name in labels]
    row_heights = [max(24, _line_height(11) * len(lines) + 8) for lines in label_lines]
    top = 22
    width = label_width + plot_width + 50
    height = top + sum(row_heights) + 8
    body = []
    grid = ""
    for tick in (0, *SCALE):
        x = label_width + plot_width * tick / 100
        grid += f"M{x:.1f},{top - 4}V{top + sum(row_heights)}"
        body.append(
            f'<text x="{x:.1f}" y="{top - 8}" font-size="8" text-anchor="middle" '
            f'fill="{SECONDARY}">{tick}</text>'
        )
    body.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.6" fill="none"/>')
    y = top
    for lines, row_height, value in zip(label_lines, row_heights, values, strict=True):
        middle = y + row_height / 2
        body.append(_text_lines(label_width - 8, middle, lines, "end"))
        if value is None:
            body.append(
                f'<text x="{label_width + 4}" y="{middle + 4:.1f}" fill="{SECONDARY}">'
                f"{escape(words.no_value)}</text>"
            )
        else:
            length = plot_width * _clamped(value) / 100
            body.append(
                f'<rect x="{label_width}" y="{middle - bar / 2:.1f}" width="{length:.1f}" '
                f'height="{bar}" fill="{CURRENT["colour"]}"/>'
            )
            body.append(
                f'<text x="{label_width + length + 4:.1f}" y="{middle + 4:.1f}">'
                f"{compact_number(value)}</text>"
            )
        y += row_height
    return _svg(width, int(height), words.title, body, title_id, described_by)
