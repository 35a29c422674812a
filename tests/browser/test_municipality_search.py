from datetime import date

from django.urls import reverse
from playwright.sync_api import expect

from municipalities.importing import municipalities_import
from tests.municipalities.master_files import read_rows
from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor


def test_the_admin_finds_gyoda_by_its_reading_typed_in_hiragana(page, personas):
    rows = [row for row in read_rows() if row["code"] in {"110001", "112020", "112062"}]
    municipalities_import(rows_or_path=rows, effective_on=date(2024, 10, 1), source="テスト")
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(personas.admin.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, personas.admin.email)
    expect(page.get_by_role("banner")).to_contain_text(personas.admin.display_name)

    page.goto(reverse("admin:municipalities_municipality_changelist"))
    expect(page.get_by_text("ふりがなはひらがな・カタカナ・半角カナのどれでも")).to_be_visible()
    page.locator("#searchbar").fill("ぎょうだ")
    page.locator("#searchbar").press("Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("行田市")
