"""Real concurrent requests through the save and submit views (PostgreSQL only): two autosaves
of one answer give one 200 and one 409, and no save lands after a submission."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, AnswerChange, QuestionnaireStatus
from tests.assessments.answering_support import HTMX, open_all_types

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent transactions: runs on PostgreSQL (CI's second pass)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(*requests):
    """Run the callables at the same moment in threads; their results, in order."""
    barrier = threading.Barrier(len(requests))
    results, errors = [None] * len(requests), []

    def worker(n):
        try:
            barrier.wait(timeout=10)
            results[n] = requests[n]()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_autosaves_of_one_answer_give_one_save_and_one_conflict():
    from tests.personas import make_personas

    personas = make_personas()
    all_types = open_all_types(personas)
    url = all_types.save_url("PCT-01")
    first, second = _client(personas.respondent_a), _client(personas.respondent_a)
    responses = _together(
        lambda: first.post(url, {"number": "40", "base_version": 0}, **HTMX),
        lambda: second.post(url, {"number": "90", "base_version": 0}, **HTMX),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 409)
    assert loser["DX-Answer-State"] == "conflict"
    stored = Answer.objects.get()
    assert stored.version == 1
    expected = "40" if winner is responses[0] else "90"
    assert f'value="{expected}"' in winner.content.decode()
    assert AnswerChange.objects.count() == 1


def test_no_save_lands_after_a_submission():
    from tests.personas import make_personas

    personas = make_personas()
    all_types = open_all_types(personas)
    respondent = _client(personas.respondent_a)
    # Everything required is answered, so the submission can go through.
    for code, data in [
        ("MAT-01", {"level": "2"}),
        ("YES-01", {"yes": "yes"}),
        ("PCT-01", {"number": "50"}),
        ("CNT-01", {"number": "3"}),
        ("CHO-01", {"choice_code": "all"}),
        ("MAT-02", {"level": "1"}),
    ]:
        assert (
            respondent.post(all_types.save_url(code), {**data, "base_version": 0}).status_code
            == 302
        )
    other = _client(personas.respondent_a)
    submit_url = reverse("questionnaires:submit", args=[all_types.questionnaire.pk])
    submit, save = _together(
        lambda: respondent.post(submit_url),
        lambda: other.post(all_types.save_url("YES-01"), {"yes": "no", "base_version": 1}, **HTMX),
    )
    assert submit.status_code == 302
    all_types.questionnaire.refresh_from_db()
    assert all_types.questionnaire.status == QuestionnaireStatus.SUBMITTED
    answer = Answer.objects.get(questionnaire=all_types.questionnaire, indicator__code="YES-01")
    if save.status_code == 200:
        # The save came first: the submission includes it.
        assert answer.yes is False
        assert answer.changes.order_by("-version").first().changed_at <= (
            all_types.questionnaire.submitted_at
        )
    else:
        assert save.status_code == 409 and save["DX-Answer-State"] == "locked"
        assert answer.yes is True and answer.version == 1
