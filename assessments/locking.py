"""Whether a questionnaire's answers may change now, and why not: the one rule.

Every write path (autosave and form posts, evidence upload and deletion, the
Excel import on the page and as a command, submitting) and every page that
shows a questionnaire read-only ask `lock_reason`, and the writes take the
questionnaire's row lock through `questionnaire_for_update`, so that a
submission and a save can never interleave.

Answering opens on the round's start date (opens_on, a day in Japan): before
it the coordinator prepares the round (assignments), and nobody answers yet.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import Questionnaire, QuestionnaireStatus, Round, RoundStatus
from dxportal.japanese_calendar import today_in_japan


class QuestionnaireLocked(Exception):
    """Answers may not change; the message says why (lock_reason)."""


def before_opening(round_: Round, today: datetime.date | None = None) -> bool:
    """Whether the round's answering period has not begun yet (today in Japan)."""
    return (today or today_in_japan()) < round_.opens_on


def lock_reason(questionnaire: Questionnaire) -> str:
    """Why the answers may not change now, or "" when they may (`round` should be loaded)."""
    if questionnaire.status == QuestionnaireStatus.APPROVED:
        return _("この調査票は承認済みのため、回答は変更できません。")
    if questionnaire.status == QuestionnaireStatus.SUBMITTED:
        return _(
            "この調査票は提出済みのため、回答は変更できません。"
            "変更が必要な場合はDX推進担当に再開を依頼してください。"
        )
    if questionnaire.round.status != RoundStatus.OPEN:
        return _("この評価ラウンドは締め切られているため、回答は変更できません。")
    if before_opening(questionnaire.round):
        return _("回答期間は%(date)sからです。それまでは回答できません。") % {
            "date": date_format(questionnaire.round.opens_on, "DATE_FORMAT")
        }
    return ""


def is_editable(questionnaire: Questionnaire) -> bool:
    return not lock_reason(questionnaire)


def questionnaire_for_update(pk: int, *related: str) -> Questionnaire:
    """The questionnaire with its row locked for a write (its round and `related` loaded),
    or QuestionnaireLocked with the reason when its answers may not change."""
    locked = (
        Questionnaire.objects.select_for_update(of=("self",))
        .select_related("round", *related)
        .get(pk=pk)
    )
    reason = lock_reason(locked)
    if reason:
        raise QuestionnaireLocked(reason)
    return locked
