"""Refuses passwords that look long but are easy to guess (AUTH_PASSWORD_VALIDATORS).

Django's validators let through "passwordpassword" (long enough, not on the
list as such) and "Sunshine!2026" (the list word with digits and symbols
around it), and compare the password with the e-mail address only as a whole.
Guessing tools try exactly these first.
"""

import re
import unicodedata
from functools import cached_property

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter parts of an address or name ("jp", "lg") would refuse too many passwords by chance.
MIN_PART_LENGTH = 4


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _personal_parts(user) -> set[str]:
    """The e-mail's local part and its pieces, the domain's labels, and the name
    (whole and by part, spaces removed), each of at least MIN_PART_LENGTH characters."""
    if user is None:
        return set()
    local, _at, domain = _folded(getattr(user, "email", "") or "").partition("@")
    name = _folded(getattr(user, "display_name", "") or "")
    parts = {local, *re.split(r"[\W_]+", local), *domain.split(".")}
    parts |= {re.sub(r"\s+", "", name), *name.split()}
    return {part for part in parts if len(part) >= MIN_PART_LENGTH}


class GuessablePasswordValidator:
    @cached_property
    def _common(self) -> set[str]:
        return CommonPasswordValidator().passwords

    def validate(self, password: str, user=None) -> None:
        folded = _folded(password)
        errors = []
        if re.fullmatch(r"(.+?)\1+", folded, flags=re.DOTALL):
            errors.append(
                ValidationError(
                    _("同じ文字の並びを繰り返しただけのパスワードは使えません。"),
                    code="password_repeated",
                )
            )
        letters = "".join(char for char in folded if char.isalpha())
        if len(letters) >= MIN_PART_LENGTH and letters in self._common:
            errors.append(
                ValidationError(
                    _("よく使われるパスワードに数字や記号を加えただけのものは使えません。"),
                    code="password_common_with_decoration",
                )
            )
        if any(part in folded for part in _personal_parts(user)):
            errors.append(
                ValidationError(
                    _("メールアドレスや氏名の一部を含むパスワードは使えません。"),
                    code="password_contains_personal_part",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "同じ文字の並びの繰り返し、よく使われるパスワードに数字や記号を加えただけのもの、"
            "メールアドレスや氏名の一部を含むものは使えません。"
        )
