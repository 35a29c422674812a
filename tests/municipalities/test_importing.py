"""municipalities_import: the whole list in, changes recorded, nothing lost."""

from collections import Counter
from datetime import date

import pytest

from municipalities.codes import check_digit, prefecture_code_of
from municipalities.importing import MunicipalityImportError, municipalities_import
from municipalities.models import Municipality, MunicipalityChange, MunicipalityKind
from tests.municipalities.master_files import (
    EXPECTED_KIND_COUNTS,
    FIXTURE,
    db_state,
    line_of,
    read_rows,
    row_for,
    write_rows,
)

FIRST_LIST = date(2024, 10, 1)
NEWER_LIST = date(2027, 4, 1)
SOURCE = "総務省 全国地方公共団体コード（テスト）"

pytestmark = pytest.mark.django_db


def _import(rows_or_path=FIXTURE, *, effective_on=FIRST_LIST, dry_run=False):
    return municipalities_import(
        rows_or_path=rows_or_path, effective_on=effective_on, source=SOURCE, dry_run=dry_run
    )


def test_importing_the_fixture_creates_every_body_with_the_official_kind_counts():
    result = _import()

    assert (result.created, result.updated, result.abolished, result.unchanged) == (1788, 0, 0, 0)
    assert Municipality.objects.count() == 1788
    assert Municipality.objects.current().count() == 1788
    assert dict(Counter(Municipality.objects.values_list("kind", flat=True))) == (
        EXPECTED_KIND_COUNTS
    )
    # A first import is not a change of anything.
    assert MunicipalityChange.objects.count() == 0


def test_imported_kana_are_full_width():
    _import()
    kana = Municipality.objects.values_list("name_kana", flat=True)
    assert not [value for value in kana if any("\uff61" <= c <= "\uff9f" for c in value)]
    assert Municipality.objects.get(code="011002").name_kana == "サッポロシ"


def test_half_width_kana_in_the_file_are_stored_full_width(tmp_path):
    rows = read_rows()
    row_for(rows, "011002")["name_kana"] = "ｻｯﾎﾟﾛｼ"
    _import(write_rows(tmp_path / "half.csv", rows))
    assert Municipality.objects.get(code="011002").name_kana == "サッポロシ"


def test_every_body_hangs_under_its_own_prefecture():
    _import()
    for body in Municipality.objects.select_related("prefecture"):
        if body.kind == MunicipalityKind.PREFECTURE:
            assert body.prefecture is None
        else:
            assert body.prefecture.code == prefecture_code_of(body.code)
            assert body.prefecture.kind == MunicipalityKind.PREFECTURE
    sapporo = Municipality.objects.get(code="011002")
    assert str(sapporo) == "北海道札幌市"
    assert Municipality.objects.get(code="130001").members.count() == 62


def test_importing_takes_a_handful_of_queries(django_assert_max_num_queries):
    # Bulk writes, not one INSERT per body: 1,788 saves would be ~1,800 queries.
    with django_assert_max_num_queries(30):
        _import()
    with django_assert_max_num_queries(10):
        _import()


def test_reimporting_the_same_list_changes_nothing():
    _import()
    before = db_state()

    result = _import(effective_on=NEWER_LIST)

    assert (result.created, result.updated, result.abolished, result.unchanged) == (0, 0, 0, 1788)
    assert result.changes == ()
    assert db_state() == before


