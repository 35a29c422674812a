"""The results pages under the portal's real Content-Security-Policy, at desktop and phone
width (390 px), and printed: the charts are inline SVG drawn on the server (results/charts.py).

Unlike the other browser tests, these pages are opened without bypass_csp, so anything the
policy blocks (an inline style, an injected <style>, a script without the nonce) is reported
as a securitypolicyviolation event and a console message, and fails the test.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.browser.test_rounds import _shot, _sign_in
from tests.factories import DepartmentFactory, MunicipalityFactory
from tests.plans.plans_support import make_item
from tests.results.test_benchmarks import make_round
from tests.results.test_snapshots import answer, make_tiny_edition, snapshot_of

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The areas of 自治体DX推進計画 2.3, whose long names made the plotly charts overflow.
AREAS = {
    "std": ("自治体の情報システムの標準化・共通化", "Standardisation"),
    "mnc": ("マイナンバーカードの普及促進・利用の推進", "My Number Card"),
    "front": ("自治体フロントヤード改革の推進", "Front yard"),
    "ai": ("AI・RPAの利用推進", "AI and RPA"),
    "tele": ("テレワークの推進", "Telework"),
    "sec": ("セキュリティ対策の徹底", "Security"),
    "tax": ("公金収納におけるeLTAXの活用", "eLTAX"),
    "hr": ("推進体制・デジタル人材", "People"),
}
INDICATORS = [(f"{code.upper()}-{n}", code, 0) for code in AREAS for n in (1, 2)]
LONG_TITLE = (
    "基幹業務システムの標準準拠システムへの移行計画を全庁で共有し、"
    "所管課ごとの移行スケジュールと課題を毎月の推進会議で確認する"
)

# Recording every violation of the page's policy, from before its first script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


class Results:
    """A municipality with two rounds of results on the long-named areas, five peers of its
    kind, six departments and an action plan; and a second municipality for the portfolio."""

    def __init__(self, personas):
        edition = make_tiny_edition(INDICATORS, areas=AREAS)
        municipality = personas.municipality_a
        self.earlier = open_round(
            municipality, personas.coordinator_a, edition=edition, fiscal_year=2025
        )
        self.round = open_round(municipality, personas.coordinator_a, edition=edition)
        for n, (code, _area, _stage) in enumerate(INDICATORS):
            answer(self.earlier, personas.department_a, code, level=n % 3)
            answer(self.round, personas.department_a, code, level=(n + 1) % 5, target_level=4)
        for round_ in (self.earlier, self.round):
            snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
        own = snapshot_of(self.round, personas.department_a)
        for n in range(5):  # more departments for the heatmap, with the first one's results
            ScoreSnapshot.objects.create(
                round=self.round,
                department=DepartmentFactory(municipality=municipality, name=f"子ども未来局{n}"),
                trigger=SnapshotTrigger.RECOMPUTED,
                computed_at=own.computed_at,
                overall_score=own.overall_score,
                stage_attained=own.stage_attained,
                completeness=53.0,
                card=own.card,
            )
        for score in (20.0, 40.0, 60.0, 80.0):
            make_round(
                MunicipalityFactory(kind=municipality.kind),
                edition,
                personas.admin,
                score,
                areas=dict.fromkeys(AREAS, score),
            )
        make_round(personas.municipality_b, edition, personas.admin, 61.25)
        make_item(self.round, personas, code="STD-1", title=LONG_TITLE)
        make_item(self.round, personas, code="SEC-1", title=LONG_TITLE)
        self.department = personas.department_a

    def urls(self) -> dict[str, str]:
        code, pk = self.round.municipality.code, self.round.pk
        return {
            "dashboard": reverse("results:dashboard", kwargs={"code": code, "round_id": pk}),
            "department": reverse(
                "results:department",
                kwargs={"code": code, "round_id": pk, "department_id": self.department.pk},
            ),
            "benchmark": reverse("benchmarks:benchmark", kwargs={"code": code, "round_id": pk}),
            "plan": reverse("plans:plan", kwargs={"code": code, "round_id": pk}),
        }


@pytest.fixture
def results(personas):
    return Results(personas)


@pytest.fixture
def strict_page(browser, live_server):
    """Opens pages under the portal's own CSP (no bypass_csp), recording what it blocks."""
    contexts = []

    def open_page(viewport):
        context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport=viewport)
        contexts.append(context)
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.csp_messages = []
        page.on("console", lambda message: _note_csp_message(page, message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


def _note_csp_message(page, text: str) -> None:
    if "Content Security Policy" in text:
        page.csp_messages.append(text)


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations") + page.csp_messages


def chart_count(page) -> int:
    return page.locator("svg.chart").count()


# Every chart and every table of the page as boxes, and whether each chart's texts (its legend
# among them) stay inside the chart.
BOXES = """() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  const charts = [...document.querySelectorAll("svg.chart")];
  return {
    charts: charts.map(box),
    tables: [...document.querySelectorAll("main table")].map(box),
    textsOutside: charts.flatMap((chart) => {
      const outer = box(chart);
      return [...chart.querySelectorAll("text")].map(box).filter((t) =>
        t.left < outer.left - 1 || t.right > outer.right + 1 ||
        t.top < outer.top - 1 || t.bottom > outer.bottom + 1);
    }).length,
  };
}"""


def _overlap(a, b) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def assert_charts_clear_of_tables(page, charts: int):
    boxes = page.evaluate(BOXES)
    assert len(boxes["charts"]) == charts
    assert boxes["tables"]
    assert boxes["textsOutside"] == 0
    overlapping = [
        (chart, table)
        for chart in boxes["charts"]
        for table in boxes["tables"]
        if _overlap(chart, table)
    ]
    assert overlapping == []


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    )


# For each matching cell: its characters and the number of lines its text takes.
# Lines of text in each cell: its text's boxes, grouped by line. Boxes on one line need not
# share a top (Latin and Japanese glyphs may come from different fonts), so a box starts a
# new line only when it begins below the middle of the line before.
LINES = """(selector) => [...document.querySelectorAll(selector)].map((cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const boxes = [...range.getClientRects()].filter((r) => r.height > 0)
    .sort((a, b) => a.top - b.top);
  let lines = 0, middle = -Infinity;
  for (const box of boxes) {
    if (box.top > middle) { lines += 1; middle = box.top + box.height / 2; }
  }
  return {text: cell.textContent.trim(), lines};
})"""


# --- the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_results_page_breaks_the_content_security_policy(
    strict_page, personas, results, viewport
):
    page = strict_page(viewport)
    _sign_in(page, personas.coordinator_a)
    # Each page with its charts: the dashboard has the radar, the stage bars, the heatmap and
    # the trend (the trend's page is the dashboard's section); a department, its radar and bars.
    pages = [
        (results.urls()["dashboard"], 4),
        (results.urls()["department"], 2),
        (results.urls()["benchmark"], 0),
        (results.urls()["plan"], 0),
    ]
    for url, charts in pages:
        page.goto(url)
        expect(page.locator("main table").first).to_be_visible()
        assert chart_count(page) == charts, url
        assert violations(page) == [], url

    consultant = strict_page(viewport)
    _sign_in(consultant, personas.consultant)
    consultant.goto(reverse("benchmarks:portfolio"))
    expect(consultant.locator("#portfolio-chart svg.chart")).to_be_visible()
    assert chart_count(consultant) == 1
    assert violations(consultant) == []

    # The listener does hear the policy: an inline style attribute is reported.
    consultant.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
    )
    assert any("style-src" in v for v in violations(consultant))


