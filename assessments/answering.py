"""Saving an answer without ever losing someone else's change.

Each save names the version it started from. If the answer moved on in the
meantime the save is refused as a conflict that carries the other person's
values, unless it is a retry of exactly what is already stored (idempotent).
The questionnaire row is locked for the short write, so concurrent saves of
one questionnaire are serialised on PostgreSQL as on SQLite, and a save can
never slip in after the questionnaire was submitted. The model's text limits
are checked before anything is written, and the audit event names the
questionnaire and the indicator and says each change in the words of the
history page, quoting long values only in part (the history keeps them whole).

An answer carried over from an earlier round (Answer.carried_from) is
confirmed by any save: one that changes it, or one of the values as they stand
(「このまま確定」). The history records the confirmation as a change of
CARRIED_FIELD.
"""

from dataclasses import dataclass, fields

from django.db import transaction
from django.utils import translation

from assessments.answer_values import AnswerValues
from assessments.locking import questionnaire_for_update
from assessments.models import Answer, AnswerChange, Questionnaire
from audit import detail
from audit.models import AuditAction
from audit.recording import record

# Answer fields set from AnswerValues, in display order.
VALUE_FIELDS = [f.name for f in fields(AnswerValues)]
# The history's name for the carried-over mark: [True, False] when a save confirmed it.
CARRIED_FIELD = "carried"
# What people write freely; the model limits their length (dxportal.text_limits).
FREE_TEXT_FIELDS = ("text", "not_applicable_reason", "comment")


@dataclass(frozen=True)
class SaveResult:
    answer: Answer
    saved: bool  # False: nothing changed (or an idempotent retry)
    conflict: bool = False  # True: someone else saved first; `answer` holds their values
    confirmed: bool = False  # True: it confirmed a carried-over answer as it stood


def answer_values_of(answer: Answer) -> AnswerValues:
    data = {name: getattr(answer, name) for name in VALUE_FIELDS if name != "choice_code"}
    data["choice_code"] = answer.choice.code if answer.choice_id else ""
    data["text"] = answer.text or ""
    return AnswerValues(**data)


def value_changes(old: AnswerValues, new: AnswerValues) -> dict[str, list]:
    """{field: [old, new]} of the fields that differ, JSON-friendly, for the history."""
    return {
        name: [_plain(getattr(old, name)), _plain(getattr(new, name))]
        for name in VALUE_FIELDS
        if getattr(old, name) != getattr(new, name)
    }


def answer_fill(answer: Answer, values: AnswerValues, indicator) -> None:
    """Set the answer's fields from `values` (the choice looked up among the indicator's
    prefetched choices, by code)."""
    for name in VALUE_FIELDS:
        if name != "choice_code":
            setattr(answer, name, getattr(values, name))
    code = values.choice_code
    answer.choice = (
        next((choice for choice in indicator.choices.all() if choice.code == code), None)
        if code
        else None
    )


def _plain(value) -> object:
    """JSON-friendly form of a value for the change history."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def audit_changes(indicator, changes: dict) -> list[dict]:
    """The history's changes as the audit event keeps them: each field's label and its
    values in the words of the history page (levels with their rubric label, choices by
    their label), in Japanese, the portal's source language; long texts quoted in part
    (audit.detail.quoted: the whole text is in the answer's history)."""
    # forms_answering imports this module: the history page's words are imported here.
    from assessments.forms_answering import describe, field_label

    def value(name, stored):
        if stored in (None, "") and name not in ("not_applicable", CARRIED_FIELD):
            return None  # 「（なし）」 in the reader's language
        return detail.quoted(describe(indicator, name, stored))

    with translation.override("ja"):
        return [
            detail.change(
                detail.word(field_label(indicator, name)), value(name, old), value(name, new)
            )
            for name, (old, new) in changes.items()
        ]


@transaction.atomic
def answer_save(
    *,
    questionnaire: Questionnaire,
    indicator,
    values: AnswerValues,
    base_version: int,
    user,
    via: str = "web",
) -> SaveResult:
    locked = questionnaire_for_update(questionnaire.pk, "department")
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("choice")
        .filter(questionnaire=locked, indicator=indicator)
        .first()
    ) or Answer(questionnaire=locked, indicator=indicator, version=0)

    current = answer_values_of(answer)
    if answer.version != base_version:
        # A retry of a save that did go through, or a real conflict.
        return SaveResult(answer=answer, saved=False, conflict=current != values)

    changes = value_changes(current, values)
    confirmed = answer.is_carried and not changes
    if answer.is_carried:
        changes[CARRIED_FIELD] = [True, False]
    if not changes:
        return SaveResult(answer=answer, saved=False)

    answer_fill(answer, values, indicator)
    answer.carried_from = None
    # Whoever parsed the values, the model's limits hold: nothing is written past them.
    answer.clean_fields(
        exclude=[f.name for f in Answer._meta.fields if f.name not in FREE_TEXT_FIELDS]
    )
    answer.version += 1
    answer.updated_by = user
    answer.save()
    AnswerChange.objects.create(
        answer=answer, version=answer.version, changed_by=user, changes=changes, via=via
    )
    record(
        AuditAction.ANSWER_CHANGED,
        user=user,
        municipality=locked.round.municipality_id,
        target=f"questionnaire {locked.pk} {indicator.code}",
        detail={
            "questionnaire": detail.questionnaire(locked),
            "indicator": detail.indicator(indicator),
            "via": via,
            "version": answer.version,
            "changes": audit_changes(indicator, changes),
        },
    )
    return SaveResult(answer=answer, saved=True, confirmed=confirmed)
