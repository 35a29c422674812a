"""Building a questionnaire's workbook (.xlsx) for answering offline.

Sheets: 「記入方法」 (how to fill, which questionnaire, the signed identifier),
one sheet per policy area listing the department's indicators, and a hidden
「選択肢リスト」 that the level and choice dropdowns read from (an inline list
is limited to 255 characters and breaks on commas in labels). Every sheet is
protected with only the input cells unlocked, and the workbook's structure is
locked so sheets cannot be added or renamed. Protection without a password
only guides people: the import checks every cell again.

Printing: every sheet is set up for A4 landscape, one page wide; the answer
sheets repeat their header row on each page and the instructions fit on one
page. Row heights are set from the wrapped text (`row_height`), because
neither Excel nor LibreOffice grows a row for wrapped text written by a
program: without them the question text would overlap the next row.
"""

import datetime
import math
import re
import urllib.parse
from collections import defaultdict
from io import BytesIO

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessments.answer_values import target_fiscal_years
from assessments.locking import lock_reason
from assessments.models import Questionnaire
from assessments.workbooks.contents import Item, questionnaire_items
from assessments.workbooks.layout import (
    COLUMN_NUMBER,
    COLUMNS,
    IDENTIFIER_LABEL,
    INSTRUCTIONS_TITLE,
    LISTS_TITLE,
    NO,
    TEXT_KEYS,
    YES,
    answer_cells,
    catalogue_cells,
    identifier_make,
    input_keys,
    level_label,
    parse_cells,
    sheet_title,
    values_digest,
    year_label,
)
from dxportal.japanese_calendar import fiscal_year_label
from dxportal.spreadsheet_text import display_width, safe_text
from frameworks.models import AnswerType

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
UNUSED_FILL = PatternFill("solid", fgColor="D9D9D9")  # grey: not for this indicator
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)

# Points per wrapped line at the default 11 pt: Japanese Excel draws a line of
# 11 pt 游ゴシック 18.75 pt high, LibreOffice's CJK fallback about 16 pt.
LINE_HEIGHT = 19.0
ROW_PADDING = 4.0
ROW_HEIGHT_MAX = 409.0  # Excel's largest row height
# A column of width w holds about w Latin digits, but less once the cell's margins
# are taken off and a CJK character is a little more than two digits wide.
USABLE_WIDTH = 0.9
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, for a column the workbook does not size

INSTRUCTIONS = (
    "取組分野ごとのシートに、この部署が回答する指標が1行に1つずつ並んでいます。",
    "入力できるのは黄色のセルだけです。指標コード・設問・解説などのセルとこのシートは変更できません。",
    "成熟度レベルの指標は「現在値」「目標値」「目標年度」を一覧から選びます（「レベル・選択肢」列の説明を参考にしてください）。",
    "それ以外の指標は「回答」に入力します（はい／いいえ・選択肢は一覧から、割合は0〜100の数値、件数は0以上の整数）。全角の数字も使えます。",
    "指標が当てはまらない場合は「該当しない」で「はい」を選び、「該当しない理由」を書いてください。",
    "入力が終わったら .xlsx 形式のまま保存し、DXポータルの調査票の「Excelで取り込む」からアップロードしてください。反映する前に変更内容を確認する画面が表示されます。",
    "書き出した後にWebで変更された回答を書き換えていると「競合」として表示され、反映されません。その場合はもう一度書き出して入力し直してください。",
    "行・列・シートの追加や削除、並べ替えはしないでください。マクロを含むファイル（.xlsm）や5 MBを超えるファイルは取り込めません。",
)


def workbook_build(
    questionnaire: Questionnaire, *, exported_at: datetime.datetime | None = None
) -> bytes:
    """The questionnaire's workbook with its current answers, as .xlsx bytes."""
    items = questionnaire_items(questionnaire)
    workbook = Workbook()
    workbook.properties.creator = "DXポータル"
    workbook.properties.title = safe_text(f"調査票 {questionnaire.department.name}")
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_TITLE

    by_area: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_area[item.area.pk].append(item)
    lists = _Lists(workbook.create_sheet(LISTS_TITLE))
    taken: set[str] = set()
    area_sheets = []
    for area_items in by_area.values():
        area = area_items[0].area
        sheet = workbook.create_sheet(sheet_title(area.order, area.name, taken))
        _write_area(sheet, area_items, lists)
        area_sheets.append(sheet)
    # The lists sheet goes last and hidden; with the structure locked it cannot be shown.
    workbook.move_sheet(lists.sheet, offset=len(workbook.sheetnames))
    lists.sheet.sheet_state = "hidden"
    _protect(lists.sheet)

    rows = {}
    for item in items:
        written = answer_cells(item)
        rows[item.code] = (item.version, values_digest(parse_cells(item, written).values))
    _write_instructions(
        instructions,
        questionnaire,
        identifier=identifier_make(questionnaire.pk, rows, [sheet.title for sheet in area_sheets]),
        exported_at=exported_at or timezone.now(),
        area_titles=[sheet.title for sheet in area_sheets],
    )
    for sheet in (instructions, *area_sheets):
        _fit_row_heights(sheet)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_filename(questionnaire: Questionnaire) -> tuple[str, str]:
    """(ASCII fallback, Japanese name) for Content-Disposition."""
    round_ = questionnaire.round
    name = f"調査票_{round_.municipality.name}_{questionnaire.department.name}_{round_.fiscal_year}年度.xlsx"
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", name)
    return f"questionnaire-{questionnaire.pk}-{round_.fiscal_year}.xlsx", name