def test_a_renamed_body_keeps_its_row_and_records_the_old_name(tmp_path):
    _import()
    tomakomai = Municipality.objects.get(code="012131")
    rows = read_rows()
    row_for(rows, "012131").update(name="新苫小牧市", name_kana="シントマコマイシ")

    result = _import(write_rows(tmp_path / "newer.csv", rows), effective_on=NEWER_LIST)

    assert (result.created, result.updated, result.abolished, result.unchanged) == (0, 1, 0, 1787)
    renamed = Municipality.objects.get(code="012131")
    assert renamed.pk == tomakomai.pk
    assert (renamed.name, renamed.name_kana) == ("新苫小牧市", "シントマコマイシ")
    changes = {
        change.field: change for change in MunicipalityChange.objects.filter(municipality=renamed)
    }
    assert set(changes) == {"name", "name_kana"}
    assert (changes["name"].old_value, changes["name"].new_value) == ("苫小牧市", "新苫小牧市")
    assert (changes["name_kana"].old_value, changes["name_kana"].new_value) == (
        "トマコマイシ",
        "シントマコマイシ",
    )
    assert {change.effective_on for change in changes.values()} == {NEWER_LIST}
    assert {change.source for change in changes.values()} == {SOURCE}
    assert MunicipalityChange.objects.count() == 2


def test_a_promotion_to_core_city_records_the_former_kind(tmp_path):
    _import()
    rows = read_rows()
    row_for(rows, "082201")["kind"] = "core_city"  # つくば市, 施行時特例市 → 中核市

    result = _import(write_rows(tmp_path / "newer.csv", rows), effective_on=NEWER_LIST)

    assert result.updated == 1
    tsukuba = Municipality.objects.get(code="082201")
    assert tsukuba.kind == MunicipalityKind.CORE_CITY
    change = MunicipalityChange.objects.get()
    assert change.municipality == tsukuba
    assert (change.field, change.old_value, change.new_value) == (
        "kind",
        "former_special_city",
        "core_city",
    )
    assert change.effective_on == NEWER_LIST
    # Importing the newer list again is a no-op too.
    again = _import(tmp_path / "newer.csv", effective_on=date(2027, 5, 1))
    assert again.updated == 0
    assert MunicipalityChange.objects.count() == 1


def test_a_body_missing_from_the_newer_list_is_abolished_not_deleted(tmp_path):
    _import()
    rows = [row for row in read_rows() if row["code"] != "013030"]  # 当別町
    newer = write_rows(tmp_path / "newer.csv", rows)

    result = _import(newer, effective_on=NEWER_LIST)

    assert (result.created, result.updated, result.abolished, result.unchanged) == (0, 0, 1, 1787)
    tobetsu = Municipality.objects.get(code="013030")
    assert tobetsu.abolished_on == NEWER_LIST
    assert tobetsu.name == "当別町"
    assert Municipality.objects.count() == 1788
    assert Municipality.objects.current().count() == 1787
    change = MunicipalityChange.objects.get()
    assert (change.municipality, change.field, change.old_value, change.new_value) == (
        tobetsu,
        "abolished_on",
        "",
        "2027-04-01",
    )

    # Still missing from the next import: it stays abolished as of the first date.
    assert _import(newer, effective_on=date(2028, 4, 1)).abolished == 0
    assert Municipality.objects.get(code="013030").abolished_on == NEWER_LIST
    assert MunicipalityChange.objects.count() == 1


def test_a_body_listed_again_is_no_longer_abolished(tmp_path):
    _import()
    _import(
        write_rows(tmp_path / "newer.csv", [r for r in read_rows() if r["code"] != "013030"]),
        effective_on=NEWER_LIST,
    )

    result = _import(effective_on=date(2028, 4, 1))

    assert result.updated == 1
    assert Municipality.objects.get(code="013030").abolished_on is None
    revived = MunicipalityChange.objects.filter(effective_on=date(2028, 4, 1)).get()
    assert (revived.field, revived.old_value, revived.new_value) == (
        "abolished_on",
        "2027-04-01",
        "",
    )


