"""The SVG charts: pure functions, so checked as XML without a database, a page or a PDF."""

import itertools
from pathlib import Path

import pytest

from dxportal.phrases import phrases
from frameworks.catalogue_io.reading import catalogue_read
from results import charts
from tests.results.chart_support import SVG, heatmap_cells, parse, texts

CATALOGUE = sorted((Path(__file__).parents[2] / "frameworks" / "catalogue").glob("*.yaml"))


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


def test_long_labels_wrap_between_phrases_never_inside_a_word():
    assert charts.wrap_label("デジタル人材の確保と育成", 9) == ["デジタル人材の", "確保と育成"]
    assert charts.wrap_label("公金収納におけるeLTAXの活用", 9) == [
        "公金収納における",
        "eLTAXの活用",
    ]
    assert charts.wrap_label("自治体フロントヤード改革の推進", 9) == [
        "自治体",
        "フロントヤード",
        "改革の推進",
    ]
    assert charts.wrap_label("AI・RPAの利用推進", 5) == ["AI・", "RPAの", "利用推進"]
    # Only a phrase longer than a line is cut, and no line starts with a small kana or ー.
    assert charts.wrap_label("セキュリティ", 2) == ["セキュ", "リティ"]
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


# --- what every chart has -------------------------------------------------------------------


def _every_chart(**ids):
    words = charts.HeatmapWords(title="h", no_value="なし", step="{low}〜{high}")
    return [
        charts.radar_chart(["a", "b", "c"], [current([1, 2, 3])], "r", **ids),
        charts.stage_chart([("a", [charts.StageBar("s", 50, 60, False)])], WORDS, **ids),
        charts.heatmap_chart(["部"], ["a"], [[50.0]], words, **ids),
        charts.line_chart(["2025", "2026"], [current([40, 50])], "l", **ids),
        charts.bar_chart(["市"], [50.0], charts.BarChartWords(title="b", no_value="なし"), **ids),
    ]


def test_every_chart_is_an_image_named_by_its_title_and_described_by_the_sentence():
    charts_drawn = _every_chart(title_id="x-title", described_by="x-summary")
    assert len(charts_drawn) == 5
    for svg in charts_drawn:
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "x-title"
        assert root.get("aria-describedby") == "x-summary"
        assert root.find(f"{SVG}title").get("id") == "x-title"
        # It scales with the page: a viewBox of its own size.
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_without_ids_a_chart_is_still_named_by_its_title():
    """The PDF report's charts: no ids to point at, the <title> names them."""
    for svg in _every_chart():
        root = parse(svg)
        assert root.get("role") == "img" and root.find(f"{SVG}title").text
        assert root.get("aria-labelledby") is None and root.get("aria-describedby") is None


def test_no_chart_uses_a_style_attribute_or_element():
    """The CSP blocks both (style-src with a nonce); presentation attributes are not blocked."""
    for svg in _every_chart(title_id="t", described_by="d"):
        root = parse(svg)
        assert not [e for e in root.iter() if "style" in e.attrib]
        assert root.find(f".//{SVG}style") is None


# --- the heatmap ------------------------------------------------------------------------------

HEAT = charts.HeatmapWords(title="部署と分野", no_value="得点なし", step="{low}〜{high}点")


def test_heatmap_has_a_cell_per_department_and_area_with_its_value():
    root = parse(
        charts.heatmap_chart(
            ["DX推進課", "総務部", "市民課"],
            ["標準化", "セキュリティ"],
            [[75.0, 25.0], [None, 62.25], [100.0, 0.0]],
            HEAT,
        )
    )
    assert root.find(f"{SVG}title").text == "部署と分野"
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "54"]
    assert len(cells) == 6  # 3 departments × 2 areas
    # Row by row, rounded as the pages round (halves up), — where there is no score.
    assert heatmap_cells(root) == ["75", "25", "—", "62.3", "100", "0"]
    labels = texts(root)
    assert {"DX推進課", "総務部", "市民課", "標準化", "0〜20点", "80〜100点"} <= set(labels)
    assert "— 得点なし" in labels


def test_heatmap_shades_by_steps_of_twenty_with_readable_text():
    root = parse(charts.heatmap_chart(["a"], ["1", "2", "3"], [[19.9, 20.0, 100.0]], HEAT))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("width") == "54"]
    assert fills == [charts.HEAT_STEPS[0][1], charts.HEAT_STEPS[1][1], charts.HEAT_STEPS[4][1]]
    values = {t.text: t.get("fill") for t in root.iter(f"{SVG}text") if t.text in {"20", "100"}}
    assert values == {"20": charts.TEXT, "100": "#ffffff"}  # dark text on light, white on dark
    # Five steps and the empty cell in the legend.
    swatches = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "18"]
    assert len(swatches) == 6


