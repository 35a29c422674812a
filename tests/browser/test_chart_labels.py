"""Names in the charts are shown as text: a department, area or municipality named with
tags must not become a link, bold text or markup in the page (results/charts.py escapes
every text it draws into the inline SVG)."""

import itertools
import re

from django.urls import reverse
from playwright.sync_api import expect

from dxportal.phrases import phrases
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.browser.test_rounds import _sign_in
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round
from tests.results.test_dashboard import url
from tests.results.test_snapshots import answer, make_tiny_edition

LINK = '<a href="http://evil.example/">x</a>'
BOLD = "<b>太字</b>課"
AREA_LINK = '<a href="http://evil.example/area">標準化</a>'


def _links_and_bold(chart) -> dict:
    """What the page made of the labels: links, bold text and HTML elements in the chart."""
    return chart.evaluate(
        """element => ({
          links: [...element.querySelectorAll("a")].map(
            a => a.getAttribute("href") || a.getAttribute("xlink:href")),
          bold: [...element.querySelectorAll("b, text, tspan")].filter(
            t => t.localName === "b" || Number(getComputedStyle(t).fontWeight) >= 600).length,
          html: element.querySelectorAll("foreignObject, script, b").length,
        })"""
    )


NOTHING = {"links": [], "bold": 0, "html": 0}


def test_dashboard_shows_hostile_names_as_text(page, personas):
    personas.department_a.name = LINK
    personas.department_a.save()
    personas.other_department_a.name = BOLD
    personas.other_department_a.save()
    edition = make_tiny_edition(
        [("M-1", "std", 0), ("S-1", "sec", 0)],
        areas={"std": (AREA_LINK, "Standardisation"), "sec": ("<b>セキュリティ</b>", "Security")},
    )
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    answer(round_, personas.department_a, "M-1", level=3)
    answer(round_, personas.department_a, "S-1", level=1)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    _sign_in(page, personas.coordinator_a)

    page.goto(url(round_))

    heatmap = page.locator("#heatmap-chart svg")
    radar = page.locator("#radar-chart svg")
    stages = page.locator("#stage-chart svg")
    expect(heatmap).to_be_visible()
    expect(radar).to_be_visible()
    for chart in (heatmap, radar, stages):
        assert _links_and_bold(chart) == NOTHING
    # Long names wrap over lines (tspans); each text element holds one whole name.
    expect(heatmap.locator("text", has_text=LINK)).to_have_count(1)
    expect(heatmap.locator("text").filter(has_text="標準化")).to_have_count(1)
    assert AREA_LINK in heatmap.text_content()
    expect(radar.locator("text", has_text="<b>セキュリティ</b>")).to_have_count(1)


def test_portfolio_shows_hostile_names_as_text(page, personas):
    personas.municipality_a.name = LINK
    personas.municipality_a.save()
    personas.municipality_b.name = BOLD
    personas.municipality_b.save()
    edition = make_edition(indicators=2, areas=2)
    make_round(personas.municipality_a, edition, personas.admin, 40.0, areas=(30, 50))
    make_round(personas.municipality_b, edition, personas.admin, 70.0, areas=(60, 80))
    _sign_in(page, personas.consultant)

    page.goto(reverse("benchmarks:portfolio"))

    chart = page.locator("#portfolio-chart svg")
    expect(chart).to_be_visible()
    assert _links_and_bold(chart) == NOTHING
    expect(chart.locator("text", has_text=LINK)).to_have_count(1)
    expect(chart.locator("text", has_text=BOLD)).to_have_count(1)


FRONTYARD = "自治体フロントヤード改革の推進"
ELTAX = "公金収納におけるeLTAXの活用"


def test_dashboard_labels_wrap_between_phrases_and_the_radar_names_its_scores(page, personas):
    # Lines break only between phrases (dxportal.phrases, results.charts.wrap_label): no line
    # of a label ends inside 「フロントヤード」 or 「eLTAX」, in the radar, the stage chart or
    # the heatmap (each draws each name once, in one text element); the radar's accessible
    # name (its <title>, results.figures) lists each area's score, not only what the chart is.
    edition = make_tiny_edition(
        [("M-1", "front", 0), ("S-1", "eltax", 0)],
        areas={"front": (FRONTYARD, "Front yard"), "eltax": (ELTAX, "eLTAX")},
    )
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    answer(round_, personas.department_a, "M-1", level=3)
    answer(round_, personas.department_a, "S-1", level=1)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    _sign_in(page, personas.coordinator_a)

    page.goto(url(round_))

    radar = page.locator("#radar-chart svg")
    expect(radar).to_be_visible()
    # The heatmap heads its columns ①, ② and names the areas in a key under the grid.
    names_by_chart = {}
    for chart in ("#radar-chart svg", "#stage-chart svg", "#heatmap-chart svg"):
        lines_by_text = page.locator(chart).evaluate(
            """svg => [...svg.querySelectorAll("text")]
                 .map(t => [...t.querySelectorAll("tspan")].map(s => s.textContent))"""
        )
        names_by_chart[chart] = [
            lines for lines in lines_by_text if "".join(lines) in (FRONTYARD, ELTAX)
        ]
    assert [len(names) for names in names_by_chart.values()] == [2, 2, 2], names_by_chart
    named = [lines for names in names_by_chart.values() for lines in names]
    assert len([lines for lines in named if len(lines) > 1]) >= 2, named  # some wrap
    for lines in named:
        boundaries = set(itertools.accumulate(len(p) for p in phrases("".join(lines))))
        ends = list(itertools.accumulate(len(line) for line in lines))
        assert all(end in boundaries for end in ends), lines
    expect(radar).to_have_accessible_name(re.compile(rf"{FRONTYARD} 75\.0点、{ELTAX} 25\.0点"))