def test_a_merger_creates_the_new_body_and_abolishes_the_old_ones(tmp_path):
    _import()
    merged_away = {"013030", "013048"}  # 当別町, 新篠津村
    new_code = "01999" + str(check_digit("01999"))
    rows = [row for row in read_rows() if row["code"] not in merged_away]
    rows.append(
        {
            "code": new_code,
            "name": "石狩北市",
            "name_kana": "ｲｼｶﾘｷﾀｼ",
            "prefecture_code": "010006",
            "kind": "city",
        }
    )

    result = _import(write_rows(tmp_path / "merger.csv", rows), effective_on=NEWER_LIST)

    assert (result.created, result.abolished, result.unchanged) == (1, 2, 1786)
    new_city = Municipality.objects.get(code=new_code)
    assert new_city.prefecture.code == "010006"
    assert new_city.name_kana == "イシカリキタシ"
    assert set(
        Municipality.objects.filter(abolished_on=NEWER_LIST).values_list("code", flat=True)
    ) == (merged_away)


def test_a_first_import_of_a_partial_list_creates_prefectures_before_members(tmp_path):
    rows = [row for row in read_rows() if row["code"][:2] == "47"]  # 沖縄県 and its members
    result = _import(write_rows(tmp_path / "okinawa.csv", rows))
    assert result.created == len(rows) == 42
    assert Municipality.objects.get(code="472018").prefecture.name == "沖縄県"


def test_rows_can_be_given_without_a_file():
    rows = [row for row in read_rows() if row["code"][:2] == "47"]
    rows[3]["kind"] = "metropolis"
    with pytest.raises(MunicipalityImportError) as error:
        _import(rows)
    # Counted as if the rows followed a header line.
    assert [problem.line for problem in error.value.problems] == [5]


def test_a_bad_file_reports_every_problem_with_its_line_and_writes_nothing(tmp_path):
    _import()
    before = db_state()
    rows = read_rows()
    row_for(rows, "011002")["name"] = "札幌特別市"  # a good change that must not be applied
    row_for(rows, "012131")["code"] = "012130"
    row_for(rows, "012033")["kind"] = "metropolis"
    row_for(rows, "012041")["name"] = ""
    path = write_rows(tmp_path / "bad.csv", rows)

    with pytest.raises(MunicipalityImportError) as error:
        _import(path, effective_on=NEWER_LIST)

    lines = [problem.line for problem in error.value.problems]
    assert lines == sorted(lines)
    assert set(lines) == {
        line_of(rows, "012130"),
        line_of(rows, "012033"),
        line_of(rows, "012041"),
    }
    assert db_state() == before


def test_a_dry_run_reports_the_counts_and_writes_nothing(tmp_path):
    result = _import(dry_run=True)
    assert (result.created, result.dry_run) == (1788, True)
    assert Municipality.objects.count() == 0

    _import()
    before = db_state()
    rows = [row for row in read_rows() if row["code"] != "013030"]
    row_for(rows, "082201")["kind"] = "core_city"
    result = _import(
        write_rows(tmp_path / "newer.csv", rows), effective_on=NEWER_LIST, dry_run=True
    )
    assert (result.created, result.updated, result.abolished) == (0, 1, 1)
    assert {(change.code, change.field) for change in result.changes} == {
        ("082201", "kind"),
        ("013030", "abolished_on"),
    }
    assert db_state() == before


@pytest.mark.parametrize("source", ["", "  ", "x" * 201])
def test_the_source_must_be_given_and_fit(source):
    with pytest.raises(MunicipalityImportError):
        municipalities_import(rows_or_path=FIXTURE, effective_on=FIRST_LIST, source=source)
    assert Municipality.objects.count() == 0


def test_a_failure_while_writing_rolls_back_the_whole_import(tmp_path, monkeypatch):
    _import()
    before = db_state()
    rows = [row for row in read_rows() if row["code"] != "013030"]
    row_for(rows, "012131")["name"] = "新苫小牧市"

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # The change log is written last; the bodies updated before it must not stay.
    monkeypatch.setattr(MunicipalityChange.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        _import(write_rows(tmp_path / "newer.csv", rows), effective_on=NEWER_LIST)
    assert db_state() == before
