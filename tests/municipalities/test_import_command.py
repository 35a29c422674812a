"""manage.py import_municipalities: Japanese report, refusal naming the row, --dry-run."""

from datetime import date
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from municipalities.codes import check_digit, prefecture_code_of
from municipalities.models import Municipality, MunicipalityChange
from tests.municipalities.master_files import FIXTURE, db_state, line_of, read_rows, row_for

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("import_municipalities", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def _write(path, rows, *, header="code,name,name_kana,prefecture_code,kind"):
    lines = [header] + [",".join(row[column] for column in header.split(",")) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_first_import_reports_the_counts_in_japanese():
    output = _run(FIXTURE, "--effective-on", "2024-10-01")
    assert "団体マスタを取り込みました（施行日 2024-10-01" in output
    assert "新規: 1788件" in output
    assert "変更なし: 0件" in output
    assert Municipality.objects.count() == 1788


def test_running_it_again_is_safe():
    _run(FIXTURE)
    before = db_state()
    output = _run(FIXTURE)
    assert "新規: 0件" in output
    assert "変更なし: 1788件" in output
    assert db_state() == before


def test_changes_default_to_today_in_japan_and_the_documented_source(tmp_path):
    _run(FIXTURE)
    rows = read_rows()
    row_for(rows, "012131")["name"] = "新苫小牧市"
    output = _run(_write(tmp_path / "newer.csv", rows), "--verbosity", "2")

    change = MunicipalityChange.objects.get()
    assert change.effective_on == timezone.localdate(timezone=ZoneInfo("Asia/Tokyo"))
    assert change.source.startswith("総務省 全国地方公共団体コード")
    assert "012131 苫小牧市 name: 苫小牧市 → 新苫小牧市" in output


def test_the_source_option_is_recorded(tmp_path):
    _run(FIXTURE)
    rows = read_rows()
    row_for(rows, "082201")["kind"] = "core_city"
    _run(_write(tmp_path / "newer.csv", rows), "--source", "総務省 2027年4月1日現在")
    assert MunicipalityChange.objects.get().source == "総務省 2027年4月1日現在"


def _wrong_check_digit(rows):
    row_for(rows, "012131")["code"] = "012130"
    return line_of(rows, "012130"), "検査数字"


def _unknown_kind(rows):
    row_for(rows, "012131")["kind"] = "metropolis"
    return line_of(rows, "012131"), "区分「metropolis」は不明"


def _duplicate_code(rows):
    rows.append(dict(row_for(rows, "012131")))
    return len(rows) + 1, "重複しています（15行目と同じ）"


def _prefecture_of_another_code(rows):
    row_for(rows, "012131")["prefecture_code"] = "020001"
    return line_of(
        rows, "012131"
    ), "都道府県コード 020001 が団体コード 012131 の上2桁（01）と合いません"


def _prefecture_that_does_not_exist(rows):
    # Consistent with the code, but no prefecture 48 exists anywhere.
    code = "48201" + str(check_digit("48201"))
    prefecture = prefecture_code_of(code)
    row_for(rows, "012131").update(code=code, prefecture_code=prefecture)
    return line_of(rows, code), (
        f"都道府県コード {prefecture} の都道府県がファイルにもデータベースにもありません"
    )


def _no_name(rows):
    row_for(rows, "012131")["name"] = ""
    return line_of(rows, "012131"), "名称（name）が空です"


def _prefecture_kind_on_a_city_code(rows):
    row_for(rows, "012131").update(kind="prefecture", prefecture_code="")
    return line_of(rows, "012131"), "都道府県の形（PP000K）ではありません"


@pytest.mark.parametrize(
    "break_file",
    [
        _wrong_check_digit,
        _unknown_kind,
        _duplicate_code,
        _prefecture_of_another_code,
        _prefecture_that_does_not_exist,
        _no_name,
        _prefecture_kind_on_a_city_code,
    ],
)
@pytest.mark.parametrize("already_imported", [False, True], ids=["empty", "imported"])
def test_a_bad_row_is_refused_by_line_and_nothing_is_written(
    tmp_path, break_file, already_imported
):
    if already_imported:
        _run(FIXTURE)
    before = db_state()
    rows = read_rows()
    # A valid change elsewhere in the file that must not be applied either.
    row_for(rows, "011002")["name"] = "札幌特別市"
    line, problem = break_file(rows)

    with pytest.raises(CommandError) as error:
        _run(_write(tmp_path / "bad.csv", rows), "--effective-on", "2027-04-01")

    message = str(error.value)
    assert "取り込みを中止しました（何も書き込んでいません）" in message
    assert f"{line}行目: " in message
    assert problem in message
    assert db_state() == before


def test_a_prefecture_left_out_of_the_list_is_refused_even_if_it_is_in_the_database(tmp_path):
    _run(FIXTURE)
    before = db_state()
    rows = [row for row in read_rows() if row["code"] != "470007"]  # 沖縄県

    with pytest.raises(CommandError) as error:
        _run(_write(tmp_path / "no_okinawa.csv", rows))

    message = str(error.value)
    # All 41 members of 沖縄県 are named; only the first 50 problems are listed.
    assert "に誤りが 41件ある" in message
    assert "都道府県 470007（沖縄県）の行がファイルにありません" in message
    assert f"{line_of(rows, '472018')}行目: " in message
    assert db_state() == before


def test_a_long_list_of_problems_is_cut_short(tmp_path):
    rows = read_rows()
    for row in rows[1:61]:
        row["kind"] = "metropolis"
    with pytest.raises(CommandError) as error:
        _run(_write(tmp_path / "bad.csv", rows))
    message = str(error.value)
    assert "に誤りが 60件ある" in message
    assert "ほか 10件" in message


def test_rows_with_the_wrong_number_of_fields_are_refused(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(
        "code,name,name_kana,prefecture_code,kind\n010006,北海道,ホッカイドウ\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="2行目: 列の数が見出し"):
        _run(path)


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    rows = read_rows()[:3]
    path = _write(tmp_path / "old.csv", rows, header="code,name,kind")
    with pytest.raises(CommandError, match="1行目: 見出し行に列 name_kana, prefecture_code"):
        _run(path)
    assert Municipality.objects.count() == 0


def test_a_bom_from_excel_is_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + FIXTURE.read_bytes())
    assert "新規: 1788件" in _run(path)


def test_a_missing_file_is_refused():
    with pytest.raises(CommandError, match="が見つかりません"):
        _run("no/such/file.csv")


def test_a_malformed_effective_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run(FIXTURE, "--effective-on", "2027/04/01")
    assert Municipality.objects.count() == 0


def test_dry_run_validates_and_reports_without_writing(tmp_path):
    output = _run(FIXTURE, "--dry-run")
    assert "【確認のみ】書き込みはしていません" in output
    assert "新規: 1788件" in output
    assert Municipality.objects.count() == 0

    _run(FIXTURE, "--effective-on", "2024-10-01")
    before = db_state()
    rows = [row for row in read_rows() if row["code"] != "013030"]
    row_for(rows, "082201")["kind"] = "core_city"
    output = _run(_write(tmp_path / "newer.csv", rows), "--dry-run", "--effective-on", "2027-04-01")
    assert "更新: 1件" in output
    assert "廃止: 1件" in output
    assert "変更履歴: 2件" in output
    assert db_state() == before


def test_dry_run_still_refuses_a_bad_file(tmp_path):
    rows = read_rows()
    row_for(rows, "012131")["code"] = "012130"
    with pytest.raises(CommandError, match="15行目: 団体コード 012130 の検査数字"):
        _run(_write(tmp_path / "bad.csv", rows), "--dry-run")


def test_effective_on_can_be_passed_as_a_date_object():
    call_command(
        "import_municipalities", str(FIXTURE), effective_on=date(2024, 10, 1), stdout=StringIO()
    )
    assert Municipality.objects.count() == 1788