def content_disposition(questionnaire: Questionnaire) -> str:
    """attachment with an ASCII filename and the Japanese one as RFC 5987 filename*."""
    fallback, name = workbook_filename(questionnaire)
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


class _Lists:
    """The hidden sheet with one column per dropdown list; returns a range reference."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.columns = 0
        self.known: dict[tuple[str, ...], str] = {}

    def reference(self, entries: list[str]) -> str:
        key = tuple(entries)
        if key not in self.known:
            self.columns += 1
            letter = get_column_letter(self.columns)
            for row, entry in enumerate(entries, start=1):
                self.sheet.cell(row=row, column=self.columns, value=entry)
            title = self.sheet.title.replace("'", "''")
            self.known[key] = f"'{title}'!${letter}$1:${letter}${max(len(entries), 1)}"
        return self.known[key]


def _list_validation(formula: str, prompt: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="入力できない値です",
        error="一覧から選んでください。",
        promptTitle="一覧から選択",
        prompt=prompt,
    )


def _number_validation(kind: str) -> DataValidation:
    if kind == AnswerType.PERCENTAGE:
        rule = {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "100"}
        error = "0から100までの数値を入力してください。"
    else:
        rule = {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"}
        error = "0以上の整数を入力してください。"
    return DataValidation(
        **rule,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="入力できない値です",
        error=error,
    )


class _Validations:
    """One DataValidation per distinct rule on a sheet, created on first use."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.rules: dict[str, DataValidation] = {}

    def add(self, key: str, make, coordinate: str) -> None:
        if key not in self.rules:
            self.rules[key] = make()
            self.sheet.add_data_validation(self.rules[key])
        self.rules[key].add(coordinate)


def _coordinate(key: str, row: int) -> str:
    return f"{get_column_letter(COLUMN_NUMBER[key])}{row}"


def _write_area(sheet: Worksheet, items: list[Item], lists: _Lists) -> None:
    for number, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=number, value=column.header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "C2"
    validations = _Validations(sheet)
    for row, item in enumerate(items, start=2):
        _write_row(sheet, row, item)
        _add_validations(validations, row, item, lists)
    _print_setup(sheet, one_page=False)
    sheet.print_title_rows = "1:1"
    _protect(sheet)


