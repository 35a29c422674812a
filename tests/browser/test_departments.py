from django.urls import reverse
from playwright.sync_api import expect

from municipalities.default_departments import DEFAULT_DEPARTMENTS
from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor


def _sign_in(page, user):
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, user.email)
    expect(page.get_by_role("banner")).to_contain_text(user.display_name)


def test_coordinator_manages_departments(page, personas, assert_accessible):
    municipality = personas.municipality_a
    _sign_in(page, personas.coordinator_a)
    page.goto(reverse("municipalities:overview", kwargs={"code": municipality.code}))
    page.get_by_role("link", name="部署を管理する").click()
    assert_accessible()

    page.get_by_role("button", name="標準的な部署を追加").click()
    expect(page.get_by_role("status")).to_contain_text("標準の部署を")
    table = page.get_by_role("table")
    for name, _kind in DEFAULT_DEPARTMENTS[municipality.kind]:
        expect(table).to_contain_text(name)

    # A duplicate name is refused next to the field, nothing is added.
    page.get_by_label("部署名").fill("税務課")
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_text("同じ名前の部署がすでにあります")).to_be_visible()
    assert_accessible()

    page.get_by_label("部署名").fill("スマートシティ推進室")
    page.get_by_label("部署の種類").select_option(label="DX推進・情報政策")
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_role("table")).to_contain_text("スマートシティ推進室")

    page.get_by_role("link", name="スマートシティ推進室を編集").click()
    # Wait for the edit page: the list page has a 部署名 field of its own.
    expect(page.get_by_role("heading", level=1)).to_have_text("スマートシティ推進室を編集")
    page.get_by_label("部署名").fill("デジタル戦略室")
    page.get_by_label("使用中").uncheck()
    page.get_by_role("button", name="保存する").click()
    row = page.get_by_role("row").filter(has_text="デジタル戦略室")
    expect(row).to_contain_text("使用停止")
