"""Shared set-up for the workbook tests (no tests here).

A round of municipality A on an edition with every answer type, so that a
workbook has a dropdown or number rule of each kind; plus small helpers to
fill an exported workbook the way a person would in Excel and to build
hostile files.
"""

import datetime
import io
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.urls import reverse

from assessments.models import Questionnaire
from assessments.workbooks.layout import (
    COLUMN_NUMBER,
    IDENTIFIER_LABEL,
    INSTRUCTIONS_TITLE,
    LISTS_TITLE,
)
from assessments.workbooks.writing import workbook_build
from frameworks.models import AnswerType
from tests.assessment_factories import open_round
from tests.frameworks.factories import IndicatorFactory, make_edition

# code → answer type of the extra indicators, all in the first area.
EXTRA = {
    "YES-01": AnswerType.YES_NO,
    "PCT-01": AnswerType.PERCENTAGE,
    "CNT-02": AnswerType.COUNT,
    "TXT-01": AnswerType.TEXT,
}


def make_workbook_round(personas, *, fiscal_year: int = 2026) -> Questionnaire:
    """Department A's questionnaire on an edition with all six answer types.

    STD-01..03 are maturity (0..4, areas 1 and 2), CHO-01 a choice, YES-01,
    PCT-01, CNT-02 (人) and TXT-01 the other types; TAX-01 goes to 税務課, so
    it is in the edition but not assigned to department A.
    """
    edition = make_edition(indicators=3, areas=2)
    area = edition.areas.order_by("order").first()
    stage = edition.stages.order_by("order").first()
    for order, (code, kind) in enumerate(EXTRA.items(), start=20):
        IndicatorFactory(
            area=area,
            stage=stage,
            code=code,
            order=order,
            answer_type=kind,
            unit="人" if kind == AnswerType.COUNT else "",
            full_score_at=Decimal("10") if kind == AnswerType.COUNT else None,
            question=f"{code}の設問です。",
        )
    IndicatorFactory(
        area=area,
        stage=stage,
        code="TAX-01",
        order=30,
        department_kinds=["taxation"],
        question="税務の設問です。",
    )
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=fiscal_year
    )
    return round_.questionnaires.get(department=personas.department_a)


def export(questionnaire: Questionnaire) -> bytes:
    return workbook_build(
        questionnaire, exported_at=datetime.datetime(2026, 6, 3, 5, 30, tzinfo=datetime.UTC)
    )


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def answer_sheets(workbook) -> list:
    return [ws for ws in workbook.worksheets if ws.title not in (INSTRUCTIONS_TITLE, LISTS_TITLE)]


def find_row(workbook, code: str):
    """(worksheet, row number) of the indicator `code`."""
    for sheet in answer_sheets(workbook):
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row=row, column=1).value == code:
                return sheet, row
    raise AssertionError(f"{code} not in the workbook")


def cell(workbook, code: str, key: str):
    sheet, row = find_row(workbook, code)
    return sheet.cell(row=row, column=COLUMN_NUMBER[key])


def fill(data: bytes, edits: dict[str, dict[str, object]]) -> bytes:
    """The workbook with cells set as a person would type them: {code: {column key: value}}."""
    workbook = load(data)
    for code, values in edits.items():
        for key, value in values.items():
            target = cell(workbook, code, key)
            target.value = value
            if isinstance(value, str):
                # Typed into a text cell: "=..." stays text, as in Excel's text-formatted cells.
                target.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, questionnaire, data: bytes, name: str = "回答.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk}), {"file": file}
    )


def apply(client, questionnaire, response):
    return client.post(
        reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk}),
        {"token": response.context["token"]},
    )


def rezip(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict | None = None
) -> bytes:
    """The same archive with some entries replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


LIBREOFFICE = Path(__file__).parent / "files" / "libreoffice"


def identifier_text(data: bytes) -> str:
    """The signed identifier cell's text in a workbook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl on parts LibreOffice adds
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        for label, value in workbook[INSTRUCTIONS_TITLE].iter_rows(max_col=2, values_only=True):
            if label == IDENTIFIER_LABEL:
                return value
    finally:
        workbook.close()
    raise AssertionError("no identifier")


def libreoffice_file(questionnaire: Questionnaire, name: str) -> bytes:
    """files/libreoffice/<name>.xlsx (see its README), signed for `questionnaire`.

    The fixture was exported from make_workbook_round's questionnaire and saved by
    LibreOffice. Only the identifier's text is swapped, in the shared strings
    LibreOffice wrote, for the one this test's questionnaire exports: the
    questionnaire id differs from run to run (database sequences) and SECRET_KEY may
    too; every other byte LibreOffice wrote is kept.
    """
    data = (LIBREOFFICE / f"{name}.xlsx").read_bytes()
    old, new = identifier_text(data).encode(), identifier_text(export(questionnaire)).encode()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        strings = archive.read("xl/sharedStrings.xml")
    assert strings.count(old) == 1
    return rezip(data, replace={"xl/sharedStrings.xml": strings.replace(old, new)})
