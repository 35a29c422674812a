"""Downloading the PDF report from the dashboard and from a department's results page."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _sign_in
from tests.reports.report_support import report_round


def test_coordinator_downloads_the_report_from_the_dashboard(page, personas, assert_accessible):
    round_ = report_round(personas, indicators=3, areas=1)
    _sign_in(page, personas.coordinator_a)
    page.goto(
        reverse(
            "results:dashboard",
            kwargs={"code": round_.municipality.code, "round_id": round_.pk},
        )
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("評価結果")
    assert_accessible()

    with page.expect_download() as download:
        page.get_by_role("link", name="報告書をダウンロード（PDF）").click()

    pdf = download.value
    code = round_.municipality.code
    assert pdf.suggested_filename == f"{code}_{round_.municipality.name}_2026年度_評価報告書.pdf"
    with open(pdf.path(), "rb") as content:
        assert content.read(5) == b"%PDF-"


def test_respondent_downloads_their_departments_report(page, personas):
    round_ = report_round(personas, indicators=3, areas=1)
    _sign_in(page, personas.respondent_a)
    page.goto(
        reverse(
            "results:department",
            kwargs={
                "code": round_.municipality.code,
                "round_id": round_.pk,
                "department_id": personas.department_a.pk,
            },
        )
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("DX推進課")

    with page.expect_download() as download:
        page.get_by_role("link", name="部署の報告書をダウンロード（PDF）").click()

    with open(download.value.path(), "rb") as content:
        assert content.read(5) == b"%PDF-"
