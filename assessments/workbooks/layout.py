"""The questionnaire workbook's layout and the mapping between its cells and answer values.

Writing and reading both go through this module, so a value written for an
answer reads back as the same answer. The workbook is a Japanese form
whatever the user's language: its column headers are compared on import, so
they are literals here, not translated strings.

Formula injection (CWE-1236): every text that came from a person (catalogue
or answer) goes through `safe_text`, which prefixes a formula-like start with
an apostrophe; `typed_text` removes that prefix again on import, so an
untouched comment reads back unchanged.
"""

import hashlib
import json
import re
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.utils import translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.answer_values import AnswerValues, Parsed, normalise, parse_answer
from assessments.evidence_links import EXAMPLES as EVIDENCE_EXAMPLES
from assessments.workbooks.contents import Item
from dxportal.japanese_calendar import fiscal_year_label
from dxportal.spreadsheet_text import safe_text, typed_text
from frameworks.models import AnswerType

INSTRUCTIONS_TITLE = "記入方法"
LISTS_TITLE = "選択肢リスト"
IDENTIFIER_LABEL = "識別子（変更しないでください）"
YES = "はい"
NO = "いいえ"
SHEET_TITLE_MAX = 31


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    meaning: str
    is_input: bool = False


COLUMNS = (
    Column("code", "指標コード", 11, "指標の識別子です。変更できません。"),
    Column("question", "設問", 48, "答える内容です。変更できません。"),
    Column("help", "解説", 36, "回答の手引きです。変更できません。"),
    Column(
        "answer_type",
        "回答形式",
        14,
        "成熟度レベル、はい／いいえ、割合、件数、選択肢、自由記述のいずれかです。",
    ),
    Column(
        "options", "レベル・選択肢", 40, "成熟度レベルの各段階（ルーブリック）や選択肢の一覧です。"
    ),
    Column("level", "現在値", 22, "成熟度レベルの指標で、現在の段階を一覧から選びます。", True),
    Column(
        "target_level", "目標値", 22, "成熟度レベルの指標で、目指す段階を一覧から選びます。", True
    ),
    Column(
        "target_fiscal_year",
        "目標年度",
        22,
        "目標値を達成する年度を一覧から選びます（空欄なら3年後の年度、目標値が空欄なら使いません）。",
        True,
    ),
    Column(
        "answer",
        "回答",
        22,
        "成熟度レベル以外の指標の回答です（はい／いいえ、選択肢、0〜100の割合、0以上の件数、自由記述）。",
        True,
    ),
    Column(
        "not_applicable",
        "該当しない",
        11,
        "この指標が当てはまらない場合に「はい」を選びます。",
        True,
    ),
    Column(
        "not_applicable_reason",
        "該当しない理由",
        28,
        "「該当しない」とした理由です（必須）。",
        True,
    ),
    Column("comment", "コメント", 36, "補足や根拠の説明です（任意）。", True),
    Column(
        "evidence_url",
        "根拠URL",
        30,
        "根拠資料のURL（http:// または https://）か、ファイル共有の場所"
        f"（{EVIDENCE_EXAMPLES['unc']} や {EVIDENCE_EXAMPLES['drive']}）です（任意）。",
        True,
    ),
    Column(
        "version",
        "版（変更しないでください）",
        10,
        "書き出した時点の回答の版です。変更できません。",
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
# Header row → the column keys in that order, for every layout the importer reads: this
# one, and those of workbooks exported by earlier versions that people may still be
# filling in (before 目標年度 was asked; its cells then read as empty: the default year).
READABLE_LAYOUTS: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(column.header for column in columns): tuple(column.key for column in columns)
    for columns in (
        COLUMNS,
        tuple(column for column in COLUMNS if column.key != "target_fiscal_year"),
    )
}
COLUMN_NUMBER = {column.key: number for number, column in enumerate(COLUMNS, start=1)}
HEADER_OF = {column.key: column.header for column in COLUMNS}
CATALOGUE_KEYS = ("code", "question", "help", "answer_type", "options")
TEXT_KEYS = ("not_applicable_reason", "comment", "evidence_url")

# AnswerValues field → the column it is typed in.
FIELD_COLUMN = {
    "level": "level",
    "target_level": "target_level",
    "target_fiscal_year": "target_fiscal_year",
    "yes": "answer",
    "number": "answer",
    "choice_code": "answer",
    "text": "answer",
    "not_applicable": "not_applicable",
    "not_applicable_reason": "not_applicable_reason",
    "comment": "comment",
    "evidence_url": "evidence_url",
}
FIELD_LABELS = {name: HEADER_OF[column] for name, column in FIELD_COLUMN.items()}


def input_keys(item: Item) -> tuple[str, ...]:
    """The columns a person may type in for this indicator."""
    answer = ("level", "target_level", "target_fiscal_year") if item.is_maturity else ("answer",)
    return (*answer, "not_applicable", *TEXT_KEYS)


# --- cell texts ------------------------------------------------------------------
def cell_text(value: object) -> str:
    """A cell's content as text, for comparing locked cells with what was written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def sheet_title(order: int, name: str, taken: set[str]) -> str:
    """A sheet title Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "", f"{order} {name}").strip().strip("'")
    title = cleaned[:SHEET_TITLE_MAX] or str(order)
    suffix = 2
    while title.casefold() in taken or title in (INSTRUCTIONS_TITLE, LISTS_TITLE, "History"):
        tail = f"({suffix})"
        title = cleaned[: SHEET_TITLE_MAX - len(tail)] + tail
        suffix += 1
    taken.add(title.casefold())
    return title


