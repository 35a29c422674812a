"""A consultant downloads a round's answers as CSV and Excel from the dashboard."""

import csv
import io

import openpyxl
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _sign_in
from tests.exports.support import HYPERLINK, make_answered_round

IDENTITY = ["団体コード", "団体名", "年度", "ラウンドID", "行の種類"]


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
    # The help text says what makes the tables concatenate and what to filter on.
    expect(exports).to_contain_text("団体コード・団体名・年度・ラウンドID")
    expect(exports).to_contain_text("「行の種類」列で絞り込めます")
    assert_accessible()

    name = _download(page, "回答（CSV）", tmp_path / "answers.csv")
    assert name == f"{municipality.name}_2026年度_回答.csv"
    text = (tmp_path / "answers.csv").read_bytes()
    assert text.startswith("\ufeff".encode())
    assert f"'{HYPERLINK}".replace('"', '""') in text.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert header[: len(IDENTITY)] == IDENTITY
    assert len(rows) == 3 + 1 + 1  # M-1: the body's and two departments'; M-2: the body's and one
    assert {tuple(row[:4]) for row in rows} == {
        (municipality.code, municipality.name, "2026", str(round_.pk))
    }
    assert {row[4] for row in rows} == {"団体（採用された回答）", "部署"}

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
    for title in ("回答", "得点"):
        sheet = workbook[title]
        assert [cell.value for cell in sheet[1]][: len(IDENTITY)] == IDENTITY
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
