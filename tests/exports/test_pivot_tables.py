"""The answers and scores tables are ready for a pivot table (issue 14, point 9).

Every row says whose round it is (団体コード, 団体名, 年度, ラウンドID) and what kind of
row it is (行の種類), so several municipalities' files concatenate into one table; the
XLSX has typed cells, fitted columns, a frozen header and an autofilter.
"""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import Answer
from dxportal.japanese_calendar import JAPAN
from dxportal.spreadsheet_text import display_width
from exports.writers import (
    ANSWER_COLUMNS,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DEPARTMENT,
    MUNICIPALITY_ANSWER,
    MUNICIPALITY_WHOLE,
    ROW_KIND_HEADER,
    SCORE_COLUMNS,
    SCORE_FORMAT,
    SCORE_KINDS,
    TEXT_FORMAT,
)
from municipalities.models import Municipality
from tests.assessment_factories import make_edition
from tests.exports.support import make_answered_round, make_scored_round

pytestmark = pytest.mark.django_db

IDENTITY = ["団体コード", "団体名", "年度", "ラウンドID", "行の種類"]
# 北海道の架空の団体: 01999 and its check digit. The leading zero must survive.
LEADING_ZERO_CODE = "019992"


@pytest.fixture
def round_a(personas):
    Municipality.objects.filter(pk=personas.municipality_a.pk).update(code=LEADING_ZERO_CODE)
    personas.municipality_a.refresh_from_db()
    return make_answered_round(personas)


def download(client, user, round_, name, **kwargs) -> bytes:
    client.force_login(user)
    address = reverse(
        f"exports:{name}",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk, **kwargs},
    )
    response = client.get(address)
    assert response.status_code == 200
    return response.content


def csv_table(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # UTF-8 with a BOM, as before
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", ["answers", "scores"])
def test_every_csv_row_starts_with_the_rounds_identity(client, personas, round_a, table):
    header, *rows = csv_table(
        download(client, personas.consultant, round_a, "table_csv", table=table)
    )

    assert header[: len(IDENTITY)] == IDENTITY
    assert len(rows) > 3
    identity = {tuple(row[:4]) for row in rows}
    name = personas.municipality_a.name
    assert identity == {(LEADING_ZERO_CODE, name, "2026", str(round_a.pk))}
    assert all(len(row) == len(header) for row in rows)


def test_the_row_kind_tells_the_municipalitys_answer_from_the_departments(
    client, personas, round_a
):
    text = download(client, personas.consultant, round_a, "table_csv", table="answers")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))

    chosen = [row for row in rows if row["行の種類"] == "団体（採用された回答）"]
    own = [row for row in rows if row["行の種類"] == "部署"]
    # One chosen answer per indicator (M-1, M-2), and the three departments' own answers.
    assert [row["指標コード"] for row in chosen] == ["M-1", "M-2"]
    assert [(row["指標コード"], row["回答部署"]) for row in own] == [
        ("M-1", "DX推進課"),
        ("M-1", "税務課"),
        ("M-2", "DX推進課"),
    ]
    assert len(chosen) + len(own) == len(rows)


def test_the_scores_row_kind_and_level(client, personas, round_a):
    text = download(client, personas.consultant, round_a, "table_csv", table="scores")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))

    assert len(rows) > 3
    whole = [row for row in rows if row["行の種類"] == "団体全体"]
    departments = [row for row in rows if row["行の種類"] == "部署"]
    assert len(whole) + len(departments) == len(rows)
    assert {row["部署"] for row in whole} == {""}
    assert {row["部署"] for row in departments} == {"DX推進課", "税務課"}
    # A pivot on 集計単位 = 総合 gives one overall score per card.
    overall = [(row["行の種類"], row["部署"]) for row in rows if row["集計単位"] == "総合"]
    assert overall == [("団体全体", ""), ("部署", "DX推進課"), ("部署", "税務課")]
    assert {row["集計単位"] for row in rows} <= {str(label) for label in SCORE_KINDS.values()}


@pytest.mark.parametrize("table", ["answers", "scores"])
def test_two_municipalities_csvs_concatenate_into_one_table(client, personas, round_a, table):
    other = make_scored_round(personas.municipality_b, make_edition(), personas.admin)
    files = [
        csv_table(download(client, personas.consultant, round_, "table_csv", table=table))
        for round_ in (round_a, other)
    ]

    (header_a, *rows_a), (header_b, *rows_b) = files
    assert header_a == header_b
    assert rows_a and rows_b
    # What `tail -n +2` or Power Query's append does: one header, then both files' rows.
    out = io.StringIO()
    csv.writer(out).writerows([header_a, *rows_a, *rows_b])
    combined = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(combined) == len(rows_a) + len(rows_b)
    assert all(None not in row and None not in row.values() for row in combined)
    assert {(row["団体コード"], row["ラウンドID"]) for row in combined} == {
        (LEADING_ZERO_CODE, str(round_a.pk)),
        (personas.municipality_b.code, str(other.pk)),
    }
    kinds = {row["行の種類"] for row in combined}
    expected = {"answers": {"団体（採用された回答）", "部署"}, "scores": {"団体全体", "部署"}}
    assert kinds == expected[table]


# --- XLSX ------------------------------------------------------------------------------------


@pytest.fixture
def workbook(client, personas, round_a):
    content = download(client, personas.coordinator_a, round_a, "workbook")
    return openpyxl.load_workbook(io.BytesIO(content))


def columns(sheet) -> dict[str, int]:
    """Header → 1-based column number."""
    return {cell.value: cell.column for cell in sheet[1]}


