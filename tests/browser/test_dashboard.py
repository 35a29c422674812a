from django.urls import reverse
from playwright.sync_api import expect

from assessments.submitting import questionnaire_submit
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.browser.test_rounds import _shot, _sign_in
from tests.factories import MunicipalityFactory
from tests.results.surfaces_support import body_a, build_round
from tests.results.test_benchmarks import make_round
from tests.results.test_dashboard import url
from tests.results.test_snapshots import answer, make_tiny_round
from tests.results.test_surfaces_agree import FOUNDATION_ITEMS
from tests.results.test_trend import make_two_editions, scored


def test_coordinator_sees_the_radar_and_its_table(page, personas, live_server, assert_accessible):
    round_ = make_tiny_round(personas, [("M-1", "std", 0), ("S-1", "sec", 0)])
    answer(round_, personas.department_a, "M-1", level=3)
    answer(round_, personas.department_a, "S-1", level=1)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    _sign_in(page, personas.coordinator_a)
    # Everything is served by the portal: nothing may be asked of another host.
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(
        reverse("rounds:detail", kwargs={"code": round_.municipality.code, "round_id": round_.pk})
    )
    page.get_by_role("link", name="結果を見る").click()

    expect(page.locator("#radar-chart svg").first).to_be_visible()
    expect(page.locator("#heatmap-chart svg").first).to_be_visible()
    table = page.locator("#areas-table")
    expect(table.get_by_role("rowheader")).to_have_text(["標準化", "セキュリティ"])
    expect(page.locator("#areas-summary")).to_have_text(
        "最も高い分野は標準化（75.0点）、最も低い分野はセキュリティ（25.0点）です。"
    )
    assert_accessible()
    _shot(page, "dashboard")
    outside = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert not outside, outside


def test_radar_has_previous_peer_and_target_and_the_trend_is_drawn(
    page, personas, live_server, assert_accessible
):
    old, new = make_two_editions()
    scored(personas, old, 2025, {"MNC-1": 4, "ONL-1": 0})
    current = open_round(personas.municipality_a, personas.coordinator_a, edition=new)
    answer(current, personas.department_a, "MNC-1", level=2, target_level=4)
    answer(current, personas.department_a, "ONL-1", level=3)
    answer(current, personas.department_a, "FRT-1", level=4)
    snapshots_refresh(round=current, trigger=SnapshotTrigger.RECOMPUTED)
    for std in (10.0, 20.0, 30.0, 40.0):
        make_round(
            MunicipalityFactory(),
            new,
            personas.admin,
            std,
            fiscal_year=2026,
            areas={"mnc": std, "front": std},
        )
    _sign_in(page, personas.coordinator_a)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(url(current))

    expect(page.get_by_role("heading", level=1)).to_have_text("2026年度（令和8年度）の評価結果")
    radar = page.locator("#radar-chart")
    expect(radar.locator("svg").first).to_be_visible()
    # The target series names the year its targets are for (the factory's: three years on).
    for legend in (
        "前回（2025年度）",
        "同じ区分（その他の市）の中央値",
        "目標（2029年度）",
        "今回",
    ):
        expect(radar.locator("text", has_text=legend)).to_have_count(1)
    table = page.locator("#areas-table")
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "分野",
            "今回",
            "前回（2025年度（令和7年度））",
            "同じ区分（その他の市）の中央値",
            "目標（2029年度）",
            "到達段階",
            "回答済み",
        ]
    )
    expect(page.locator("#trend-chart svg").first).to_be_visible()
    expect(page.locator("#trend-table").get_by_role("rowheader")).to_have_text(
        ["2025年度（令和7年度）", "2026年度（令和8年度）"]
    )
    expect(page.locator("#trend-summary")).to_have_text(
        "総合得点は2025年度の50.0点から2026年度の75.0点へ25.0点上がりました。"
    )
    assert_accessible()
    _shot(page, "dashboard-trend")
    outside = [u for u in requested if not u.startswith((live_server.url, "data:"))]
    assert not outside, outside


def test_respondent_opens_their_department_from_my_questionnaires(
    page, personas, live_server, assert_accessible
):
    round_ = make_tiny_round(personas, [("M-1", "std", 0), ("S-1", "sec", 0)])
    answer(round_, personas.department_a, "M-1", level=3, target_level=4)
    answer(round_, personas.department_a, "S-1", level=1)
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    _sign_in(page, personas.respondent_a)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(reverse("questionnaires:mine"))
    page.get_by_role("link", name="部署の評価結果").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "DX推進課の評価結果（2026年度（令和8年度））"
    )
    expect(page.locator("#radar-chart svg").first).to_be_visible()
    expect(page.locator("#radar-chart text", has_text="目標")).to_have_count(1)
    expect(page.locator("#areas-table").get_by_role("rowheader")).to_have_text(
        ["標準化", "セキュリティ"]
    )
    expect(page.locator("#gaps-list li").first).to_contain_text("S-1")
    assert_accessible()
    _shot(page, "department-results")
    outside = [u for u in requested if not u.startswith((live_server.url, "data:"))]
    assert not outside, outside


def test_the_foundation_is_a_panel_beside_the_ladder_with_its_table(
    page, personas, live_server, assert_accessible
):
    """An edition with a 推進体制 foundation: the ladder and its charts leave it out, and its
    own panel says its score, its strengths and gaps and every indicator's score."""
    round_ = build_round(body_a(personas), FOUNDATION_ITEMS)
    _sign_in(page, personas.coordinator_a)

    page.goto(url(round_))

    ladder = page.locator("section[aria-labelledby=ladder-heading]")
    expect(ladder.locator("caption")).to_have_text(["標準化", "セキュリティ"])
    expect(ladder.locator("#stage-chart svg").first).to_be_visible()
    expect(ladder.locator("#stage-chart")).not_to_contain_text("推進体制")
    expect(page.locator("#radar-chart")).not_to_contain_text("推進体制")
    expect(page.locator("#areas-table").get_by_role("rowheader")).to_have_text(
        ["標準化", "セキュリティ"]
    )
    expect(page.locator("#overall-score")).to_have_text("58.3")
    expect(page.locator("#foundation-overall")).to_contain_text("33.3")

    panel = page.get_by_role("region", name="推進体制（基盤）", exact=True)
    expect(panel).to_be_visible()
    expect(panel.locator("#foundation-score")).to_have_text("33.3")
    expect(panel.locator("#foundation-strengths li")).to_have_count(1)
    expect(panel.locator("#foundation-strengths")).to_contain_text("G-01")
    expect(panel.locator("#foundation-gaps li")).to_have_count(1)
    expect(panel.locator("#foundation-gaps")).to_contain_text("G-02")
    table = panel.get_by_role("table", name="推進体制（基盤）の指標ごとの得点（0〜100点）")
    expect(table.get_by_role("rowheader")).to_have_text(["G-01", "G-02", "G-03"])
    expect(table.locator("tbody td:last-child")).to_have_text(["75.0", "25.0", "未回答"])
    # Beside the ladder: the panel comes after the ladder's section, not inside it.
    assert ladder.locator("#foundation").count() == 0
    assert_accessible()
    _shot(page, "dashboard-foundation")
