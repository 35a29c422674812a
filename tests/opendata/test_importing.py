"""Importing open data: each published shape and encoding, matching by code or prefecture +
name, replacement per (source, item, as-of), and every bad file refused by place with nothing
changed."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from opendata.importing import open_data_import
from opendata.models import OpenDataImport, OpenDataValue
from opendata.reading import Cell, OpenDataRejected, parse_value
from tests.opendata.conftest import file_bytes

SOURCE = "デジタル庁「自治体DXダッシュボード」"
AS_OF = datetime.date(2026, 9, 30)
MYNUMBER = "マイナンバーカード保有枚数率"


def _import(data: bytes, name: str, *, as_of=AS_OF, source=SOURCE, user=None):
    return open_data_import(data=data, file_name=name, source=source, as_of=as_of, user=user)


def _values(item: str = MYNUMBER) -> dict[str, Decimal]:
    return {
        v.municipality.code: v.value
        for v in OpenDataValue.objects.filter(item=item).select_related("municipality")
    }


# The dashboard fixtures' マイナンバーカード保有枚数率, by code: 府中市 and 伊達市 each twice
# (東京都 / 広島県, 北海道 / 福島県), 北海道 itself, a 特別区, 瑞穂町 blank ("-"), 清川村 "―".
DASHBOARD_MYNUMBER = {
    "010006": Decimal("81.5"),  # 北海道
    "011002": Decimal("78.2"),  # 札幌市
    "012033": Decimal("77.0"),  # 小樽市
    "012025": Decimal("80.4"),  # 函館市
    "012335": Decimal("72.3"),  # 伊達市（北海道）
    "072133": Decimal("85.1"),  # 伊達市（福島県）
    "131016": Decimal("79.9"),  # 千代田区
    "131041": Decimal("76.4"),  # 新宿区
    "132063": Decimal("83.0"),  # 府中市（東京都）
    "342084": Decimal("88.6"),  # 府中市（広島県）
    "141003": Decimal("80.0"),  # 横浜市
    "143014": Decimal("82.7"),  # 葉山町
}


@pytest.mark.parametrize("name", ["dashboard-sjis.csv", "dashboard.xlsx", "dashboard.zip"])
def test_the_dashboard_shape_is_read_from_csv_xlsx_and_zip(bodies, name):
    imported = _import(file_bytes(name), name)
    assert _values() == DASHBOARD_MYNUMBER
    # 瑞穂町 is written 「西多摩郡瑞穂町」 in the file; its 32手続 value is read.
    assert _values("よく使う32手続オンライン化率")["133035"] == Decimal("40.6")
    assert _values("52手続オンライン申請率")["012335"] == Decimal("22.0")
    if name != "dashboard.zip":  # the ZIP's members carry AI導入 in the CSV only, also
        assert _values("AI導入")["012335"] == Decimal("0")
    assert _values("AI導入")["072133"] == Decimal("1")
    assert (imported.source, imported.as_of, imported.file_name) == (SOURCE, AS_OF, name)
    assert imported.municipality_count == 14
    assert imported.value_count == OpenDataValue.objects.count() == 52


def test_the_code_keyed_csv_matches_by_code(bodies):
    imported = _import(file_bytes("codes.csv"), "codes.csv")
    assert _values() == {
        "132063": Decimal("83.0"),  # full-width digits and ％
        "342084": Decimal("88.6"),
        "012335": Decimal("72.3"),
        "072133": Decimal("85.1"),
        "131016": Decimal("79.9"),
    }
    assert _values("52手続オンライン申請率") == {
        "132063": Decimal("39.9"),
        "072133": Decimal("35.5"),
        "131016": Decimal("55.1"),
    }
    assert imported.value_count == 8


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings(bodies, encoding):
    text = "団体コード,団体名,マイナンバーカード保有枚数率\r\n132063,府中市,83.0%\r\n"
    _import(text.encode(encoding), "codes.csv")
    assert _values() == {"132063": Decimal("83.0")}


def test_a_dashboard_with_a_code_row_checks_the_code_against_prefecture_and_name(bodies):
    rows = "都道府県,東京都,広島県\r\n団体名,府中市,府中市\r\n団体コード,132063,132063\r\nマイナンバーカード保有枚数率,1,2\r\n"
    with pytest.raises(OpenDataRejected) as refused:
        _import(rows.encode("cp932"), "dashboard.csv")
    assert refused.value.problems == [
        "dashboard.csv、2行目、C列：団体コード「132063」は府中市のコードで、「広島県 府中市」と一致しません。"
    ]


def test_a_name_with_its_prefecture_before_it_matches(bodies):
    rows = "都道府県,東京都\r\n団体名,東京都府中市\r\nマイナンバーカード保有枚数率,83\r\n"
    _import(rows.encode("cp932"), "dashboard.csv")
    assert _values() == {"132063": Decimal("83")}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("72.3%", "percent", Decimal("72.3")),
        ("７２．３％", "percent", Decimal("72.3")),
        ("72.3 %", "percent", Decimal("72.3")),
        ("100", "percent", Decimal("100")),
        ("-", "percent", None),
        ("―", "percent", None),
        ("－", "percent", None),
        ("", "percent", None),
        ("1,234", "count", Decimal("1234")),
        ("○", "flag", Decimal("1")),
        ("×", "flag", Decimal("0")),
    ],
)
def test_cell_values(text, kind, expected):
    assert parse_value(Cell(text), kind) == expected


def test_a_workbook_percentage_cell_is_read_as_shown():
    assert parse_value(Cell(0.723, percent=True), "percent") == Decimal("72.3")
    assert parse_value(Cell(0.801234567, percent=True), "percent") == Decimal("80.1235")
    assert parse_value(Cell(72.3), "percent") == Decimal("72.3")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("七十二%", "percent"), ("123.4%", "percent"), ("-1", "percent"), ("1.5", "count"),
     ("12%", "count"), ("2", "flag"), ("72..3", "percent")],
)  # fmt: skip
def test_bad_cell_values(text, kind):
    with pytest.raises(ValueError):
        parse_value(Cell(text), kind)


# --- bad files: the place named, nothing changed -------------------------------------------

BAD_FILES = [
    ("bad-unknown-municipality.csv", "bad-unknown-municipality.csv、2行目、C列：「北海道 府中市」という団体は団体の一覧にありません。"),
    ("bad-name-without-prefecture.csv", "bad-name-without-prefecture.csv、1行目：団体名だけで都道府県がありません。"),
    ("bad-number.csv", "bad-number.csv、6行目、E列：「七十二%」は数値として読めません。"),
    ("bad-percent-range.csv", "bad-percent-range.csv、6行目、C列：割合は0〜100の範囲で書いてください（123.4%）。"),
    ("bad-unknown-item.csv", "bad-unknown-item.csv、7行目、A列：「住民満足度」は取り込める項目ではありません"),
    ("bad-encoding.csv", "bad-encoding.csv：文字コードが UTF-16 です。"),
    ("bad-check-digit.csv", "bad-check-digit.csv、2行目、A列：団体コード「132064」は6桁の全国地方公共団体コードではありません"),
    ("bad-duplicate.zip", "bad-duplicate.zip、b.csv、6行目、B列：北海道の「マイナンバーカード保有枚数率」が2回あります（もう1つは bad-duplicate.zip、a.csv、6行目、B列）。"),
    ("bad-zip-bomb.zip", "bad-zip-bomb.zip、dashboard.csv：展開すると大きくなりすぎるため読み込めません"),
    ("bad-too-many-members.zip", "bad-too-many-members.zip：ZIPに含まれるファイルが多すぎます（上限は 20 個です）。"),
    ("bad-path.zip", "bad-path.zip、../dashboard.csv：ZIP内のファイル名に使えない場所の指定があります。"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), BAD_FILES)
def test_a_bad_file_is_refused_by_place_and_changes_nothing(bodies, name, message):
    _import(file_bytes("codes.csv"), "codes.csv")
    before = (
        list(OpenDataValue.objects.values_list("pk", "value")),
        OpenDataImport.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(OpenDataRejected) as refused:
        _import(file_bytes(name), name)
    assert refused.value.problems[0].startswith(message)
    after = (
        list(OpenDataValue.objects.values_list("pk", "value")),
        OpenDataImport.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_every_problem_of_a_file_is_listed_once(bodies):
    with pytest.raises(OpenDataRejected) as refused:
        _import(file_bytes("bad-check-digit.csv"), "bad-check-digit.csv")
    assert len(refused.value.problems) == 1  # one row, two item columns: named once


def test_a_wrong_encoding_that_decodes_is_refused_for_its_missing_header(bodies):
    data = "団体コード,マイナンバーカード保有枚数率\r\n132063,83.0\r\n".encode("euc_jp")
    with pytest.raises(OpenDataRejected) as refused:
        _import(data, "codes.csv")
    assert "文字コード（UTF-8 または Shift_JIS）" in refused.value.problems[0]


def test_a_zip_member_that_is_an_archive_is_refused(bodies):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", file_bytes("codes.csv"))
        archive.writestr("inner.zip", file_bytes("dashboard.zip"))
    with pytest.raises(OpenDataRejected) as refused:
        _import(buffer.getvalue(), "outer.zip")
    assert refused.value.problems[0].startswith("outer.zip、inner.zip：")


def test_a_file_of_another_type_is_refused(bodies):
    with pytest.raises(OpenDataRejected) as refused:
        _import(b"%PDF-1.7", "dashboard.pdf")
    assert "取り込めるのは .zip・.csv・.xlsx" in refused.value.problems[0]


# --- replacement and audit -----------------------------------------------------------------


def test_an_import_replaces_the_items_of_the_same_source_and_date_only(bodies):
    _import(file_bytes("dashboard-sjis.csv"), "dashboard-sjis.csv")
    _import(file_bytes("dashboard-sjis.csv"), "dashboard-sjis.csv", as_of=datetime.date(2026, 4, 1))
    second = _import(file_bytes("codes.csv"), "codes.csv")
    assert second.replaced_count == 12 + 13  # マイナンバー and 52手続 of 2026-09-30
    september = OpenDataValue.objects.filter(source_import__as_of=AS_OF)
    assert set(september.filter(item=MYNUMBER).values_list("municipality__code", flat=True)) == {
        "132063", "342084", "012335", "072133", "131016"
    }  # fmt: skip
    # Items the new file does not have stay, and so does the other date.
    assert september.filter(item="よく使う32手続オンライン化率").count() == 13
    assert (
        OpenDataValue.objects.filter(source_import__as_of=datetime.date(2026, 4, 1)).count() == 52
    )


def test_the_import_is_audited(bodies, personas):
    _import(file_bytes("codes.csv"), "codes.csv", user=personas.admin)
    event = AuditEvent.objects.get(action=AuditAction.OPEN_DATA_IMPORTED)
    assert event.actor == personas.admin
    assert event.municipality is None
    assert event.detail["values"] == 8
    assert describe(event) == (
        "デジタル庁「自治体DXダッシュボード」（2026年9月30日時点）を「codes.csv」から取り込みました：5団体・8件の値"
    )


def test_a_source_is_required(bodies):
    with pytest.raises(OpenDataRejected):
        _import(file_bytes("codes.csv"), "codes.csv", source="  ")
    assert OpenDataImport.objects.count() == 0
