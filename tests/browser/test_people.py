import re
from pathlib import Path

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor

NEW_PASSWORD = "kamakura-daibutsu-2026"
# Crispy marks required fields with "*" inside the label.
NEW_PASSWORD_LABEL = re.compile(r"^\s*新しいパスワード\*?\s*$")
CONFIRM_LABEL = re.compile(r"^\s*新しいパスワード\(確認用\)")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def _assert_accessible_on(page):
    """The assert_accessible fixture's check, for a page of a second browser context."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values:"
        " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    problems = [f"{v['id']}: {v['help']}" for v in result["violations"]]
    assert not problems, "\n".join(problems)


def _sign_in(page, email, password=PASSWORD):
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, email)


def test_coordinator_invites_a_respondent_who_signs_in(
    browser, live_server, page, personas, assert_accessible
):
    municipality = personas.municipality_a
    _sign_in(page, personas.coordinator_a.email)
    expect(page.get_by_role("banner")).to_contain_text(personas.coordinator_a.display_name)
    page.goto(reverse("municipalities:overview", kwargs={"code": municipality.code}))
    page.get_by_role("link", name="担当者の管理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("担当者の管理")
    expect(page.get_by_role("table").first).to_contain_text(personas.respondent_a.email)
    assert_accessible()

    page.get_by_label("メールアドレス").fill("yamada.hanako@city.example.jp")
    page.get_by_label("氏名").fill("山田 花子")
    page.get_by_role("combobox", name="部署").select_option(label="税務課")
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_role("status")).to_contain_text(
        "山田 花子 さん（yamada.hanako@city.example.jp）を税務課の回答者として招待しました。"
    )
    expect(page.get_by_role("table").filter(has_text="税務課")).to_contain_text("山田 花子")
    expect(page.get_by_role("table").filter(has_text="税務課")).to_contain_text("承諾待ち")
    assert_accessible()

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/set/\S+/", message.body).group(0)
    assert link.startswith(live_server.url)
    invitation_link = re.search(r"https?://\S+/accounts/invitations/\d+/", message.body).group(0)

    # The invited person, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    context.set_default_timeout(10_000)
    invited = context.new_page()
    try:
        invited.goto(link)
        expect(invited.get_by_role("heading", level=1)).to_have_text("パスワードの設定")
        invited.get_by_label(NEW_PASSWORD_LABEL).fill("short")
        invited.get_by_label(CONFIRM_LABEL).fill("short")
        invited.get_by_role("button", name="パスワードを設定する").click()
        expect(invited.get_by_text("このパスワードは短すぎます")).to_be_visible()
        _assert_accessible_on(invited)

        invited.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
        invited.get_by_label(CONFIRM_LABEL).fill(NEW_PASSWORD)
        invited.get_by_role("button", name="パスワードを設定する").click()
        expect(invited.get_by_role("heading", level=1)).to_have_text("パスワードを設定しました")

        invited.get_by_role("link", name="ログインする").click()
        _sign_in(invited, "yamada.hanako@city.example.jp", NEW_PASSWORD)
        expect(invited.get_by_role("banner")).to_contain_text("山田 花子")

        # A member only once they accept, from the link in the same e-mail.
        invited.goto(invitation_link)
        expect(invited.get_by_role("heading", level=1)).to_have_text("部署への招待")
        _assert_accessible_on(invited)
        invited.get_by_role("button", name="承諾する").click()
        expect(invited.get_by_role("heading", level=1)).to_have_text(str(municipality))
        expect(invited.get_by_role("status")).to_contain_text("税務課の回答者になりました")
    finally:
        context.close()
    assert User.objects.get(email="yamada.hanako@city.example.jp").last_login is not None
