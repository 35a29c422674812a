"""Nothing typed is lost: a session time-out, a stale CSRF token, a dead network and a reload
keep the input (in localStorage until the server has it) and save it once they can; with
DEBUG on, a refused value or file never replaces the page; a radio group saves where the
person settles, not every arrow press."""

from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.models import Role
from assessments.models import AnswerChange
from tests.assessments.answering_support import open_all_types
from tests.browser.test_answering import (
    _answer,
    _eventually,
    _indicator,
    _tab_to,
    _wait_saved,
)
from tests.browser.test_departments import _sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.personas import PASSWORD

RETRY = "保存できませんでした。自動で再試行します…"
KEPT = "() => Object.keys(localStorage).filter(k => k.startsWith('dxportal.autosave:')).sort()"


def _kept_key(all_types, user, pk) -> str:
    return f"dxportal.autosave:{user.pk}:{all_types.questionnaire.pk}:{pk}"


def _sign_in_here(page, user) -> None:
    """The sign-in form on the page as it is (with its ?next=)."""
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("banner")).to_contain_text(user.display_name)


def _time_out() -> None:
    """30 minutes idle, as the server sees it: the session is gone."""
    Session.objects.all().delete()


def test_a_session_time_out_keeps_the_input_until_signed_in_again_in_another_tab(
    page, personas, assert_accessible
):
    all_types = open_all_types(personas)
    txt = _indicator(all_types, "TXT-01")
    respondent = personas.respondent_a
    colleague = UserFactory(display_name="山田 花子")
    MembershipFactory(
        user=colleague,
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
    _sign_in(page, respondent)
    page.goto(all_types.area_url())
    _tab_to(page, f"#a{txt}-text")
    page.keyboard.type("窓口の混雑")
    _wait_saved(page, txt)

    _time_out()
    page.keyboard.type("が課題。")
    alert = page.locator("#autosave-signed-out")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("ログインの有効期限が切れたため、入力をまだ保存していません。")
    expect(page.locator(f"#status-{txt}")).to_have_text("ログインし直すと保存します。")
    expect(page.locator(f"#indicator-{txt}")).to_have_attribute("data-autosave-state", "signed-out")
    # The page stays, with what was typed, which is also kept in the browser.
    assert page.url.endswith(all_types.area_url())
    expect(page.locator(f"#a{txt}-text")).to_have_value("窓口の混雑が課題。")
    assert page.evaluate(KEPT) == [_kept_key(all_types, respondent, txt)]
    assert _answer(all_types, "TXT-01").text == "窓口の混雑"
    assert_accessible()

    # The notice's link opens the sign-in page in a new tab.
    with page.context.expect_page() as opened:
        alert.get_by_role("link", name="ログインページを新しいタブで開く").focus()
        page.keyboard.press("Enter")
    other = opened.value
    expect(other.get_by_label("メールアドレス")).to_be_visible()

    # Someone else signs in there first: nothing is saved under their name.
    _sign_in(other, colleague)
    expect(alert).to_contain_text("別のアカウントでログインしています。")
    assert _answer(all_types, "TXT-01").text == "窓口の混雑"

    _time_out()
    _sign_in(other, respondent)
    _wait_saved(page, txt)
    expect(alert).to_be_hidden()
    expect(page.locator("#autosave-notice")).to_have_text(
        "ログインを確認しました。保管していた入力を保存します。"
    )
    answer = _answer(all_types, "TXT-01")
    assert (answer.text, answer.updated_by) == ("窓口の混雑が課題。", respondent)
    assert page.evaluate(KEPT) == []


def test_a_csrf_token_rotated_by_signing_in_elsewhere_is_refreshed_and_the_save_goes_through(
    page, personas
):
    all_types = open_all_types(personas)
    pct = _indicator(all_types, "PCT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    page_token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    # Timed out and signed in again in another tab before this one noticed: a new
    # session and a new CSRF token, which this page has not seen.
    _time_out()
    other = page.context.new_page()
    _sign_in(other, personas.respondent_a)
    other.close()

    statuses = []
    page.on(
        "response",
        lambda response: "/answers/" in response.url and statuses.append(response.status),
    )
    _tab_to(page, f"#a{pct}-number")
    page.keyboard.type("６０")
    _wait_saved(page, pct)
    assert statuses == [403, 200]
    expect(page.locator("#autosave-signed-out")).to_be_hidden()
    assert _answer(all_types, "PCT-01").number == 60
    # Every form on the page, and htmx's header, now carry a fresh token.
    tokens = page.locator("input[name=csrfmiddlewaretoken]").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )
    assert len(tokens) > 6 and page_token not in tokens
    header = page.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))")
    assert header["X-CSRFToken"] in tokens


def test_input_made_offline_survives_a_reload_and_is_saved_once_back_online(page, personas):
    all_types = open_all_types(personas)
    pct, yes = _indicator(all_types, "PCT-01"), _indicator(all_types, "YES-01")
    respondent = personas.respondent_a
    _sign_in(page, respondent)
    page.goto(all_types.area_url())

    page.context.set_offline(True)
    _tab_to(page, f"#a{pct}-number")
    page.keyboard.type("６０")
    _tab_to(page, f"#answer-{yes} input[name=yes]")
    page.keyboard.press("ArrowDown")  # はい
    page.keyboard.press("Tab")  # leaving the group saves at once: it fails
    for pk in (pct, yes):
        expect(page.locator(f"#status-{pk}")).to_have_text(RETRY)
        expect(page.locator(f"#indicator-{pk}")).to_have_attribute(
            "data-autosave-state", "retrying"
        )
    assert page.evaluate(KEPT) == sorted(_kept_key(all_types, respondent, pk) for pk in (pct, yes))

    # The page loads again, but the save URL is still unreachable.
    page.route("**/answers/**", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#autosave-notice")).to_have_text(
        "前回保存されていなかった入力を、このブラウザから復元しました。"
    )
    expect(page.locator(f"#a{pct}-number")).to_have_value("６０")
    expect(page.locator(f"#a{yes}-yes-0")).to_be_checked()
    expect(page.locator(f"#status-{pct}")).to_have_text(RETRY)
    assert _answer(all_types, "PCT-01") is None and _answer(all_types, "YES-01") is None

    page.unroute("**/answers/**")
    _wait_saved(page, pct)
    _wait_saved(page, yes)
    assert _answer(all_types, "PCT-01").number == 60
    assert _answer(all_types, "YES-01").yes is True
    assert page.evaluate(KEPT) == []


