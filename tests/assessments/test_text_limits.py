"""Every free-text field has a length limit (dxportal.text_limits): the models refuse longer text
in full_clean, the answering page and the Excel import refuse it with the limit and the count,
and an over-long save changes nothing — no answer, no history row, no audit event."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.coordination import questionnaire_return
from assessments.forms_coordination import ConsolidationForm, ReviewForm
from assessments.models import Answer, AnswerChange, QuestionnaireStatus
from assessments.submitting import questionnaire_submit
from audit.detail import QUOTE_CHARS
from audit.models import AuditAction, AuditEvent
from dxportal.text_limits import COMMENT_MAX, LimitedTextField, too_long_message
from tests.assessments.answering_support import HTMX, open_all_types
from tests.assessments.test_coordination_review import answer_everything
from tests.assessments.workbook_support import export, fill, find_row, load, make_workbook_round
from tests.assessments.workbook_support import upload as workbook_upload

APPS = ("assessments", "frameworks", "plans", "municipalities")


def _free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]


FREE_TEXT = _free_text_fields()
TOO_LONG = too_long_message(limit=COMMENT_MAX, length=COMMENT_MAX + 1)


# --- every field ---------------------------------------------------------------------------


def test_every_text_field_of_the_apps_is_limited():
    # 7 in assessments (answers, reviews, a return's comments on indicators, consolidation
    # notes), 15 in frameworks (the catalogue's descriptions, questions, help texts and
    # sources), 2 in plans.
    assert len(FREE_TEXT) == 24
    unlimited = [
        f"{model.__name__}.{field.name}"
        for model, field in FREE_TEXT
        if not isinstance(field, LimitedTextField)
    ]
    assert unlimited == []


def test_every_char_field_filled_by_people_has_a_max_length():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and not field.max_length
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("model", "field"), FREE_TEXT, ids=[f"{m.__name__}.{f.name}" for m, f in FREE_TEXT]
)
def test_full_clean_refuses_text_past_the_limit_and_accepts_it_at_the_limit(model, field):
    others = [f.name for f in model._meta.fields if f.name != field.name]
    limit = field.max_length
    row = model(**{field.name: "あ" * (limit + 1)})
    with pytest.raises(ValidationError) as refused:
        row.clean_fields(exclude=others)
    assert refused.value.message_dict == {
        field.name: [too_long_message(limit=limit, length=limit + 1)]
    }
    model(**{field.name: "あ" * limit}).clean_fields(exclude=others)
    # Its form field tells the browser (maxlength) and says the same.
    form_field = field.formfield()
    assert form_field.widget.attrs["maxlength"] == str(limit)
    with pytest.raises(ValidationError) as refused:
        form_field.clean("a" * (limit + 1))
    assert refused.value.messages == [too_long_message(limit=limit, length=limit + 1)]


def test_a_line_break_counts_once_as_in_the_browser():
    lines = ("あ" * 99 + "\r\n") * (COMMENT_MAX // 100)  # 100 characters a line as typed
    Answer(comment=lines).clean_fields(exclude=["questionnaire", "indicator", "updated_by"])


# --- the answering page --------------------------------------------------------------------


@pytest.fixture
def all_types(personas):
    return open_all_types(personas)


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _saved_once(all_types, personas, code):
    """The answer to `code` saved once (version 1), as the state nothing may change."""
    return answer_save(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator(code),
        values=AnswerValues(
            **({"text": "前の記述"} if code == "TXT-01" else {"level": 1}), comment="前のコメント"
        ),
        base_version=0,
        user=personas.respondent_a,
    ).answer


def _state(answer):
    answer.refresh_from_db()
    return (
        answer.version,
        answer.text,
        answer.comment,
        answer.not_applicable_reason,
        AnswerChange.objects.count(),
        AuditEvent.objects.filter(action=AuditAction.ANSWER_CHANGED).count(),
    )


FIELDS = [
    # code, field, what else is posted
    ("TXT-01", "text", {}),
    ("MAT-01", "comment", {"level": "1"}),
    ("MAT-01", "not_applicable_reason", {"level": "1", "not_applicable": "on"}),
]


@pytest.mark.parametrize("htmx", [True, False], ids=["autosave", "form post"])
@pytest.mark.parametrize(("code", "field", "posted"), FIELDS)
def test_an_over_long_save_is_refused_with_the_count_and_changes_nothing(
    respondent, all_types, personas, code, field, posted, htmx
):
    answer = _saved_once(all_types, personas, code)
    before = _state(answer)
    response = respondent.post(
        all_types.save_url(code),
        {"base_version": 1, **posted, field: "あ" * (COMMENT_MAX + 1)},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    assert TOO_LONG in response.text
    assert "10,000文字以内で入力してください（現在 10,001 文字）。" in response.text
    assert "保存していません" in response.text
    assert _state(answer) == before


@pytest.mark.parametrize(("code", "field", "posted"), FIELDS)
def test_text_exactly_at_the_limit_is_saved(respondent, all_types, code, field, posted):
    response = respondent.post(
        all_types.save_url(code),
        {"base_version": 0, **posted, field: "あ" * COMMENT_MAX},
        **HTMX,
    )
    assert response.status_code == 200
    answer = Answer.objects.get(questionnaire=all_types.questionnaire, indicator__code=code)
    assert getattr(answer, field) == "あ" * COMMENT_MAX


def test_the_answer_fields_carry_maxlength(respondent, all_types):
    page = respondent.get(all_types.area_url()).text
    assert page.count(f'maxlength="{COMMENT_MAX}"') >= 3  # text, reason, comment
    assert 'maxlength="500"' in page  # the evidence URL


def test_the_save_service_refuses_what_the_parser_would(all_types, personas):
    """answer_save checks the model's limits itself, whoever built the values."""
    with pytest.raises(ValidationError):
        answer_save(
            questionnaire=all_types.questionnaire,
            indicator=all_types.indicator("MAT-01"),
            values=AnswerValues(level=1, comment="あ" * (COMMENT_MAX + 1)),
            base_version=0,
            user=personas.respondent_a,
        )
    assert not Answer.objects.filter(questionnaire=all_types.questionnaire).exists()
    assert not AnswerChange.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ANSWER_CHANGED).exists()