# --- catalogue columns ---------------------------------------------------------------


def level_label(item: Item, level: int | None) -> str | None:
    """「3: 全庁で実施」: the dropdown entry for a rubric level."""
    if level is None:
        return None
    for rubric in item.levels:
        if rubric.level == level:
            return f"{level}: {ILLEGAL_CHARACTERS_RE.sub('', rubric.label)}"
    return str(level)


def year_label(year: int | None) -> str | None:
    """「2029年度（令和11年度）」: the dropdown entry for a target year."""
    return None if year is None else fiscal_year_label(year)


def choice_label(item: Item, code: str) -> str | None:
    for choice in item.choices:
        if choice.code == code:
            return safe_text(choice.label)
    return None


def answer_type_text(item: Item) -> str:
    with translation.override("ja"):
        text = str(AnswerType(item.answer_type).label)
    if item.answer_type == AnswerType.COUNT and item.indicator.unit:
        text += f"（単位: {item.indicator.unit}）"
    return safe_text(text)


def options_text(item: Item) -> str:
    kind = item.answer_type
    if kind == AnswerType.MATURITY:
        text = "\n".join(
            f"{level.level}: {level.label}（{level.description}）" for level in item.levels
        )
    elif kind == AnswerType.CHOICE:
        text = "\n".join(f"・{choice.label}" for choice in item.choices)
    elif kind == AnswerType.YES_NO:
        text = f"{YES}／{NO}"
    elif kind == AnswerType.PERCENTAGE:
        text = "0〜100の数値（%）"
    elif kind == AnswerType.COUNT:
        text = "0以上の整数" + (f"（{item.indicator.unit}）" if item.indicator.unit else "")
    else:
        text = "自由記述"
    return safe_text(text)


def catalogue_cells(item: Item) -> dict[str, object]:
    return {
        "code": safe_text(item.code),
        "question": safe_text(item.indicator.question),
        "help": safe_text(item.indicator.help_text),
        "answer_type": answer_type_text(item),
        "options": options_text(item),
    }


# --- answer columns --------------------------------------------------------------------


