"""assessments.locking: one answer to "may this questionnaire change, and why not", given by
every write path in the same words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.evidence import evidence_upload
from assessments.locking import QuestionnaireLocked, lock_reason
from assessments.models import Questionnaire, QuestionnaireStatus, Round, RoundStatus
from assessments.submitting import SubmitError, questionnaire_submit

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

CASES = [
    (QuestionnaireStatus.IN_PROGRESS, RoundStatus.OPEN, ""),
    (QuestionnaireStatus.RETURNED, RoundStatus.OPEN, ""),
    (QuestionnaireStatus.SUBMITTED, RoundStatus.OPEN, "提出済み"),
    (QuestionnaireStatus.APPROVED, RoundStatus.OPEN, "承認済み"),
    (QuestionnaireStatus.IN_PROGRESS, RoundStatus.CLOSED, "締め切られている"),
    (QuestionnaireStatus.SUBMITTED, RoundStatus.CLOSED, "提出済み"),
]


def _set(questionnaire, status, round_status) -> Questionnaire:
    Questionnaire.objects.filter(pk=questionnaire.pk).update(status=status)
    Round.objects.filter(pk=questionnaire.round_id).update(status=round_status)
    return Questionnaire.objects.select_related("round", "department").get(pk=questionnaire.pk)


@pytest.mark.parametrize(("status", "round_status", "says"), CASES)
def test_the_reason_names_what_holds_the_questionnaire(questionnaire, status, round_status, says):
    reason = lock_reason(_set(questionnaire, status, round_status))
    assert (reason == "") == (says == "")
    assert says in reason


@pytest.mark.parametrize(("status", "round_status", "says"), [case for case in CASES if case[2]])
def test_every_write_path_refuses_with_the_same_reason(
    questionnaire, personas, status, round_status, says
):
    locked = _set(questionnaire, status, round_status)
    reason = lock_reason(locked)
    indicator = locked.round.assignments.filter(department=locked.department).first().indicator
    refusals = []
    with pytest.raises(QuestionnaireLocked) as saving:
        answer_save(
            questionnaire=locked,
            indicator=indicator,
            values=AnswerValues(comment="メモ"),
            base_version=0,
            user=personas.respondent_a,
        )
    refusals.append(str(saving.value))
    with pytest.raises(QuestionnaireLocked) as uploading:
        evidence_upload(
            questionnaire=locked,
            indicator=indicator,
            upload=SimpleUploadedFile("x.pdf", PDF),
            user=personas.respondent_a,
        )
    refusals.append(str(uploading.value))
    with pytest.raises(SubmitError) as submitting:
        questionnaire_submit(questionnaire=locked, user=personas.respondent_a)
    refusals.append(str(submitting.value.args[0]))
    assert refusals == [reason] * 3
    assert locked.answers.count() == 0
