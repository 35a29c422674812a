"""Answering in a real browser: keyboard only, autosave that survives failures, conflicts.

After signing in, the respondent uses the keyboard only (Tab, Shift+Tab, arrow keys, Space,
Enter, typing); the tests navigate with page.goto and read the DOM, never click.
"""

import re
import time
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from assessments.models import Answer
from tests.assessments.answering_support import open_all_types
from tests.browser.test_departments import _sign_in
from tests.factories import MembershipFactory, UserFactory


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press(key)
    raise AssertionError(f"never reached {selector} with {key}")


def _indicator(all_types, code):
    return all_types.indicator(code).pk


def _settled(page, pk):
    """htmx wires up swapped-in content when it settles (20 ms); a person is never faster."""
    expect(page.locator(f"#answer-{pk}")).not_to_have_class(re.compile(r"htmx-(settling|added)"))


def _wait_saved(page, pk):
    block = page.locator(f"#indicator-{pk}")
    expect(block).to_have_attribute("data-autosave-state", "saved")
    expect(block).to_have_attribute("data-autosave-state", "saved")
    expect(page.locator(f"#status-{pk}")).to_contain_text("保存しました")


def _eventually(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not saved in time"
        time.sleep(0.2)


def _answer(all_types, code):
    return (
        Answer.objects.filter(questionnaire=all_types.questionnaire, indicator__code=code)
        .select_related("choice")
        .first()
    )


def test_a_respondent_answers_a_whole_area_with_the_keyboard_only(
    page, personas, assert_accessible
):
    all_types = open_all_types(personas)
    pk = {
        code: _indicator(all_types, code)
        for code in ("MAT-01", "YES-01", "PCT-01", "CNT-01", "CHO-01", "TXT-01")
    }
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    assert_accessible()

    # Current level: Tab lands on the checked radio (未回答); arrows move within the group.
    _tab_to(page, f"#answer-{pk['MAT-01']} input[name=level]")
    expect(page.locator(f"#a{pk['MAT-01']}-level-none")).to_be_focused()
    for _ in range(3):  # 未回答 → レベル0 → レベル1 → レベル2
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#a{pk['MAT-01']}-level-2")).to_be_checked()
    # Target level: from 設定しない, one step back is レベル4.
    _tab_to(page, f"#answer-{pk['MAT-01']} input[name=target_level]")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#a{pk['MAT-01']}-target_level-4")).to_be_checked()
    _wait_saved(page, pk["MAT-01"])

    # Yes/no: はい.
    _tab_to(page, f"#answer-{pk['YES-01']} input[name=yes]")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#a{pk['YES-01']}-yes-0")).to_be_checked()

    # Percentage in full-width digits, count likewise.
    _tab_to(page, f"#a{pk['PCT-01']}-number")
    page.keyboard.type("７５")
    _tab_to(page, f"#a{pk['CNT-01']}-number")
    page.keyboard.type("１２")

    # A choice: 未回答 → 導入していない → 一部で導入.
    _tab_to(page, f"#answer-{pk['CHO-01']} input[name=choice_code]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#a{pk['CHO-01']}-choice_code-1")).to_be_checked()

    # Free text, and a comment under 補足 (a <details> opened with Enter).
    _tab_to(page, f"#a{pk['TXT-01']}-text")
    page.keyboard.type("窓口の混雑が課題。")
    _tab_to(page, f"#answer-{pk['TXT-01']} summary")
    page.keyboard.press("Enter")
    _tab_to(page, f"#a{pk['TXT-01']}-comment")
    page.keyboard.type("来年度に予約制を導入")

    for code in pk:
        _wait_saved(page, pk[code])
    expect(page.locator("#progress-area-text")).to_have_text("6 / 6問 回答済み（100%）")

    mat = _answer(all_types, "MAT-01")
    assert (mat.level, mat.target_level) == (2, 4)
    assert _answer(all_types, "YES-01").yes is True
    assert _answer(all_types, "PCT-01").number == Decimal("75")
    assert _answer(all_types, "CNT-01").number == Decimal("12")
    assert _answer(all_types, "CHO-01").choice.code == "partial"
    # The comment's own debounced save may still be on its way: wait for it (10 s at most).
    _eventually(
        lambda: (
            (_answer(all_types, "TXT-01").text, _answer(all_types, "TXT-01").comment)
            == ("窓口の混雑が課題。", "来年度に予約制を導入")
        )
    )

    page.reload()
    expect(page.locator(f"#a{pk['MAT-01']}-level-2")).to_be_checked()
    expect(page.locator(f"#a{pk['MAT-01']}-target_level-4")).to_be_checked()
    expect(page.locator(f"#a{pk['YES-01']}-yes-0")).to_be_checked()
    expect(page.locator(f"#a{pk['PCT-01']}-number")).to_have_value("75")
    expect(page.locator(f"#a{pk['CNT-01']}-number")).to_have_value("12")
    expect(page.locator(f"#a{pk['CHO-01']}-choice_code-1")).to_be_checked()
    expect(page.locator(f"#a{pk['TXT-01']}-text")).to_have_value("窓口の混雑が課題。")
    expect(page.locator(f"#a{pk['TXT-01']}-comment")).to_have_value("来年度に予約制を導入")
    expect(page.locator(f"#status-{pk['MAT-01']}")).to_contain_text("最終保存")
    assert_accessible()

    # An out-of-range value is refused next to the field, and the page stays accessible.
    _tab_to(page, f"#a{pk['PCT-01']}-number")
    page.keyboard.press("Control+A")
    page.keyboard.type("１５０")
    error = page.locator(f"#a{pk['PCT-01']}-number-error")
    expect(error).to_contain_text("0から100までの数値で入力してください")
    expect(page.locator(f"#a{pk['PCT-01']}-number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#a{pk['PCT-01']}-number")).to_be_focused()
    expect(page.locator(f"#a{pk['PCT-01']}-number")).to_have_value("１５０")
    assert _answer(all_types, "PCT-01").number == Decimal("75")
    assert_accessible()


