from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _shot, _sign_in
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round


def test_consultant_filters_the_portfolio_and_opens_a_municipality(
    page, personas, live_server, assert_accessible
):
    edition = make_edition(indicators=2, areas=2)
    personas.municipality_b.kind = "town"
    personas.municipality_b.save()
    make_round(personas.municipality_a, edition, personas.admin, 40.0, areas=(30, 50))
    make_round(personas.municipality_b, edition, personas.admin, 70.0, areas=(60, 80))

    _sign_in(page, personas.consultant)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(reverse("benchmarks:portfolio"))
    expect(page.get_by_role("heading", level=1)).to_have_text("担当団体の比較")
    table = page.locator("#portfolio-table")
    expect(table.get_by_role("row")).to_have_count(3)
    # The chart draws a bar per municipality, in the table's order (highest score first).
    chart = page.locator("#portfolio-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator("svg rect")).to_have_count(2)  # its bars: the chart has no other rect
    top, below = (
        chart.locator("text", has_text=str(m)).bounding_box()["y"]
        for m in (personas.municipality_b, personas.municipality_a)
    )
    assert top < below
    _shot(page, "portfolio")
    expect(page.locator("#portfolio-summary")).to_have_text(
        "2団体の総合得点を総合得点の高い順に棒で示します（得点のない団体は0団体）。"
        "数値は下の表のとおりです。"
    )
    assert_accessible()

    page.get_by_role("combobox", name="区分").select_option(label="町")
    page.get_by_role("button", name="表示する").click()
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(personas.municipality_b.name)
    expect(table).to_contain_text("70.0")
    expect(chart.locator("svg rect")).to_have_count(1)
    assert_accessible()

    table.get_by_role("link", name=str(personas.municipality_b)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("評価ラウンド")
    assert f"/m/{personas.municipality_b.code}/rounds/" in page.url
    outside = [u for u in requested if not u.startswith((live_server.url, "data:"))]
    assert not outside, outside
