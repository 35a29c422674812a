"""The answering page tells the respondent the count that scores full marks for their own
body (Indicator.full_score_for: full_score_by_band by 人口規模区分, else full_score_at)."""

import pytest

from municipalities.models import Municipality, MunicipalityKind
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page

pytestmark = pytest.mark.django_db

HOW = "0以上の整数で入力します（全角数字も使えます）。"


def _hint(client, personas, *, kind, population, by_band) -> str:
    Municipality.objects.filter(pk=personas.municipality_a.pk).update(
        kind=kind, population=population
    )
    all_types = open_all_types(personas)
    count = all_types.indicator("CNT-01")
    count.full_score_by_band = by_band
    count.save(update_fields=["full_score_by_band"])
    client.force_login(personas.respondent_a)
    page = Page(client.get(all_types.area_url()).content.decode())
    field = page.one("input", id=f"a{count.pk}-number")
    assert f"a{count.pk}-number-hint" in field.attrs["aria-describedby"]
    return page.one("p", id=f"a{count.pk}-number-hint").text


BANDS = {"town_village_1": 2.0, "designated_city": 20.0}


def test_a_small_village_is_told_its_own_lower_value(client, personas):
    hint = _hint(client, personas, kind=MunicipalityKind.VILLAGE, population=3_000, by_band=BANDS)
    assert hint == (
        f"{HOW} 貴団体では2人以上で満点（100点）です。"
        " 満点とする値は人口規模区分ごとに決まっています（貴団体: 町村 I（5千人未満））。"
    )


def test_a_designated_city_is_told_its_own_higher_value(client, personas):
    hint = _hint(
        client,
        personas,
        kind=MunicipalityKind.DESIGNATED_CITY,
        population=3_700_000,
        by_band=BANDS,
    )
    assert hint == (
        f"{HOW} 貴団体では20人以上で満点（100点）です。"
        " 満点とする値は人口規模区分ごとに決まっています（貴団体: 政令指定都市）。"
    )


def test_a_band_not_listed_is_told_the_plain_value(client, personas):
    hint = _hint(client, personas, kind=MunicipalityKind.CITY, population=80_000, by_band=BANDS)
    assert hint.startswith(f"{HOW} 貴団体では10人以上で満点（100点）です。")
    assert "その他の市 II（5万人以上10万人未満）" in hint


def test_a_body_without_population_is_told_the_plain_value_and_why(client, personas):
    hint = _hint(client, personas, kind=MunicipalityKind.TOWN, population=None, by_band=BANDS)
    assert hint == (
        f"{HOW} 貴団体では10人以上で満点（100点）です。"
        " 人口が登録されていないため、人口規模区分によらない値を用いています。"
    )


def test_an_indicator_without_bands_names_only_the_value(client, personas):
    hint = _hint(client, personas, kind=MunicipalityKind.VILLAGE, population=3_000, by_band={})
    assert hint == f"{HOW} 貴団体では10人以上で満点（100点）です。"


def test_the_saved_answer_block_keeps_the_value(client, personas):
    Municipality.objects.filter(pk=personas.municipality_a.pk).update(
        kind=MunicipalityKind.VILLAGE, population=3_000
    )
    all_types = open_all_types(personas)
    count = all_types.indicator("CNT-01")
    count.full_score_by_band = BANDS
    count.save(update_fields=["full_score_by_band"])
    client.force_login(personas.respondent_a)

    response = client.post(all_types.save_url("CNT-01"), {"number": "1", "base_version": 0}, **HTMX)

    assert response.status_code == 200
    hint = Page(response.content.decode()).one("p", id=f"a{count.pk}-number-hint").text
    assert "貴団体では2人以上で満点（100点）です。" in hint
