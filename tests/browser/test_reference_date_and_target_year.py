"""基準日 and 目標年度 in a real browser: the coordinator's round form with its 基準日
default and a changed day; the respondent's area page with the notice beside a dated
indicator, and a target year chosen, autosaved and shown again after a reload."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, Round
from dxportal.japanese_calendar import fiscal_year_of
from tests.assessments.answering_support import open_all_types
from tests.browser.test_departments import _sign_in
from tests.frameworks.factories import make_edition


def test_the_round_form_offers_april_first_and_keeps_a_changed_day(
    page, personas, assert_accessible
):
    make_edition(indicators=2, areas=1)
    municipality = personas.municipality_a
    this_year = fiscal_year_of(timezone.localdate())
    _sign_in(page, personas.coordinator_a)
    page.goto(reverse("rounds:new", kwargs={"code": municipality.code}))

    day = page.get_by_label("基準日")
    expect(day).to_have_value(f"{this_year}-04-01")
    assert_accessible()
    # Another fiscal year moves the untouched default with it (static/js/reference-date.js).
    page.get_by_role("combobox", name="年度").select_option(str(this_year + 1))
    expect(day).to_have_value(f"{this_year + 1}-04-01")
    page.get_by_role("combobox", name="年度").select_option(str(this_year))
    expect(day).to_have_value(f"{this_year}-04-01")

    # The state on the last day of the year before, as a survey at the start of a year asks.
    day.fill(f"{this_year}-03-31")
    page.get_by_role("button", name="ラウンドを開始する").click()
    expect(page.get_by_role("status")).to_contain_text("評価ラウンドを開始しました")

    round_ = Round.objects.get(municipality=municipality)
    assert round_.reference_date == datetime.date(this_year, 3, 31)
    expect(page.get_by_text(re.compile(rf"{this_year}年3月31日.*現在"))).to_be_visible()


def test_the_answering_page_shows_the_notice_and_autosaves_a_target_year(
    page, personas, assert_accessible
):
    all_types = open_all_types(personas, fiscal_year=2026)
    dated = all_types.indicator("MAT-01")
    dated.help_text = "導入の状況を4月1日時点で選んでください。"
    dated.save()
    pk = dated.pk
    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())

    notice = page.locator(f"#reference-date-{pk}")
    expect(notice).to_have_text("基準日：2026年4月1日（令和8年4月1日）現在で回答してください")
    expect(page.locator(f"#answer-{pk} .answer__reference-date")).to_have_count(1)
    year = page.get_by_label("目標年度")
    expect(year).to_have_value("2029")  # three years on, before any target is set
    assert_accessible()

    # A target level and another year: autosaved, once settled, as one answer.
    # The rubric cards' labels cover the radios, as a person clicks them.
    page.locator(f"label[for=a{pk}-level-1]").click()
    page.locator(f"label[for=a{pk}-target_level-3]").click()
    year.select_option("2031")
    expect(year.locator("option:checked")).to_have_text("2031年度（令和13年度）")
    block = page.locator(f"#indicator-{pk}")
    expect(block).to_have_attribute("data-autosave-state", "saved")
    expect(page.locator(f"#status-{pk}")).to_contain_text("保存しました")

    answer = Answer.objects.get(questionnaire=all_types.questionnaire, indicator=dated)
    assert (answer.level, answer.target_level, answer.target_fiscal_year) == (1, 3, 2031)

    page.reload()
    expect(page.get_by_label("目標年度")).to_have_value("2031")
    expect(page.locator(f"#a{pk}-target_level-3")).to_be_checked()
    # Nothing was left waiting in the browser: the reload restored nothing.
    expect(page.get_by_text("保存されていなかった入力を")).to_have_count(0)
