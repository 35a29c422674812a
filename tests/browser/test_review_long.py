"""A long questionnaire in the browser (issue 11, points 6 and 9): the review bar that stays in
view, comments on single indicators, the reconciliation filter, evidence locations as text to
copy, English catalogue text with its 「(Japanese only)」 note, and table headers at 390 px."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from assessments.evidence import evidence_upload
from assessments.models import Answer, QuestionnaireStatus
from assessments.submitting import questionnaire_submit
from frameworks.models import AnswerType
from tests.assessment_factories import AnswerFactory, open_round
from tests.assessments.conftest import share_with_tax_office
from tests.browser.test_departments import _sign_in
from tests.frameworks.factories import make_edition

SHARE_PATH = r"\\fileserver01\dx推進課\令和8年度\推進計画.pdf"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _answer_all(questionnaire, user):
    for assignment in questionnaire.round.assignments.filter(
        department=questionnaire.department
    ).select_related("indicator"):
        indicator = assignment.indicator
        values = (
            {"choice_code": indicator.choices.order_by("order").last().code}
            if indicator.answer_type == AnswerType.CHOICE
            else {"level": 3}
        )
        AnswerFactory(questionnaire=questionnaire, indicator=indicator, updated_by=user, **values)


def _review_url(questionnaire) -> str:
    return reverse(
        "rounds:review",
        kwargs={
            "code": questionnaire.round.municipality.code,
            "round_id": questionnaire.round_id,
            "questionnaire_id": questionnaire.pk,
        },
    )


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height + 1


def test_the_review_bar_stays_in_view_and_returns_with_indicator_comments(
    page, personas, assert_accessible, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=make_edition(indicators=30)
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    _answer_all(questionnaire, personas.respondent_a)
    std01 = questionnaire.answers.get(indicator__code="STD-01")
    std01.evidence_url = SHARE_PATH
    std01.save()
    evidence_upload(
        questionnaire=questionnaire,
        indicator=std01.indicator,
        upload=SimpleUploadedFile("推進計画.pdf", PDF, content_type="application/pdf"),
        user=personas.respondent_a,
    )
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _sign_in(page, personas.coordinator_a)
    page.goto(_review_url(questionnaire))
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * 800  # a long page
    bar = page.locator("#review-actions")
    expect(bar).to_have_css("position", "sticky")
    approve = bar.get_by_role("button", name="承認する")

    # Scrolled to the middle of the answers, the bar is still at the bottom of the window.
    page.locator(
        "#review-indicator-" + str(round_.edition.indicators.get(code="STD-15").pk)
    ).scroll_into_view_if_needed()
    page.mouse.wheel(0, 400)
    assert _in_viewport(page, approve)
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - 800) <= 2
    assert_accessible()

    # The evidence is listed: the file to download, the share path as text with a copy button.
    row = page.locator(f"#review-indicator-{std01.indicator_id}")
    row.scroll_into_view_if_needed()
    expect(row.get_by_role("link", name="推進計画.pdf")).to_have_attribute("download", "")
    location = row.locator("code.copy-text__value")
    expect(location).to_have_text(SHARE_PATH)
    expect(page.locator('a[href*="fileserver01"]')).to_have_count(0)
    row.get_by_role("button", name="コピー").click()
    expect(row.get_by_role("status")).to_have_text("コピーしました。")
    assert page.evaluate("navigator.clipboard.readText()") == SHARE_PATH

    # Keyboard: the link at the top leads to the bar, whose buttons Tab reaches, in view.
    page.keyboard.press("Control+Home")
    page.get_by_role("link", name="確認の操作へ移動").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(approve).to_be_focused()
    assert _in_viewport(page, approve)

    # At the end of the page the bar rests after the last answer: nothing hidden under it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last_row = page.locator("tr[id^=review-indicator-]").last
    assert (
        last_row.bounding_box()["y"] + last_row.bounding_box()["height"]
        <= bar.bounding_box()["y"] + 1
    )

    # A comment on one indicator is enough to return; sent with the bar's button mid-page.
    std03 = round_.edition.indicators.get(code="STD-03")
    page.get_by_text("STD-03にコメントする").click()
    note = page.get_by_label("STD-03へのコメント")
    note.scroll_into_view_if_needed()
    note.fill("根拠資料の版が古いようです。最新の計画を添付してください。")
    assert _in_viewport(page, bar.get_by_role("button", name="差し戻す"))
    bar.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_role("status").first).to_contain_text("調査票を差し戻しました")
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.RETURNED

    # The respondent finds it in the overview and beside the indicator.
    page.context.clear_cookies()
    _sign_in(page, personas.respondent_a)
    page.goto(reverse("questionnaires:detail", args=[questionnaire.pk]))
    returned = page.locator("section.returned-comment")
    expect(returned).to_contain_text("STD-03")
    expect(returned).to_contain_text("根拠資料の版が古いようです。")
    assert_accessible()
    returned.get_by_role("link", name="STD-03", exact=False).click()
    comment = page.locator(f"#return-comment-{std03.pk}")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("根拠資料の版が古いようです。最新の計画を添付してください。")
    assert_accessible()


def test_reconciliation_shows_one_area_and_filters_to_the_differences(
    page, personas, assert_accessible
):
    round_ = share_with_tax_office(
        open_round(
            personas.municipality_a, personas.coordinator_a, edition=make_edition(indicators=8)
        ),
        personas,
        ["STD-01", "STD-03", "STD-05", "STD-02", "STD-04"],
    )
    levels = {
        "STD-01": (1, 4),
        "STD-03": (2, 2),
        "STD-05": (2, 2),
        "STD-02": (0, 3),
        "STD-04": (1, 1),
    }
    for code, (mine, theirs) in levels.items():
        AnswerFactory(round=round_, department=personas.department_a, code=code, level=mine)
        AnswerFactory(round=round_, department=personas.other_department_a, code=code, level=theirs)
    _sign_in(page, personas.coordinator_a)
    page.goto(
        reverse(
            "rounds:reconciliation",
            kwargs={"code": personas.municipality_a.code, "round_id": round_.pk},
        )
    )
    expect(page.locator("#reconciliation-counts")).to_contain_text(
        "5件のうち、回答が異なる指標は 2件"
    )
    sections = page.locator("section[id^=indicator-]")
    expect(sections).to_have_count(3)  # area-1: STD-01, 03, 05
    assert_accessible()

    page.get_by_label("相違のみ表示").check()
    page.get_by_role("button", name="表示を切り替える").click()
    expect(page).to_have_url(re.compile(r"[?&]differences=1"))
    expect(sections).to_have_count(1)
    expect(sections.first).to_contain_text("STD-01")
    expect(sections.first).to_contain_text("回答が異なる")

    page.get_by_role("link", name="取組分野2").click()
    expect(page.get_by_label("相違のみ表示")).to_be_checked()
    expect(sections).to_have_count(1)
    expect(sections.first).to_contain_text("STD-02")
    assert_accessible()


def test_a_file_share_path_is_accepted_and_shown_as_text(page, personas):
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=make_edition(indicators=2)
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    std01 = round_.edition.indicators.get(code="STD-01")
    _sign_in(page, personas.respondent_a)
    page.goto(reverse("questionnaires:area", args=[questionnaire.pk, std01.area.code]))
    block = page.locator(f"#indicator-{std01.pk}")
    block.get_by_text("補足（該当しない・コメント・根拠資料の場所）").click()
    field = block.get_by_label("根拠資料の場所")
    field.fill(SHARE_PATH)
    block.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(f"#status-{std01.pk}")).to_contain_text("保存しました")
    answer = Answer.objects.get(questionnaire=questionnaire, indicator=std01)
    assert answer.evidence_url == SHARE_PATH

    # Something else is refused next to the field, and nothing is saved.
    field.fill("javascript:alert(1)")
    block.get_by_role("button", name="保存", exact=True).click()
    expect(block.locator(f"#a{std01.pk}-evidence_url-error")).to_contain_text("ファイル共有の場所")
    answer.refresh_from_db()
    assert answer.evidence_url == SHARE_PATH

    page.context.clear_cookies()
    _sign_in(page, personas.coordinator_a)
    page.goto(_review_url(questionnaire))
    row = page.locator(f"#review-indicator-{std01.pk}")
    expect(row.locator("code")).to_have_text(SHARE_PATH)
    expect(page.locator("a[href*='fileserver01']")).to_have_count(0)


def test_english_pages_show_english_catalogue_text_and_the_note(page, personas, assert_accessible):
    edition = make_edition(indicators=2)
    std01 = edition.indicators.get(code="STD-01")
    std01.question_en = "How far has the office digitised its paperwork?"
    std01.help_text = "紙の書類をどこまで電子化したかを答えます。"
    std01.help_text_en = ""
    std01.save()
    page.goto(
        reverse(
            "frameworks:edition",
            kwargs={"framework_code": edition.framework.code, "version": edition.version},
        )
    )
    page.get_by_label("表示言語").select_option("en")
    page.get_by_role("button", name="切り替え").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    article = page.locator("#indicator-STD-01")
    expect(article.get_by_role("heading")).to_contain_text(
        "How far has the office digitised its paperwork?"
    )
    help_text = article.locator("p", has_text="紙の書類")
    expect(help_text.locator("span[lang=ja]")).to_have_text(
        "紙の書類をどこまで電子化したかを答えます。"
    )
    expect(help_text.locator(".ja-only-note")).to_be_visible()
    expect(page.locator("h2#area-area-1-heading")).to_have_text("Area 1")
    assert_accessible()


def test_table_headers_keep_their_words_whole_at_390px(page, personas):
    round_ = share_with_tax_office(
        open_round(
            personas.municipality_a, personas.coordinator_a, edition=make_edition(indicators=2)
        ),
        personas,
        ["STD-01"],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, personas.coordinator_a)
    url = reverse(
        "rounds:reconciliation",
        kwargs={"code": personas.municipality_a.code, "round_id": round_.pk},
    )
    page.goto(url)
    page.get_by_label("表示言語").select_option("en")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Every word of every column header on one line: a word split over two lines has two rects.
    split = page.evaluate(
        """() => {
          const split = [];
          let words = 0;
          for (const th of document.querySelectorAll("thead th")) {
            const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const re = /\\S+/g;
              let match;
              while ((match = re.exec(node.data))) {
                words += 1;
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                if (lines.size > 1) split.push(match[0]);
              }
            }
          }
          return {words, split};
        }"""
    )
    assert split["words"] >= 4
    assert split["split"] == []
