"""Reading a published statistics file into values, before any municipality is looked up.

Two shapes (FORMAT.md): the dashboard's table (items as rows, municipalities as
columns by prefecture and name, optionally with a 団体コード row) and a plain table
keyed by 団体コード (municipalities as rows, items as columns). Either comes as CSV
(UTF-8 with or without BOM, or Shift_JIS/cp932) or XLSX, alone or as members of a
ZIP. A ZIP is checked before anything in it is inflated: size, member count,
declared sizes and ratios, no encryption, no paths that climb or start at the root,
no nested archives. An XLSX passes the portal's workbook check
(assessments.workbooks.reading.archive_check: zip bombs, macros, DTDs) before
openpyxl opens it.

Nothing here touches the database; every problem names its file, member, row and
column, and they are raised together as OpenDataRejected.
"""

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessments.workbooks.reading import WorkbookRejected, archive_check
from opendata.items import Item, item_named, name_key

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 20
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024  # tiny members compress oddly and cannot be bombs
MAX_ROWS = 5000
MAX_COLUMNS = 2000  # 1,788 bodies and the label column
HEADER_SEARCH_ROWS = 30  # title and note rows above the header
MAX_PROBLEMS = 30
STORED_PLACES = Decimal("0.0001")  # OpenDataValue.value

ZIP_MAGIC = b"PK\x03\x04"
DATA_SUFFIXES = (".csv", ".xlsx")
PREFECTURE_LABELS = {"都道府県", "都道府県名"}
NAME_LABELS = {"団体名", "市区町村名", "市区町村", "地方公共団体名"}
CODE_LABELS = {"団体コード", "地方公共団体コード", "全国地方公共団体コード"}
# What a cell with no figure holds: blank, or one of the dashes published tables use.
NO_VALUE = {"", "-", "‐", "−", "–", "—", "―", "ー", "…", "*"}
FLAG_VALUES = {
    "1": 1, "0": 0, "○": 1, "〇": 1, "◯": 1, "×": 0, "✕": 0,
    "有": 1, "無": 0, "あり": 1, "なし": 0, "はい": 1, "いいえ": 0,
}  # fmt: skip
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


class OpenDataRejected(Exception):
    """The file cannot be imported; `problems` say where and why, in words for the importer."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Place:
    file: str
    member: str = ""  # ZIP member, and/or sheet
    row: int | None = None
    column: int | None = None

    def at(self, *, row: int | None = None, column: int | None = None) -> "Place":
        return Place(self.file, self.member, row or self.row, column or self.column)

    def __str__(self) -> str:
        parts = [self.file] + ([self.member] if self.member else [])
        if self.row is not None:
            parts.append(_("%(row)d行目") % {"row": self.row})
        if self.column is not None:
            parts.append(_("%(column)s列") % {"column": get_column_letter(self.column)})
        return "、".join(parts)


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float or None
    percent: bool = False  # an XLSX cell formatted as a percentage (0.723 shows 72.3%)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value).strip()


@dataclass
class Table:
    place: Place  # file and member/sheet
    rows: list[list[Cell]]
    required: bool = True  # a CSV must be a table; a workbook's note sheets may not be


@dataclass(frozen=True)
class MunicipalityRef:
    """A column or row's body as the file names it: by code, or by prefecture and name."""

    place: Place
    code: str = ""
    prefecture: str = ""
    name: str = ""


@dataclass(frozen=True)
class Entry:
    ref: MunicipalityRef
    item: Item
    value: Decimal
    place: Place


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)
    more: int = 0  # past MAX_PROBLEMS

    def add(self, place: Place, message: str) -> None:
        line = f"{place}：{message}"
        if line in self.messages:
            return  # one body's column or row named once, however many items it has
        if len(self.messages) < MAX_PROBLEMS:
            self.messages.append(line)
        else:
            self.more += 1

    def raise_any(self) -> None:
        if self.more:
            self.messages.append(_("ほかに %(count)d 件の問題があります。") % {"count": self.more})
        if self.messages:
            raise OpenDataRejected(self.messages)


# --- files, members, encodings -----------------------------------------------------------


