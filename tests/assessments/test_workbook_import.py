"""Importing a filled workbook: preview, per-row problems, conflicts, all-or-nothing apply."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.models import Answer, AnswerChange, QuestionnaireStatus, RoundStatus
from assessments.views.workbooks import SESSION_KEY
from assessments.workbooks.layout import COLUMN_NUMBER, INSTRUCTIONS_TITLE
from tests.assessments.workbook_support import (
    answer_sheets,
    apply,
    cell,
    export,
    fill,
    find_row,
    load,
    make_workbook_round,
    upload,
)


@pytest.fixture
def questionnaire(personas):
    return make_workbook_round(personas)


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _answer(questionnaire, code) -> Answer | None:
    return Answer.objects.filter(questionnaire=questionnaire, indicator__code=code).first()


def _web_save(questionnaire, code, user, base_version=0, **values):
    indicator = questionnaire.round.edition.indicators.get(code=code)
    return answer_save(
        questionnaire=questionnaire,
        indicator=indicator,
        values=AnswerValues(**values),
        base_version=base_version,
        user=user,
    )


def _problems(response) -> list[tuple[str, str, str]]:
    return [(p.code, p.field, p.message) for p in response.context["problems"]]


def _save_workbook(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_round_trip_saves_every_answer_type_with_excel_history(respondent, questionnaire, personas):
    data = fill(
        export(questionnaire),
        {
            "STD-01": {"level": "3: 全庁で実施", "target_level": "４", "comment": "全庁展開済み"},
            "STD-02": {"not_applicable": "はい", "not_applicable_reason": "対象業務がない"},
            "CHO-01": {"answer": "一部で導入"},
            "YES-01": {"answer": "はい"},
            "PCT-01": {"answer": "７５．５％"},  # full-width, as typed with a Japanese IME
            "CNT-02": {"answer": "１２"},
            "TXT-01": {"answer": "自由記述です", "evidence_url": "https://example.jp/x"},
        },
    )
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 200, _problems(response)
    changes = {c.code: c for c in response.context["preview"].changes}
    assert set(changes) == {"STD-01", "STD-02", "CHO-01", "YES-01", "PCT-01", "CNT-02", "TXT-01"}
    assert ("現在値", "", "3: 全庁で実施") in {
        (f.field, f.old, f.new) for f in changes["STD-01"].fields
    }
    page = response.content.decode()
    assert "この内容で反映する" in page and "75.5%" in page
    assert not Answer.objects.exists(), "the preview saves nothing"

    response = apply(respondent, questionnaire, response)
    assert response.status_code == 302
    std = _answer(questionnaire, "STD-01")
    assert (std.level, std.target_level, std.comment) == (3, 4, "全庁展開済み")
    assert _answer(questionnaire, "STD-02").not_applicable
    assert _answer(questionnaire, "CHO-01").choice.code == "partial"
    assert _answer(questionnaire, "YES-01").yes is True
    assert _answer(questionnaire, "PCT-01").number == Decimal("75.50")
    assert _answer(questionnaire, "CNT-02").number == Decimal("12")
    assert _answer(questionnaire, "TXT-01").text == "自由記述です"
    history = AnswerChange.objects.all()
    assert history.count() == 7
    assert {c.via for c in history} == {"excel"}
    assert {c.changed_by for c in history} == {personas.respondent_a}
    assert SESSION_KEY not in respondent.session

    # The next export carries the new values and versions; unchanged, it changes nothing.
    again = upload(respondent, questionnaire, export(questionnaire))
    assert again.status_code == 200
    assert again.context["preview"].changes == [] and again.context["token"] is None


def test_a_target_year_goes_out_and_comes_back(respondent, questionnaire, personas):
    """The 目標年度 column: chosen from its list (2027〜2036 for a 2026 round), defaulted to
    three years on when left blank beside a target level, ignored without one."""
    data = fill(
        export(questionnaire),
        {
            "STD-01": {
                "level": "1: 検討中",
                "target_level": "3",
                "target_fiscal_year": "2030年度（令和12年度）",
            },
            "STD-02": {"level": "1: 検討中", "target_level": "2"},
            "STD-03": {"level": "2", "target_fiscal_year": "2031"},
        },
    )
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 200, _problems(response)
    changes = {c.code: c for c in response.context["preview"].changes}
    assert ("目標年度", "", "2030年度（令和12年度）") in {
        (f.field, f.old, f.new) for f in changes["STD-01"].fields
    }
    assert apply(respondent, questionnaire, response).status_code == 302

    stored = {
        code: (a.target_level, a.target_fiscal_year)
        for code in ("STD-01", "STD-02", "STD-03")
        if (a := _answer(questionnaire, code))
    }
    assert stored == {"STD-01": (3, 2030), "STD-02": (2, 2029), "STD-03": (None, None)}
    workbook = load(export(questionnaire))
    assert cell(workbook, "STD-01", "target_fiscal_year").value == "2030年度（令和12年度）"
    # Unchanged, the exported file changes nothing: the year reads back as written.
    again = upload(respondent, questionnaire, export(questionnaire))
    assert again.context["preview"].changes == []


def test_a_workbook_exported_before_target_years_is_still_read(respondent, questionnaire):
    """Someone may be filling in a workbook exported before 目標年度 existed: its columns
    are read by its own header row, and a target in it gets the default year."""
    workbook = load(fill(export(questionnaire), {"STD-01": {"level": "1", "target_level": "3"}}))
    year_column = COLUMN_NUMBER["target_fiscal_year"]
    for sheet in answer_sheets(workbook):
        sheet.delete_cols(year_column)
    assert "目標年度" not in [c.value for c in answer_sheets(workbook)[0][1]]

    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 200, _problems(response)
    assert [c.code for c in response.context["preview"].changes] == ["STD-01"]
    assert apply(respondent, questionnaire, response).status_code == 302
    answer = _answer(questionnaire, "STD-01")
    assert (answer.level, answer.target_level, answer.target_fiscal_year) == (1, 3, 2029)


def test_a_sheet_with_columns_of_no_layout_the_portal_wrote_is_refused(respondent, questionnaire):
    workbook = load(export(questionnaire))
    answer_sheets(workbook)[0].delete_cols(COLUMN_NUMBER["comment"])
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert [message for _code, _field, message in _problems(response)] == [
        "見出し行が書き出した時と違います。列の追加・削除・並べ替えはしないでください。"
    ]
    assert not Answer.objects.exists()


def test_a_target_year_outside_the_horizon_is_a_row_problem(respondent, questionnaire):
    data = fill(
        export(questionnaire),
        {"STD-01": {"level": "1", "target_level": "3", "target_fiscal_year": "2026"}},
    )
    response = upload(respondent, questionnaire, data)

    [(code, field, message)] = _problems(response)
    assert (code, field) == ("STD-01", "目標年度")
    assert "2027年度（令和9年度）から2036年度（令和18年度）まで" in message
    assert not Answer.objects.exists()


def test_preview_shows_old_and_new_values(respondent, questionnaire, personas):
    _web_save(questionnaire, "STD-01", personas.respondent_a, level=1)
    data = fill(export(questionnaire), {"STD-01": {"level": "3: 全庁で実施"}})
    response = upload(respondent, questionnaire, data)
    [change] = response.context["preview"].changes
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("現在値", "1: 検討中", "3: 全庁で実施")
    ]
    assert apply(respondent, questionnaire, response).status_code == 302
    answer = _answer(questionnaire, "STD-01")
    assert (answer.level, answer.version) == (3, 2)


def test_percent_formatted_cell_reads_as_percent(respondent, questionnaire):
    workbook = load(export(questionnaire))
    target = cell(workbook, "PCT-01", "answer")
    target.value = 0.755  # Excel stores 75.5% typed in a percent cell like this
    target.number_format = "0.0%"
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    [change] = response.context["preview"].changes
    assert change.values.number == Decimal("75.50")


def test_unknown_and_unassigned_codes_are_reported_per_row(respondent, questionnaire):
    workbook = load(export(questionnaire))
    sheet, row = find_row(workbook, "STD-03")
    sheet.cell(row=row, column=1).value = "XXX-99"
    sheet, row2 = find_row(workbook, "STD-01")
    sheet.cell(row=row2, column=1).value = "TAX-01"
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 400
    problems = response.context["problems"]
    by_code = {p.code: p for p in problems}
    assert by_code["XXX-99"].message == "不明な指標コードです。"
    assert (by_code["XXX-99"].sheet, by_code["XXX-99"].row) == ("1 取組分野1", row)
    assert "割り当てられていない" in by_code["TAX-01"].message
    assert response.context["token"] is None
    assert "この内容で反映する" not in response.content.decode()


@pytest.mark.parametrize(
    ("code", "key", "value", "field", "message"),
    [
        ("PCT-01", "answer", 150, "回答", "0から100までの数値"),
        ("PCT-01", "answer", "たくさん", "回答", "数値で入力してください"),
        ("STD-01", "level", "7", "現在値", "0から4までの整数"),
        ("CNT-02", "answer", -1, "回答", "0以上の整数"),
        ("YES-01", "answer", "たぶん", "回答", "「はい」か「いいえ」"),
        ("CHO-01", "answer", "全部", "回答", "選択肢から選んで"),
        ("STD-01", "not_applicable", "たぶん", "該当しない", "「はい」か「いいえ」"),
        ("STD-01", "not_applicable", "はい", "該当しない理由", "理由を入力してください"),
        ("STD-01", "evidence_url", "javascript:alert(1)", "根拠URL", "http:// または https://"),
    ],
)
def test_values_out_of_range_are_reported_with_parse_answers_message(
    respondent, questionnaire, code, key, value, field, message
):
    data = fill(export(questionnaire), {code: {key: value}, "STD-02": {"level": "2"}})
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert (problem.code, problem.field) == (code, field)
    assert message in problem.message
    assert response.context["token"] is None


def test_edited_locked_cells_are_reported(respondent, questionnaire):
    data = fill(
        export(questionnaire),
        {
            "STD-01": {"question": "書き換えた設問", "level": "2"},
            "CHO-01": {"options": "・全部"},
            "YES-01": {"level": "3"},  # a grey cell of a non-maturity indicator
        },
    )
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 400
    problems = _problems(response)
    assert (
        "STD-01",
        "設問",
        "変更できないセルが書き出した時から変わっています。元に戻してください。",
    ) in problems
    assert any(code == "CHO-01" and field == "レベル・選択肢" for code, field, _ in problems)
    assert any(code == "YES-01" and "灰色" in message for code, _, message in problems)


def test_altered_version_cell_is_reported(respondent, questionnaire):
    data = fill(export(questionnaire), {"STD-01": {"version": 5, "level": "2"}})
    response = upload(respondent, questionnaire, data)
    assert _problems(response) == [
        (
            "STD-01",
            "版（変更しないでください）",
            "版が書き出した時と違います（変更できないセルです）。",
        )
    ]


def test_row_edited_after_someone_else_saved_is_a_conflict_with_both_values(
    respondent, questionnaire, personas
):
    data = export(questionnaire)
    _web_save(questionnaire, "STD-01", personas.respondent_a, level=1)
    response = upload(respondent, questionnaire, fill(data, {"STD-01": {"level": "3"}}))
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert problem.code == "STD-01" and problem.field == "現在値"
    assert "競合" in problem.message
    assert "ファイルの値: 3: 全庁で実施" in problem.message
    assert "現在の値: 1: 検討中" in problem.message
    assert _answer(questionnaire, "STD-01").level == 1


def test_untouched_row_changed_on_the_web_is_left_out(respondent, questionnaire, personas):
    data = export(questionnaire)
    _web_save(questionnaire, "STD-01", personas.respondent_a, level=1)
    response = upload(respondent, questionnaire, fill(data, {"STD-02": {"level": "2"}}))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.code for c in preview.changes] == ["STD-02"]
    assert [s.code for s in preview.skipped] == ["STD-01"]
    assert apply(respondent, questionnaire, response).status_code == 302
    assert _answer(questionnaire, "STD-01").level == 1, "the web answer is kept"
    assert _answer(questionnaire, "STD-02").level == 2


def test_nothing_is_applied_when_any_row_has_a_problem(respondent, questionnaire):
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}, "PCT-01": {"answer": 101}})
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 400
    assert response.context["token"] is None
    assert SESSION_KEY not in respondent.session
    forged = respondent.post(
        reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk}),
        {"token": "made-up"},
    )
    assert forged.status_code == 400
    assert "反映する内容が見つかりません" in forged.content.decode()
    assert not Answer.objects.exists()


def test_a_conflict_at_apply_time_rolls_back_every_row(respondent, questionnaire, personas):
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}, "STD-02": {"level": "3"}})
    preview = upload(respondent, questionnaire, data)
    assert preview.status_code == 200
    # Someone saves STD-02 on the web between the preview and the apply.
    _web_save(questionnaire, "STD-02", personas.respondent_a, level=1)
    response = apply(respondent, questionnaire, preview)
    assert response.status_code == 409
    [problem] = response.context["problems"]
    assert problem.code == "STD-02" and "現在の値: 1: 検討中" in problem.message
    assert "何も反映していません" in response.content.decode()
    assert _answer(questionnaire, "STD-01") is None, "STD-01 was rolled back"
    assert AnswerChange.objects.filter(via="excel").count() == 0
    assert SESSION_KEY not in respondent.session


def test_identifier_missing_or_forged_is_refused(respondent, questionnaire):
    workbook = load(export(questionnaire))
    sheet = workbook[INSTRUCTIONS_TITLE]
    label_row = next(r for r in sheet.iter_rows() if r[0].value and "識別子" in r[0].value)
    label_row[1].value = label_row[1].value[:-3] + "xyz"
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 400
    assert "識別子が壊れているか、変更されています" in response.content.decode()

    label_row[1].value = None
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 400
    assert "識別子がありません" in response.content.decode()


def test_workbook_of_another_questionnaire_is_refused(respondent, questionnaire, personas):
    other = make_workbook_round(personas, fiscal_year=2027)
    response = upload(respondent, questionnaire, export(other))
    assert response.status_code == 400
    assert "別の調査票" in response.content.decode()


def test_submitted_questionnaire_refuses_uploads(respondent, questionnaire):
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    preview = upload(respondent, questionnaire, data)
    questionnaire.status = QuestionnaireStatus.SUBMITTED
    questionnaire.save()
    url = reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk})
    page = respondent.get(url)
    assert page.status_code == 200 and "提出済み" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    assert upload(respondent, questionnaire, data).status_code == 409
    assert apply(respondent, questionnaire, preview).status_code == 409
    assert not Answer.objects.exists()


def test_closed_round_refuses_uploads(respondent, questionnaire):
    questionnaire.round.status = RoundStatus.CLOSED
    questionnaire.round.save()
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    response = upload(respondent, questionnaire, data)
    assert response.status_code == 409
    assert "締め切られて" in response.content.decode()


def test_a_row_without_a_code_and_extra_rows_are_reported(respondent, questionnaire):
    workbook = load(export(questionnaire))
    sheet, row = find_row(workbook, "STD-02")
    sheet.cell(row=row + 1, column=6).value = "2"
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert (problem.row, problem.field) == (row + 1, "指標コード")


def test_more_than_a_thousand_rows_is_refused(respondent, questionnaire):
    workbook = load(export(questionnaire))
    sheet, _row = find_row(workbook, "STD-02")
    sheet.cell(row=1500, column=11).value = "はみ出し"
    response = upload(respondent, questionnaire, _save_workbook(workbook))
    assert response.status_code == 400
    assert any("行が多すぎます" in p.message for p in response.context["problems"])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator_a", 404),  # may see, may not answer
        ("consultant", 404),
        ("respondent_c", 404),
        ("coordinator_c", 404),
        ("catalogue_editor", 404),
        ("admin", 404),
    ],
)
def test_only_people_who_may_answer_can_upload(client, questionnaire, personas, persona, status):
    client.force_login(getattr(personas, persona))
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    url = reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk})
    assert client.get(url).status_code == status
    assert upload(client, questionnaire, data).status_code == status
    apply_url = reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk})
    assert client.post(apply_url, {"token": "x"}).status_code == status
    assert not Answer.objects.exists()


def test_outsider_cannot_apply_someone_elses_preview(client, questionnaire, personas):
    """The pending changes live in the uploader's session; another user has none."""
    client.force_login(personas.respondent_a)
    preview = upload(client, questionnaire, fill(export(questionnaire), {"STD-01": {"level": "2"}}))
    other = Client()
    other.force_login(personas.respondent_c)
    url = reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk})
    assert other.post(url, {"token": preview.context["token"]}).status_code == 404
    assert not Answer.objects.exists()