def _unsaved_warning(page) -> bool:
    return page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )


def test_a_failed_autosave_keeps_the_input_and_retries_until_saved(page, personas):
    all_types = open_all_types(personas)
    yes, pct = _indicator(all_types, "YES-01"), _indicator(all_types, "PCT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())

    # The network is down: nothing reaches the server.
    page.route("**/answers/**", lambda route: route.abort())
    _tab_to(page, f"#answer-{yes} input[name=yes]")
    page.keyboard.press("ArrowDown")
    status = page.locator(f"#status-{yes}")
    expect(status).to_have_text("保存できませんでした。自動で再試行します…")
    expect(page.locator(f"#indicator-{yes}")).to_have_attribute("data-autosave-state", "retrying")
    expect(page.locator(f"#a{yes}-yes-0")).to_be_checked()  # what was chosen stays
    assert _unsaved_warning(page)
    assert _answer(all_types, "YES-01") is None

    page.unroute("**/answers/**")
    _wait_saved(page, yes)
    assert _answer(all_types, "YES-01").yes is True
    assert not _unsaved_warning(page)

    # The save reaches the server and commits, but its response is lost: the retry must
    # count as a success, not a conflict with itself.
    lost = []

    def lose_first_response(route):
        if not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route("**/answers/**", lose_first_response)
    _tab_to(page, f"#a{pct}-number")
    page.keyboard.type("６０")
    expect(page.locator(f"#status-{pct}")).to_have_text("保存できませんでした。自動で再試行します…")
    assert lost == [200]
    assert _answer(all_types, "PCT-01").number == Decimal("60")
    _wait_saved(page, pct)
    expect(page.locator(f"#answer-{pct}")).to_have_attribute("data-state", "normal")
    answer = _answer(all_types, "PCT-01")
    assert (answer.number, answer.version) == (Decimal("60"), 1)
    page.unroute("**/answers/**")

    # A server error is retried too, and nothing is swapped in meanwhile.
    page.route(
        "**/answers/**",
        lambda route: route.fulfill(status=502, body="<h1>Bad gateway</h1>"),
    )
    _tab_to(page, f"#answer-{yes} input[name=yes]", backwards=True)
    page.keyboard.press("ArrowDown")  # はい → いいえ
    expect(status).to_have_text("保存できませんでした。自動で再試行します…")
    assert "Bad gateway" not in page.content()
    page.unroute("**/answers/**")
    _wait_saved(page, yes)
    assert _answer(all_types, "YES-01").yes is False


def test_a_conflict_shows_both_values_and_keep_mine_saves_mine(
    browser, live_server, page, personas, assert_accessible
):
    all_types = open_all_types(personas)
    colleague = UserFactory(display_name="山田 花子")
    MembershipFactory(
        user=colleague,
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
    pct = _indicator(all_types, "PCT-01")

    # Both open the page at version 0.
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    other_context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    other_context.set_default_timeout(10_000)
    other = other_context.new_page()
    try:
        _sign_in(other, colleague)
        other.goto(all_types.area_url())
        other.locator(f"#a{pct}-number").focus()
        other.keyboard.type("40")
        _wait_saved(other, pct)
    finally:
        other_context.close()

    _tab_to(page, f"#a{pct}-number")
    page.keyboard.type("９０")
    block = page.locator(f"#answer-{pct}")
    expect(block).to_have_attribute("data-state", "conflict")
    table = block.get_by_role("table")
    expect(table).to_contain_text("あなたの入力")
    expect(table).to_contain_text("他の人が保存した内容（山田 花子・")
    row = table.get_by_role("row").filter(has_text="割合（%）")
    expect(row).to_contain_text("90%")
    expect(row).to_contain_text("40%")
    expect(page.locator(f"#status-{pct}")).to_contain_text("他の人が先に保存しました")
    expect(page.locator(f"#conflict-{pct}")).to_be_focused()  # not lost at the top of the page
    assert _answer(all_types, "PCT-01").number == Decimal("40")
    assert_accessible()

    _settled(page, pct)
    page.keyboard.press("Tab")
    expect(block.get_by_role("button", name="自分の入力を保存する")).to_be_focused()
    page.keyboard.press("Enter")
    _wait_saved(page, pct)
    expect(page.locator(f"#a{pct}-number")).to_have_value("90")
    answer = _answer(all_types, "PCT-01")
    assert (answer.number, answer.version) == (Decimal("90"), 2)


def test_take_theirs_shows_the_stored_answer(page, personas):
    all_types = open_all_types(personas)
    yes = _indicator(all_types, "YES-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    # Someone else answers いいえ meanwhile.
    from assessments.answer_values import AnswerValues
    from assessments.answering import answer_save

    answer_save(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("YES-01"),
        values=AnswerValues(yes=False),
        base_version=0,
        user=personas.respondent_a,
    )
    _tab_to(page, f"#answer-{yes} input[name=yes]")
    page.keyboard.press("ArrowDown")  # はい, from version 0
    expect(page.locator(f"#answer-{yes}")).to_have_attribute("data-state", "conflict")
    _settled(page, yes)
    _tab_to(page, f"#answer-{yes} a[data-answer-action=reload]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#answer-{yes}")).to_have_attribute("data-state", "normal")
    expect(page.locator(f"#a{yes}-yes-1")).to_be_checked()
    expect(page.locator(f"#status-{yes}")).to_have_text("保存されている内容を表示しました。")
    assert _answer(all_types, "YES-01").yes is False
    # Nothing left unsaved, and the next change saves on top of the stored version.
    _tab_to(page, f"#answer-{yes} input[name=yes]")
    page.keyboard.press("ArrowUp")  # いいえ → はい
    _wait_saved(page, yes)
    assert _answer(all_types, "YES-01").yes is True


def test_the_pages_around_the_answers_are_accessible(page, personas, assert_accessible):
    all_types = open_all_types(personas)
    _sign_in(page, personas.respondent_a)
    for url in (
        "/",
        reverse("questionnaires:mine"),
        reverse("questionnaires:detail", args=[all_types.questionnaire.pk]),
        reverse("questionnaires:submit", args=[all_types.questionnaire.pk]),
        reverse("questionnaires:history", args=[all_types.questionnaire.pk]),
    ):
        page.goto(url)
        assert_accessible()


def test_without_javascript_the_save_buttons_work(browser, live_server, personas):
    all_types = open_all_types(personas)
    pct = _indicator(all_types, "PCT-01")
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _sign_in(page, personas.respondent_a)
        page.goto(all_types.area_url())
        _tab_to(page, f"#a{pct}-number")
        page.keyboard.type("７５")
        page.keyboard.press("Enter")  # submits the indicator's form
        expect(page.get_by_role("status").filter(has_text="PCT-01: 保存しました")).to_be_visible()
        expect(page.locator(f"#a{pct}-number")).to_have_value("75")
        assert page.url.endswith(f"#indicator-{pct}")
        assert _answer(all_types, "PCT-01").number == Decimal("75")

        _tab_to(page, f"#a{pct}-number")
        page.keyboard.press("Control+A")
        page.keyboard.type("１５０")
        page.keyboard.press("Enter")
        expect(page.locator(f"#a{pct}-number-error")).to_contain_text("0から100までの数値")
        assert _answer(all_types, "PCT-01").number == Decimal("75")
    finally:
        context.close()


def test_evidence_files_are_attached_without_leaving_the_page(page, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    all_types = open_all_types(personas)
    mat = _indicator(all_types, "MAT-01")
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())
    _tab_to(page, f"#a{mat}-add-file-summary")
    page.keyboard.press("Enter")
    _tab_to(page, f"#a{mat}-file")
    page.set_input_files(
        f"#a{mat}-file",
        files=[
            {"name": "計画書.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
        ],
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 添付する
    evidence = page.locator(f"#evidence-{mat}")
    expect(evidence.get_by_role("link", name="計画書.pdf")).to_be_visible()
    expect(page.locator(f"#status-{mat}")).to_have_text("「計画書.pdf」を添付しました。")

    # A wrong type is refused in place, with the message tied to the file input.
    _tab_to(page, f"#a{mat}-add-file-summary")
    if page.locator(f"#a{mat}-add-file").get_attribute("open") is None:
        page.keyboard.press("Enter")
    _tab_to(page, f"#a{mat}-file")
    page.set_input_files(
        f"#a{mat}-file",
        files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90"}],
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#evidence-{mat}-error")).to_contain_text(
        "この種類のファイルは添付できません"
    )
    expect(page.locator(f"#a{mat}-file")).to_have_attribute("aria-invalid", "true")
    assert all_types.questionnaire.answers.get(indicator__code="MAT-01").files.count() == 1
