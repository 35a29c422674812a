"""answer_save: versions, conflicts, idempotent retries, history, locking.

The concurrency test runs on PostgreSQL (CI) with two real transactions.
"""

import threading

import pytest
from django.db import connection

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.locking import QuestionnaireLocked
from assessments.models import Answer, AnswerChange, QuestionnaireStatus


def _save(questionnaire, indicator, user, base_version, **values):
    return answer_save(
        questionnaire=questionnaire,
        indicator=indicator,
        values=AnswerValues(**values),
        base_version=base_version,
        user=user,
    )


@pytest.fixture
def indicator(questionnaire):
    return questionnaire.round.edition.indicators.get(code="STD-01")


def test_first_save_creates_version_one_with_history(questionnaire, indicator, personas):
    result = _save(questionnaire, indicator, personas.respondent_a, 0, level=2, target_level=4)
    assert result.saved and result.answer.version == 1
    [change] = AnswerChange.objects.all()
    assert change.changes["level"] == [None, 2]
    assert change.changed_by == personas.respondent_a


def test_stale_save_is_a_conflict_and_changes_nothing(questionnaire, indicator, personas):
    _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    result = _save(questionnaire, indicator, personas.coordinator_a, 0, level=3)
    assert result.conflict and not result.saved
    assert result.answer.level == 2  # the other person's value, to show
    assert Answer.objects.get().level == 2


def test_retry_of_a_committed_save_is_not_a_conflict(questionnaire, indicator, personas):
    _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    retry = _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    assert not retry.conflict and not retry.saved
    assert AnswerChange.objects.count() == 1


def test_unchanged_save_writes_no_history(questionnaire, indicator, personas):
    _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    again = _save(questionnaire, indicator, personas.respondent_a, 1, level=2)
    assert not again.saved and Answer.objects.get().version == 1


def test_submitted_questionnaire_refuses_saves(questionnaire, indicator, personas):
    questionnaire.status = QuestionnaireStatus.SUBMITTED
    questionnaire.save()
    with pytest.raises(QuestionnaireLocked):
        _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    assert not Answer.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent transactions: runs on PostgreSQL (CI's second pass)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_indicator", [True, False])
def test_concurrent_saves_on_postgresql(same_indicator, django_db_blocker):
    from tests.assessments.conftest import make_open_round
    from tests.personas import make_personas

    personas = make_personas()
    round_ = make_open_round(personas)
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    codes = ["STD-01", "STD-01"] if same_indicator else ["STD-01", "STD-02"]
    indicators = [round_.edition.indicators.get(code=code) for code in codes]
    users = [personas.respondent_a, personas.coordinator_a]
    barrier = threading.Barrier(2)
    results, errors = [None, None], []

    def worker(n):
        try:
            barrier.wait(timeout=10)
            results[n] = _save(questionnaire, indicators[n], users[n], 0, level=n + 1)
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    if same_indicator:
        assert sorted(r.saved for r in results) == [False, True]
        [winner] = [r for r in results if r.saved]
        [loser] = [r for r in results if not r.saved]
        assert loser.conflict
        stored = Answer.objects.get()
        assert stored.level == winner.answer.level and stored.version == 1
    else:
        assert all(r.saved for r in results)
        assert sorted(Answer.objects.values_list("level", flat=True)) == [1, 2]
    assert AnswerChange.objects.count() == (1 if same_indicator else 2)


def test_closed_round_refuses_saves(questionnaire, indicator, personas):
    questionnaire.round.status = "closed"
    questionnaire.round.save()
    with pytest.raises(QuestionnaireLocked, match="締め切られている"):
        _save(questionnaire, indicator, personas.respondent_a, 0, level=2)
    assert not Answer.objects.exists()
