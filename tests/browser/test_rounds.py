import os

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import QuestionnaireStatus, Round
from assessments.submitting import questionnaire_submit
from dxportal.japanese_calendar import fiscal_year_of
from frameworks.models import AnswerType
from tests.assessment_factories import AnswerFactory, open_round
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


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _submit_in_the_database(questionnaire, respondent):
    """What the respondent would have done on the answering pages."""
    for assignment in questionnaire.round.assignments.filter(
        department=questionnaire.department
    ).select_related("indicator"):
        indicator = assignment.indicator
        values = (
            {"choice": indicator.choices.order_by("order").last()}
            if indicator.answer_type == AnswerType.CHOICE
            else {"level": 3}
        )
        AnswerFactory(
            questionnaire=questionnaire, indicator=indicator, updated_by=respondent, **values
        )
    questionnaire_submit(questionnaire=questionnaire, user=respondent)


def test_coordinator_opens_a_round_and_returns_a_questionnaire(page, personas, assert_accessible):
    make_edition(indicators=4, areas=2)
    municipality = personas.municipality_a
    _sign_in(page, personas.coordinator_a)
    page.goto(reverse("municipalities:overview", kwargs={"code": municipality.code}))
    page.get_by_role("link", name="評価ラウンドを見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("評価ラウンド")
    expect(page.get_by_role("table")).to_contain_text("評価ラウンドはまだありません")
    assert_accessible()
    _shot(page, "rounds")

    # The defaults (this fiscal year, the newest edition, dates) are fine as they are.
    this_year = fiscal_year_of(timezone.localdate())
    expect(page.get_by_role("combobox", name="年度")).to_have_value(str(this_year))
    page.get_by_role("button", name="ラウンドを開始する").click()
    expect(page.get_by_role("status")).to_contain_text("評価ラウンドを開始しました")
    round_ = Round.objects.get(municipality=municipality)
    progress = page.get_by_role("table")
    row = progress.get_by_role("row").filter(has_text="DX推進課")
    expect(row).to_contain_text("回答中")
    expect(row).to_contain_text("0／5")
    assert_accessible()
    _shot(page, "round")

    questionnaire = round_.questionnaires.get(department=personas.department_a)
    _submit_in_the_database(questionnaire, personas.respondent_a)
    page.reload()
    expect(row).to_contain_text("提出済み")
    expect(row).to_contain_text("5／5")
    page.get_by_role("link", name="DX推進課の回答を確認").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DX推進課の回答")
    expect(page.get_by_role("main")).to_contain_text(f"{personas.respondent_a}が提出")
    expect(page.get_by_role("main")).to_contain_text("3：全庁で実施")
    assert_accessible()
    _shot(page, "review")

    # Returning without a reason is refused, at the top of the form and next to the field.
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_role("alert")).to_contain_text("差戻しの理由を入力してください")
    expect(page.locator("#error_1_id_comment")).to_contain_text("差戻しの理由を入力してください")
    assert_accessible()

    page.get_by_label("調査票全体へのコメント").fill("STD-01の根拠資料を添えてください。")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_role("status")).to_contain_text("調査票を差し戻しました")
    expect(page.get_by_role("main")).to_contain_text("STD-01の根拠資料を添えてください。")
    expect(page.get_by_role("button", name="承認する")).to_have_count(0)
    _shot(page, "review-returned")
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.RETURNED
    assert questionnaire.review_comment == "STD-01の根拠資料を添えてください。"
    assert questionnaire.events.last().actor == personas.coordinator_a


def test_coordinator_reassigns_and_reconciles_with_the_keyboard_pages(
    page, personas, assert_accessible
):
    edition = make_edition(indicators=2, areas=1)
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    _sign_in(page, personas.coordinator_a)
    page.goto(
        reverse(
            "rounds:assignments",
            kwargs={"code": personas.municipality_a.code, "round_id": round_.pk},
        )
    )
    assert_accessible()
    _shot(page, "assignments")
    page.get_by_role("link", name="STD-01の割当を変更").click()
    page.get_by_role("checkbox", name="税務課").check()
    page.get_by_role("radio", name="税務課").check()
    assert_accessible()
    _shot(page, "assignment-edit")
    page.get_by_role("button", name="割当を保存する").click()
    expect(page.get_by_role("status").first).to_contain_text("STD-01の割当を保存しました")
    row = page.get_by_role("row").filter(has_text="STD-01")
    expect(row).to_contain_text("税務課")

    std01 = edition.indicators.get(code="STD-01")
    for department, level in [(personas.department_a, 1), (personas.other_department_a, 4)]:
        AnswerFactory(round=round_, department=department, indicator=std01, level=level)
    page.goto(
        reverse(
            "rounds:reconciliation",
            kwargs={"code": personas.municipality_a.code, "round_id": round_.pk},
        )
    )
    expect(page.get_by_role("main")).to_contain_text("差 75点")
    assert_accessible()
    page.get_by_role("link", name="STD-01の団体としての回答を選ぶ").click()
    page.get_by_role("radio", name="DX推進課").check()
    page.get_by_label("判断の理由").fill("実態に合わせる")
    assert_accessible()
    _shot(page, "reconciliation-item")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("団体としての回答を保存しました")
    expect(page.get_by_role("main")).to_contain_text("回答が異なる")
    _shot(page, "reconciliation")


def test_system_admin_survey_page_is_accessible(page, personas, assert_accessible):
    make_edition(indicators=1, areas=1)
    _sign_in(page, personas.admin)
    page.goto(reverse("rounds:survey_new"))
    assert_accessible()
    _shot(page, "survey")
    page.get_by_label("調査の名称").fill("一斉調査")
    page.get_by_label("団体コードで選ぶ").fill(
        f"{personas.municipality_a.code}\n{personas.municipality_b.code}"
    )
    page.get_by_role("button", name="一斉調査を開始する").click()
    expect(page.get_by_role("status")).to_contain_text(
        "1団体でラウンドを開始し、1団体を飛ばしました"
    )
    assert_accessible()
    _shot(page, "survey-result")
