"""How much text a person may type into each kind of free-text field, and the words for "too long".

One home for the limits: the models (full_clean in every service), the forms
(maxlength in the browser, the same message), the answer parser shared by the
answering page and the Excel import, and the catalogue import all read them
from here. Names and codes are CharFields whose max_length is their limit.

Django does not enforce a TextField's max_length (it only hands it to the
form field), so `LimitedTextField` adds the check to the model field, and its
form field (`LimitedCharField`) says what is wrong with the count.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# A sentence or two written by a catalogue editor: a question, a source.
SENTENCE_MAX = 1_000
# Paragraphs written by a catalogue editor: descriptions, help texts, a rubric level's
# state. A plan's next step starts as such a description, so it takes the same length.
DESCRIPTION_MAX = 4_000
# What people write while answering, reviewing and planning: a text answer, a comment,
# a reason, a note. Ten thousand characters is some five pages of Japanese.
COMMENT_MAX = 10_000
# The evidence link of an answer.
URL_MAX = 500


def text_length(text: str) -> int:
    """The length as the person sees it: a line break counts once, as the browser's maxlength
    counts it, although a posted textarea sends it as CR LF."""
    return len(text.replace("\r\n", "\n"))


def too_long_message(*, limit: int, length: int) -> str:
    """「10,000文字以内で入力してください（現在 12,345 文字）。」"""
    return _("%(limit)s文字以内で入力してください（現在 %(length)s 文字）。") % {
        "limit": f"{limit:,}",
        "length": f"{length:,}",
    }


@deconstructible
class TextLengthValidator:
    """Refuses text longer than `limit` characters, with the count in the message."""

    code = "max_length"

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        length = text_length(value or "")
        if length > self.limit:
            raise ValidationError(too_long_message(limit=self.limit, length=length), code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, TextLengthValidator) and other.limit == self.limit


class LimitedCharField(forms.CharField):
    """A form CharField whose length check says the limit and the count (maxlength as usual)."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        # Django's own check would say the same in vaguer words, and twice.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, MaxLengthValidator)
        ]
        self.validators.append(TextLengthValidator(max_length))


class LimitedTextField(models.TextField):
    """A TextField of at most `max_length` characters, refused by full_clean and by its form."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(TextLengthValidator(max_length))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LimitedCharField, **kwargs})
