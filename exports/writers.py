"""Writing a RoundExport (exports.tables) as CSV, XLSX and JSON.

Formula injection (CWE-1236): every text cell goes through
dxportal.spreadsheet_text.safe_text, which prefixes a formula-like start (= + - @ tab CR and their full-width forms) with an
apostrophe, in the CSV as in the XLSX; the XLSX also marks each text cell as
a string so that openpyxl can never store it as a formula. Numbers stay
numbers.

Every row of the answers and scores tables begins with the round's identity
(団体コード, 団体名, 年度, ラウンドID) and a 行の種類 to filter on, so that the
files of several municipalities and years concatenate into one table for a
pivot table; exports/README.md lists every column and value.

XLSX cells are typed: numbers are numbers, dates and datetimes real date
cells. Excel has no time zones, so a datetime is written as the wall-clock
time in Japan (naive JST) and its header says 日本時間; the CSV writes the
same time as text. Columns are as wide as their header and content
(full-width characters count two), the header row is frozen and carries an
autofilter.

CSV is UTF-8 with a byte-order mark: Excel on Japanese Windows opens a CSV
without a BOM as Shift_JIS and garbles every kanji; with the BOM it reads
UTF-8, and other tools (pandas, LibreOffice) skip the BOM.

The JSON document (version 1) is described in exports/README.md; its keys
are English and stable, its values the same as the tables'.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from assessments.models import Round
from assessments.workbooks.layout import SHEET_TITLE_MAX
from dxportal.japanese_calendar import JAPAN
from dxportal.number_format import rounded
from dxportal.spreadsheet_text import display_width, safe_text
from exports.tables import AnswerInfo, Given, IndicatorExport, RoundExport
from results.snapshots import round_identity

JSON_FORMAT = "dxportal.round-export"
JSON_VERSION = 1
# Scores in the tables: two decimals, halves up as everywhere (dxportal.number_format);
# the JSON keeps full precision.
SCORE_DIGITS = 2
# How the XLSX shows typed cells. Datetimes are naive JST (see the module docstring).
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
CSV_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the same, as text Excel reads back as a date
SCORE_FORMAT = "0.00"  # every float cell is a score, a percentage or a weight, to SCORE_DIGITS
TEXT_FORMAT = "@"  # Excel keeps a text cell text when it is edited (団体コード's leading zero)
MAX_COLUMN_WIDTH = 60  # long questions and comments stay readable without a huge column
FILTER_BUTTON_WIDTH = 2  # the autofilter's drop-down covers the header's last characters


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation
    value: Callable[[Any], Any]


# The identity columns' headers, shared with the bulk export's summary.csv so that its rows
# join the tables' rows.
IDENTITY_HEADERS = (
    gettext_lazy("団体コード"),
    gettext_lazy("団体名"),
    gettext_lazy("年度"),
    gettext_lazy("ラウンドID"),
)


def identity_columns(round_: Round) -> list[Column]:
    """Whose round each row belongs to: the first columns of every table (and the 概要 sheet).

    The round has no name; 団体コード and 年度 identify it (one round per municipality and
    fiscal year), and ラウンドID is the portal's id for it, the one in the URLs, the JSON
    (round.id) and the bulk export's summary.csv. 年度 is the 西暦 number, which sorts and
    groups in a pivot table; 令和 would be a second column saying the same thing.
    """
    municipality = round_.municipality
    code, name, year, round_id = IDENTITY_HEADERS
    return [
        Column(code, lambda _row: municipality.code),
        Column(name, lambda _row: municipality.name),
        Column(year, lambda _row: round_.fiscal_year),
        Column(round_id, lambda _row: round_.pk),
    ]


ROW_KIND_HEADER = gettext_lazy("行の種類")
# 行の種類's values, fixed so that people can filter on them (exports/README.md):
MUNICIPALITY_ANSWER = gettext_lazy("団体（採用された回答）")  # the answer that stands for the body
MUNICIPALITY_WHOLE = gettext_lazy("団体全体")  # the municipality's score card
DEPARTMENT = gettext_lazy("部署")  # a department's own answer or score card


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    indicator: IndicatorExport
    given: Given
    is_municipality: bool


def answer_rows(export: RoundExport) -> list[AnswerRow]:
    """Per indicator: the municipality's answer, then each department's own."""
    rows = []
    for indicator in export.indicators:
        rows.append(AnswerRow(indicator, indicator.municipality, True))
        rows += [AnswerRow(indicator, given, False) for given in indicator.departments]
    return rows


def _value(info: AnswerInfo | None) -> Any:
    """The answer as one machine-readable value: level, 1/0, number or choice code."""
    if info is None or info.not_applicable:
        return None
    for value in (info.level, info.number):
        if value is not None:
            return value
    if info.yes is not None:
        return int(info.yes)
    return info.choice_code or None


def _answer(field: str) -> Callable[[AnswerRow], Any]:
    return lambda row: getattr(row.given.answer, field) if row.given.answer else None


ANSWER_COLUMNS = [
    Column(ROW_KIND_HEADER, lambda r: MUNICIPALITY_ANSWER if r.is_municipality else DEPARTMENT),
    Column(gettext_lazy("指標コード"), lambda r: r.indicator.info.code),
    Column(gettext_lazy("分野コード"), lambda r: r.indicator.info.area_code),
    Column(gettext_lazy("分野"), lambda r: r.indicator.info.area_name),
    Column(gettext_lazy("段階コード"), lambda r: r.indicator.info.stage_code),
    Column(gettext_lazy("段階"), lambda r: r.indicator.info.stage_name),
    Column(gettext_lazy("設問"), lambda r: r.indicator.info.question),
    Column(gettext_lazy("回答形式"), lambda r: r.indicator.info.answer_type_label),
    Column(gettext_lazy("回答部署"), lambda r: r.given.department),
    Column(gettext_lazy("主担当"), lambda r: r.given.is_owner),
    Column(
        gettext_lazy("回答"), lambda r: r.given.answer.summary if r.given.answer else _("未回答")
    ),
    Column(gettext_lazy("値"), lambda r: _value(r.given.answer)),
    Column(gettext_lazy("目標レベル"), _answer("target_level")),
    Column(gettext_lazy("目標年度"), _answer("target_fiscal_year")),
    Column(gettext_lazy("該当しない"), _answer("not_applicable")),
    Column(gettext_lazy("該当しない理由"), _answer("not_applicable_reason")),
    Column(gettext_lazy("コメント"), _answer("comment")),
    Column(gettext_lazy("根拠資料のURL"), _answer("evidence_url")),
    Column(
        gettext_lazy("根拠ファイル"),
        lambda r: "\n".join(r.given.answer.evidence_files) if r.given.answer else None,
    ),
    Column(gettext_lazy("得点"), lambda r: r.given.score),
    Column(gettext_lazy("重み"), lambda r: r.indicator.info.weight),
    Column(gettext_lazy("更新日時（日本時間）"), _answer("updated_at")),
]

# --- scores ----------------------------------------------------------------------------------

SCORE_KINDS = {
    "overall": gettext_lazy("総合"),
    "stage": gettext_lazy("段階別"),
    "area": gettext_lazy("分野"),
    "area_stage": gettext_lazy("分野×段階"),
    # Beside the ladder, never on it (results.scoring rule 6):
    "foundation": gettext_lazy("推進体制（基盤）"),
    "foundation_area": gettext_lazy("基盤の分野"),
    "foundation_area_stage": gettext_lazy("基盤の分野×段階"),
}

SCORE_COLUMNS = [
    Column(ROW_KIND_HEADER, lambda r: MUNICIPALITY_WHOLE if r.department is None else DEPARTMENT),
    Column(gettext_lazy("部署"), lambda r: r.department),
    Column(gettext_lazy("集計単位"), lambda r: SCORE_KINDS[r.kind]),
    Column(gettext_lazy("分野コード"), lambda r: r.area_code),
    Column(gettext_lazy("分野"), lambda r: r.area_name),
    Column(gettext_lazy("段階コード"), lambda r: r.stage_code),
    Column(gettext_lazy("段階"), lambda r: r.stage_name),
    Column(gettext_lazy("得点"), lambda r: r.score),
    Column(gettext_lazy("到達段階コード"), lambda r: r.stage_attained),
    Column(gettext_lazy("到達段階"), lambda r: r.stage_attained_name),
    Column(gettext_lazy("回答済み"), lambda r: r.answered),
    Column(gettext_lazy("指標数"), lambda r: r.total),
    Column(gettext_lazy("回答率（%）"), lambda r: r.completeness),
]


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[Any]

    def header(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def values(self):
        for row in self.rows:
            yield [_cell(column.value(row)) for column in self.columns]


def answers_table(export: RoundExport) -> Table:
    return Table([*identity_columns(export.round), *ANSWER_COLUMNS], answer_rows(export))


def scores_table(export: RoundExport) -> Table:
    return Table([*identity_columns(export.round), *SCORE_COLUMNS], export.score_rows())


TABLES = {"answers": answers_table, "scores": scores_table}


def _cell(value: Any) -> str | int | float | Decimal | date | None:
    """A cell's value: numbers as numbers, dates as dates (datetimes as naive JST),
    everything else as formula-safe text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("はい") if value else ""
    if isinstance(value, float):
        return rounded(value, SCORE_DIGITS)
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value, JAPAN).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return safe_text(str(value))


