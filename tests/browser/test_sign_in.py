import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor


def test_sign_in_journey(page, personas, assert_accessible):
    user = personas.coordinator_a
    page.goto("/")
    assert_accessible()
    page.get_by_role("link", name="ログイン").first.click()
    expect(page).to_have_url(re.compile(reverse("accounts:login")))
    assert_accessible()

    # A wrong password: a clear message, still on the sign-in page.
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill("wrong-password-123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("メールアドレスまたはパスワードが正しくありません")).to_be_visible()

    # Keyboard only from here: type, Tab to the password, Enter submits.
    page.get_by_label("メールアドレス").fill(user.email.upper())
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # The previous-sign-in notice comes with the first page after the password,
    # here the coordinator's authenticator enrolment.
    expect(page.get_by_text("はじめてのログインです")).to_be_visible()
    pass_two_factor(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(user.display_name)
    header = page.get_by_role("banner")
    expect(header).to_contain_text(user.display_name)
    expect(header).to_contain_text("DX推進担当")
    assert_accessible()

    page.get_by_role("link", name=str(personas.municipality_a), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(personas.municipality_a))
    assert_accessible()

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログアウトしました")
    page.goto(reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code}))
    expect(page).to_have_url(re.compile(reverse("accounts:login")))


def test_outsider_gets_not_found(page, personas):
    page.goto(reverse("accounts:login"))
    page.get_by_label("メールアドレス").fill(personas.coordinator_c.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_two_factor(page, personas.coordinator_c.email)
    expect(page.get_by_role("banner")).to_contain_text(personas.coordinator_c.display_name)
    response = page.goto(
        reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    )
    assert response.status == 404
    assert personas.municipality_a.name not in page.content()