def test_upload_and_apply_require_the_csrf_token(questionnaire, personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.respondent_a)
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    assert upload(client, questionnaire, data).status_code == 403
    url = reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk})
    assert client.post(url, {"token": "x"}).status_code == 403
    assert client.get(url).status_code == 405


def test_upload_page_and_preview_query_counts(
    respondent, questionnaire, django_assert_max_num_queries
):
    url = reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk})
    with django_assert_max_num_queries(10):
        assert respondent.get(url).status_code == 200
    data = fill(export(questionnaire), {"STD-01": {"level": "2"}})
    with django_assert_max_num_queries(15):
        assert upload(respondent, questionnaire, data).status_code == 200


def test_formula_like_text_survives_the_round_trip_as_text(respondent, questionnaire):
    payload = '=HYPERLINK("http://x","y")'
    data = fill(export(questionnaire), {"TXT-01": {"answer": "+81 3", "comment": payload}})
    response = upload(respondent, questionnaire, data)
    assert apply(respondent, questionnaire, response).status_code == 302
    answer = _answer(questionnaire, "TXT-01")
    assert (answer.text, answer.comment) == ("+81 3", payload)
    # Exported again it is neutralised ('...), and reading it back changes nothing.
    exported = export(questionnaire)
    assert cell(load(exported), "TXT-01", "comment").value == "'" + payload
    again = upload(respondent, questionnaire, exported)
    assert again.status_code == 200 and again.context["preview"].changes == []


def test_posted_fields_cannot_set_status_or_target_another_questionnaire(
    respondent, questionnaire, personas
):
    """SECURITY 3: only the token comes from the browser at apply time."""
    other = make_workbook_round(personas, fiscal_year=2027)
    preview = upload(
        respondent, questionnaire, fill(export(questionnaire), {"STD-01": {"level": "2"}})
    )
    response = respondent.post(
        reverse("workbooks:apply", kwargs={"questionnaire_id": questionnaire.pk}),
        {
            "token": preview.context["token"],
            "status": QuestionnaireStatus.APPROVED,
            "questionnaire": other.pk,
            "base_version": 99,
            "level": 4,
        },
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.IN_PROGRESS
    assert _answer(questionnaire, "STD-01").level == 2
    assert not Answer.objects.filter(questionnaire=other).exists()