def column_cells(sheet, header: str) -> list:
    number = columns(sheet)[header]
    return [row[number - 1] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("title", ["回答", "得点"])
def test_xlsx_sheets_have_a_frozen_header_and_an_autofilter(workbook, title):
    sheet = workbook[title]

    assert [cell.value for cell in sheet[1]][: len(IDENTITY)] == IDENTITY
    assert sheet.max_row > 3
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.dimensions.startswith("A1:")
    assert sheet.dimensions.endswith(str(sheet.max_row))


@pytest.mark.parametrize("title", ["回答", "得点"])
def test_xlsx_identity_cells_are_typed(workbook, personas, round_a, title):
    sheet = workbook[title]

    codes = column_cells(sheet, "団体コード")
    assert len(codes) == sheet.max_row - 1
    # Text, so Excel keeps the leading zero, and formatted as text for when it is edited.
    assert {(c.value, c.data_type, c.number_format) for c in codes} == {
        (LEADING_ZERO_CODE, "s", TEXT_FORMAT)
    }
    assert {c.value for c in column_cells(sheet, "年度")} == {2026}
    assert {c.value for c in column_cells(sheet, "ラウンドID")} == {round_a.pk}
    assert {c.value for c in column_cells(sheet, "団体名")} == {personas.municipality_a.name}


def test_xlsx_answer_datetimes_are_dates_in_japan_time(workbook, personas, round_a):
    sheet = workbook["回答"]
    updated = [c for c in column_cells(sheet, "更新日時（日本時間）") if c.value is not None]

    # M-1 by both departments and M-2 by DX推進課; M-1 chosen and M-2 standing for the body.
    assert len(updated) == 5
    assert all(c.is_date and c.number_format == DATETIME_FORMAT for c in updated)
    answer = Answer.objects.get(
        questionnaire__round=round_a,
        questionnaire__department=personas.other_department_a,
    )
    # Naive: Excel has no time zones; the wall-clock time in Japan, to the second.
    expected = answer.updated_at.astimezone(JAPAN).replace(tzinfo=None, microsecond=0)
    assert expected in {c.value.replace(microsecond=0) for c in updated}


def test_csv_datetimes_are_japan_time_text(client, personas, round_a):
    text = download(client, personas.consultant, round_a, "table_csv", table="answers")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    answer = Answer.objects.get(
        questionnaire__round=round_a,
        questionnaire__department=personas.other_department_a,
    )

    (tax_office,) = [r for r in rows if r["行の種類"] == "部署" and r["回答部署"] == "税務課"]
    expected = answer.updated_at.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M:%S")
    assert tax_office["更新日時（日本時間）"] == expected


def test_xlsx_scores_and_percentages_are_numbers(workbook):
    answers, scores = workbook["回答"], workbook["得点"]

    given = [c for c in column_cells(answers, "得点") if c.value is not None]
    assert len(given) == 3  # M-1 three times; M-2 is 該当しない
    assert {(c.value, c.data_type, c.number_format) for c in given} == {
        (100, "n", SCORE_FORMAT),
        (50, "n", SCORE_FORMAT),
    }
    percentages = [c for c in column_cells(scores, "回答率（%）") if c.value is not None]
    assert percentages
    assert all(
        isinstance(c.value, int | float) and c.number_format == SCORE_FORMAT for c in percentages
    )
    overall = [c for c in column_cells(scores, "得点") if c.value is not None]
    assert overall
    assert all(isinstance(c.value, int | float) for c in overall)


def test_xlsx_summary_has_the_identity_and_typed_dates(workbook, personas, round_a):
    sheet = workbook["概要"]
    values = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}

    assert values["団体コード"].value == LEADING_ZERO_CODE
    assert values["年度"].value == 2026
    assert values["ラウンドID"].value == round_a.pk
    reference = values["基準日"]
    assert reference.is_date and reference.number_format == DATE_FORMAT
    assert reference.value.date() == round_a.reference_date
    generated = values["書き出し日時（日本時間）"]
    assert generated.is_date and generated.number_format == DATETIME_FORMAT
    now_in_japan = datetime.datetime.now(JAPAN).replace(tzinfo=None)
    assert abs(now_in_japan - generated.value) < datetime.timedelta(minutes=5)


def test_xlsx_columns_fit_their_header_and_content(workbook, personas):
    sheet = workbook["回答"]
    width = {
        header: sheet.column_dimensions[cell.column_letter].width
        for header, cell in ((cell.value, cell) for cell in sheet[1])
    }

    assert len(width) == len(IDENTITY) - 1 + len(ANSWER_COLUMNS)
    # 団体名: the name (テスト0市, five full-width characters, ten columns) is wider than
    # the header (6) and its filter button (2); two columns of margin.
    name = personas.municipality_a.name
    assert width["団体名"] == display_width(name) + 2
    # 更新日時（日本時間）: the header (20 + 2) is wider than "2026-04-01 09:00:00" (19).
    assert width["更新日時（日本時間）"] == 20 + 2 + 2
    assert width["年度"] == 4 + 2 + 2
    # The question is long text: capped so that the sheet stays readable.
    assert all(value <= 60 for value in width.values())


# --- documented --------------------------------------------------------------------------


def test_the_readme_documents_every_column_and_fixed_value():
    readme = (Path(__file__).resolve().parents[2] / "exports" / "README.md").read_text()

    headers = [*IDENTITY[:4], *(str(c.header) for c in (*ANSWER_COLUMNS, *SCORE_COLUMNS))]
    values = [str(v) for v in (MUNICIPALITY_ANSWER, MUNICIPALITY_WHOLE, DEPARTMENT)]
    values += [str(label) for label in SCORE_KINDS.values()]
    assert str(ROW_KIND_HEADER) in headers
    missing = [text for text in [*headers, *values] if f"`{text}`" not in readme]
    assert not missing, missing
