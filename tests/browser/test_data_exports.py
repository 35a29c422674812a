"""A consultant downloads a round's answers as CSV and Excel from the dashboard."""

import openpyxl
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _sign_in
from tests.exports.support import HYPERLINK, make_answered_round


def _download(page, link_name, path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    info.value.save_as(path)
    return info.value.suggested_filename


def test_consultant_downloads_the_data_exports_from_the_dashboard(
    page, personas, assert_accessible, tmp_path
):
    round_ = make_answered_round(personas)
    municipality = personas.municipality_a

    _sign_in(page, personas.consultant)
    page.goto(reverse("results:dashboard", args=[municipality.code, round_.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("評価結果")
    exports = page.get_by_role("navigation", name="データの書き出し")
    expect(exports.get_by_role("link")).to_have_count(4)
    assert_accessible()

    name = _download(page, "回答（CSV）", tmp_path / "answers.csv")
    assert name == f"{municipality.name}_2026年度_回答.csv"
    text = (tmp_path / "answers.csv").read_bytes()
    assert text.startswith("\ufeff".encode())
    assert f"'{HYPERLINK}".replace('"', '""') in text.decode("utf-8-sig")

    name = _download(page, "回答と得点（Excel）", tmp_path / "results.xlsx")
    assert name == f"{municipality.name}_2026年度_評価結果.xlsx"
    workbook = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert not [
        cell.coordinate
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
