"""The SVG charts keep names with tags as text: no link, no bold, no broken XML (in the
browser: tests/browser/test_chart_labels.py)."""

import xml.etree.ElementTree as ET

from results import charts
from tests.results.chart_support import SVG, texts

LINK = '<a href="http://evil.example/">x</a>'
BOLD = "<b>太字</b>課 & 係"
DRAWING = {"svg", "title", "text", "tspan", "polygon", "path", "circle", "rect", "line"}


def _only_drawing(root: ET.Element) -> None:
    """Nothing but shapes and text: a name became neither a link nor markup."""
    assert {element.tag.removeprefix(SVG) for element in root.iter()} <= DRAWING


def test_radar_keeps_hostile_names_as_text():
    svg = charts.radar_chart(
        [LINK, BOLD, "人材"],
        [charts.Series(LINK, [50, 20, 80], **charts.CURRENT)],
        title=BOLD,
    )
    root = ET.fromstring(svg)
    _only_drawing(root)
    assert root.find(f"{SVG}title").text == BOLD
    assert {LINK, BOLD} <= set(texts(root))


def test_stage_chart_keeps_hostile_names_as_text():
    words = charts.StageChartWords(title=LINK, not_attained=BOLD, threshold="基準", no_score="なし")
    svg = charts.stage_chart([(LINK, [charts.StageBar(BOLD, 62.5, 60, True)])], words)
    root = ET.fromstring(svg)
    _only_drawing(root)
    assert root.find(f"{SVG}title").text == LINK
    assert texts(root).count(LINK) == 1  # the area
    assert texts(root).count(BOLD) == 2  # the stage's legend and the outline's


def test_heatmap_line_and_bar_charts_keep_hostile_names_as_text():
    words = charts.HeatmapWords(title=LINK, no_value=BOLD, step="{low}〜{high}")
    drawn = [
        charts.heatmap_chart([LINK, BOLD], [BOLD], [[10.0], [None]], words),
        charts.line_chart([LINK, "2026"], [charts.Series(BOLD, [1, 2], "#000")], LINK),
        charts.bar_chart(
            [LINK, BOLD], [10.0, None], charts.BarChartWords(title=LINK, no_value="なし")
        ),
    ]
    assert len(drawn) == 3
    for svg in drawn:
        root = ET.fromstring(svg)
        _only_drawing(root)
        assert root.find(f"{SVG}title").text == LINK
        assert LINK in texts(root) and any(BOLD in t for t in texts(root))