def _print_setup(sheet: Worksheet, *, one_page: bool) -> None:
    """A4 landscape, one page wide; as many pages down as needed unless `one_page`."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0  # 0: no limit
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def row_height(texts: list[tuple[str, float]]) -> float | None:
    """Points for a row whose wrapped cells hold these (text, column width); None: default.

    Each line of a text takes ceil(its display width / the usable column width)
    wrapped lines (CJK characters count two); the tallest cell sets the row.
    """
    lines = max(
        (
            sum(
                max(1, math.ceil(display_width(line) / max(width * USABLE_WIDTH, 1)))
                for line in text.split("\n")
            )
            for text, width in texts
            if text
        ),
        default=1,
    )
    if lines <= 1:
        return None
    return min(lines * LINE_HEIGHT + ROW_PADDING, ROW_HEIGHT_MAX)


def _fit_row_heights(sheet: Worksheet) -> None:
    """Make every row tall enough for its wrapped cells."""
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    for row in sheet.iter_rows():
        texts = [
            (str(cell.value), widths.get(cell.column_letter) or DEFAULT_COLUMN_WIDTH)
            for cell in row
            if cell.value is not None and cell.alignment.wrap_text
        ]
        height = row_height(texts)
        if height is not None:
            sheet.row_dimensions[row[0].row].height = height


def _write_row(sheet: Worksheet, row: int, item: Item) -> None:
    cells = {**catalogue_cells(item), **answer_cells(item)}
    editable = set(input_keys(item))
    for column in COLUMNS:
        cell = sheet.cell(row=row, column=COLUMN_NUMBER[column.key])
        value = cells.get(column.key)
        if value not in (None, ""):
            cell.value = value
            # openpyxl stores any str starting with "=" as a formula; safe_text
            # already prevents that, and this makes sure of it.
            if isinstance(value, str):
                cell.data_type = "s"
        cell.alignment = WRAP
        if column.key in editable:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
            if column.key in TEXT_KEYS or (
                column.key == "answer" and item.answer_type == AnswerType.TEXT
            ):
                cell.number_format = "@"  # so that a typed "=..." stays text in Excel
        elif column.is_input:
            cell.fill = UNUSED_FILL


def _add_validations(validations: _Validations, row: int, item: Item, lists: _Lists) -> None:
    kind = item.answer_type
    if kind == AnswerType.MATURITY:
        formula = lists.reference([level_label(item, level.level) for level in item.levels])
        prompt = "「レベル・選択肢」列の説明を参考に、段階を選んでください。"
        for key in ("level", "target_level"):
            validations.add(
                f"list:{formula}", lambda: _list_validation(formula, prompt), _coordinate(key, row)
            )
        years = lists.reference(
            [year_label(year) for year in target_fiscal_years(item.fiscal_year)]
        )
        validations.add(
            f"list:{years}",
            lambda: _list_validation(years, "目標値を達成する年度を選んでください。"),
            _coordinate("target_fiscal_year", row),
        )
    elif kind == AnswerType.CHOICE:
        formula = lists.reference([safe_text(choice.label) for choice in item.choices])
        validations.add(
            f"list:{formula}",
            lambda: _list_validation(formula, "選択肢から選んでください。"),
            _coordinate("answer", row),
        )
    elif kind == AnswerType.YES_NO:
        validations.add(
            "yes_no",
            lambda: _list_validation(f'"{YES},{NO}"', "「はい」か「いいえ」を選んでください。"),
            _coordinate("answer", row),
        )
    elif kind in (AnswerType.PERCENTAGE, AnswerType.COUNT):
        validations.add(kind, lambda: _number_validation(kind), _coordinate("answer", row))
    validations.add(
        "not_applicable",
        lambda: _list_validation(
            f'"{YES}"', "当てはまらない場合だけ「はい」を選び、理由を書いてください。"
        ),
        _coordinate("not_applicable", row),
    )


def _protect(sheet: Worksheet) -> None:
    protection = sheet.protection
    protection.sheet = True
    # Widening columns and rows helps reading; everything else stays locked.
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def _write_instructions(
    sheet: Worksheet,
    questionnaire: Questionnaire,
    *,
    identifier: str,
    exported_at: datetime.datetime,
    area_titles: list[str],
) -> None:
    round_ = questionnaire.round
    local = timezone.localtime(exported_at)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 90
    sheet["A1"] = "自治体DX成熟度セルフアセスメント 調査票（Excel）"
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        ("団体", str(round_.municipality)),
        ("部署", questionnaire.department.name),
        ("評価ラウンド", fiscal_year_label(round_.fiscal_year)),
        ("評価の版", str(round_.edition)),
        (
            "回答期間",
            f"{round_.opens_on.year}年{round_.opens_on.month}月{round_.opens_on.day}日〜"
            f"{round_.closes_on.year}年{round_.closes_on.month}月{round_.closes_on.day}日",
        ),
        ("調査票の状態", str(questionnaire.get_status_display())),
        (
            "書き出し日時",
            f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（日本時間）",
        ),
        ("調査票ID", str(questionnaire.pk)),
        (IDENTIFIER_LABEL, identifier),
    ]
    row = 3
    for label, value in facts:
        sheet.cell(row=row, column=1, value=label).font = BOLD
        cell = sheet.cell(row=row, column=2, value=safe_text(value))
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=label != IDENTIFIER_LABEL, vertical="top")
        row += 1
    with translation.override("ja"):  # the workbook is written in Japanese throughout
        reason = lock_reason(questionnaire)
    if reason:
        row += 1
        sheet.cell(
            row=row, column=1, value=f"{reason}このファイルから取り込むことはできません。"
        ).font = Font(bold=True, color="C00000")
        row += 1

    row += 1
    sheet.cell(row=row, column=1, value="記入方法").font = Font(bold=True, size=12)
    row += 1
    for number, text in enumerate(INSTRUCTIONS, start=1):
        sheet.cell(row=row, column=1, value=f"{number}.")
        sheet.cell(row=row, column=2, value=text).alignment = WRAP
        row += 1
    if area_titles:
        sheet.cell(row=row, column=1, value="回答するシート")
        sheet.cell(row=row, column=2, value=safe_text("、".join(area_titles))).alignment = WRAP
        row += 1

    row += 1
    sheet.cell(row=row, column=1, value="各列の意味").font = Font(bold=True, size=12)
    row += 1
    for column in COLUMNS:
        sheet.cell(row=row, column=1, value=column.header).font = BOLD
        meaning = column.meaning + ("（入力欄）" if column.is_input else "")
        sheet.cell(row=row, column=2, value=meaning).alignment = WRAP
        if column.is_input:
            sheet.cell(row=row, column=1).fill = INPUT_FILL
        row += 1
    # A label beside a wrapped text stays level with its first line, not its last.
    for (label,) in sheet.iter_rows(min_col=1, max_col=1):
        label.alignment = Alignment(vertical="top")
    _print_setup(sheet, one_page=True)
    _protect(sheet)
