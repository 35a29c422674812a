"""A consultant exports reports for two municipalities in bulk and downloads the ZIP.

The job runs on a real `manage.py db_worker` process, rendering the real
reports, against the live server's database. The consultant starts from
the home page's link.
"""

import subprocess
import zipfile

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_rounds import _shot, _sign_in
from tests.exports.support import PROJECT_ROOT, make_scored_round, worker_command, worker_env
from tests.frameworks.factories import make_edition


def test_consultant_exports_reports_and_downloads_the_zip(
    page, personas, assert_accessible, tmp_path
):
    a, b = personas.municipality_a, personas.municipality_b
    edition = make_edition(indicators=2, areas=2)
    for municipality in (a, b):
        make_scored_round(municipality, edition, personas.admin)

    _sign_in(page, personas.consultant)
    page.goto(reverse("portal:home"))
    page.get_by_role("link", name="報告書をまとめて書き出す").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("報告書の一括書き出し")
    assert_accessible()
    page.get_by_role("checkbox", name=f"{a.name}（{a.code}）").check()
    page.get_by_role("checkbox", name=f"{b.name}（{b.code}）").check()
    _shot(page, "bulk-export-form")
    page.get_by_role("button", name="書き出しを開始する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("一括書き出しの状況")
    progress = page.get_by_role("progressbar", name="進み具合")
    expect(progress).to_have_attribute("max", "2")
    expect(progress).to_have_attribute("value", "0")
    assert_accessible()

    worker = subprocess.Popen(
        worker_command(),
        cwd=PROJECT_ROOT,
        env=worker_env(),
        stdout=subprocess.DEVNULL,
    )
    try:
        # htmx polls every second; no reload of the page.
        expect(progress).to_have_attribute("value", "2", timeout=30_000)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    expect(page.locator("#job-progress-text")).to_contain_text("2／2団体（100%）")
    panel = page.locator("#job-progress-panel")
    expect(panel.get_by_role("status")).to_contain_text("書き出しが終わりました。")
    _shot(page, "bulk-export-done")
    assert_accessible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="ZIPファイルをダウンロード").click()
    path = tmp_path / "export.zip"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
    assert names == sorted(
        [f"{a.code}_{a.name}_2026年度.pdf", f"{b.code}_{b.name}_2026年度.pdf", "summary.csv"]
    )