def _lines_of(root, name: str) -> list[list[str]]:
    """The lines (tspans) of each text element that writes `name`."""
    found = [
        [span.text or "" for span in text.iter(f"{SVG}tspan")] for text in root.iter(f"{SVG}text")
    ]
    return [lines for lines in found if "".join(lines) == name]


def _breaks_between_phrases(lines: list[str]) -> bool:
    boundaries = set(itertools.accumulate(len(p) for p in phrases("".join(lines))))
    return all(end in boundaries for end in itertools.accumulate(len(line) for line in lines))


def test_the_catalogue_is_found():
    # Else the test below would be parametrized over nothing, and pass.
    assert len(CATALOGUE) >= 3


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda path: path.stem)
def test_heatmap_columns_are_numbered_and_the_key_names_every_area_whole(path):
    # Every area name of every edition (up to 37 characters, words of up to 10 such as
    # 「マイナンバーカードの」): the columns are headed ①, ②…, and the key under the grid
    # writes each name once, its lines breaking between phrases only, within the chart,
    # in an edition's full grid and in the narrowest (one area) alike.
    names = [area["name"] for area in catalogue_read(path=path).data["areas"]]
    assert len(names) >= 7
    root = parse(charts.heatmap_chart(["DX推進課"], names, [[50.0] * len(names)], HEAT))
    marks = [charts.column_mark(n) for n in range(1, len(names) + 1)]
    assert [texts(root).count(mark) for mark in marks] == [2] * len(names)  # heading and key
    assert int(root.get("width")) <= 665  # an A4 page's text width: nine columns fit
    charts_by_name = {
        name: [root, parse(charts.heatmap_chart(["課"], [name], [[None]], HEAT))] for name in names
    }
    for name, drawn in charts_by_name.items():
        for chart in drawn:
            (lines,) = _lines_of(chart, name)
            assert _breaks_between_phrases(lines), lines
            assert max(len(line) for line in lines) * 11 + 44 <= int(chart.get("width")), lines


def test_the_key_wraps_a_name_too_long_for_the_chart_between_phrases():
    name = "あわせて取り組む事項（規制の見直し・デジタルデバイド対策・オープンデータ）"
    root = parse(charts.heatmap_chart(["課"], [name], [[None]], HEAT))
    assert _lines_of(root, name) == [
        ["あわせて取り組む事項（規制の見直し・", "デジタルデバイド対策・オープンデータ）"]
    ]


def test_column_marks_are_circled_numbers_then_bracketed():
    marks = [charts.column_mark(n) for n in (1, 9, 20, 21, 35, 36, 50, 51)]
    assert marks == ["①", "⑨", "⑳", "㉑", "㉟", "㊱", "㊿", "(51)"]


# --- the trend --------------------------------------------------------------------------------


def test_line_chart_has_a_point_per_value_and_gaps_where_there_is_none():
    overall = charts.Series("総合得点", [44.6, None, 50.25], charts.TEXT, width=3, labelled=True)
    area = charts.Series("標準化", [10.0, 20.0, 30.0], "#b45309", dash="6 4", marker="square")
    root = parse(charts.line_chart(["2024年度", "2025年度", "2026年度"], [overall, area], "推移"))
    assert root.find(f"{SVG}title").text == "推移"
    # A marker per value, and one in the legend.
    assert len(list(root.iter(f"{SVG}circle"))) == 2 + 1
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#b45309"]) == 3 + 1
    # The overall has no two values in a row: no line, only its points.
    assert not [p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.TEXT]
    (area_line,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#b45309"]
    assert area_line.get("d").count("M") == 2  # 2024→2025→2026
    labels = texts(root)
    assert {"2024年度", "2025年度", "2026年度", "総合得点", "標準化"} <= set(labels)
    assert {"44.6", "50.3"} <= set(labels)  # the overall's values, halves up
    assert "10" not in labels  # an area's values are in the table, not written on the line


def test_line_chart_puts_higher_scores_higher():
    series = charts.Series("s", [0.0, 100.0], charts.TEXT)
    root = parse(charts.line_chart(["a", "b"], [series], "t"))
    low, high = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")][:2]
    assert high < low


# --- the portfolio ----------------------------------------------------------------------------


def test_bar_chart_has_a_bar_per_score_in_order_and_says_where_there_is_none():
    root = parse(
        charts.bar_chart(
            ["横浜市", "葉山町", "清川村"],
            [70.0, None, 40.25],
            charts.BarChartWords(title="総合得点のグラフ", no_value="得点なし"),
        )
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "14"]
    assert [float(b.get("width")) for b in bars] == [210.0, 120.8]  # 70% and 40.25% of 300
    assert texts(root)[6:] == ["横浜市", "70", "葉山町", "得点なし", "清川村", "40.3"]
