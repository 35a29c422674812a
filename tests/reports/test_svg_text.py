"""reports.svg_text: a chart's text runs, laid out once per run, are drawn where WeasyPrint's
own per-character drawing puts them (the same pixels), and runs it does not take are left to
WeasyPrint."""

import pytest
from PIL import ImageChops
from weasyprint import svg as weasyprint_svg

from reports import svg_text
from reports.rendering import html_to_pdf
from results.charts import Series, radar_chart
from tests.reports import pdf_tools

pytestmark = pdf_tools.needs_poppler

FONT = "font-family=\"'BIZ UDPGothic', 'Noto Sans CJK JP Fallback'\""
# Every way the charts write text, and one run the fast path must leave alone (rotate).
SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="400" height="260" viewBox="0 0 400 260"
 {FONT} font-size="11" fill="#1a1a1a">
<text x="20" y="20" font-size="8" fill="#626264">0 20 40 60.9 100</text>
<text text-anchor="middle" font-size="11"><tspan x="200" y="50">自治体の情報</tspan><tspan x="200" y="63">システムの標準化・共通化</tspan></text>
<text text-anchor="end" font-size="11"><tspan x="380" y="90">公金収納における</tspan><tspan x="380" y="103">eLTAXの活用</tspan></text>
<text text-anchor="start" font-size="11"><tspan x="20" y="130">前回（2025年度）</tspan></text>
<text x="200" y="160" text-anchor="middle" font-weight="bold">デジタルトランスフォーメーション 74.5</text>
<text x="20" y="190" rotate="0 10 20 30">AI・RPA</text>
<text x="20" y="220">先頭<tspan font-weight="bold">太字</tspan>の続き</text>
</svg>"""


def _drawn(html: str, function):
    saved = dict(weasyprint_svg.TAGS), weasyprint_svg.text
    for tag, current in saved[0].items():
        if current in (svg_text.text, svg_text.per_character):
            weasyprint_svg.TAGS[tag] = function
    weasyprint_svg.text = function
    try:
        return pdf_tools.page_image(html_to_pdf(html), resolution=150)
    finally:
        weasyprint_svg.TAGS.clear()
        weasyprint_svg.TAGS.update(saved[0])
        weasyprint_svg.text = saved[1]


@pytest.mark.parametrize(
    "markup",
    [
        SVG,
        radar_chart(
            ["自治体フロントヤード改革の推進", "テレワーク", "AI・RPAの利用推進"],
            [Series("今回", [62.5, 40.0, 71.0], "#0031d8", filled=True)],
            title="分野ごとの得点",
        ),
    ],
    ids=["runs", "radar"],
)
def test_runs_are_drawn_where_weasyprint_draws_them(markup):
    html = f'<html lang="ja"><head><title>t</title></head><body>{markup}</body></html>'
    per_character = _drawn(html, svg_text.per_character)
    per_run = _drawn(html, svg_text.text)
    assert pdf_tools.ink(per_run) > 1000
    assert ImageChops.difference(per_character, per_run).getbbox() is None


def test_rendering_installs_the_per_run_drawing():
    assert {weasyprint_svg.TAGS[tag] for tag in ("text", "tspan")} == {svg_text.text}
    assert weasyprint_svg.text is svg_text.text