def read_entries(data: bytes, file_name: str) -> list[Entry]:
    """Every value in the file, with the body each names (unresolved); OpenDataRejected else."""
    problems = Problems()
    place = Place(PurePosixPath(file_name).name)
    entries: list[Entry] = []
    tables = list(_tables(data, place))
    if not any(not table.required or table.rows for table in tables):
        raise OpenDataRejected([f"{place}：" + _("取り込むデータがありません。")])
    found = False
    for table in tables:
        found_here = _read_table(table, entries, problems)
        found = found or found_here
    problems.raise_any()
    if not found:
        raise OpenDataRejected(
            [
                f"{place}："
                + _("「都道府県」または「団体コード」で始まる見出しの行がある表が見つかりません。")
            ]
        )
    return entries


def _tables(data: bytes, place: Place):
    if not data:
        raise OpenDataRejected([f"{place}：" + _("ファイルが空です。")])
    if len(data) > MAX_FILE_BYTES:
        raise OpenDataRejected(
            [
                f"{place}："
                + _("ファイルが大きすぎます（上限は %(limit)d MB です）。")
                % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
            ]
        )
    name = place.file.lower()
    if name.endswith(".zip"):
        yield from _zip_tables(data, place)
    elif name.endswith(".xlsx"):
        yield from _xlsx_tables(data, place)
    elif name.endswith(".csv"):
        yield _csv_table(data, place)
    else:
        raise OpenDataRejected(
            [f"{place}：" + _("取り込めるのは .zip・.csv・.xlsx のファイルです。")]
        )


def _zip_tables(data: bytes, place: Place):
    def refuse(message: str, member: str = ""):
        return OpenDataRejected([f"{Place(place.file, member)}：{message}"])

    if not data.startswith(ZIP_MAGIC):
        raise refuse(_("ZIPファイルとして読み込めません。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise refuse(_("ZIPファイルとして読み込めません。")) from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise refuse(
                _("ZIPに含まれるファイルが多すぎます（上限は %(limit)d 個です）。")
                % {"limit": MAX_MEMBERS}
            )
        total = 0
        for info in infos:
            member = info.filename
            path = PurePosixPath(member.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", member):
                raise refuse(_("ZIP内のファイル名に使えない場所の指定があります。"), member)
            if info.flag_bits & 0x1:
                raise refuse(_("暗号化されたファイルは読み込めません。"), member)
            total += info.file_size
            too_dense = info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            )
            if too_dense or total > MAX_UNCOMPRESSED_BYTES or info.file_size > MAX_FILE_BYTES:
                raise refuse(
                    _(
                        "展開すると大きくなりすぎるため読み込めません"
                        "（展開後の上限は %(limit)d MB、圧縮率の上限は %(ratio)d 倍です）。"
                    )
                    % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024), "ratio": MAX_RATIO},
                    member,
                )
        data_members = [info for info in infos if info.filename.lower().endswith(DATA_SUFFIXES)]
        if not data_members:
            raise refuse(_("ZIPに .csv・.xlsx のファイルがありません。"))
        for info in infos:
            if info.filename.lower().endswith((".zip", ".xls", ".xlsm")):
                raise refuse(
                    _("ZIPの中のZIPや、.xls・.xlsm のファイルは取り込めません。"), info.filename
                )
        for info in data_members:
            member_place = Place(place.file, info.filename)
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
                raise refuse(_("ZIP内のファイルを展開できません。"), info.filename) from None
            if info.filename.lower().endswith(".xlsx"):
                yield from _xlsx_tables(content, member_place)
            else:
                yield _csv_table(content, member_place)