def test_the_charts_are_images_named_and_described_by_the_page(strict_page, personas, results):
    page = strict_page(DESKTOP)
    _sign_in(page, personas.coordinator_a)
    page.goto(results.urls()["dashboard"])

    names = {
        "分野ごとの得点（0〜100点）": "areas-summary",
        "分野と段階ごとの得点と到達基準": "ladder-summary",
        "部署と分野ごとの得点（0〜100点、色が濃いほど高い）": "departments-summary",
        "年度ごとの推移": "trend-summary",
    }
    for name, sentence in names.items():
        # Named by its title, followed by the key figures where the chart has them.
        chart = page.get_by_role("img", name=re.compile(f"^{re.escape(name)}(：|$)"))
        expect(chart).to_have_count(1)
        expect(chart).to_have_attribute("aria-describedby", sentence)
        expect(page.locator(f"#{sentence}")).not_to_be_empty()
    # The radar's legend is drawn in the chart: every series of the table beside it.
    radar = page.locator("#radar-chart svg")
    for legend in ("今回", "前回（2025年度）", "同じ区分（その他の市）の中央値", "目標"):
        expect(radar.locator("text", has_text=legend)).to_have_count(1)


# --- layout -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_legends_and_charts_never_lie_on_the_tables(strict_page, personas, results, viewport):
    page = strict_page(viewport)
    _sign_in(page, personas.coordinator_a)

    page.goto(results.urls()["dashboard"])
    expect(page.locator("#heatmap-chart svg")).to_be_attached()
    assert_charts_clear_of_tables(page, charts=4)
    _shot(page, f"dashboard-{viewport['width']}")
    page.goto(results.urls()["department"])
    assert_charts_clear_of_tables(page, charts=2)

    consultant = strict_page(viewport)
    _sign_in(consultant, personas.consultant)
    consultant.goto(reverse("benchmarks:portfolio"))
    assert_charts_clear_of_tables(consultant, charts=1)


