"""A coordinator enrols an authenticator app, signs out, and verifies a code at the next sign-in."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.personas import PASSWORD
from tests.two_factor import code_for_secret, next_code


def _password_sign_in(page, user):
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_coordinator_enrols_then_verifies(page, personas, assert_accessible):
    user = personas.coordinator_a
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    page.goto(overview)  # sent to the sign-in page, to come back here
    _password_sign_in(page, user)

    expect(page.get_by_role("heading", name="認証アプリの登録")).to_be_visible()
    assert_accessible()
    secret = page.locator("#two-factor-secret").inner_text()
    expect(page.get_by_text("otpauth://totp/")).to_be_visible()
    page.get_by_label("確認コード（6桁）").fill(code_for_secret(secret))
    page.get_by_role("button", name="登録").click()
    # Back to the page first asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text(str(personas.municipality_a))

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログアウトしました")
    page.goto(reverse("accounts:login"))
    _password_sign_in(page, user)
    expect(page.get_by_role("heading", name="確認コードの入力")).to_be_visible()
    assert_accessible()

    right = next_code(user.totpdevice_set.get())
    page.get_by_label("確認コード（6桁）").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_text("コードが正しくないか、すでに使われています")).to_be_visible()
    assert_accessible()

    user.totpdevice_set.get().throttle_reset()  # as if they waited out the pause
    page.get_by_label("確認コード（6桁）").fill(next_code(user.totpdevice_set.get()))
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(user.display_name)
    expect(page.get_by_role("banner")).to_contain_text(user.display_name)
