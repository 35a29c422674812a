"""A respondent uses one suggested answer from open data and types their own over another."""

from decimal import Decimal

from playwright.sync_api import expect

from assessments.models import Answer, AnswerChange
from tests.browser.test_departments import _sign_in
from tests.opendata.support import add_values, municipality_a_with_peers, open_data_round


def _answer(setup, code):
    return Answer.objects.filter(questionnaire=setup.questionnaire, indicator__code=code).first()


def test_a_respondent_accepts_one_suggestion_and_types_over_another(
    page, personas, assert_accessible
):
    setup = open_data_round(personas)
    add_values(municipality_a_with_peers(personas))
    mnc, onl = setup.indicator("MNC-01").pk, setup.indicator("ONL-06").pk
    _sign_in(page, personas.respondent_a)
    page.goto(setup.area_url())
    expect(page.locator(f"#open-data-{mnc}-value")).to_have_text(
        "オープンデータの値：72.3%（デジタル庁「自治体DXダッシュボード」2026年9月30日時点）"
    )
    expect(page.locator(f"#open-data-{mnc}-compare")).to_contain_text("全国：中央値 80.5%")
    assert_accessible()

    # MNC-01: use the value. It fills the field and is saved, marked as from open data.
    page.locator(f"#a{mnc}-use-open-data").click()
    expect(page.locator(f"#a{mnc}-number")).to_have_value("72.3")
    expect(page.locator(f"#open-data-{mnc}-used")).to_have_text(
        "オープンデータの値を回答しています"
    )
    expect(page.locator(f"#status-{mnc}")).to_contain_text("保存しました")

    # ONL-06: type another figure; autosave keeps it, the suggestion stays beside it.
    page.locator(f"#a{onl}-number").fill("62.5")
    page.locator(f"#a{onl}-number").press("Tab")
    expect(page.locator(f"#status-{onl}")).to_contain_text("保存しました")
    expect(page.locator(f"#a{onl}-use-open-data")).to_be_visible()

    page.reload()
    expect(page.locator(f"#a{mnc}-number")).to_have_value("72.3")
    expect(page.locator(f"#a{onl}-number")).to_have_value("62.5")
    assert _answer(setup, "MNC-01").number == Decimal("72.3")
    assert _answer(setup, "ONL-06").number == Decimal("62.5")
    assert list(AnswerChange.objects.order_by("pk").values_list("via", flat=True)) == [
        "open_data",
        "web",
    ]
    assert_accessible()