def test_at_phone_width_nothing_scrolls_sideways_and_nothing_splits(strict_page, personas, results):
    page = strict_page(PHONE)
    _sign_in(page, personas.coordinator_a)

    for name, url in results.urls().items():
        page.goto(url)
        expect(page.locator("main table").first).to_be_visible()
        assert no_horizontal_scroll(page), name

    page.goto(results.urls()["dashboard"])
    # Numbers stay on one line ("53.0%", never "53" over ".0%").
    numbers = page.evaluate(LINES, "main td.text-end")
    assert len(numbers) > 50
    assert [n for n in numbers if n["lines"] != 1] == []
    assert {"53.0%", "100.0%"} <= {n["text"] for n in numbers}
    # The charts fit the screen, except the heatmap, which scrolls in its own region.
    widths = page.evaluate(
        "[...document.querySelectorAll('svg.chart')].map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == 4 and sorted(widths)[:3] == [pytest.approx(366, abs=1)] * 3
    _shot(page, "dashboard-390")

    consultant = strict_page(PHONE)
    _sign_in(consultant, personas.consultant)
    consultant.goto(reverse("benchmarks:portfolio"))
    expect(consultant.locator("#portfolio-chart svg.chart")).to_be_visible()
    assert no_horizontal_scroll(consultant)


def test_at_phone_width_the_plan_reads_in_lines_not_characters(strict_page, personas, results):
    page = strict_page(PHONE)
    _sign_in(page, personas.coordinator_a)

    page.goto(results.urls()["plan"])

    cells = page.evaluate(LINES, "main .prose-cell")
    assert len(cells) >= 4  # the two actions' indicators and texts, and the suggestions
    long = [c for c in cells if LONG_TITLE in c["text"]]
    assert len(long) == 2
    # Each line holds many characters (it was one a line when the column was squeezed). The
    # bar leaves room for a short last line, whose length depends on the machine's fonts.
    assert [c for c in cells if len(c["text"]) / c["lines"] < 6] == []
    assert no_horizontal_scroll(page)
    _shot(page, "plan-390")


def test_wide_tables_scroll_in_a_region_the_keyboard_reaches(strict_page, personas, results):
    page = strict_page(PHONE)
    _sign_in(page, personas.coordinator_a)
    page.goto(results.urls()["dashboard"])

    regions = page.locator(".scroll-region")
    assert regions.count() >= 5  # areas, heatmap, departments, trend, action plan
    for n in range(regions.count()):
        expect(regions.nth(n)).to_have_attribute("tabindex", "0")
        expect(regions.nth(n)).to_have_attribute("role", "region")
    table = page.get_by_role("region", name="部署と分野ごとの得点（0〜100点）", exact=True)
    expect(table).to_have_count(1)
    assert table.evaluate("region => region.scrollWidth > region.clientWidth")
    table.focus()
    expect(table).to_be_focused()
    for _n in range(3):
        page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: wait for the region to move rather than read it at once.
    page.wait_for_function("region => region.scrollLeft > 0", arg=table.element_handle())


# --- print --------------------------------------------------------------------------------


# About an A4 page's printable width: the heatmap (a column per area) is wider than that.
PAPER = {"width": 600, "height": 900}


def test_printing_keeps_every_chart_and_the_heatmap_whole(strict_page, personas, results):
    page = strict_page(PAPER)
    _sign_in(page, personas.coordinator_a)
    page.goto(results.urls()["dashboard"])

    page.emulate_media(media="print")

    heatmap = page.locator("#heatmap-chart svg.chart")
    expect(heatmap).to_be_visible()
    box = heatmap.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    # On paper nothing scrolls: the heatmap is drawn whole, inside the printed width.
    frame = page.locator("#heatmap-chart").evaluate(
        "frame => [frame.clientWidth, frame.scrollWidth]"
    )
    assert box["width"] <= frame[0] + 1 and frame[1] <= frame[0]
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    for n in range(charts.count()):
        expect(charts.nth(n)).to_be_visible()
    assert_charts_clear_of_tables(page, charts=4)
    assert violations(page) == []
