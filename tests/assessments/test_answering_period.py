"""Answering opens on the round's start date (opens_on, a day in Japan): before it every write
path refuses with the same reason (assessments.locking), the pages say so, and the
coordinator can still prepare the round."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.coordination import assignment_set
from assessments.locking import before_opening, lock_reason
from assessments.models import Answer, Assignment, EvidenceFile, QuestionnaireStatus, Round
from dxportal.japanese_calendar import today_in_japan
from tests.assessments import workbook_support as wb
from tests.assessments.answering_support import HTMX, open_all_types

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _tomorrow() -> datetime.date:
    return today_in_japan() + datetime.timedelta(days=1)


def _opens_tomorrow(round_) -> str:
    """Move the round's start to tomorrow; the reason the pages give, in the date format."""
    Round.objects.filter(pk=round_.pk).update(
        opens_on=_tomorrow(), closes_on=datetime.date(2099, 9, 30)
    )
    day = _tomorrow()
    return f"回答期間は{day.year}年{day.month}月{day.day}日からです。"


@pytest.fixture
def all_types(personas):
    return open_all_types(personas)


def test_the_reason_names_the_start_date(all_types):
    reason = _opens_tomorrow(all_types.round)
    questionnaire = (
        type(all_types.questionnaire)
        .objects.select_related("round")
        .get(pk=all_types.questionnaire.pk)
    )
    assert lock_reason(questionnaire).startswith(reason)


def test_the_start_date_is_a_day_in_japan(all_types):
    round_ = all_types.round
    round_.opens_on = datetime.date(2026, 10, 1)
    # 2026-09-30 15:30 UTC is still 30 September in London but already 1 October in Japan.
    late_utc = datetime.datetime(2026, 9, 30, 15, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_utc):
        assert not before_opening(round_)
    with mock.patch(
        "django.utils.timezone.now", return_value=late_utc - datetime.timedelta(hours=1)
    ):
        assert before_opening(round_)


# --- every write path, over HTTP ------------------------------------------------------------


def _save(client, all_types):
    return client.post(all_types.save_url("MAT-01"), {"level": "2", "base_version": "0"}, **HTMX)


def _upload(client, all_types):
    url = reverse("questionnaires:evidence_upload", args=[all_types.questionnaire.pk, "MAT-01"])
    return client.post(url, {"file": SimpleUploadedFile("根拠.pdf", PDF)}, **HTMX)


def _submit(client, all_types):
    return client.post(reverse("questionnaires:submit", args=[all_types.questionnaire.pk]))


WRITES = {"answer save": (_save, 409), "evidence upload": (_upload, 400), "submit": (_submit, 400)}


@pytest.mark.parametrize("path", WRITES)
def test_every_write_path_refuses_before_the_start(client, personas, all_types, path):
    reason = _opens_tomorrow(all_types.round)
    client.force_login(personas.respondent_a)
    write, status = WRITES[path]

    response = write(client, all_types)

    assert response.status_code == status
    assert reason in response.content.decode()
    assert not Answer.objects.filter(indicator__code="MAT-01").exists()
    assert not EvidenceFile.objects.exists()
    questionnaire = all_types.questionnaire
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.IN_PROGRESS


def test_the_workbook_is_neither_read_in_nor_applied_before_the_start(client, personas):
    questionnaire = wb.make_workbook_round(personas)
    client.force_login(personas.respondent_a)
    data = wb.fill(wb.export(questionnaire), {"STD-01": {"level": 3}})
    previewed = wb.upload(client, questionnaire, data)
    assert previewed.status_code == 200 and previewed.context["token"]
    reason = _opens_tomorrow(questionnaire.round)

    applied = wb.apply(client, questionnaire, previewed)
    uploaded = wb.upload(client, questionnaire, data)

    assert (applied.status_code, uploaded.status_code) == (409, 409)
    assert reason in applied.content.decode() and reason in uploaded.content.decode()
    assert not Answer.objects.filter(questionnaire=questionnaire).exists()


def test_answering_works_from_the_start_date(client, personas, all_types):
    Round.objects.filter(pk=all_types.round.pk).update(opens_on=today_in_japan())
    client.force_login(personas.respondent_a)

    assert _save(client, all_types).status_code == 200
    assert Answer.objects.get(indicator__code="MAT-01").level == 2


# --- pages --------------------------------------------------------------------------------


def test_the_questionnaire_pages_show_the_reason(client, personas, all_types):
    reason = _opens_tomorrow(all_types.round)
    client.force_login(personas.respondent_a)
    overview = reverse("questionnaires:detail", args=[all_types.questionnaire.pk])

    pages = [client.get(url).content.decode() for url in (overview, all_types.area_url())]

    assert len(pages) == 2
    assert all(reason in page for page in pages)
    # Read-only until then: no autosave, no save button, no submission.
    assert "data-autosave" not in pages[1] and "js/autosave.js" not in pages[1]
    assert "提出の確認へ進む" not in pages[0]


def test_my_questionnaires_list_it_as_not_yet_open(client, personas, all_types):
    _opens_tomorrow(all_types.round)
    day = _tomorrow()
    client.force_login(personas.respondent_a)

    response = client.get(reverse("questionnaires:mine"))

    (item,) = response.context["items"]
    assert item.not_started
    page = response.content.decode()
    assert "回答期間前" in page
    assert f"{day.year}年{day.month}月{day.day}日から回答できます" in page


def test_an_open_questionnaire_is_not_listed_as_not_yet_open(client, personas, all_types):
    client.force_login(personas.respondent_a)
    response = client.get(reverse("questionnaires:mine"))
    (item,) = response.context["items"]
    assert not item.not_started
    assert "回答期間前" not in response.content.decode()


def test_the_coordinator_prepares_assignments_before_the_start(client, personas, all_types):
    _opens_tomorrow(all_types.round)
    indicator = all_types.indicator("MAT-02")
    client.force_login(personas.coordinator_a)

    assignment_set(
        round=Round.objects.get(pk=all_types.round.pk),
        indicator=indicator,
        departments=[personas.department_a, personas.other_department_a],
        owner=personas.other_department_a,
        user=personas.coordinator_a,
    )
    page = client.get(
        reverse(
            "rounds:assignments",
            kwargs={"code": personas.municipality_a.code, "round_id": all_types.round.pk},
        )
    )

    assert page.status_code == 200
    owner = Assignment.objects.get(round=all_types.round, indicator=indicator, is_owner=True)
    assert owner.department == personas.other_department_a


def test_no_reminders_before_the_start(client, personas, all_types, mailoutbox):
    _opens_tomorrow(all_types.round)
    client.force_login(personas.coordinator_a)
    url = reverse(
        "rounds:remind",
        kwargs={"code": personas.municipality_a.code, "round_id": all_types.round.pk},
    )

    response = client.post(url, follow=True)

    assert "回答期間が始まる前のため、督促メールは送れません。" in response.content.decode()
    assert mailoutbox == []
