"""Spreadsheet-safe text: what a cell of a CSV or XLSX file may hold without being a formula.

Every export (CSV, XLSX, the workbook round trip, the audit log's CSV) writes
free text through `safe_text`, and the workbook importer reads it back with
`typed_text`. `display_width` is how wide a text shows in a fixed-width grid
(a spreadsheet column, a terminal table): sheets size their columns with it.
"""

from unicodedata import east_asian_width

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

EXCEL_MAX_CELL_CHARS = 32_767

# Starts that Excel, LibreOffice or a CSV reader may treat as a formula; the
# full-width forms because a Japanese IME turns ＝ into = when a cell is edited.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_text(value: str | None) -> str:
    """Text for a cell that is never a formula: formula-like starts (and ') get a leading '.

    Control characters that the file format cannot hold are dropped and the
    text is cut at Excel's cell limit.
    """
    if not value:
        return ""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith((*_FORMULA_STARTS, "'")):
        text = "'" + text
    return text[:EXCEL_MAX_CELL_CHARS]


def typed_text(value: str) -> str:
    """The text a person meant: the inverse of safe_text's prefix."""
    if value.startswith("'") and value[1:].startswith((*_FORMULA_STARTS, "'")):
        return value[1:]
    return value


def display_width(value: str) -> int:
    """How many columns of a spreadsheet `value` fills: its longest line, with full-width
    (CJK) characters counting two, as Excel and LibreOffice draw them twice as wide."""
    return max(
        (
            sum(2 if east_asian_width(char) in "WF" else 1 for char in line)
            for line in value.split("\n")
        ),
        default=0,
    )
