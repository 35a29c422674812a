"""Home pages as to-do lists, in Chromium: a submission reaches the coordinator's home
(「確認待ち 1件」, and an e-mail) and opens the review; a return reaches the respondent's
home with the comment; the help page and the home pages pass axe-core."""

import datetime
import os
import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from dxportal.japanese_calendar import today_in_japan
from tests.assessment_factories import open_round
from tests.assessments.test_coordination_review import answer_everything
from tests.frameworks.factories import make_edition
from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor

SCREENSHOTS = os.environ.get("SCREENSHOTS")  # a folder: save each page for a human to look at


def _sign_in(page, user):
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, user.email)
    expect(page.get_by_role("banner")).to_contain_text(user.display_name)


def _sign_out(page):
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("banner").get_by_role("link", name="ログイン")).to_be_visible()


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_a_submission_waits_on_the_coordinators_home_and_a_return_on_the_respondents(
    page, personas, assert_accessible
):
    today = today_in_japan()
    round_ = open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=make_edition(indicators=3, areas=1),
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=30),
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    answer_everything(questionnaire, personas.respondent_a)

    # The respondent hands the questionnaire in from their home page.
    _sign_in(page, personas.respondent_a)
    page.goto("/")
    answering = page.get_by_role("region", name="回答の作業")
    expect(answering.get_by_role("heading", name="回答する調査票")).to_be_visible()
    answering.get_by_role("link", name=f"{personas.municipality_a} {personas.department_a}").click()
    page.get_by_role("link", name="提出の確認へ進む").click()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_role("status").first).to_contain_text("調査票を提出しました")
    _sign_out(page)
    assert [m.to for m in mail.outbox] == [[personas.coordinator_a.email]]
    assert "調査票が提出されました" in mail.outbox[0].subject

    # The coordinator's home says there is one to review, and the link opens it.
    _sign_in(page, personas.coordinator_a)
    page.goto("/")
    work = page.get_by_role("region", name=f"{personas.municipality_a}のDX推進担当の作業")
    expect(work.get_by_role("heading", name="確認待ち 1件")).to_be_visible()
    expect(page.get_by_role("region", name="お知らせ")).to_contain_text(
        f"DX推進課の調査票が提出されました（{personas.respondent_a}）"
    )
    assert_accessible()
    _shot(page, "home-coordinator")
    work.get_by_role("link", name="DX推進課の回答を確認（2026年度（令和8年度））").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DX推進課の回答")
    page.locator("#id_comment").fill("STD-01の根拠資料を添えてください。")  # the overall comment
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_role("status")).to_contain_text("調査票を差し戻しました")
    page.goto("/")
    expect(work.get_by_role("heading", name="確認待ち 0件")).to_be_visible()
    _sign_out(page)
    returned = [m for m in mail.outbox if m.to == [personas.respondent_a.email]]
    assert len(returned) == 1
    assert "STD-01の根拠資料を添えてください。" in returned[0].body

    # The respondent finds it returned, with the comment, and opens it from there.
    _sign_in(page, personas.respondent_a)
    page.goto("/")
    answering = page.get_by_role("region", name="回答の作業")
    expect(answering.get_by_role("heading", name="差し戻された調査票 1件")).to_be_visible()
    expect(answering).to_contain_text(
        "DX推進担当からのコメント：STD-01の根拠資料を添えてください。"
    )
    assert_accessible()
    _shot(page, "home-respondent-returned")
    answering.get_by_role("link", name=f"{personas.municipality_a} {personas.department_a}").click()
    detail = reverse("questionnaires:detail", args=[questionnaire.pk])
    expect(page).to_have_url(re.compile(f"{re.escape(detail)}$"))
    expect(page.get_by_role("main")).to_contain_text("差戻し")


def test_the_help_page_is_accessible_and_reached_from_every_page(page, personas, assert_accessible):
    page.goto("/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ヘルプ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("このポータルの使い方")
    assert_accessible()
    _shot(page, "help")
    contents = page.get_by_role("navigation", name="目次")
    contents.get_by_role("link", name="言葉の意味").click()
    expect(page).to_have_url(re.compile("/help/#terms$"))
    page.get_by_role("region", name="言葉の意味").get_by_role("link", name="採点のしかた").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("採点のしかた")
    page.get_by_role("contentinfo").get_by_role(
        "link", name="このポータルの使い方（ヘルプ）"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("このポータルの使い方")

    # Each role's home links its steps on the help page, and passes axe too.
    for persona, anchor in [
        ("consultant", "consultant"),
        ("catalogue_editor", "catalogue-editor"),
    ]:
        user = getattr(personas, persona)
        _sign_in(page, user)
        page.goto("/")
        assert_accessible()
        page.locator(f"main a[href='{reverse('portal:help')}#{anchor}']").click()
        expect(page.locator(f"#{anchor}")).to_be_in_viewport()
        _sign_out(page)
