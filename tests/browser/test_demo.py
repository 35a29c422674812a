"""The `make run` demo in Chromium: each demo role's home page leads somewhere with content.

The coordinator follows their home page to 横浜市's dashboard with figures and the peer
benchmark; the consultant from theirs to 清川村's dashboard and downloads its report (it
has rounds now); the respondent finds their returned questionnaire with the comment.
"""

import io
import re

from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, RETURN_NOTE
from tests.two_factor import pass_two_factor

CATALOGUE = [
    "frameworks/catalogue/jichitai-dx-2.0.yaml",
    "frameworks/catalogue/jichitai-dx-2.3.yaml",
    "frameworks/catalogue/jichitai-dx-2026.yaml",
]


def _sign_in(page, email):
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, email)
    page.goto("/")


def _sign_out(page):
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("banner").get_by_role("link", name="ログイン")).to_be_visible()


def _expect_figures(page):
    """A dashboard with a score: a number with a decimal point in the overall table."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("評価結果")
    expect(page.locator("main table").first).to_contain_text(re.compile(r"\d+\.\d"))


def test_the_demo_roles_home_pages_lead_to_figures_a_report_and_work(page):
    call_command("import_municipalities", "fixtures/municipalities/municipalities.csv", verbosity=0)
    call_command("import_population", "fixtures/municipalities/population.csv", verbosity=0)
    call_command("import_framework", *CATALOGUE, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    # The coordinator: home → 横浜市's results → the peer benchmark with figures.
    _sign_in(page, "coordinator@example.jp")
    page.get_by_role("link", name=re.compile(r"^神奈川県横浜市の結果")).click()
    _expect_figures(page)
    page.get_by_role("link", name="他団体との比較").click()
    expect(page.locator("main")).not_to_contain_text("比較できる団体が5未満")
    expect(page.locator("main table").first).to_contain_text(re.compile(r"\d+\.\d"))
    _sign_out(page)

    # The consultant: home → 清川村's results → the report.
    _sign_in(page, "consultant@example.jp")
    results = page.get_by_role("region", name="担当団体の結果")
    results.get_by_role("link", name=re.compile(r"^神奈川県清川村の結果")).click()
    _expect_figures(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="報告書をダウンロード（PDF）").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    _sign_out(page)

    # The respondent: home → the questionnaire the coordinator returned, with the comment.
    _sign_in(page, "respondent@example.jp")
    page.get_by_role("region", name="回答の作業").get_by_role(
        "link", name=re.compile("デジタル統括局")
    ).first.click()
    expect(page.locator("main")).to_contain_text(RETURN_NOTE)