def _number_cell(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def answer_cells(item: Item) -> dict[str, object]:
    """The input cells (and the version) for the item's current answer."""
    values = item.values
    cells: dict[str, object] = {}
    kind = item.answer_type
    if kind == AnswerType.MATURITY:
        cells["level"] = level_label(item, values.level)
        cells["target_level"] = level_label(item, values.target_level)
        cells["target_fiscal_year"] = year_label(values.target_fiscal_year)
    elif kind == AnswerType.YES_NO:
        cells["answer"] = None if values.yes is None else (YES if values.yes else NO)
    elif kind in (AnswerType.PERCENTAGE, AnswerType.COUNT):
        cells["answer"] = _number_cell(values.number)
    elif kind == AnswerType.CHOICE:
        cells["answer"] = choice_label(item, values.choice_code) if values.choice_code else None
    else:
        cells["answer"] = safe_text(values.text) or None
    cells["not_applicable"] = YES if values.not_applicable else None
    for key in TEXT_KEYS:
        cells[key] = safe_text(getattr(values, key)) or None
    cells["version"] = item.version
    return cells


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return typed_text(value)
    return str(value)


def _number_text(value: object, *, percent_format: bool) -> str:
    """A typed number as text; 75% typed in a percent-formatted cell is stored as 0.75."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return _plain(value)
        if percent_format:
            number *= 100
        return format(number.normalize(), "f") if number.is_finite() else str(number)
    return _plain(value)


def _level_text(item: Item, value: object) -> str:
    text = normalise(_plain(value))
    match = re.fullmatch(r"(\d+)(?:\s*:.*)?", text, flags=re.DOTALL)
    if match:
        return match.group(1)
    for level in item.levels:
        if text and text == normalise(level.label):
            return str(level.level)
    return text


def _choice_code(item: Item, value: object) -> str:
    text = normalise(_plain(value))
    for choice in item.choices:
        if text and text in (normalise(choice.label), choice.code):
            return choice.code
    return text


def parse_cells(
    item: Item, cells: dict[str, object], *, percent_format: frozenset[str] = frozenset()
) -> Parsed:
    """The answer values typed in a row, checked by answer_values.parse_answer."""
    raw: dict[str, object] = {
        "not_applicable": _plain(cells.get("not_applicable")),
        **{key: _plain(cells.get(key)) for key in TEXT_KEYS},
    }
    answer = cells.get("answer")
    kind = item.answer_type
    if kind == AnswerType.MATURITY:
        raw["level"] = _level_text(item, cells.get("level"))
        raw["target_level"] = _level_text(item, cells.get("target_level"))
        raw["target_fiscal_year"] = normalise(_plain(cells.get("target_fiscal_year")))
    elif kind == AnswerType.YES_NO:
        raw["yes"] = _plain(answer)
    elif kind in (AnswerType.PERCENTAGE, AnswerType.COUNT):
        raw["number"] = _number_text(answer, percent_format="answer" in percent_format)
    elif kind == AnswerType.CHOICE:
        raw["choice_code"] = _choice_code(item, answer)
    else:
        raw["text"] = _plain(answer)
    return parse_answer(item.spec, raw)


def values_digest(values: AnswerValues) -> str:
    """A short fingerprint of answer values, to tell an untouched row from an edited one."""
    plain = {}
    for spec in fields(values):
        value = getattr(values, spec.name)
        plain[spec.name] = format(value.normalize(), "f") if isinstance(value, Decimal) else value
    encoded = json.dumps(plain, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:12]


def display_value(item: Item, name: str, values: AnswerValues) -> str:
    """A value as the preview shows it ("" for empty)."""
    value = getattr(values, name)
    if value is None or value == "":
        return ""
    if name in ("level", "target_level"):
        return level_label(item, value) or ""
    if name == "target_fiscal_year":
        return year_label(value) or ""
    if name == "choice_code":
        for choice in item.choices:
            if choice.code == value:
                return choice.label
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        if item.answer_type == AnswerType.PERCENTAGE:
            return f"{text}%"
        return f"{text}{item.indicator.unit}"
    return str(value)


# --- identifier ------------------------------------------------------------------------
# Signed with SECRET_KEY: which questionnaire the file belongs to, the titles of
# the answer sheets it was written with, and each row's answer version and values
# fingerprint at export time. A file edited outside its input cells, or made up,
# fails the signature or the comparison; a sheet someone added is told apart from
# the portal's by its title.
_SIGNING_SALT = "assessments.workbooks.identifier"


@dataclass(frozen=True)
class Identifier:
    questionnaire_id: int
    rows: dict[str, tuple[int, str]]  # code → (version, values digest) at export
    # The answer sheets' titles in the order written; None in a workbook exported
    # before the titles were signed (its sheets are told apart by their header row).
    sheets: tuple[str, ...] | None = None


def identifier_make(
    questionnaire_id: int, rows: dict[str, tuple[int, str]], sheets: list[str]
) -> str:
    payload = {
        "q": questionnaire_id,
        "r": {code: list(pair) for code, pair in rows.items()},
        "s": list(sheets),
    }
    return signing.dumps(payload, salt=_SIGNING_SALT, compress=True)


def identifier_read(text: str) -> Identifier:
    """The identifier in `text`; signing.BadSignature when missing, damaged or forged."""
    payload = signing.loads(text.strip(), salt=_SIGNING_SALT)
    try:
        rows = {
            str(code): (int(version), str(digest))
            for code, (version, digest) in payload["r"].items()
        }
        sheets = payload.get("s")
        if sheets is not None:
            if not isinstance(sheets, list) or not all(isinstance(s, str) for s in sheets):
                raise TypeError("sheet titles are not a list of strings")
            sheets = tuple(sheets)
        return Identifier(questionnaire_id=int(payload["q"]), rows=rows, sheets=sheets)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise signing.BadSignature("unexpected identifier payload") from None