def decode_text(data: bytes, place: Place) -> str:
    """UTF-8 (a BOM is dropped), else Shift_JIS (cp932, Windows' Shift_JIS with NEC and IBM
    extensions, as Excel writes it); anything else is refused by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1000]:
        raise OpenDataRejected(
            [
                f"{place}："
                + _(
                    "文字コードが UTF-16 です。UTF-8 または Shift_JIS のCSVとして保存し直してください。"
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise OpenDataRejected(
            [
                f"{place}："
                + _(
                    "文字コードを読み取れません。UTF-8 または Shift_JIS のCSVとして保存し直してください。"
                )
            ]
        ) from None


def _csv_table(data: bytes, place: Place) -> Table:
    text = decode_text(data, place)
    try:
        rows = []
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS or len(row) > MAX_COLUMNS:
                raise OpenDataRejected(
                    [
                        f"{place.at(row=number)}："
                        + _("行または列が多すぎます（上限は %(rows)d 行・%(columns)d 列です）。")
                        % {"rows": MAX_ROWS, "columns": MAX_COLUMNS}
                    ]
                )
            rows.append([Cell(value) for value in row])
    except csv.Error as problem:
        raise OpenDataRejected(
            [f"{place}：" + _("CSVとして読み込めません（%(error)s）。") % {"error": problem}]
        ) from None
    return Table(place, rows)


def _xlsx_tables(data: bytes, place: Place):
    try:
        archive_check(data)
    except WorkbookRejected as rejected:
        raise OpenDataRejected([f"{place}：{rejected.message}"]) from None
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            sheet_place = Place(
                place.file, f"{place.member}［{sheet.title}］" if place.member else sheet.title
            )
            rows = []
            for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                if number > MAX_ROWS:
                    raise OpenDataRejected(
                        [
                            f"{sheet_place}："
                            + _("行が多すぎます（上限は %(rows)d 行です）。") % {"rows": MAX_ROWS}
                        ]
                    )
                rows.append(
                    [
                        Cell(
                            getattr(cell, "value", None),
                            "%" in (getattr(cell, "number_format", "") or ""),
                        )
                        for cell in row
                    ]
                )
            yield Table(sheet_place, rows, required=False)
    finally:
        workbook.close()


# --- the two shapes ----------------------------------------------------------------------


def _label(cell: Cell | None) -> str:
    return name_key(cell.text) if cell is not None else ""


def _read_table(table: Table, entries: list[Entry], problems: Problems) -> bool:
    """Read one table's values into `entries`; False when it has no header row at all."""
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        first = _label(row[0]) if row else ""
        if first in PREFECTURE_LABELS:
            _read_dashboard(table, index, entries, problems)
            return True
        if first in CODE_LABELS:
            _read_code_keyed(table, index, entries, problems)
            return True
        if first in NAME_LABELS:
            problems.add(
                table.place.at(row=index + 1),
                _(
                    "団体名だけで都道府県がありません。同じ名前の団体（府中市は東京都と広島県、"
                    "伊達市は北海道と福島県）を区別できないため、団体名のすぐ上に「都道府県」の行"
                    "（または「団体コード」の列）が必要です。"
                ),
            )
            return True
    if table.required:
        problems.add(
            table.place,
            _(
                "「都道府県」または「団体コード」で始まる見出しの行が見つかりません。"
                "文字コード（UTF-8 または Shift_JIS）と、ファイルの形（FORMAT.md）を確かめてください。"
            ),
        )
        return True
    return False


def _read_dashboard(table: Table, header: int, entries: list[Entry], problems: Problems):
    """Items as rows; a 都道府県 row, then 団体名 (and optionally 団体コード) rows naming columns."""
    rows = table.rows
    prefecture_row = rows[header]
    name_row = code_row = None
    data_start = header + 1
    for offset in (1, 2):
        if header + offset >= len(rows) or not rows[header + offset]:
            break
        label = _label(rows[header + offset][0])
        if label in NAME_LABELS and name_row is None:
            name_row, data_start = rows[header + offset], header + offset + 1
        elif label in CODE_LABELS and code_row is None:
            code_row, data_start = rows[header + offset], header + offset + 1
        else:
            break
    if name_row is None:
        problems.add(
            table.place.at(row=header + 2),
            _("「都道府県」の行の次の行は「団体名」の行にしてください。"),
        )
        return
    columns: dict[int, MunicipalityRef] = {}
    prefecture = ""
    width = max(len(prefecture_row), len(name_row), len(code_row or []))
    for column in range(2, width + 1):
        place = table.place.at(row=header + 2, column=column)

        def cell(row, column=column):
            return row[column - 1].text if row is not None and column <= len(row) else ""

        # A merged prefecture cell reads as blank to the right of its first column.
        prefecture = cell(prefecture_row) or prefecture
        name, code = cell(name_row), cell(code_row)
        if not name and not code:
            continue
        if not prefecture:
            problems.add(
                table.place.at(row=header + 1, column=column),
                _("都道府県が空欄です。団体名だけでは団体を特定できません。"),
            )
            continue
        columns[column] = MunicipalityRef(
            place=place, code=name_key(code), prefecture=prefecture, name=name
        )
    for index in range(data_start, len(rows)):
        row = rows[index]
        label = row[0].text if row else ""
        if not label and not any(cell.text for cell in row):
            continue
        if label.startswith(("※", "注", "出典")):
            continue  # notes under the table
        item = item_named(label)
        row_place = table.place.at(row=index + 1, column=1)
        if item is None:
            problems.add(
                row_place,
                _("「%(item)s」は取り込める項目ではありません（items.yaml）。") % {"item": label},
            )
            continue
        for column, ref in columns.items():
            if column <= len(row):
                _add_entry(
                    entries,
                    problems,
                    ref,
                    item,
                    row[column - 1],
                    table.place.at(row=index + 1, column=column),
                )
        for column in range(2, len(row) + 1):
            if column not in columns and row[column - 1].text:
                problems.add(
                    table.place.at(row=index + 1, column=column),
                    _("団体名のない列に値があります。"),
                )


