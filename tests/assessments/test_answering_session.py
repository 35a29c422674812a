"""The answering URLs when the session has ended or the CSRF token is stale: autosave's
requests (DX-Background: 1) get 401 / 403 with JSON and nothing is saved; once signed in
again, the save with a fresh token goes through, or is a conflict if the answer moved on."""

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.models import Answer, AnswerChange, EvidenceFile
from tests.assessments.answering_support import HTMX, open_all_types
from tests.personas import PASSWORD

AUTOSAVE = {**HTMX, "HTTP_DX_BACKGROUND": "1"}
LOGIN = reverse("accounts:login")
SIGNED_OUT = {"state": "signed-out", "login_url": LOGIN}


@pytest.fixture
def all_types(personas):
    return open_all_types(personas)


def _time_out() -> None:
    """The idle time-out, as the server sees it: the session is gone."""
    Session.objects.all().delete()


def _sign_in(client, user) -> None:
    client.get(LOGIN)  # the sign-in form sets the CSRF cookie
    response = client.post(
        LOGIN,
        {"username": user.email, "password": PASSWORD},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 302


def _page_token(client, all_types) -> str:
    page = client.get(all_types.area_url()).content.decode()
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_after_a_time_out_a_save_is_401_and_nothing_is_stored(client, personas, all_types):
    client.force_login(personas.respondent_a)
    _time_out()
    response = client.post(
        all_types.save_url("YES-01"), {"base_version": 0, "yes": "yes"}, **AUTOSAVE
    )
    assert response.status_code == 401
    assert response.json() == SIGNED_OUT
    assert response["DX-Session-State"] == "signed-out"
    assert not Answer.objects.exists()
    assert not AnswerChange.objects.exists()


def test_after_a_time_out_evidence_and_the_area_block_are_401(
    client, personas, all_types, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.respondent_a)
    _time_out()
    q = all_types.questionnaire.pk
    upload = client.post(
        reverse("questionnaires:evidence_upload", args=[q, "MAT-01"]),
        {"file": SimpleUploadedFile("計画書.pdf", b"%PDF-1.7\n%%EOF\n")},
        **AUTOSAVE,
    )
    remove = client.post(reverse("questionnaires:evidence_delete", args=[q, 1]), **AUTOSAVE)
    reload = client.get(all_types.area_url(), **AUTOSAVE)  # 保存されている内容を使う
    assert [r.status_code for r in (upload, remove, reload)] == [401, 401, 401]
    assert all(r.json() == SIGNED_OUT for r in (upload, remove, reload))
    assert not EvidenceFile.objects.exists()


def test_other_requests_are_still_sent_to_sign_in(client, personas, all_types):
    client.force_login(personas.respondent_a)
    _time_out()
    save_url = all_types.save_url("YES-01")
    for extra in (HTMX, {}):  # htmx elsewhere; a plain form post without JavaScript
        response = client.post(save_url, {"base_version": 0, "yes": "yes"}, **extra)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={save_url}"
    assert client.get(all_types.area_url())["Location"].startswith(LOGIN)
    assert not Answer.objects.exists()


def test_signed_in_again_elsewhere_the_stale_token_is_403_and_a_fresh_one_saves(
    personas, all_types
):
    client = Client(enforce_csrf_checks=True)
    _sign_in(client, personas.respondent_a)
    page_token = _page_token(client, all_types)
    _time_out()
    _sign_in(client, personas.respondent_a)  # in another tab: the CSRF token is rotated
    data = {"base_version": 0, "yes": "yes", "csrfmiddlewaretoken": page_token}

    stale = client.post(all_types.save_url("YES-01"), data, **AUTOSAVE)
    assert stale.status_code == 403
    assert stale.json() == {"state": "csrf-failed"}
    assert not Answer.objects.exists()

    fresh = client.get(reverse("accounts:session"), HTTP_DX_BACKGROUND="1").json()
    assert fresh["user"] == personas.respondent_a.pk
    data["csrfmiddlewaretoken"] = fresh["csrf_token"]
    saved = client.post(all_types.save_url("YES-01"), data, **AUTOSAVE)
    assert saved.status_code == 200
    assert saved["DX-Answer-State"] == "normal"
    assert Answer.objects.get().yes is True


def test_a_waiting_save_is_a_conflict_when_someone_answered_meanwhile(client, personas, all_types):
    client.force_login(personas.respondent_a)
    _time_out()
    pending = {"base_version": 0, "yes": "yes"}  # typed before the time-out, from version 0
    assert client.post(all_types.save_url("YES-01"), pending, **AUTOSAVE).status_code == 401
    answer_save(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("YES-01"),
        values=AnswerValues(yes=False),
        base_version=0,
        user=personas.respondent_other_a,
    )
    client.force_login(personas.respondent_a)
    response = client.post(all_types.save_url("YES-01"), pending, **AUTOSAVE)
    assert response.status_code == 409
    assert response["DX-Answer-State"] == "conflict"
    answer = Answer.objects.get()
    assert (answer.yes, answer.version) == (False, 1)
