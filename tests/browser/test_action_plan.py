"""A coordinator turns a suggestion into an action item with the keyboard and follows it up."""

from django.urls import reverse
from playwright.sync_api import expect

from plans.models import ActionItem, ActionStatus
from tests.browser.test_rounds import _shot, _sign_in
from tests.plans.plans_support import scored_round


def test_coordinator_plans_a_next_step_and_sees_it_on_the_dashboard(
    page, personas, assert_accessible
):
    round_ = scored_round(personas)
    _sign_in(page, personas.coordinator_a)
    page.goto(
        reverse(
            "results:dashboard", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
        )
    )
    expect(page.get_by_role("heading", name="アクションプラン")).to_be_visible()
    page.get_by_role("link", name="アクションプランを開く").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("のアクションプラン")
    # The lowest area's gap comes first.
    expect(page.locator("#suggestions tbody th")).to_contain_text(["S-1", "M-1"])
    assert_accessible()

    add = page.get_by_role("link", name="計画に追加 （S-1）")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("アクションを計画に追加")
    expect(page.get_by_label("次の一歩")).to_have_value("検討中の状態（S-1）")
    assert_accessible()
    page.get_by_label("次の一歩").focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("情報セキュリティポリシーの改定を検討する")
    page.get_by_label("担当部署").focus()
    page.keyboard.press("ArrowDown")  # DX推進課 → 税務課
    expect(page.get_by_label("担当部署")).to_have_value(str(personas.other_department_a.pk))
    page.get_by_role("button", name="保存する").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("S-1のアクションを計画に追加しました。")
    table = page.locator("#action-items")
    expect(table).to_contain_text("情報セキュリティポリシーの改定を検討する")
    expect(table).to_contain_text("税務課")
    expect(page.locator("#suggestions tbody th")).to_contain_text(["M-1"])

    status = page.get_by_label("S-1のアクションの状態")
    status.focus()
    page.keyboard.press("ArrowDown")  # 未着手 → 進行中
    page.get_by_role("button", name="状態を変更 （S-1）").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("S-1のアクションを「進行中」にしました。")
    assert ActionItem.objects.get().status == ActionStatus.IN_PROGRESS
    assert_accessible()
    _shot(page, "action-plan")

    page.get_by_role("link", name="結果を見る").click()
    dashboard = page.locator("#dashboard-action-plan")
    expect(dashboard).to_contain_text("情報セキュリティポリシーの改定を検討する")
    expect(dashboard).to_contain_text("進行中")
    expect(dashboard).to_contain_text("令和")
    assert_accessible()
