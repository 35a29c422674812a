"""Saving an answer without ever losing someone else's change.

Each save names the version it started from. If the answer moved on in the
meantime the save is refused as a conflict that carries the other person's
values, unless it is a retry of exactly what is already stored (idempotent).
The questionnaire row is locked for the short write, so concurrent saves of
one questionnaire are serialised on PostgreSQL as on SQLite, and a save can
never slip in after the questionnaire was submitted. The model's text limits
are checked before anything is written, and the audit event quotes long
values only in part (the history keeps them whole).

An answer carried over from an earlier round (Answer.carried_from) is
confirmed by any save: one that changes it, or one of the values as they stand
(「このまま確定」). The history records the confirmation as a change of
CARRIED_FIELD.
"""

from dataclasses import dataclass, fields

from django.db import transaction

from assessments.answer_values import AnswerValues
from assessments.locking import questionnaire_for_update
from assessments.models import Answer, AnswerChange, Questionnaire
from audit.models import AuditAction
from audit.recording import record

# Answer fields set from AnswerValues, in display order.
VALUE_FIELDS = [f.name for f in fields(AnswerValues)]
# The history's name for the carried-over mark: [True, False] when a save confirmed it.
CARRIED_FIELD = "carried"
# What people write freely; the model limits their length (dxportal.text_limits).
FREE_TEXT_FIELDS = ("text", "not_applicable_reason", "comment")
# The audit event of a change quotes a long value only this far: the whole text is in the
# answer's history (AnswerChange of the event's version), and the audit log stays small.
AUDIT_QUOTE_CHARS = 200


@dataclass(frozen=True)
class SaveResult:
    answer: Answer
    saved: bool  # False: nothing changed (or an idempotent retry)
    conflict: bool = False  # True: someone else saved first; `answer` holds their values
    confirmed: bool = False  # True: the save confirmed an answer carried over from earlier


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


def _quoted(value: object) -> object:
    """A history value as the audit event keeps it: long text cut, with its full length."""
    if isinstance(value, str) and len(value) > AUDIT_QUOTE_CHARS:
        # Stored data, not page text: the same words whatever the language of the request.
        return f"{value[:AUDIT_QUOTE_CHARS]}…（全{len(value):,}文字）"
    return value


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
    locked = questionnaire_for_update(questionnaire.pk)
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
    confirmed = answer.is_carried
    if confirmed:
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
            "via": via,
            "version": answer.version,
            "changes": {name: [_quoted(old), _quoted(new)] for name, (old, new) in changes.items()},
        },
    )
    return SaveResult(answer=answer, saved=True, confirmed=confirmed)
