"""A round opened with last year's answers carried over, in a real browser: the respondent sees
each carried answer marked, confirms one with 「このまま確定」, and the progress counts it."""

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Answer
from assessments.rounds import round_open
from tests.assessment_factories import AnswerFactory, open_round
from tests.browser.test_departments import _sign_in
from tests.frameworks.factories import make_edition

MARK = "前年度から引き継ぎ（未確認）"


def test_a_respondent_confirms_a_carried_answer(page, personas, assert_accessible):
    edition = make_edition(indicators=4, areas=2)
    last_year = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2025
    )
    for code, level in (("STD-01", 3), ("STD-03", 1)):  # both in area-1, with CHO-01
        AnswerFactory(round=last_year, department=personas.department_a, code=code, level=level)
    round_ = round_open(
        municipality=personas.municipality_a,
        edition=edition,
        fiscal_year=2026,
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2099, 9, 30),
        user=personas.coordinator_a,
        carry_over=True,
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    std01 = edition.indicators.get(code="STD-01")

    _sign_in(page, personas.respondent_a)
    page.goto(reverse("questionnaires:area", args=[questionnaire.pk, "area-1"]))

    marks = page.get_by_text(MARK)
    expect(marks).to_have_count(2)
    expect(page.locator("#progress-area-text")).to_contain_text("0 / 3問 回答済み")
    # The carried level is there to confirm: レベル3 is checked.
    expect(page.locator(f"#a{std01.pk}-level-3")).to_be_checked()
    assert_accessible()

    page.locator(f"#answer-{std01.pk}").get_by_role("button", name="このまま確定").click()

    expect(page.locator(f"#status-{std01.pk}")).to_contain_text(
        "前年度から引き継いだ回答を確定しました"
    )
    expect(marks).to_have_count(1)
    expect(page.locator(f"#answer-{std01.pk}")).not_to_contain_text(MARK)
    expect(page.locator("#progress-area-text")).to_contain_text("1 / 3問 回答済み")
    expect(page.locator("#progress-all-text")).to_contain_text("1 / ")
    answer = Answer.objects.get(questionnaire=questionnaire, indicator=std01)
    assert (answer.carried_from_id, answer.level, answer.version) == (None, 3, 2)

    # After a reload the confirmation stands.
    page.reload()
    expect(page.get_by_text(MARK)).to_have_count(1)
    expect(page.locator("#progress-area-text")).to_contain_text("1 / 3問 回答済み")
