"""The PDF report's cover names the round's 基準日 (issue 12, point 3)."""

from tests.reports import pdf_tools


def test_the_cover_shows_the_reference_date(rendered):
    html_cover = rendered.municipality_html.split('class="toc"')[0]
    assert (
        '<dt>基準日</dt><dd><span class="nowrap">2026年4月1日</span><wbr><span class="nowrap">（令和8年4月1日）</span>現在</dd>'
        in html_cover
    )
    assert "2026年4月1日（令和8年4月1日）現在" in pdf_tools.text(rendered.municipality_pdf)
