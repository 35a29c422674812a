"""A respondent sees the count that scores full marks for their own body (by 人口規模区分),
next to the field and as its description; the scoring rules page lists the bands."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from municipalities.models import Municipality, MunicipalityKind
from tests.assessments.answering_support import open_all_types
from tests.browser.test_departments import _sign_in


def test_a_small_village_sees_its_own_full_score_for_a_count(page, personas, assert_accessible):
    Municipality.objects.filter(pk=personas.municipality_a.pk).update(
        kind=MunicipalityKind.VILLAGE, population=3_000
    )
    all_types = open_all_types(personas)
    count = all_types.indicator("CNT-01")
    count.full_score_by_band = {"town_village_1": 2.0, "designated_city": 20.0}
    count.save(update_fields=["full_score_by_band"])

    _sign_in(page, personas.respondent_a)
    page.goto(all_types.area_url())

    field = page.locator(f"#a{count.pk}-number")
    hint = page.locator(f"#a{count.pk}-number-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("貴団体では2人以上で満点（100点）です。")
    expect(hint).to_contain_text("貴団体: 町村 I（5千人未満）")
    expect(field).to_have_accessible_description(re.compile("貴団体では2人以上で満点"))
    assert_accessible()

    # Answering keeps the value in place after the block is saved and swapped in.
    field.fill("1")
    field.press("Tab")
    block = page.locator(f"#indicator-{count.pk}")
    expect(block).to_have_attribute("data-autosave-state", "saved")
    expect(page.locator(f"#a{count.pk}-number-hint")).to_contain_text(
        "貴団体では2人以上で満点（100点）です。"
    )

    page.goto(reverse("results:rules"))
    row = page.locator(f"#count-threshold-{all_types.edition.pk}-CNT-01")
    expect(row).to_contain_text("町村 I（5千人未満）: 2人")
    expect(row).to_contain_text("政令指定都市: 20人")
    assert_accessible()
