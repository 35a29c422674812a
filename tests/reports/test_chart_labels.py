"""The PDF's SVG charts keep names with tags as text: no link, no bold, no broken XML
(the dashboard's plotly charts: tests/browser/test_chart_labels.py)."""

import xml.etree.ElementTree as ET

from reports import charts
from tests.reports.test_charts import SVG, texts

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
