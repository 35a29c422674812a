"""E-mails on submit (to the coordinators), return and approve (to the department's
respondents): who gets which, what they say, and nothing when the action does not happen."""

from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from assessments.coordination import (
    CoordinationError,
    questionnaire_approve,
    questionnaire_reopen,
    questionnaire_return,
)
from assessments.models import QuestionnaireStatus
from assessments.submitting import SubmitError, questionnaire_submit
from tests.assessments.test_coordination_review import answer_everything
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def people(personas):
    """A second coordinator and a second DX推進課 respondent in A, and people elsewhere
    (A's consultant, C's coordinator, A's tax office) who must never be mailed."""
    second_coordinator = MembershipFactory(
        user=UserFactory(display_name="推進 二郎"),
        role=Role.COORDINATOR,
        municipality=personas.municipality_a,
    ).user
    colleague = MembershipFactory(
        user=UserFactory(display_name="山田 花子"),
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    ).user
    return second_coordinator, colleague


@pytest.fixture
def answered(questionnaire, personas, people):
    answer_everything(questionnaire, personas.respondent_a)
    return questionnaire


def _submit(questionnaire, personas, capture):
    with capture(execute=True):
        questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_submission_mails_each_coordinator_of_the_municipality_once(
    personas, people, answered, django_capture_on_commit_callbacks
):
    second_coordinator, _colleague = people
    _submit(answered, personas, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert _recipients() == sorted([personas.coordinator_a.email, second_coordinator.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    (message,) = [m for m in mail.outbox if m.to == [personas.coordinator_a.email]]
    assert (
        message.subject == "【DXポータル】2026年度（令和8年度） 調査票が提出されました（DX推進課）"
    )
    assert f"{personas.coordinator_a.display_name} 様" in message.body
    assert f"{personas.municipality_a}の2026年度（令和8年度）" in message.body
    assert f"提出した人：{personas.respondent_a.display_name}" in message.body
    review = reverse(
        "rounds:review",
        kwargs={
            "code": personas.municipality_a.code,
            "round_id": answered.round_id,
            "questionnaire_id": answered.pk,
        },
    )
    # Outside a request (here), links start with PORTAL_BASE_URL, as the reminder command's do.
    assert f"http://127.0.0.1:8000{review}\n" in message.body


def test_a_return_mails_the_departments_respondents_with_the_comment(
    personas, people, answered, django_capture_on_commit_callbacks
):
    _second, colleague = people
    _submit(answered, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_return(
            questionnaire=answered,
            user=personas.coordinator_a,
            comment="STD-01の根拠資料を添えてください。",
        )

    assert len(mail.outbox) == 2
    assert _recipients() == sorted([personas.respondent_a.email, colleague.email])
    for message in mail.outbox:
        assert message.subject == (
            "【DXポータル】2026年度（令和8年度） 調査票が差し戻されました（DX推進課）"
        )
        assert "DX推進担当からのコメント：\nSTD-01の根拠資料を添えてください。\n" in message.body
        assert f"DX推進担当（{personas.coordinator_a.display_name}）" in message.body
        detail = reverse("questionnaires:detail", kwargs={"questionnaire_id": answered.pk})
        assert f"http://127.0.0.1:8000{detail}\n" in message.body


def test_a_return_mails_the_comments_on_single_indicators_in_catalogue_order(
    personas, people, answered, django_capture_on_commit_callbacks
):
    _submit(answered, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    indicators = answered.round.edition.indicators
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_return(
            questionnaire=answered,
            user=personas.coordinator_a,
            comment="",
            indicator_comments={
                indicators.get(code="STD-02"): "レベルの根拠を書いてください",
                indicators.get(code="STD-01"): "URLが開けません",
            },
        )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "DX推進担当からのコメント" not in message.body  # no overall comment was written
        assert (
            "指標へのコメント：\n・STD-01：URLが開けません\n・STD-02：レベルの根拠を書いてください\n"
            in message.body
        )


def test_an_approval_mails_the_departments_respondents(
    personas, people, answered, django_capture_on_commit_callbacks
):
    _second, colleague = people
    _submit(answered, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_approve(questionnaire=answered, user=personas.coordinator_a)

    assert len(mail.outbox) == 2
    assert _recipients() == sorted([personas.respondent_a.email, colleague.email])
    assert {m.subject for m in mail.outbox} == {
        "【DXポータル】2026年度（令和8年度） 調査票が承認されました（DX推進課）"
    }
    assert all("コメント" not in m.body for m in mail.outbox)  # none was written


def test_other_municipalities_and_departments_are_never_mailed(
    personas, people, answered, django_capture_on_commit_callbacks
):
    """Across submit, return, resubmit and approve: only A's coordinators and A's DX office."""
    second_coordinator, colleague = people
    _submit(answered, personas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_return(questionnaire=answered, user=personas.coordinator_a, comment="x")
    _submit(answered, personas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_approve(questionnaire=answered, user=personas.coordinator_a)

    assert len(mail.outbox) == 8  # 2 coordinators × 2 submissions, 2 respondents × 2 reviews
    mailed = set(_recipients())
    assert mailed == {
        personas.coordinator_a.email,
        second_coordinator.email,
        personas.respondent_a.email,
        colleague.email,
    }
    for outsider in ("respondent_other_a", "consultant", "respondent_c", "coordinator_c", "admin"):
        assert getattr(personas, outsider).email not in mailed, outsider


def test_refused_actions_send_nothing(
    personas, people, questionnaire, django_capture_on_commit_callbacks
):
    # Nothing answered yet: the submission is refused.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(SubmitError),
    ):
        questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    assert (len(callbacks), len(mail.outbox)) == (0, 0)

    answer_everything(questionnaire, personas.respondent_a)
    _submit(questionnaire, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(CoordinationError):  # a return needs its reason
            questionnaire_return(
                questionnaire=questionnaire, user=personas.coordinator_a, comment=" "
            )
        with pytest.raises(PermissionDenied):  # another municipality's coordinator
            questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_c)
        with pytest.raises(PermissionDenied):
            questionnaire_return(questionnaire=questionnaire, user=personas.consultant, comment="x")
    assert (len(callbacks), len(mail.outbox)) == (0, 0)
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.SUBMITTED

    # Approving twice: the second is refused and mails nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_a)
    assert len(mail.outbox) == 2
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(CoordinationError),
    ):
        questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_a)
    assert (len(callbacks), len(mail.outbox)) == (0, 2)

    # Reopening is not one of the notified events.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        questionnaire_reopen(questionnaire=questionnaire, user=personas.coordinator_a)
    assert (len(callbacks), len(mail.outbox)) == (0, 2)


def test_a_rolled_back_action_sends_nothing(
    personas, people, answered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        questionnaire_submit(questionnaire=answered, user=personas.respondent_a)
        transaction.set_rollback(True)
    assert (len(callbacks), len(mail.outbox)) == (0, 0)
    answered.refresh_from_db()
    assert answered.status == QuestionnaireStatus.IN_PROGRESS


def test_inactive_people_and_the_actor_get_nothing(
    personas, people, answered, django_capture_on_commit_callbacks
):
    second_coordinator, _colleague = people
    second_coordinator.is_active = False
    second_coordinator.save()
    # The coordinator also answers for the DX office: their own submission mails the others only.
    MembershipFactory(
        user=personas.coordinator_a,
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_submit(questionnaire=answered, user=personas.coordinator_a)
    assert mail.outbox == []


def test_one_failed_address_stops_no_other_and_undoes_nothing(
    personas, people, answered, django_capture_on_commit_callbacks, caplog
):
    from django.core.mail import send_mail as real_send_mail

    def send_mail(subject, body, sender, to):
        if to == [personas.coordinator_a.email]:
            raise ConnectionRefusedError("mail server down")
        return real_send_mail(subject, body, sender, to)

    with mock.patch("assessments.notifications.send_mail", side_effect=send_mail):
        _submit(answered, personas, django_capture_on_commit_callbacks)
    second_coordinator, _colleague = people
    assert [m.to for m in mail.outbox] == [[second_coordinator.email]]
    assert "notification e-mail" in caplog.text
    answered.refresh_from_db()
    assert answered.status == QuestionnaireStatus.SUBMITTED


def test_links_from_the_pages_use_the_address_the_request_came_to(
    client, settings, personas, people, answered, django_capture_on_commit_callbacks
):
    """As the reminder and invitation views do: request.build_absolute_uri("/")."""
    settings.ALLOWED_HOSTS = ["dx.example.lg.jp"]
    client.force_login(personas.respondent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("questionnaires:submit", args=[answered.pk]), HTTP_HOST="dx.example.lg.jp"
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert all("http://dx.example.lg.jp/m/" in m.body for m in mail.outbox)

    mail.outbox.clear()
    client.force_login(personas.coordinator_a)
    review = reverse(
        "rounds:review",
        kwargs={
            "code": personas.municipality_a.code,
            "round_id": answered.round_id,
            "questionnaire_id": answered.pk,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review,
            {"action": "return", "comment": "根拠を添えてください"},
            HTTP_HOST="dx.example.lg.jp",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    detail = reverse("questionnaires:detail", kwargs={"questionnaire_id": answered.pk})
    assert all(f"http://dx.example.lg.jp{detail}" in m.body for m in mail.outbox)
    assert all("根拠を添えてください" in m.body for m in mail.outbox)