def test_signed_out_a_reload_goes_through_sign_in_and_puts_the_input_back(page, personas):
    all_types = open_all_types(personas)
    txt = _indicator(all_types, "TXT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    _time_out()
    _tab_to(page, f"#a{txt}-text")
    page.keyboard.type("庁内の合意形成")
    expect(page.locator("#autosave-signed-out")).to_be_visible()

    page.reload()  # the sign-in page, which comes back here
    expect(page.get_by_label("メールアドレス")).to_be_visible()
    _sign_in_here(page, personas.respondent_a)
    assert page.url.endswith(all_types.area_url())
    expect(page.locator("#autosave-notice")).to_have_text(
        "前回保存されていなかった入力を、このブラウザから復元しました。"
    )
    expect(page.locator(f"#a{txt}-text")).to_have_value("庁内の合意形成")
    _wait_saved(page, txt)
    assert _answer(all_types, "TXT-01").text == "庁内の合意形成"
    assert page.evaluate(KEPT) == []


def test_with_debug_on_a_refused_value_and_a_refused_file_keep_the_page(
    page, personas, settings, tmp_path
):
    """`make run` sets DEBUG=1; django-htmx then adds its debug script, which puts a 400
    response in place of the whole document unless autosave.js keeps it away."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    all_types = open_all_types(personas)
    pct, mat = _indicator(all_types, "PCT-01"), _indicator(all_types, "MAT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    expect(page.locator('script[src$="django_htmx/django-htmx.js"]')).to_have_count(1)

    _tab_to(page, f"#a{pct}-number")
    page.keyboard.type("１５０")
    expect(page.locator(f"#a{pct}-number-error")).to_contain_text("0から100までの数値")
    expect(page.locator(f"#a{pct}-number")).to_be_focused()
    expect(page.locator(f"#a{pct}-number")).to_have_value("１５０")
    expect(page.get_by_role("banner")).to_contain_text(personas.respondent_a.display_name)
    expect(page.locator(".indicator")).to_have_count(6)
    expect(page.get_by_role("heading", level=1)).to_have_text("行政手続のオンライン化")

    page.locator(f"#a{mat}-add-file").evaluate("details => { details.open = true; }")
    page.set_input_files(
        f"#a{mat}-file",
        files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90"}],
    )
    _tab_to(page, f"#evidence-{mat} button[type=submit]")
    page.keyboard.press("Enter")  # 添付する
    expect(page.locator(f"#evidence-{mat}-error")).to_contain_text(
        "この種類のファイルは添付できません"
    )
    expect(page.locator(".indicator")).to_have_count(6)
    expect(page.get_by_role("banner")).to_contain_text(personas.respondent_a.display_name)
    assert _answer(all_types, "PCT-01") is None


def test_arrow_keys_through_a_radio_group_store_one_change(page, personas):
    all_types = open_all_types(personas)
    mat = _indicator(all_types, "MAT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    posts = []
    page.on("request", lambda r: "/answers/" in r.url and r.method == "POST" and posts.append(1))

    _tab_to(page, f"#answer-{mat} input[name=level]")
    for _ in range(5):  # 未回答 → レベル0 → 1 → 2 → 3 → 4, reading each, settling on 4
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(250)
    expect(page.locator(f"#a{mat}-level-4")).to_be_checked()
    _wait_saved(page, mat)
    assert len(posts) == 1
    changes = AnswerChange.objects.filter(answer__indicator__code="MAT-01").order_by("version")
    assert [c.changes["level"] for c in changes.all()] == [[None, 4]]

    # Back two steps and out of the group: saved on leaving it, not 800 ms after the last
    # step (which would be 550 ms after the Tab).
    _tab_to(page, f"#answer-{mat} input[name=level]")
    page.evaluate(
        """() => {
            window.timing = {};
            document.addEventListener("keydown", (e) => {
                if (e.key === "Tab") window.timing.left = performance.now();
            });
            document.addEventListener("htmx:beforeRequest", () => {
                window.timing.sent = performance.now();
            });
        }"""
    )
    for _ in range(2):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(250)
    page.keyboard.press("Tab")
    _wait_saved(page, mat)
    assert page.evaluate("() => window.timing.sent - window.timing.left") < 300
    assert len(posts) == 2
    assert [c.changes["level"] for c in changes.all()] == [[None, 4], [4, 2]]

    # Settled and straight on to the next area: the page sends it on its way out, and
    # finds it stored when it comes back.
    _tab_to(page, f"#answer-{mat} input[name=level]")
    page.keyboard.press("ArrowRight")  # レベル3
    page.goto(all_types.area_url(all_types.other_area))
    _eventually(lambda: _answer(all_types, "MAT-01").level == 3)
    page.goto(all_types.area_url())
    expect(page.locator(f"#a{mat}-level-3")).to_be_checked()
    expect(page.locator("#autosave-notice")).to_have_text("")
    assert page.evaluate(KEPT) == []
    assert [c.changes["level"] for c in changes.all()] == [[None, 4], [4, 2], [2, 3]]
