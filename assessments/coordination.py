"""What the DX coordinator does with a round: assign, review, reconcile, close.

Every service checks the acting user's capability itself, so a view that
forgot its scoping helper still cannot approve or reopen anything. The
review services record a QuestionnaireEvent (who, when, comment), which is
the audit trail the respondent and the coordinator both see.

A closed round is finished for respondents: nothing can be handed back to
them (return, reopen) and assignments are frozen. Approving what was
submitted before the close, and choosing the municipality's answer, stay
possible.

Approving and closing store the round's scores (results.snapshots) in the
same transaction, so the stored results always match the statuses.

Returning and approving e-mail the department's respondents once the
transaction commits (assessments.notifications).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import Capability, access_for
from assessments.models import (
    Answer,
    Assignment,
    Consolidation,
    IndicatorComment,
    Questionnaire,
    QuestionnaireEvent,
    QuestionnaireEventKind,
    QuestionnaireStatus,
    Round,
    RoundStatus,
    Survey,
)
from assessments.notifications import questionnaire_event_notify
from assessments.reconciliation import answer_summary
from assessments.rounds import RoundError, round_open
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.models import Edition, EditionStatus, Indicator
from frameworks.selectors import rubric_labels
from municipalities.models import Department, Municipality
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh


class CoordinationError(Exception):
    pass


def _require(user, capability: Capability, municipality: Municipality) -> None:
    if not access_for(user).can(capability, municipality):
        raise PermissionDenied


def _require_open(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        raise CoordinationError(_("このラウンドは締め切られています。"))


# --- rounds --------------------------------------------------------------------------


@transaction.atomic
def round_close(*, round: Round, user) -> Round:
    _require(user, Capability.MANAGE_ROUNDS, round.municipality)
    locked = Round.objects.select_for_update().get(pk=round.pk)
    _require_open(locked)
    round.status = locked.status = RoundStatus.CLOSED
    round.closed_at = locked.closed_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "closed_at"])
    record(
        AuditAction.ROUND_CLOSED,
        user=user,
        municipality=locked.municipality_id,
        target=str(round),
        detail={"round": detail.fiscal_year(locked)},
    )
    snapshots_refresh(round=locked, trigger=SnapshotTrigger.CLOSED)
    return round


# --- assignments ---------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentChange:
    added: list[Department]
    removed: list[Department]
    owner: Department
    questionnaires_created: list[Questionnaire]


@transaction.atomic
def assignment_set(
    *,
    round: Round,
    indicator: Indicator,
    departments: list[Department],
    owner: Department,
    user,
) -> AssignmentChange:
    """Make `departments` the ones answering `indicator`, with `owner` the owner.

    Departments newly involved in the round get a questionnaire. A department
    that already answered the indicator cannot be removed (its answer would
    be lost from view), nor can the indicator be added to a questionnaire
    that is submitted or approved (reopen it first).
    """
    _require(user, Capability.MANAGE_ROUNDS, round.municipality)
    locked_round = Round.objects.select_for_update().get(pk=round.pk)
    _require_open(locked_round)
    if indicator.edition_id != round.edition_id:
        raise CoordinationError(_("この指標はラウンドの版に含まれていません。"))
    wanted = {d.pk: d for d in departments}
    if not wanted:
        raise CoordinationError(_("回答する部署を1つ以上選んでください。"))
    if owner.pk not in wanted:
        raise CoordinationError(_("主担当の部署は回答する部署の中から選んでください。"))
    if any(d.municipality_id != round.municipality_id for d in wanted.values()):
        raise CoordinationError(_("部署は同じ団体のものを選んでください。"))

    current = {
        a.department_id: a
        for a in Assignment.objects.filter(round=round, indicator=indicator).select_related(
            "department"
        )
    }
    removed = [a.department for pk, a in current.items() if pk not in wanted]
    added = [d for pk, d in wanted.items() if pk not in current]
    if any(not d.is_active for d in added):
        raise CoordinationError(_("使用停止中の部署には割り当てられません。"))

    questionnaires = {
        q.department_id: q
        for q in Questionnaire.objects.select_for_update().filter(
            round=round, department_id__in=[*wanted, *current]
        )
    }
    removed_answers = Answer.objects.filter(
        questionnaire__round=round,
        indicator=indicator,
        questionnaire__department__in=[d.pk for d in removed],
    )
    # A carried-over answer nobody confirmed (and without files) is only a starting
    # point: it goes with the assignment, so the round can be prepared before it opens.
    unconfirmed = removed_answers.filter(carried_from__isnull=False, files__isnull=True)
    answered = set(
        removed_answers.exclude(pk__in=unconfirmed.values("pk")).values_list(
            "questionnaire__department__name", flat=True
        )
    )
    if answered:
        raise CoordinationError(
            _("%(departments)sはこの指標にすでに回答しているため、割当から外せません。")
            % {"departments": "、".join(sorted(answered))}
        )
    locked = [d.name for d in added if d.pk in questionnaires and questionnaires[d.pk].is_locked]
    if locked:
        raise CoordinationError(
            _("%(departments)sの調査票は提出済みです。先に調査票を再開してください。")
            % {"departments": "、".join(locked)}
        )

    if removed:
        unconfirmed.delete()
    Assignment.objects.filter(
        round=round, indicator=indicator, department__in=[d.pk for d in removed]
    ).delete()
    # The owner flag moves in two steps: the partial unique constraint allows one owner.
    Assignment.objects.filter(round=round, indicator=indicator).exclude(department=owner).update(
        is_owner=False
    )
    Assignment.objects.bulk_create(
        Assignment(round=round, indicator=indicator, department=d, is_owner=False) for d in added
    )
    Assignment.objects.filter(round=round, indicator=indicator, department=owner).update(
        is_owner=True
    )

    created = Questionnaire.objects.bulk_create(
        Questionnaire(round=round, department=d) for d in added if d.pk not in questionnaires
    )
    # A department left with nothing to answer and nothing answered drops out of the round.
    for department in removed:
        questionnaire = questionnaires.get(department.pk)
        if (
            questionnaire is not None
            and not Assignment.objects.filter(round=round, department=department).exists()
            and not questionnaire.answers.exists()
            and not questionnaire.events.exists()
        ):
            questionnaire.delete()
    _record_assignment(round, indicator, current, wanted, owner, user)
    return AssignmentChange(
        added=added, removed=removed, owner=owner, questionnaires_created=created
    )


def _record_assignment(round_, indicator, current: dict, wanted: dict, owner, user) -> None:
    """One event when the departments or the owner changed, naming them as the page does."""

    def names(departments) -> str:
        return "、".join(sorted(d.name for d in departments))

    old_owner = next((a.department for a in current.values() if a.is_owner), None)
    changes = []
    if set(current) != set(wanted):
        changes.append(
            detail.change(
                detail.word(gettext_lazy("回答する部署")),
                names(a.department for a in current.values()),
                names(wanted.values()),
            )
        )
    if old_owner != owner:
        changes.append(
            detail.change(
                detail.word(gettext_lazy("主担当")),
                old_owner.name if old_owner else None,
                owner.name,
            )
        )
    if changes:
        record(
            AuditAction.ASSIGNMENT_CHANGED,
            user=user,
            municipality=round_.municipality_id,
            target=f"{round_} {indicator.code}",
            detail={
                "round": detail.fiscal_year(round_),
                "indicator": detail.indicator(indicator),
                "changes": changes,
            },
        )


# --- review --------------------------------------------------------------------------

REVIEW_ACTIONS = {
    QuestionnaireEventKind.APPROVED: AuditAction.QUESTIONNAIRE_APPROVED,
    QuestionnaireEventKind.RETURNED: AuditAction.QUESTIONNAIRE_RETURNED,
    QuestionnaireEventKind.REOPENED: AuditAction.QUESTIONNAIRE_REOPENED,
}


def _review(
    *,
    questionnaire: Questionnaire,
    user,
    allowed_from: set[str],
    to: QuestionnaireStatus,
    kind: QuestionnaireEventKind,
    comment: str,
    needs_open_round: bool,
    refusal: str,
    commented_indicators: list[str] | None = None,
) -> QuestionnaireEvent:
    _require(user, Capability.MANAGE_ROUNDS, questionnaire.round.municipality)
    locked = (
        Questionnaire.objects.select_for_update()
        .select_related("round", "department")
        .get(pk=questionnaire.pk)
    )
    if needs_open_round:
        _require_open(locked.round)
    if locked.status not in allowed_from:
        raise CoordinationError(refusal)
    locked.status = to
    locked.review_comment = comment
    locked.full_clean()
    locked.save(update_fields=["status", "review_comment"])
    questionnaire.status, questionnaire.review_comment = locked.status, locked.review_comment
    record(
        REVIEW_ACTIONS[kind],
        user=user,
        municipality=locked.round.municipality_id,
        target=f"questionnaire {locked.pk}",
        detail={
            "questionnaire": detail.questionnaire(locked),
            **({"comment": comment} if comment else {}),
            **({"indicator_comments": commented_indicators} if commented_indicators else {}),
        },
    )
    return QuestionnaireEvent.objects.create(
        questionnaire=locked, kind=kind, actor=user, comment=comment
    )


@transaction.atomic
def questionnaire_approve(
    *, questionnaire: Questionnaire, user, comment: str = ""
) -> QuestionnaireEvent:
    event = _review(
        questionnaire=questionnaire,
        user=user,
        allowed_from={QuestionnaireStatus.SUBMITTED},
        to=QuestionnaireStatus.APPROVED,
        kind=QuestionnaireEventKind.APPROVED,
        comment=comment.strip(),
        needs_open_round=False,
        refusal=_("提出済みの調査票だけを承認できます。"),
    )
    snapshots_refresh(round=event.questionnaire.round, trigger=SnapshotTrigger.APPROVED)
    questionnaire_event_notify(event=event)
    return event


@transaction.atomic
def questionnaire_return(
    *,
    questionnaire: Questionnaire,
    user,
    comment: str,
    indicator_comments: dict[Indicator, str] | None = None,
) -> QuestionnaireEvent:
    """Send a submitted questionnaire back to the department, saying what to fix: in the
    overall comment, beside the indicators (`indicator_comments`), or both.

    An indicator comment must be about an indicator the department answers in the round.
    """
    comment = comment.strip()
    notes = {i: text.strip() for i, text in (indicator_comments or {}).items() if text.strip()}
    if not comment and not notes:
        raise CoordinationError(_("差戻しの理由を入力してください。"))
    assigned = set(
        Assignment.objects.filter(
            round_id=questionnaire.round_id,
            department_id=questionnaire.department_id,
            indicator__in=list(notes),
        ).values_list("indicator_id", flat=True)
    )
    if any(indicator.pk not in assigned for indicator in notes):
        raise CoordinationError(_("この部署が回答しない指標にはコメントできません。"))
    event = _review(
        questionnaire=questionnaire,
        user=user,
        allowed_from={QuestionnaireStatus.SUBMITTED},
        to=QuestionnaireStatus.RETURNED,
        kind=QuestionnaireEventKind.RETURNED,
        comment=comment,
        needs_open_round=True,
        refusal=_("提出済みの調査票だけを差し戻せます。"),
        commented_indicators=[indicator.code for indicator in notes],
    )
    rows = [
        IndicatorComment(event=event, indicator=indicator, comment=text)
        for indicator, text in notes.items()
    ]
    # bulk_create skips the model's checks (the text limit among them): run them first.
    for row in rows:
        row.clean_fields()
    IndicatorComment.objects.bulk_create(rows)
    questionnaire_event_notify(event=event)
    return event


@transaction.atomic
def questionnaire_reopen(
    *, questionnaire: Questionnaire, user, comment: str = ""
) -> QuestionnaireEvent:
    """Make a submitted or approved questionnaire editable again (an audited coordinator action)."""
    return _review(
        questionnaire=questionnaire,
        user=user,
        allowed_from={QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.APPROVED},
        to=QuestionnaireStatus.IN_PROGRESS,
        kind=QuestionnaireEventKind.REOPENED,
        comment=comment.strip(),
        needs_open_round=True,
        refusal=_("提出済みまたは承認済みの調査票だけを再開できます。"),
    )


# --- consolidation -------------------------------------------------------------------


@transaction.atomic
def consolidation_set(
    *, round: Round, indicator: Indicator, answer: Answer, note: str, user
) -> Consolidation:
    """Record which department's answer is the municipality's answer to `indicator`.

    Choosing another department than the owner needs a reason.
    """
    _require(user, Capability.MANAGE_ROUNDS, round.municipality)
    if answer.indicator_id != indicator.pk or answer.questionnaire.round_id != round.pk:
        raise CoordinationError(_("このラウンドのこの指標への回答を選んでください。"))
    note = note.strip()
    is_owner = Assignment.objects.filter(
        round=round,
        indicator=indicator,
        department_id=answer.questionnaire.department_id,
        is_owner=True,
    ).exists()
    if not is_owner and not note:
        raise CoordinationError(_("主担当以外の部署の回答を選ぶときは、理由を入力してください。"))
    consolidation = Consolidation.objects.filter(round=round, indicator=indicator).first()
    if consolidation is None:
        consolidation = Consolidation(round=round, indicator=indicator)
    consolidation.answer = answer
    consolidation.note = note
    consolidation.decided_by = user
    consolidation.full_clean()
    consolidation.save()
    with translation.override("ja"):  # stored in the portal's source language, as labels are
        answer_text = answer_summary(
            indicator, answer, rubric_labels(indicator_id=indicator.pk).get(indicator.pk, {})
        )
    record(
        AuditAction.CONSOLIDATION_SET,
        user=user,
        municipality=round.municipality_id,
        target=f"{round} {indicator.code}",
        detail={
            "round": detail.fiscal_year(round),
            "indicator": detail.indicator(indicator),
            "department": answer.questionnaire.department.name,
            "answer": answer_text,
            "note": detail.quoted(note),
        },
    )
    # The municipality's results rest on this choice, also after the round closed.
    snapshots_refresh(round=round, trigger=SnapshotTrigger.CONSOLIDATED)
    return consolidation


# --- surveys -------------------------------------------------------------------------


@dataclass
class SurveyResult:
    survey: Survey | None
    created: list[Round] = field(default_factory=list)
    skipped: list[tuple[Municipality, str]] = field(default_factory=list)


@transaction.atomic
def survey_open(
    *,
    name: str,
    municipalities: list[Municipality],
    edition: Edition,
    fiscal_year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    user,
    reference_date: datetime.date | None = None,
) -> SurveyResult:
    """Open one round per municipality; a municipality that cannot have one is skipped, with why.
    Every round takes the same 基準日 (None: rounds.default_reference_date of the year).

    Problems that would stop every round (the edition, the dates) refuse the
    whole survey. When no round could be opened, no survey is kept.
    """
    if not access_for(user).has_global(Capability.OPEN_SURVEY):
        raise PermissionDenied
    if edition.status != EditionStatus.PUBLISHED:
        raise CoordinationError(_("公開中の版を選んでください。"))
    if closes_on < opens_on:
        raise CoordinationError(_("締切日は開始日以降にしてください。"))
    survey = Survey(name=name, fiscal_year=fiscal_year, edition=edition, created_by=user)
    survey.full_clean()
    survey.save()
    result = SurveyResult(survey=survey)
    for municipality in municipalities:
        try:
            # round_open is atomic itself: a refused municipality rolls back to its savepoint.
            round_ = round_open(
                municipality=municipality,
                edition=edition,
                fiscal_year=fiscal_year,
                opens_on=opens_on,
                closes_on=closes_on,
                reference_date=reference_date,
                user=user,
                survey=survey,
            )
        except RoundError as error:
            result.skipped.append((municipality, str(error)))
        else:
            result.created.append(round_)
    if not result.created:
        survey.delete()
        result.survey = None
    return result
