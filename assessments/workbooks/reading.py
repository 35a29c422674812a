"""Opening an uploaded workbook safely and reading its cells.

Nothing reaches openpyxl before the archive passes `archive_check`: size,
zip signature, entry count, declared uncompressed sizes and ratios (Python's
zipfile never returns more than an entry's declared size, so the declared
sizes bound what openpyxl can inflate), no macros or external links, no DTD
in any XML part (billion laughs; openpyxl would also refuse it through
defusedxml), and every entry's CRC. Then openpyxl reads in read-only,
values-only mode, at most MAX_ROWS rows and the known columns of each sheet.

Only the answer sheets the portal wrote are read: their titles are in the
signed identifier, so a sheet the person added is set aside by title (and a
portal sheet renamed or deleted is known to be missing). A sheet's used
range is read, never its declared size: other office suites declare more
rows than hold values (LibreOffice, once a row was deleted, declares all
1 048 576).

Every refusal is a WorkbookRejected with a message for the person who
uploaded the file.
"""

import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO

from django.core import signing
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from assessments.workbooks.layout import (
    COLUMNS,
    IDENTIFIER_LABEL,
    INSTRUCTIONS_TITLE,
    LISTS_TITLE,
    READABLE_LAYOUTS,
    Identifier,
    identifier_read,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024  # tiny parts compress oddly and cannot be bombs
MAX_ROWS = 1000
MAX_SHEETS = 60

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
WORKBOOK_CONTENT_TYPE = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
_MACRO_PARTS = ("vbaproject", "xl/macrosheets/", "xl/activex/", "xl/dialogsheets/")
_CHUNK = 64 * 1024


class WorkbookRejected(Exception):
    """The file cannot be read; the message says why, in words for the uploader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawRow:
    sheet: str
    number: int
    cells: dict[str, object]  # column key → cell value
    percent_format: frozenset[str]  # column keys whose cell shows a percentage


@dataclass
class RawSheet:
    title: str
    headers: tuple[str, ...]
    # The column keys its header row names (layout.READABLE_LAYOUTS); None: not a layout
    # the portal wrote.
    keys: tuple[str, ...] | None = None
    rows: list[RawRow] = field(default_factory=list)
    too_many_rows: bool = False


@dataclass
class RawWorkbook:
    identifier: Identifier
    sheets: list[RawSheet]  # the answer sheets read: those the portal wrote
    extra_sheets: list[str] = field(default_factory=list)  # titles the portal did not write
    missing_sheets: list[str] = field(default_factory=list)  # titles written but not found


def workbook_open(data: bytes) -> RawWorkbook:
    """The checked and read workbook; WorkbookRejected for anything unsafe or unreadable."""
    archive_check(data)
    return workbook_read(data)


def _unreadable() -> WorkbookRejected:
    return WorkbookRejected(
        _(
            "ファイルを読み込めませんでした。壊れているか、Excelブック（.xlsx）ではありません。"
            "DXポータルから書き出したファイルに入力し、.xlsx 形式のまま保存してください。"
        )
    )


def archive_check(data: bytes) -> None:
    """Refuse anything but a plain, modest .xlsx before any XML is parsed."""
    if not data:
        raise WorkbookRejected(_("ファイルが空です。"))
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRejected(
            _("ファイルが大きすぎます（上限は %(limit)d MB です）。")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected(
            _(
                "Excel 97-2003 形式（.xls）のファイルや、パスワードで保護されたファイルは読み込めません。"
                "パスワードを外し、「Excel ブック（*.xlsx）」として保存し直してください。"
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise _unreadable()
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            _check_content_types(archive)
            _check_contents(archive, infos)
    except WorkbookRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        raise _unreadable() from None
    except NotImplementedError:  # an unsupported compression method
        raise _unreadable() from None


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise WorkbookRejected(
            _("ファイルの構成が想定と異なります（ZIPの項目が %(limit)d を超えています）。")
            % {"limit": MAX_ENTRIES}
        )
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/").lower()
        if info.flag_bits & 0x1:
            raise WorkbookRejected(_("暗号化されたファイルは読み込めません。"))
        if any(part in name for part in _MACRO_PARTS):
            raise WorkbookRejected(
                _(
                    "マクロを含むファイル（.xlsm など）は取り込めません。"
                    "「Excel ブック（*.xlsx）」として保存し直してください。"
                )
            )
        if name.startswith("xl/externallinks/"):
            raise WorkbookRejected(
                _(
                    "他のファイルへのリンク（外部参照）を含むファイルは取り込めません。"
                    "リンクを解除してから保存し直してください。"
                )
            )
        ratio_too_high = info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        )
        total += info.file_size
        if ratio_too_high or total > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookRejected(
                _(
                    "ファイルを展開すると大きくなりすぎるため読み込めません"
                    "（展開後の上限は %(limit)d MB、圧縮率の上限は %(ratio)d 倍です）。"
                )
                % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024), "ratio": MAX_RATIO}
            )


def _check_content_types(archive: zipfile.ZipFile) -> None:
    try:
        content_types = archive.read("[Content_Types].xml")
    except KeyError:
        raise _unreadable() from None
    lowered = content_types.lower()
    if b"macroenabled" in lowered or b"vbaproject" in lowered:
        raise WorkbookRejected(
            _(
                "マクロを含むファイル（.xlsm など）は取り込めません。"
                "「Excel ブック（*.xlsx）」として保存し直してください。"
            )
        )
    if WORKBOOK_CONTENT_TYPE not in content_types:
        raise _unreadable()


def _check_contents(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry once (CRC checked by zipfile) and refuse DTDs in XML parts."""
    for info in infos:
        if info.is_dir():
            continue
        is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        tail = b""
        with archive.open(info) as entry:
            while chunk := entry.read(_CHUNK):
                if is_xml:
                    window = (tail + chunk).lower()
                    if b"<!doctype" in window or b"<!entity" in window:
                        raise WorkbookRejected(
                            _(
                                "ファイルに許可されていないXMLの定義（DTD・エンティティ）が含まれているため、"
                                "読み込めません。"
                            )
                        )
                    tail = chunk[-16:]


def workbook_read(data: bytes) -> RawWorkbook:
    """Cells of every answer sheet and the identifier, read with openpyxl (read-only)."""
    # openpyxl warns about parts it drops (extensions, print settings);
    # they do not matter for reading values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(
                BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
        except Exception:
            # openpyxl raises all kinds of errors on damaged parts (KeyError,
            # TypeError, ParseError, defusedxml's EntitiesForbidden...): they all
            # mean the same to the uploader.
            raise _unreadable() from None
        try:
            return _contents(workbook, _identifier(workbook))
        except WorkbookRejected:
            raise
        except Exception:
            raise _unreadable() from None
        finally:
            workbook.close()


def _identifier(workbook) -> Identifier:
    missing = WorkbookRejected(
        _(
            "このファイルには調査票の識別子がありません。"
            "DXポータルの調査票から書き出したファイルを使ってください。"
        )
    )
    if INSTRUCTIONS_TITLE not in workbook.sheetnames:
        raise missing
    sheet = workbook[INSTRUCTIONS_TITLE]
    for label, value in sheet.iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
        if label == IDENTIFIER_LABEL:
            if not isinstance(value, str) or not value.strip():
                raise missing
            try:
                return identifier_read(value)
            except signing.BadSignature:
                raise WorkbookRejected(
                    _(
                        "調査票の識別子が壊れているか、変更されています。"
                        "調査票からもう一度書き出したファイルを使ってください。"
                    )
                ) from None
    raise missing


def _contents(workbook, identifier: Identifier) -> RawWorkbook:
    worksheets = [
        sheet
        for sheet in workbook.worksheets
        if sheet.title not in (INSTRUCTIONS_TITLE, LISTS_TITLE)
    ]
    if len(worksheets) > MAX_SHEETS:
        raise WorkbookRejected(_("シートが多すぎます（%(limit)d まで）。") % {"limit": MAX_SHEETS})
    written = identifier.sheets
    if written is None:  # exported before the titles were signed: every sheet is read
        return RawWorkbook(identifier=identifier, sheets=[_sheet(sheet) for sheet in worksheets])
    present = {sheet.title for sheet in worksheets}
    return RawWorkbook(
        identifier=identifier,
        sheets=[_sheet(sheet) for sheet in worksheets if sheet.title in written],
        extra_sheets=[sheet.title for sheet in worksheets if sheet.title not in written],
        missing_sheets=[title for title in written if title not in present],
    )


def _has_value(values) -> bool:
    return any(value not in (None, "") for value in values)


def _sheet(worksheet) -> RawSheet:
    """The header row and every row with a value in the known columns, up to MAX_ROWS."""
    width = len(COLUMNS)
    raw = None
    for number, row in enumerate(
        worksheet.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=width), start=1
    ):
        values = [getattr(cell, "value", None) for cell in row]
        values += [None] * (width - len(values))
        if raw is None:
            headers = tuple("" if v is None else str(v).strip() for v in values)
            while headers and not headers[-1]:
                headers = headers[:-1]
            keys = READABLE_LAYOUTS.get(headers)
            raw = RawSheet(title=worksheet.title, headers=headers, keys=keys)
            continue
        if keys is None:
            break  # the importer refuses the sheet by its header row
        if not _has_value(values):
            continue
        percent = frozenset(
            key
            for key, cell in zip(keys, row, strict=False)
            if "%" in (getattr(cell, "number_format", None) or "")
        )
        raw.rows.append(
            RawRow(
                sheet=worksheet.title,
                number=number,
                cells=dict(zip(keys, values, strict=False)),
                percent_format=percent,
            )
        )
    raw = raw or RawSheet(title=worksheet.title, headers=())
    raw.too_many_rows = raw.keys is not None and _has_value_past(worksheet, MAX_ROWS, width)
    return raw


def _has_value_past(worksheet, last: int, width: int) -> bool:
    """Whether any row after `last` has a value in the first `width` columns.

    The declared size only bounds the search: LibreOffice declares 1 048 576 rows after
    a row was deleted, all empty. openpyxl yields the same empty tuple for each row
    missing from the file; filter() skips those in C, a million in a fraction of a second.
    """
    declared = worksheet.max_row
    if isinstance(declared, int) and declared <= last:
        return False
    blank = (None,) * width
    rows = worksheet.iter_rows(min_row=last + 1, max_col=width, values_only=True)
    return any(_has_value(values) for values in filter(blank.__ne__, rows))
