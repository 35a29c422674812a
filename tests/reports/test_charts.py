"""The SVG charts: pure functions, so checked as XML without a database or a PDF."""

import xml.etree.ElementTree as ET

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def current(values):
    return charts.Series("今回", values, **charts.CURRENT)


def test_radar_names_its_font_and_has_an_axis_per_category():
    root = parse(
        charts.radar_chart(["標準化", "セキュリティ", "人材"], [current([50, 20, 80])], "t")
    )
    assert "BIZ UDPGothic" in root.get("font-family")
    assert root.find(f"{SVG}title").text == "t"
    labels = texts(root)
    assert {"標準化", "セキュリティ", "人材", "今回"} <= set(labels)
    assert {"20", "40", "60", "80", "100"} <= set(labels)
    # One filled polygon for the complete current series, plus five rings.
    polygons = root.findall(f"{SVG}polygon")
    assert len([p for p in polygons if p.get("fill-opacity")]) == 1
    assert len([p for p in polygons if p.get("fill") == "none"]) == 5


def test_radar_points_sit_at_their_scores():
    root = parse(charts.radar_chart(["a", "b", "c", "d"], [current([100, 0, 50, 25])], "t"))
    circles = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    top, right, bottom, left = circles[:4]
    assert top == (260.0, 190.0 - 125)  # 100 at the top axis, on the outer ring
    assert right == (260.0, 190.0)  # 0 at the centre
    assert bottom == (260.0, 190.0 + 62.5)
    assert left == (260.0 - 31.2, 190.0) or abs(left[0] - (260 - 31.25)) < 0.1


def test_a_missing_value_leaves_a_gap_and_no_fill():
    root = parse(charts.radar_chart(["a", "b", "c"], [current([50, None, 80])], "t"))
    (line,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#0031d8"]
    # a→b and b→c are missing; only c→a is drawn.
    assert line.get("d").count("M") == 1
    assert not [p for p in root.iter(f"{SVG}polygon") if p.get("fill-opacity")]
    complete = parse(charts.radar_chart(["a", "b", "c"], [current([50, 60, 80])], "t"))
    (line,) = [p for p in complete.iter(f"{SVG}path") if p.get("stroke") == "#0031d8"]
    assert line.get("d").count("M") == 3


def test_series_differ_by_more_than_colour():
    series = [
        charts.Series("前回", [1, 2, 3], **charts.PREVIOUS),
        current([4, 5, 6]),
        charts.Series("目標", [7, 8, 9], **charts.TARGET),
    ]
    svg = charts.radar_chart(["a", "b", "c"], series, "t")
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="8 3 2 3"' in svg
    assert "<rect" in svg  # the previous round's square markers


def test_text_from_the_catalogue_is_escaped():
    svg = charts.radar_chart(['<script>&"'], [charts.Series("<b>", [1], "#000")], "<t>")
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    assert '<script>&"' in "".join(texts(root))
    assert root.find(f"{SVG}title").text == "<t>"


def test_long_labels_wrap():
    assert charts.wrap_label("デジタル人材の確保と育成", 9) == ["デジタル人材の確保", "と育成"]
    # No line starts with closing punctuation or a small kana.
    assert charts.wrap_label("デジタル人材の確保・育成", 9) == ["デジタル人材の確保・", "育成"]
    assert charts.wrap_label("セキュリティ対策", 2) == ["セキュ", "リティ", "対策"]
    assert charts.wrap_label("", 9) == [""]


WORDS = charts.StageChartWords(
    title="段階", not_attained="未到達", threshold="基準", no_score="なし"
)


def test_stage_chart_bars_thresholds_and_outlines():
    svg = charts.stage_chart(
        [
            (
                "標準化",
                [
                    charts.StageBar("デジタイゼーション", 87.5, 60, True),
                    charts.StageBar("デジタライゼーション", 37.5, 60, False),
                    charts.StageBar("DX", None, 70, False),
                ],
            )
        ],
        WORDS,
    )
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "10" and r.get("x") == "150"]
    assert [float(b.get("width")) for b in bars] == [280.0, 120.0]  # 87.5% and 37.5% of 320
    assert bars[0].get("stroke") == "none"  # attained: solid
    assert bars[1].get("fill") == "#ffffff"  # not attained: a dashed outline
    assert bars[1].get("stroke-dasharray")
    thresholds = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.TEXT]
    assert thresholds[0].get("d").count("M") == 3  # a tick per stage
    labels = texts(root)
    assert {"87.5", "37.5", "なし", "標準化", "未到達", "基準"} <= set(labels)
    assert "BIZ UDPGothic" in root.get("font-family")


def test_bar_values_are_rounded_as_the_pages_round_them():
    svg = charts.stage_chart([("a", [charts.StageBar("s", 62.25, 60, True)])], WORDS)
    assert ">62.3<" in svg
    svg = charts.stage_chart([("a", [charts.StageBar("s", 50.0, 60, False)])], WORDS)
    assert ">50<" in svg