def test_the_audit_event_of_a_long_change_stays_small(all_types, personas):
    old = _saved_once(all_types, personas, "MAT-01")
    comment = "窓口" * (COMMENT_MAX // 2)
    answer_save(
        questionnaire=all_types.questionnaire,
        indicator=old.indicator,
        values=AnswerValues(level=1, comment=comment),
        base_version=1,
        user=personas.respondent_a,
    )
    event = AuditEvent.objects.filter(action=AuditAction.ANSWER_CHANGED).latest("pk")
    assert len(json.dumps(event.detail, ensure_ascii=False)) < 4 * QUOTE_CHARS
    (quoted,) = [c["new"] for c in event.detail["changes"] if c["label"] == {"msgid": "コメント"}]
    assert quoted.startswith(comment[:QUOTE_CHARS])
    assert quoted.endswith("…（全10,000文字）")
    assert event.detail["version"] == 2
    # The whole text stays in the answer's history.
    change = AnswerChange.objects.get(answer=old, version=2)
    assert change.changes["comment"] == ["前のコメント", comment]


# --- the Excel import ----------------------------------------------------------------------


@pytest.fixture
def workbook_questionnaire(personas):
    return make_workbook_round(personas)


def test_the_excel_import_refuses_an_over_long_cell_naming_the_row(
    respondent, workbook_questionnaire
):
    exported = export(workbook_questionnaire)
    _sheet, row = find_row(load(exported), "STD-01")
    data = fill(exported, {"STD-01": {"level": 2, "comment": "あ" * (COMMENT_MAX + 1)}})
    response = workbook_upload(respondent, workbook_questionnaire, data)
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert (problem.row, problem.code, problem.field) == (row, "STD-01", "コメント")
    assert problem.message == TOO_LONG
    assert not Answer.objects.filter(questionnaire=workbook_questionnaire).exists()


def test_the_excel_import_takes_text_at_the_limit(respondent, workbook_questionnaire):
    data = fill(
        export(workbook_questionnaire),
        {"TXT-01": {"answer": "あ" * COMMENT_MAX}, "STD-01": {"comment": "い" * COMMENT_MAX}},
    )
    response = workbook_upload(respondent, workbook_questionnaire, data)
    assert response.status_code == 200
    assert response.context["problems"] == []


# --- reviews and reconciliation ------------------------------------------------------------


def test_review_and_reconciliation_forms_refuse_over_long_text():
    review = ReviewForm({"action": "return", "comment": "あ" * (COMMENT_MAX + 1)})
    assert review.errors["comment"] == [TOO_LONG]
    assert ReviewForm({"action": "return", "comment": "あ" * COMMENT_MAX}).is_valid()
    assert ConsolidationForm.base_fields["note"].max_length == COMMENT_MAX


@pytest.fixture
def submitted(questionnaire, personas):
    answer_everything(questionnaire, personas.respondent_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    return questionnaire


def test_an_over_long_return_comment_is_refused_and_changes_nothing(submitted, personas):
    with pytest.raises(ValidationError):
        questionnaire_return(
            questionnaire=submitted,
            user=personas.coordinator_a,
            comment="あ" * (COMMENT_MAX + 1),
        )
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert not submitted.events.filter(kind="returned").exists()