# --- CSV -------------------------------------------------------------------------------------


def _csv_field(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_bytes(table: Table) -> bytes:
    """The table as CSV in UTF-8 with a BOM (see the module docstring for why)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_text(h) for h in table.header())
    for values in table.values():
        writer.writerow(_csv_field(v) for v in values)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------


def _summary_rows(export: RoundExport) -> list[tuple[str, Any]]:
    round_ = export.round
    return [
        *((str(column.header), column.value(None)) for column in identity_columns(round_)),
        (_("評価基準"), f"{round_.edition.framework.name} {round_.edition.version}"),
        (_("基準日"), round_.reference_date),
        (_("書き出し日時（日本時間）"), export.generated_at),
    ]


def _shown(value: Any) -> str:
    """The cell as Excel shows it with the formats below, to size its column."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.{SCORE_DIGITS}f}"
    return str(value)


def _style(cell) -> None:
    value = cell.value
    if isinstance(value, str):
        # openpyxl stores any str starting with "=" as a formula; safe_text
        # already prevents that, and this makes sure of it.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.number_format = SCORE_FORMAT


def write_sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    """A sheet of typed cells under a frozen header with an autofilter, columns fitted."""
    sheet = workbook.create_sheet(title=safe_text(title)[:SHEET_TITLE_MAX])
    for values in [header, *rows]:
        sheet.append(values)
    widths: dict[str, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            _style(cell)
            width = display_width(_shown(cell.value))
            if cell.row == 1:
                width += FILTER_BUTTON_WIDTH
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), width)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(width + 2, MAX_COLUMN_WIDTH)  # + margins
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def xlsx_bytes(export: RoundExport) -> bytes:
    """概要, 回答 and 得点 sheets in one workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(
        workbook,
        _("概要"),
        [_("項目"), _("内容")],
        [[safe_text(label), _cell(value)] for label, value in _summary_rows(export)],
    )
    for title, table in ((_("回答"), answers_table(export)), (_("得点"), scores_table(export))):
        write_sheet(workbook, title, [safe_text(h) for h in table.header()], table.values())
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- JSON ------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact, as stored (max 12 digits, 2 decimals)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _given(given: Given) -> dict[str, Any]:
    info = given.answer
    return {
        "department": given.department,
        "is_owner": given.is_owner,
        "score": given.score,
        "answer": None
        if info is None
        else {
            "summary": info.summary,
            "level": info.level,
            "target_level": info.target_level,
            "target_fiscal_year": info.target_fiscal_year,
            "yes": info.yes,
            "number": info.number,
            "choice": info.choice_code or None,
            "choice_label": info.choice_label or None,
            "text": info.text,
            "not_applicable": info.not_applicable,
            "not_applicable_reason": info.not_applicable_reason,
            "comment": info.comment,
            "evidence_url": info.evidence_url,
            "evidence_files": list(info.evidence_files),
            "updated_at": info.updated_at,
        },
    }


def json_document(export: RoundExport) -> dict[str, Any]:
    round_ = export.round
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "generated_at": export.generated_at,
        **round_identity(round_),
        "stages": [
            {"code": s.code, "name": s.name, "threshold": s.threshold} for s in export.stages
        ],
        "areas": [
            {"code": a.code, "name": a.name, **({"is_foundation": True} if a.is_foundation else {})}
            for a in export.areas
        ],
        "indicators": [
            {
                "code": i.info.code,
                "area": i.info.area_code,
                "stage": i.info.stage_code,
                "question": i.info.question,
                "answer_type": i.info.answer_type,
                "weight": i.info.weight,
                "municipality": _given(i.municipality),
                "departments": [_given(g) for g in i.departments],
            }
            for i in export.indicators
        ],
        "scores": [
            {"department": c.department, "computed_at": c.computed_at, "card": c.card}
            for c in export.cards
        ],
    }


def json_bytes(export: RoundExport) -> bytes:
    return json.dumps(
        json_document(export), ensure_ascii=False, indent=2, default=_json_default
    ).encode("utf-8")
