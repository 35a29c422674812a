"""Workbooks saved by LibreOffice Calc are read as the portal wrote them (issue 14, 5–6, 8).

The files are committed fixtures (files/libreoffice/README.md says how each was
made); CI does not need LibreOffice.
"""

import io
import time
import warnings

import openpyxl
import pytest
from django.core import signing

from assessments.models import Answer
from assessments.workbooks import layout
from assessments.workbooks.reading import MAX_ROWS, workbook_open
from tests.assessments.workbook_support import (
    apply,
    export,
    fill,
    identifier_text,
    libreoffice_file,
    load,
    make_workbook_round,
    upload,
)

TYPED = {"STD-01", "PCT-01"}  # what every edited fixture has typed: level 3, 60%
MISSING = "書き出したシートが見つかりません。シートの名前を変えたり削除したりした場合は、元に戻してください。"


@pytest.fixture
def questionnaire(personas):
    return make_workbook_round(personas)


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _messages(response) -> list[tuple[str, str]]:
    return [(p.sheet, p.message) for p in response.context["problems"]]


def _declared_rows(data: bytes, title: str) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return workbook[title].max_row
    finally:
        workbook.close()


def _assert_typed_answers_apply(respondent, questionnaire, response) -> None:
    assert response.status_code == 200, _messages(response)
    assert {change.code for change in response.context["preview"].changes} == TYPED
    assert apply(respondent, questionnaire, response).status_code == 302
    answers = {a.indicator.code: a for a in Answer.objects.select_related("indicator")}
    assert set(answers) == TYPED
    assert answers["STD-01"].level == 3
    assert answers["PCT-01"].number == 60


def test_a_workbook_resaved_by_libreoffice_imports(respondent, questionnaire):
    response = upload(respondent, questionnaire, libreoffice_file(questionnaire, "resaved"))
    _assert_typed_answers_apply(respondent, questionnaire, response)


def test_a_sheet_libreoffice_declares_a_million_rows_of_is_read_by_its_used_range(
    respondent, questionnaire
):
    data = libreoffice_file(questionnaire, "row-deleted")
    assert _declared_rows(data, "1 取組分野1") == 1_048_576  # LibreOffice after deleting a row
    started = time.perf_counter()
    response = upload(respondent, questionnaire, data)
    assert time.perf_counter() - started < 2.0
    assert "行が多すぎます" not in response.content.decode()
    _assert_typed_answers_apply(respondent, questionnaire, response)


def test_a_value_past_the_row_cap_in_a_libreoffice_file_is_still_refused(respondent, questionnaire):
    response = upload(
        respondent, questionnaire, libreoffice_file(questionnaire, "row-past-the-cap")
    )
    assert response.status_code == 400
    assert ("1 取組分野1", f"行が多すぎます（1シート {MAX_ROWS} 行まで）。") in _messages(response)
    assert not Answer.objects.exists()


def test_more_real_rows_than_the_cap_are_refused(respondent, questionnaire):
    workbook = load(export(questionnaire))
    sheet = workbook["1 取組分野1"]
    for row in range(9, MAX_ROWS + 20):
        sheet.cell(row=row, column=layout.COLUMN_NUMBER["comment"]).value = "追加"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(respondent, questionnaire, buffer.getvalue())
    assert response.status_code == 400
    assert ("1 取組分野1", f"行が多すぎます（1シート {MAX_ROWS} 行まで）。") in _messages(response)


def test_a_sheet_the_person_added_is_left_out_with_a_notice(respondent, questionnaire):
    response = upload(respondent, questionnaire, libreoffice_file(questionnaire, "sheet-added"))
    assert response.context["preview"].ignored_sheets == ["メモ"]
    page = response.content.decode()
    assert "読み込まないシート" in page
    assert "次のシートはDXポータルが書き出したものではないため、読み込んでいません。" in page
    assert "見出し行" not in page
    _assert_typed_answers_apply(respondent, questionnaire, response)


@pytest.mark.parametrize(
    ("fixture", "ignored"),
    [("sheet-renamed", ["取組分野2（済）"]), ("sheet-deleted", [])],
)
def test_a_renamed_or_deleted_portal_sheet_is_reported_by_its_title(
    respondent, questionnaire, fixture, ignored
):
    response = upload(respondent, questionnaire, libreoffice_file(questionnaire, fixture))
    assert response.status_code == 400
    assert _messages(response) == [("2 取組分野2", MISSING)]
    assert response.context["preview"].ignored_sheets == ignored
    assert not Answer.objects.exists()


def test_the_identifier_lists_the_answer_sheets_written(questionnaire):
    identifier = layout.identifier_read(identifier_text(export(questionnaire)))
    assert identifier.sheets == ("1 取組分野1", "2 取組分野2")
    read = workbook_open(libreoffice_file(questionnaire, "sheet-added"))
    assert [sheet.title for sheet in read.sheets] == ["1 取組分野1", "2 取組分野2"]
    assert (read.extra_sheets, read.missing_sheets) == (["メモ"], [])


def _with_old_identifier(questionnaire, *, extra_sheet: bool) -> bytes:
    """A workbook whose identifier does not list its sheets, as exported before they were."""
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    current = layout.identifier_read(identifier_text(data))
    old = signing.dumps(
        {"q": current.questionnaire_id, "r": {c: list(p) for c, p in current.rows.items()}},
        salt=layout._SIGNING_SALT,
        compress=True,
    )
    workbook = load(data)
    instructions = workbook[layout.INSTRUCTIONS_TITLE]
    for label, value in instructions.iter_rows(max_col=2):
        if label.value == layout.IDENTIFIER_LABEL:
            value.value = old
    if extra_sheet:
        workbook.create_sheet("メモ")["A1"] = "確認事項"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_an_older_identifier_is_still_read(respondent, questionnaire):
    response = upload(
        respondent, questionnaire, _with_old_identifier(questionnaire, extra_sheet=False)
    )
    assert response.status_code == 200, _messages(response)
    assert [change.code for change in response.context["preview"].changes] == ["STD-01"]


def test_an_added_sheet_next_to_an_older_identifier_is_named_as_possibly_added(
    respondent, questionnaire
):
    response = upload(
        respondent, questionnaire, _with_old_identifier(questionnaire, extra_sheet=True)
    )
    assert _messages(response) == [
        (
            "メモ",
            "見出し行がDXポータルの書き出した形式ではありません。"
            "列を変えた場合は元に戻し、シートを追加した場合はそのシートを削除してください。",
        )
    ]
