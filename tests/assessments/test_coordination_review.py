"""Submit (the respondents' service) → approve / return with a comment → reopen, all recorded."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.coordination import (
    CoordinationError,
    questionnaire_approve,
    questionnaire_reopen,
    questionnaire_return,
    round_close,
)
from assessments.models import QuestionnaireEvent, QuestionnaireEventKind, QuestionnaireStatus
from assessments.submitting import questionnaire_submit
from frameworks.models import AnswerType
from tests import assessment_factories


def answer_everything(questionnaire, user):
    """Fill in every indicator the department answers, so that it can be submitted."""
    for assignment in questionnaire.round.assignments.filter(
        department=questionnaire.department
    ).select_related("indicator"):
        indicator = assignment.indicator
        values = {
            AnswerType.MATURITY: {"level": 3},
            AnswerType.CHOICE: {"choice": indicator.choices.order_by("order").last()},
            AnswerType.COUNT: {"number": 4},
            AnswerType.YES_NO: {"yes": True},
            AnswerType.PERCENTAGE: {"number": 50},
            AnswerType.TEXT: {"text": "記述"},
        }[indicator.answer_type]
        assessment_factories.AnswerFactory(
            questionnaire=questionnaire, indicator=indicator, updated_by=user, **values
        )


@pytest.fixture
def submitted(questionnaire, personas):
    answer_everything(questionnaire, personas.respondent_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.SUBMITTED
    return questionnaire


def _url(questionnaire):
    return reverse(
        "rounds:review",
        kwargs={
            "code": questionnaire.round.municipality.code,
            "round_id": questionnaire.round_id,
            "questionnaire_id": questionnaire.pk,
        },
    )


def _kinds(questionnaire):
    return list(questionnaire.events.values_list("kind", "actor__email", "comment"))


def test_review_page_shows_answers_by_area_and_history(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.get(_url(submitted))
    assert response.status_code == 200
    text = response.text
    assert "取組分野1" in text and "取組分野2" in text
    assert "3：全庁で実施" in text  # a maturity answer with its rubric label
    assert "全庁で導入" in text  # the choice
    assert f"{personas.respondent_a}が提出" in text
    for button in ["承認する", "差し戻す", "再開する"]:
        assert button in text


def test_coordinator_approves_a_submitted_questionnaire(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(_url(submitted), {"action": "approve", "comment": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.APPROVED
    assert _kinds(submitted)[-1] == ("approved", personas.coordinator_a.email, "")


def test_returning_needs_a_comment_that_the_respondent_sees(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(_url(submitted), {"action": "return", "comment": "  "})
    assert response.status_code == 400
    assert "差戻しの理由を入力してください" in response.text
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED

    response = client.post(
        _url(submitted), {"action": "return", "comment": "STD-01の根拠資料を添えてください。"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.RETURNED
    assert submitted.review_comment == "STD-01の根拠資料を添えてください。"
    assert _kinds(submitted)[-1] == (
        "returned",
        personas.coordinator_a.email,
        "STD-01の根拠資料を添えてください。",
    )
    page = client.get(_url(submitted)).text
    assert "STD-01の根拠資料を添えてください。" in page


def test_reopen_of_an_approved_questionnaire_is_recorded(client, personas, submitted):
    questionnaire_approve(questionnaire=submitted, user=personas.coordinator_a)
    client.force_login(personas.coordinator_a)
    response = client.post(_url(submitted), {"action": "reopen", "comment": "数値の訂正のため"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.IN_PROGRESS
    assert [k for k, _e, _c in _kinds(submitted)] == ["submitted", "approved", "reopened"]
    assert _kinds(submitted)[-1] == ("reopened", personas.coordinator_a.email, "数値の訂正のため")
    # Editable again: the respondent can submit once more.
    questionnaire_submit(questionnaire=submitted, user=personas.respondent_a)
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED


def test_only_submitted_questionnaires_are_approved_or_returned(personas, questionnaire):
    with pytest.raises(CoordinationError, match="提出済みの調査票だけを承認"):
        questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_a)
    with pytest.raises(CoordinationError, match="提出済みの調査票だけを差し戻せます"):
        questionnaire_return(questionnaire=questionnaire, user=personas.coordinator_a, comment="x")
    with pytest.raises(CoordinationError, match="再開できます"):
        questionnaire_reopen(questionnaire=questionnaire, user=personas.coordinator_a)
    assert not QuestionnaireEvent.objects.exists()


def test_an_in_progress_questionnaire_offers_no_review_buttons(client, personas, questionnaire):
    client.force_login(personas.coordinator_a)
    response = client.get(_url(questionnaire))
    assert "承認する" not in response.text
    response = client.post(_url(questionnaire), {"action": "approve"})
    assert response.status_code == 400
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.IN_PROGRESS


@pytest.mark.parametrize("persona", ["respondent_a", "consultant", "coordinator_c", "admin"])
def test_nobody_else_can_approve(client, personas, submitted, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(_url(submitted), {"action": "approve"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED


def test_consultants_read_the_review_page_without_buttons(client, personas, submitted):
    client.force_login(personas.consultant)
    response = client.get(_url(submitted))
    assert response.status_code == 200
    assert "承認する" not in response.text
    assert "3：全庁で実施" in response.text


def test_respondents_cannot_open_the_review_page(client, personas, submitted):
    client.force_login(personas.respondent_a)
    assert client.get(_url(submitted)).status_code == 404


def test_services_check_the_user_themselves(personas, submitted):
    for service in (questionnaire_approve, questionnaire_reopen):
        with pytest.raises(PermissionDenied):
            service(questionnaire=submitted, user=personas.respondent_a)
        with pytest.raises(PermissionDenied):
            service(questionnaire=submitted, user=personas.consultant)
    with pytest.raises(PermissionDenied):
        questionnaire_return(questionnaire=submitted, user=personas.coordinator_c, comment="x")
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED


def test_posted_status_fields_change_nothing(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _url(submitted),
        {
            "status": QuestionnaireStatus.APPROVED,
            "submitted_by": str(personas.coordinator_a.pk),
            "municipality": str(personas.municipality_c.pk),
            "department": str(personas.other_department_a.pk),
        },
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert submitted.department == personas.department_a
    assert [k for k, _e, _c in _kinds(submitted)] == [QuestionnaireEventKind.SUBMITTED]


def test_a_questionnaire_of_another_round_is_404(client, personas, submitted, open_round):
    later = assessment_factories.open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=open_round.edition,
        fiscal_year=2027,
    )
    client.force_login(personas.coordinator_a)
    url = reverse(
        "rounds:review",
        kwargs={
            "code": personas.municipality_a.code,
            "round_id": later.pk,
            "questionnaire_id": submitted.pk,
        },
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED


def test_closed_round_allows_approving_but_not_handing_back(personas, submitted):
    round_close(round=submitted.round, user=personas.coordinator_a)
    with pytest.raises(CoordinationError, match="締め切られています"):
        questionnaire_return(questionnaire=submitted, user=personas.coordinator_a, comment="x")
    with pytest.raises(CoordinationError, match="締め切られています"):
        questionnaire_reopen(questionnaire=submitted, user=personas.coordinator_a)
    questionnaire_approve(questionnaire=submitted, user=personas.coordinator_a)
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.APPROVED


def test_review_page_prints_rubric_labels_in_the_pages_language(client, personas, submitted):
    from frameworks.models import RubricLevel

    levels = RubricLevel.objects.filter(
        indicator__edition_id=submitted.round.edition_id, level=3, label="全庁で実施"
    )
    assert levels.count() > 0
    levels.update(label_en="Organisation-wide")
    client.force_login(personas.coordinator_a)
    english = client.get(_url(submitted), HTTP_ACCEPT_LANGUAGE="en").text
    assert "3：Organisation-wide" in english
    assert "3：全庁で実施" not in english
    assert "3：全庁で実施" in client.get(_url(submitted)).text
