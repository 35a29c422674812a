"""What an event's `detail` keeps: names and labels as they were at the time.

An event must still read well after what it names was renamed or deleted, so
the services that record events store words, not ids, in the shapes built
here; audit.describing turns them into a sentence. Besides plain text and
numbers a stored value is one of:

- the portal's own words (field labels, choice labels, はい/いいえ): {"msgid": ...},
  the Japanese source text, translated when the event is read, so that the
  English page says "Status" for 「状態」;
- catalogue text, which may have an English version: {"ja": ..., "en": ...};
- a date: {"date": "2026-04-01"}, written in the reader's date format.

Nothing here reads the database beyond the objects handed in.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# A long text is quoted only this far: the audit log stays small, and the full text is
# where it was written (an answer's history, the catalogue itself).
QUOTE_CHARS = 200
# Indicators are named by their code and the start of their question.
QUESTION_CHARS = 40

YES = _("はい")
NO = _("いいえ")


def word(text) -> dict:
    """The portal's own word (a lazy translation or its Japanese source text) as its msgid."""
    with translation.override("ja"):  # Japanese is the source language: the msgid itself
        return {"msgid": str(text)}


def quoted(value):
    """A long text cut to QUOTE_CHARS, saying how long it was; anything else as it is."""
    if isinstance(value, str) and len(value) > QUOTE_CHARS:
        # Stored data, not page text: the same words whatever the language of the request.
        return f"{value[:QUOTE_CHARS]}…（全{len(value):,}文字）"
    return value


def catalogue_text(obj, field: str, limit: int | None = None) -> dict:
    """A catalogue text and its English version (`<field>_en`, when there is one)."""

    def cut(text: str) -> str:
        return text if limit is None or len(text) <= limit else text[:limit] + "…"

    stored = {"ja": cut(getattr(obj, field))}
    english = getattr(obj, f"{field}_en", "")
    if english:
        stored["en"] = cut(english)
    return stored


def day(value: datetime.date | None) -> dict | None:
    return None if value is None else {"date": value.isoformat()}


def number(value: Decimal | float | int | None) -> str | None:
    """75.00 → "75", 1.50 → "1.5": the number as people write it."""
    if value is None:
        return None
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the things events name -----------------------------------------------------------


def person(user) -> dict:
    return {"name": user.display_name, "email": user.email}


def fiscal_year(round_) -> dict:
    """A round, named as people name it: by its fiscal year."""
    return {"fiscal_year": round_.fiscal_year}


def questionnaire(questionnaire) -> dict:
    """A questionnaire: its department and the round's fiscal year (round and department loaded)."""
    return {
        "department": questionnaire.department.name,
        "fiscal_year": questionnaire.round.fiscal_year,
    }


def indicator(indicator) -> dict:
    return {
        "code": indicator.code,
        "question": catalogue_text(indicator, "question", limit=QUESTION_CHARS),
    }


def edition(edition) -> dict:
    """An edition of the catalogue (its framework loaded)."""
    return {
        "framework": edition.framework.code,
        "version": edition.version,
        "title": catalogue_text(edition, "title"),
    }


def area(area) -> dict:
    return {"code": area.code, "name": catalogue_text(area, "name")}


# --- field values and changes -----------------------------------------------------------


def field_value(instance: models.Model, name: str):
    """The value of a model field as the person chose it: a choice's label, はい/いいえ,
    a date, the related object's name, a number as written, a long text quoted."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return None
    if field.choices:
        label = dict(field.flatchoices).get(value)
        return word(label) if label is not None else value
    if isinstance(field, models.BooleanField):
        return word(YES if value else NO)
    if isinstance(field, models.ForeignKey):
        return str(getattr(instance, name))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return day(value)
    if isinstance(value, Decimal):
        return number(value)
    return quoted(value)


def field_values(instance: models.Model, names) -> dict:
    """name → stored value of each field, to compare before and after a change."""
    return {name: field_value(instance, name) for name in names}


def field_label(model: type[models.Model], name: str) -> dict:
    """The field's label as its form shows it (the model's verbose_name)."""
    return word(model._meta.get_field(name).verbose_name)


def change(label, old, new) -> dict:
    """One changed field: `label` a word() or plain text, `old` and `new` stored values."""
    return {"label": label, "old": old, "new": new}


def changes(
    model: type[models.Model], before: dict, after: dict, labels: dict | None = None
) -> list[dict]:
    """The fields whose stored value differs, in the order of `after`, with their labels;
    `labels` names what is no field of `model` (a rubric kept beside an indicator)."""
    labels = labels or {}
    return [
        change(labels.get(name) or field_label(model, name), before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    ]


def fields(model: type[models.Model], values: dict) -> list[dict]:
    """What a new object was given: label and value of each field that is filled in."""
    return [
        {"label": field_label(model, name), "value": value}
        for name, value in values.items()
        if value not in (None, "")
    ]
