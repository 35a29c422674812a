"""Vector charts for the PDF reports, drawn as SVG strings in plain Python.

Pure (no Django, no database, no new dependency): plain numbers in, an SVG
document out, which the report template places inline so WeasyPrint keeps it
as vector paths and text. The numbers are the dashboard's
(results.dashboard), written as everywhere else (dxportal.number_format), so
the report and the page never disagree.

Inline SVG text does not inherit the page's font, so every chart names its
font family itself (FONT_FAMILY, the report's @font-face families). Every
text from outside (area and stage names, series labels) is XML-escaped.
Series differ in line style and marker shape as well as colour, so nothing
depends on colour alone; each chart has a <title> and the report prints the
same numbers in a table next to it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from dxportal.number_format import compact_number

FONT_FAMILY = "'BIZ UDPGothic', 'Noto Sans CJK JP Fallback'"
TEXT = "#1a1a1a"
GRID = "#c8c8cb"
SCALE = (20, 40, 60, 80, 100)  # rings and ticks on a 0–100 scale


@dataclass(frozen=True)
class Series:
    """One line of a chart: a value per category (None: no value there)."""

    label: str
    values: Sequence[float | None]
    colour: str
    dash: str = ""  # SVG stroke-dasharray; empty for a solid line
    marker: str = "circle"  # circle, square, diamond or triangle
    filled: bool = False


# Styles in the dashboard's order and colours (static/js/dashboard-charts.js).
CURRENT = {"colour": "#0031d8", "filled": True}
PREVIOUS = {"colour": "#767676", "dash": "6 4", "marker": "square"}
PEER = {"colour": "#b45309", "dash": "2 3", "marker": "diamond"}
TARGET = {"colour": "#047857", "dash": "8 3 2 3", "marker": "triangle"}

# A stage not attained: its bar is outlined (dashed) in the stage's colour, not filled.
NOT_ATTAINED = 'fill="#ffffff" stroke="{colour}" stroke-width="1" stroke-dasharray="3 2"'

# Stage bars: one fill per stage, light to dark, in stage order.
STAGE_FILLS = ("#9db7f9", "#4979f5", "#0031d8", "#001a73", "#000c3a")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT_FAMILY}" '
        f'font-size="11" fill="{TEXT}"><title>{escape(title)}</title>{"".join(body)}</svg>'
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


def wrap_label(text: str, width: int) -> list[str]:
    """Split a label into lines of about `width` characters (Japanese has no spaces to break at).

    A line never starts with closing punctuation or a small kana; such a
    character stays at the end of the line before, one over the width.
    """
    lines = [""]
    for char in text:
        if len(lines[-1]) >= width and char not in NO_LINE_START:
            lines.append("")
        lines[-1] += char
    return lines


def _text_lines(x: float, y: float, lines: list[str], anchor: str, size: int = 11) -> str:
    """Lines of text centred vertically on y."""
    top = y - (len(lines) - 1) * (size + 2) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + n * (size + 2) + size * 0.35:.1f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" font-size="{size}">{spans}</text>'


def _legend(series: Sequence[Series], y: float, left: float) -> list[str]:
    """One row per series (line sample and name), starting at `left`."""
    parts = []
    for n, item in enumerate(series):
        row = y + n * 16
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        parts.append(
            f'<line x1="{left}" y1="{row:.1f}" x2="{left + 30}" y2="{row:.1f}" '
            f'stroke="{item.colour}" stroke-width="2"{dash}/>'
        )
        parts.append(_marker(item.marker, left + 15, row, item.colour))
        parts.append(_text_lines(left + 38, row, [item.label], "start"))
    return parts


def radar_chart(categories: Sequence[str], series: Sequence[Series], title: str) -> str:
    """A radar (spider) chart on a 0–100 scale; one axis per category, clockwise from the top.

    A series with a missing value has a gap there (no line to or from it),
    as the dashboard's chart does; only a complete series is filled.
    """
    count = len(categories)
    width, radius = 520, 125
    centre_x, centre_y = width / 2, 190
    legend_top = centre_y + radius + 65
    height = int(legend_top + 16 * len(series) + 8)

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
            f'<text x="{centre_x + 3:.1f}" y="{y + 10:.1f}" font-size="8" fill="#626264">'
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
            point(i, max(0.0, min(value, 100.0))) if value is not None else None
            for i, value in enumerate(item.values)
        ]
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        if item.filled and points and all(p is not None for p in points):
            outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polygon points="{outline}" fill="{item.colour}" fill-opacity="0.15" '
                'stroke="none"/>'
            )
        segments = "".join(
            f"M{start[0]:.1f},{start[1]:.1f}L{end[0]:.1f},{end[1]:.1f}"
            for start, end in zip(points, points[1:] + points[:1], strict=True)
            if start is not None and end is not None and count > 1
        )
        if segments:
            body.append(
                f'<path d="{segments}" fill="none" stroke="{item.colour}" stroke-width="2"{dash}/>'
            )
        body.extend(_marker(item.marker, p[0], p[1], item.colour) for p in points if p)
    body.extend(_legend(series, legend_top, centre_x - 110))
    return _svg(width, height, title, body)


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


def stage_chart(groups: Sequence[tuple[str, Sequence[StageBar]]], words: StageChartWords) -> str:
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
    height = legend_top + 16 * (len(stages) + 2) + 4
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
                length = plot_width * max(0.0, min(item.score, 100.0)) / 100
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
        row = legend_top + n * 16
        body.append(
            f'<rect x="20" y="{row - 5}" width="24" height="10" fill={quoteattr(fills[stage])}/>'
        )
        body.append(_text_lines(52, row, [stage], "start"))
    row = legend_top + len(stages) * 16
    body.append(
        f'<rect x="20" y="{row - 5}" width="24" height="10" '
        f"{NOT_ATTAINED.format(colour='#626264')}/>"
    )
    body.append(_text_lines(52, row, [words.not_attained], "start"))
    row += 16
    body.append(
        f'<line x1="32" y1="{row - 6}" x2="32" y2="{row + 6}" stroke="{TEXT}" stroke-width="1.5"/>'
    )
    body.append(_text_lines(52, row, [words.threshold], "start"))
    return _svg(width, int(height), words.title, body)
