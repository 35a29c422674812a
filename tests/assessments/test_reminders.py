"""Reminder e-mails: one per respondent of each questionnaire not yet submitted."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, Role
from assessments.coordination import CoordinationError, assignment_set, round_close
from assessments.models import QuestionnaireStatus
from assessments.reminders import questionnaire_path, reminders_send
from tests.assessment_factories import AnswerFactory
from tests.factories import MembershipFactory, UserFactory

TODAY = datetime.date(2026, 7, 1)
MAY = datetime.datetime(2026, 5, 31, 12, 0, tzinfo=datetime.UTC)
JULY = datetime.datetime(2026, 7, 1, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def two_departments(open_round, personas):
    """DX推進課 (respondent_a and a colleague) and 税務課 (one respondent) both answer."""
    assignment_set(
        round=open_round,
        indicator=open_round.edition.indicators.get(code="STD-01"),
        departments=[personas.department_a, personas.other_department_a],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    MembershipFactory(
        user=UserFactory(display_name="山田 花子"),
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
    tax = personas.respondent_other_a  # 税務課's one respondent
    tax.display_name = "佐藤 一郎"
    tax.save(update_fields=["display_name"])
    # Not a respondent: never reminded.
    MembershipFactory(role=Role.COORDINATOR, municipality=personas.municipality_a)
    return open_round, tax


def test_one_mail_per_respondent_of_unsubmitted_questionnaires(personas, two_departments):
    round_, tax_respondent = two_departments
    sent = reminders_send(round=round_, base_url="https://dx.example.lg.jp/", today=TODAY)
    assert sent == 3
    respondents = Membership.objects.filter(
        role=Role.RESPONDENT, municipality=personas.municipality_a
    ).values_list("user__email", flat=True)
    assert len(respondents) == 3 and tax_respondent.email in respondents
    assert sorted(m.to[0] for m in mail.outbox) == sorted(respondents)
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_submitted_and_approved_questionnaires_get_no_reminder(personas, two_departments):
    round_, tax_respondent = two_departments
    round_.questionnaires.filter(department=personas.department_a).update(
        status=QuestionnaireStatus.SUBMITTED
    )
    assert reminders_send(round=round_, base_url="http://x", today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[tax_respondent.email]]
    mail.outbox.clear()
    round_.questionnaires.filter(department=personas.other_department_a).update(
        status=QuestionnaireStatus.APPROVED
    )
    assert reminders_send(round=round_, base_url="http://x", today=TODAY) == 0
    assert mail.outbox == []


def test_returned_questionnaires_are_reminded_with_the_reason(personas, two_departments):
    round_, tax_respondent = two_departments
    round_.questionnaires.filter(department=personas.other_department_a).update(
        status=QuestionnaireStatus.RETURNED, review_comment="根拠資料を添えてください"
    )
    reminders_send(round=round_, base_url="http://x", today=TODAY)
    (message,) = [m for m in mail.outbox if m.to == [tax_respondent.email]]
    assert "差戻しの理由：根拠資料を添えてください" in message.body


def test_the_mail_says_round_department_progress_date_and_url(personas, two_departments):
    round_, tax_respondent = two_departments
    questionnaire = round_.questionnaires.get(department=personas.other_department_a)
    AnswerFactory(questionnaire=questionnaire, code="STD-01", level=2)
    reminders_send(round=round_, base_url="https://dx.example.lg.jp/", today=TODAY)
    (message,) = [m for m in mail.outbox if m.to == [tax_respondent.email]]
    assert message.subject == (
        "【DXポータル】2026年度（令和8年度） DX成熟度セルフアセスメント 回答のお願い（税務課）"
    )
    body = message.body
    assert "佐藤 一郎 様" in body
    assert f"{personas.municipality_a}のDX推進担当です。" in body
    assert "回答状況：1／1問に回答済み（回答中）" in body
    assert "回答締切日：2026年9月30日" in body
    assert "締切日を過ぎています" not in body
    assert f"https://dx.example.lg.jp{questionnaire_path(questionnaire)}" in body


def test_the_mail_says_when_the_date_has_passed(personas, two_departments):
    round_, _tax = two_departments
    reminders_send(round=round_, base_url="http://x", today=datetime.date(2026, 10, 2))
    assert all("（締切日を過ぎています）" in m.body for m in mail.outbox)


def test_inactive_users_get_nothing(personas, two_departments):
    round_, tax_respondent = two_departments
    tax_respondent.is_active = False
    tax_respondent.save()
    reminders_send(round=round_, base_url="http://x", today=TODAY)
    assert tax_respondent.email not in [m.to[0] for m in mail.outbox]


def test_closed_rounds_send_nothing(personas, two_departments):
    round_, _tax = two_departments
    round_close(round=round_, user=personas.coordinator_a)
    with pytest.raises(CoordinationError):
        reminders_send(round=round_, base_url="http://x", today=TODAY)
    assert mail.outbox == []


def test_only_the_coordinator_may_send_from_the_page(client, personas, two_departments):
    round_, _tax = two_departments
    with pytest.raises(PermissionDenied):
        reminders_send(round=round_, base_url="http://x", user=personas.consultant)
    url = reverse(
        "rounds:remind", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    for persona in ["consultant", "respondent_a", "coordinator_c"]:
        client.force_login(getattr(personas, persona))
        assert client.post(url).status_code == 404
    assert mail.outbox == []

    client.force_login(personas.coordinator_a)
    response = client.post(url, follow=True)
    assert "督促メールを3通送信しました" in response.text
    assert len(mail.outbox) == 3
    # The link in the mail points at this portal.
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    assert any(
        f"http://testserver/questionnaires/{questionnaire.pk}/" in m.body for m in mail.outbox
    )


def test_command_sends_for_one_round_or_all_open_rounds(personas, two_departments):
    round_, _tax = two_departments
    out = StringIO()
    call_command("send_reminders", "--round", str(round_.pk), "--base-url", "http://x", stdout=out)
    assert len(mail.outbox) == 3
    assert "督促メールを3通送信しました" in out.getvalue()

    # Without --round: open rounds that have started (open_round opens on 2026-06-01).
    for now, expected in [(MAY, 0), (JULY, 3)]:
        mail.outbox.clear()
        with mock.patch("django.utils.timezone.now", return_value=now):
            call_command("send_reminders", stdout=StringIO())
        assert len(mail.outbox) == expected


def test_command_refuses_unknown_or_closed_rounds(personas, two_departments):
    round_, _tax = two_departments
    with pytest.raises(CommandError, match="ありません"):
        call_command("send_reminders", "--round", "999999", stdout=StringIO())
    round_close(round=round_, user=personas.coordinator_a)
    with pytest.raises(CommandError, match="締め切られています"):
        call_command("send_reminders", "--round", str(round_.pk), stdout=StringIO())
