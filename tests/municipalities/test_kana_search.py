"""A reading is found however it is typed: hiragana, katakana, half-width, small kana or not."""

from datetime import date

import pytest
from django.urls import reverse

from dxportal.kana import kana_search_key
from municipalities.importing import municipalities_import
from municipalities.models import Municipality
from tests.factories import MunicipalityFactory
from tests.municipalities.master_files import read_rows

TYPED = ["ぎょうだ", "ギョウダ", "ｷﾞｮｳﾀﾞ", "ギヨウダ"]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("ぎょうだ", "ギヨウダ"),
        ("ギョウダ", "ギヨウダ"),
        ("ｷﾞｮｳﾀﾞ", "ギヨウダ"),
        ("ギヨウダシ", "ギヨウダシ"),
        ("さっぽろ し", "サツポロシ"),
        ("ｻｯﾎﾟﾛ", "サツポロ"),
        ("ぁぃぅぇぉゎ", "アイウエオワ"),
        ("ゔ", "ヴ"),
        ("行田", "行田"),
        ("  ", ""),
    ],
)
def test_the_search_key_folds_script_width_and_small_kana(typed, key):
    assert kana_search_key(typed) == key


@pytest.fixture
def saitama(db):
    """The real master rows of 埼玉県, 行田市 (listed as ギヨウダシ) and two neighbours."""
    rows = [row for row in read_rows() if row["code"] in {"110001", "112011", "112020", "112062"}]
    assert len(rows) == 4
    municipalities_import(rows_or_path=rows, effective_on=date(2024, 10, 1), source="テスト")
    gyoda = Municipality.objects.get(code="112062")
    assert (gyoda.name, gyoda.name_kana, gyoda.name_kana_search) == (
        "行田市",
        "ギヨウダシ",
        "ギヨウダシ",
    )
    return gyoda


@pytest.mark.parametrize("typed", TYPED)
def test_every_way_of_typing_the_reading_finds_gyoda(saitama, typed):
    found = list(Municipality.objects.search(typed))
    assert len(found) == 1
    assert found == [saitama]


def test_code_and_name_still_find_a_body(saitama):
    assert list(Municipality.objects.search("112062")) == [saitama]
    assert list(Municipality.objects.search("行田")) == [saitama]
    assert Municipality.objects.search("  ").count() == 4
    assert not Municipality.objects.search("ぎょうざ").exists()


@pytest.mark.parametrize("extra_bodies", [0, 30])
@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_search_finds_gyoda_in_a_pinned_number_of_queries(
    client, personas, saitama, typed, extra_bodies, django_assert_num_queries
):
    MunicipalityFactory.create_batch(extra_bodies)
    client.force_login(personas.admin)
    url = reverse("admin:municipalities_municipality_changelist")
    client.get(url)
    # Session, user, memberships (is_staff), the prefecture filter's choices, the
    # found count, the total count and the page's rows, with no session write —
    # however many bodies there are.
    with django_assert_num_queries(7):
        response = client.get(url, {"q": typed})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert list(response.context["cl"].result_list) == [saitama]


@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_autocomplete_finds_gyoda(client, personas, saitama, typed):
    client.force_login(personas.admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "accounts",
            "model_name": "membership",
            "field_name": "municipality",
            "term": typed,
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(saitama.pk)]


@pytest.mark.django_db
def test_saving_a_body_keeps_its_search_key_in_step():
    body = MunicipalityFactory(name_kana="ギヨウダシ")
    assert body.name_kana_search == "ギヨウダシ"
    body.name_kana = "ｷﾞｮｳﾀﾞｼ"
    body.save(update_fields=["name_kana"])
    body.refresh_from_db()
    assert body.name_kana_search == "ギヨウダシ"


def test_a_repeated_import_repairs_a_stale_search_key_without_recording_a_change(saitama):
    Municipality.objects.filter(pk=saitama.pk).update(name_kana_search="")
    rows = [row for row in read_rows() if row["code"] in {"110001", "112011", "112020", "112062"}]
    result = municipalities_import(
        rows_or_path=rows, effective_on=date(2025, 4, 1), source="テスト"
    )
    assert (result.updated, result.unchanged, len(result.changes)) == (0, 4, 0)
    saitama.refresh_from_db()
    assert saitama.name_kana_search == "ギヨウダシ"
    assert not saitama.changes.exists()