def _read_code_keyed(table: Table, header: int, entries: list[Entry], problems: Problems):
    """Municipalities as rows keyed by 団体コード; optional 都道府県・団体名 columns; items as columns."""
    header_row = table.rows[header]
    name_column = None
    items: dict[int, Item] = {}
    for column in range(2, len(header_row) + 1):
        label = header_row[column - 1].text
        if not label:
            continue
        if name_key(label) in NAME_LABELS:
            name_column = column
            continue
        if name_key(label) in PREFECTURE_LABELS:
            continue
        item = item_named(label)
        if item is None:
            problems.add(
                table.place.at(row=header + 1, column=column),
                _("「%(item)s」は取り込める項目ではありません（items.yaml）。") % {"item": label},
            )
            continue
        items[column] = item
    if not items:
        problems.add(table.place.at(row=header + 1), _("項目の列がありません。"))
    for index in range(header + 1, len(table.rows)):
        row = table.rows[index]
        if not any(cell.text for cell in row):
            continue
        code = name_key(row[0].text) if row else ""
        name = row[name_column - 1].text if name_column and name_column <= len(row) else ""
        ref = MunicipalityRef(place=table.place.at(row=index + 1, column=1), code=code, name=name)
        for column, item in items.items():
            if column <= len(row):
                _add_entry(
                    entries,
                    problems,
                    ref,
                    item,
                    row[column - 1],
                    table.place.at(row=index + 1, column=column),
                )


# --- values ------------------------------------------------------------------------------


def _add_entry(entries, problems, ref, item, cell, place) -> None:
    try:
        value = parse_value(cell, item.kind)
    except ValueError as problem:
        problems.add(place, str(problem))
        return
    if value is not None:
        entries.append(Entry(ref=ref, item=item, value=value, place=place))


def parse_value(cell: Cell, kind: str) -> Decimal | None:
    """A cell's figure; None where the table has none (blank, "-", "―"…); ValueError with the
    reason for anything else. Full-width digits and signs are folded first (NFKC)."""
    if isinstance(cell.value, bool):
        raise ValueError(_("数値ではありません（%(value)s）。") % {"value": cell.value})
    if isinstance(cell.value, int | float):
        number = Decimal(repr(cell.value)) if isinstance(cell.value, float) else Decimal(cell.value)
        if cell.percent:
            number *= 100
        text = None
    else:
        text = unicodedata.normalize("NFKC", cell.text).replace(" ", "")
        if text in NO_VALUE:
            return None
        if kind == "flag":
            if text in FLAG_VALUES:
                return Decimal(FLAG_VALUES[text])
            raise ValueError(
                _("「%(value)s」は 1/0・○/×・有/無 のどれでもありません。") % {"value": text}
            )
        is_percent = text.endswith("%")
        digits = text.removesuffix("%")
        if not _NUMBER.fullmatch(digits):
            raise ValueError(_("「%(value)s」は数値として読めません。") % {"value": cell.text})
        try:
            number = Decimal(digits.replace(",", ""))
        except InvalidOperation:
            raise ValueError(
                _("「%(value)s」は数値として読めません。") % {"value": cell.text}
            ) from None
        if is_percent and kind != "percent":
            raise ValueError(
                _("この項目は割合ではありません（%(value)s）。") % {"value": cell.text}
            )
    shown = text if text is not None else str(cell.value)
    if kind == "flag":
        if number not in (0, 1):
            raise ValueError(
                _("「%(value)s」は 1/0・○/×・有/無 のどれでもありません。") % {"value": shown}
            )
    elif kind == "percent" and not 0 <= number <= 100:
        raise ValueError(_("割合は0〜100の範囲で書いてください（%(value)s）。") % {"value": shown})
    elif kind == "count" and (number < 0 or number != number.to_integral_value()):
        raise ValueError(_("件数は0以上の整数で書いてください（%(value)s）。") % {"value": shown})
    if abs(number) >= 10**10:
        raise ValueError(_("「%(value)s」は桁が多すぎます。") % {"value": shown})
    # A workbook's computed cell (0.80123456 shown as 80.1%) keeps four decimals, as stored.
    return number.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)
