"""Submitting a department's questionnaire to the DX coordinator.

Submitting locks the questionnaire (answer_save refuses changes from then
on), records who submitted when and stores the round's scores
(results.snapshots, in the same transaction); the coordinators are e-mailed
once it commits (assessments.notifications). Every indicator must be
answered first, except free-text ones, which are optional; "該当しない" with
a reason counts as an answer. An answer carried over from the earlier round
must be confirmed (or changed) first, whatever its type (the page lists
them). Only someone who may answer for the department can submit.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Capability, access_for
from assessments.locking import QuestionnaireLocked, questionnaire_for_update
from assessments.models import (
    Questionnaire,
    QuestionnaireEvent,
    QuestionnaireEventKind,
    QuestionnaireStatus,
)
from assessments.my_work import load_sheet
from assessments.notifications import questionnaire_event_notify
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh


class SubmitError(Exception):
    """The questionnaire cannot be submitted; `unanswered` lists what is missing, if that is why."""

    def __init__(self, message: str, unanswered: list | None = None):
        super().__init__(message)
        self.unanswered = unanswered or []


@transaction.atomic
def questionnaire_submit(*, questionnaire: Questionnaire, user) -> Questionnaire:
    # The row lock serialises this with answer_save, so no answer slips in after the check.
    if not access_for(user).can(
        Capability.ANSWER_FOR_DEPARTMENT, questionnaire.round.municipality, questionnaire.department
    ):
        raise PermissionDenied
    try:
        locked = questionnaire_for_update(questionnaire.pk, "round__municipality", "department")
    except QuestionnaireLocked as locked_out:
        raise SubmitError(str(locked_out)) from None
    sheet = load_sheet(locked)
    missing, unconfirmed = sheet.unanswered_required, sheet.unconfirmed
    if missing or unconfirmed:
        problems = []
        if missing:
            problems.append(
                _("未回答の設問が%(count)d件あります。回答してから提出してください。")
                % {"count": len(missing)}
            )
        if unconfirmed:
            problems.append(
                _(
                    "前年度から引き継いだ回答のうち、確定していないものが%(count)d件あります。"
                    "「このまま確定」するか回答を変更してから提出してください。"
                )
                % {"count": len(unconfirmed)}
            )
        raise SubmitError("".join(problems), unanswered=missing)
    locked.status = QuestionnaireStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "submitted_at"])
    event = QuestionnaireEvent.objects.create(
        questionnaire=locked, kind=QuestionnaireEventKind.SUBMITTED, actor=user
    )
    questionnaire_event_notify(event=event)
    record(
        AuditAction.QUESTIONNAIRE_SUBMITTED,
        user=user,
        municipality=locked.round.municipality,
        target=f"questionnaire {locked.pk}",
        detail={"questionnaire": detail.questionnaire(locked)},
    )
    snapshots_refresh(round=locked.round, trigger=SnapshotTrigger.SUBMITTED)
    questionnaire.status = locked.status
    questionnaire.submitted_at = locked.submitted_at
    return locked
