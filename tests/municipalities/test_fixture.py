"""The committed master file itself, read as plain CSV (no database)."""

import unicodedata
from collections import Counter

import pytest

from municipalities.codes import prefecture_code_of
from municipalities.importing import COLUMNS
from municipalities.models import MunicipalityKind
from tests.municipalities.master_files import EXPECTED_KIND_COUNTS, FIXTURE, read_rows, row_for


def test_the_header_is_the_documented_one():
    first_line = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == ",".join(COLUMNS)


def test_the_file_has_1788_distinct_bodies_with_the_official_kind_counts():
    rows = read_rows()
    assert len(rows) == 1788
    assert len({row["code"] for row in rows}) == 1788
    assert Counter(row["kind"] for row in rows) == EXPECTED_KIND_COUNTS
    assert set(EXPECTED_KIND_COUNTS) == set(MunicipalityKind.values)


def test_kana_are_full_width_katakana():
    for row in read_rows():
        kana = row["name_kana"]
        assert kana, row
        assert unicodedata.normalize("NFKC", kana) == kana, row
        # No half-width katakana (U+FF61–U+FF9F) left.
        assert not any("\uff61" <= char <= "\uff9f" for char in kana), row


def test_every_municipality_names_its_own_prefecture():
    rows = read_rows()
    prefectures = {row["code"] for row in rows if row["kind"] == "prefecture"}
    for row in rows:
        if row["kind"] == "prefecture":
            assert row["prefecture_code"] == "", row
            assert row["code"][2:5] == "000", row
        else:
            assert row["prefecture_code"] == prefecture_code_of(row["code"]), row
            assert row["prefecture_code"] in prefectures, row


def test_names_are_without_prefecture_and_match_their_suffix():
    for row in read_rows():
        name, kind = row["name"], row["kind"]
        if kind == "prefecture":
            assert name[-1] in "都道府県", row
            continue
        suffix = {"special_ward": "区", "town": "町", "village": "村"}.get(kind, "市")
        assert name.endswith(suffix), row


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("011002", "札幌市", "designated_city"),
        ("141500", "相模原市", "designated_city"),
        ("012025", "函館市", "core_city"),
        ("072010", "福島市", "core_city"),
        ("013323", "福島町", "town"),  # 福島市 ≠ 福島町: kinds are matched by code
        ("082201", "つくば市", "former_special_city"),
        ("142077", "茅ヶ崎市", "former_special_city"),
        ("012131", "苫小牧市", "city"),
        ("402311", "那珂川市", "city"),
        ("131016", "千代田区", "special_ward"),
        ("131237", "江戸川区", "special_ward"),
        ("013030", "当別町", "town"),
        ("013048", "新篠津村", "village"),
        ("130001", "東京都", "prefecture"),
    ],
)
def test_known_bodies_have_the_right_kind(code, name, kind):
    row = row_for(read_rows(), code)
    assert (row["name"], row["kind"]) == (name, kind)
