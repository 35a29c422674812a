from django.urls import reverse
from playwright.sync_api import expect

from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.browser.test_rounds import _shot, _sign_in
from tests.results.test_snapshots import answer, make_tiny_round


def test_coordinator_sees_the_radar_and_its_table(page, personas, live_server, assert_accessible):
    round_ = make_tiny_round(personas, [("M-1", "std", 0), ("S-1", "sec", 0)])
    answer(round_, personas.department_a, "M-1", level=3)
    answer(round_, personas.department_a, "S-1", level=1)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    _sign_in(page, personas.coordinator_a)
    # plotly.js names other hosts for features we do not use: none may be asked for.
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
