"""A respondent uses one suggested answer from open data and types their own over another;
a catalogue editor imports a file on the page."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Answer, AnswerChange
from opendata.models import OpenDataValue
from tests.browser.test_departments import _sign_in
from tests.opendata.conftest import FILES, load_bodies
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


def test_a_catalogue_editor_imports_a_file_and_a_bad_one_is_refused(
    page, personas, assert_accessible
):
    load_bodies()
    _sign_in(page, personas.catalogue_editor)
    page.goto(reverse("frameworks:editor"))
    page.get_by_role("link", name="オープンデータの取り込み").click()
    page.get_by_label("ファイル").set_input_files(str(FILES / "bad-number.csv"))
    page.get_by_label("時点").fill("2026-09-30")
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("#open-data-problems")).to_contain_text(
        "bad-number.csv、6行目、E列：「七十二%」は数値として読めません。"
    )
    assert_accessible()
    assert OpenDataValue.objects.count() == 0

    page.get_by_label("ファイル").set_input_files(str(FILES / "dashboard.zip"))
    page.get_by_label("時点").fill("2026-09-30")
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_text("dashboard.zipから14団体・52件の値を取り込みました。")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("dashboard.zip")
    assert OpenDataValue.objects.count() == 52
