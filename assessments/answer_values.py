"""Turning what a person typed (in the browser or in Excel) into an answer's values.

Pure: no database. Full-width digits and signs are accepted and normalised
(NFKC), so 「７５％」 and "75" mean the same. Every problem is reported per
field in words for the person who typed it, and nothing is saved while any
field has a problem. Free text (a text answer, a reason, a comment) is kept as
typed, trimmed, and refused beyond dxportal.text_limits.COMMENT_MAX: the
answering page and the Excel import share that limit through this parser.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessments.evidence_links import check_evidence_location
from dxportal.text_limits import COMMENT_MAX, text_length, too_long_message

YES_WORDS = {"yes", "y", "true", "on", "1", "はい", "有", "あり", "○", "o"}
NO_WORDS = {"no", "n", "false", "off", "0", "いいえ", "無", "なし", "×", "x"}


@dataclass(frozen=True)
class IndicatorSpec:
    """What parsing needs to know about an indicator."""

    answer_type: str
    max_level: int = 0
    choice_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerValues:
    level: int | None = None
    target_level: int | None = None
    yes: bool | None = None
    number: Decimal | None = None
    choice_code: str = ""
    text: str = ""
    not_applicable: bool = False
    not_applicable_reason: str = ""
    comment: str = ""
    evidence_url: str = ""


@dataclass
class Parsed:
    values: AnswerValues
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise(raw: object) -> str:
    """Full-width → half-width digits, letters and signs; trimmed."""
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _number(text: str) -> Decimal:
    cleaned = text.replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("数値で入力してください。")) from None
    if not value.is_finite():
        raise ValueError(_("数値で入力してください。"))
    return value


def _level(text: str, max_level: int) -> int | None:
    if text == "":
        return None
    value = _number(text)
    if value != value.to_integral_value() or not 0 <= value <= max_level:
        raise ValueError(_("0から%(max)dまでの整数で選んでください。") % {"max": max_level})
    return int(value)


def _yes_no(text: str) -> bool | None:
    word = text.lower()
    if word == "":
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(_("「はい」か「いいえ」で答えてください。"))


def _percentage(text: str) -> Decimal | None:
    if text == "":
        return None
    value = _number(text)
    if not 0 <= value <= 100:
        raise ValueError(
            _("0から100までの数値で入力してください（現在: %(value)s）。") % {"value": text}
        )
    return value.quantize(Decimal("0.01"))


def _count(text: str) -> Decimal | None:
    if text == "":
        return None
    value = _number(text)
    if value < 0 or value != value.to_integral_value():
        raise ValueError(_("0以上の整数で入力してください。"))
    if value > Decimal("9999999999"):
        raise ValueError(_("値が大きすぎます。"))
    return value


def _free_text(raw: object) -> str:
    """What a person wrote, trimmed; refused beyond COMMENT_MAX characters."""
    text = str(raw or "").strip()
    if (length := text_length(text)) > COMMENT_MAX:
        raise ValueError(too_long_message(limit=COMMENT_MAX, length=length))
    return text


def parse_answer(spec: IndicatorSpec, raw: dict[str, object]) -> Parsed:
    """Values for `spec` from raw strings keyed by AnswerValues field names.

    Fields that do not belong to the answer type are ignored.
    """
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def take(name: str, convert, *, normalised: bool = True) -> None:
        value = raw.get(name)
        try:
            values[name] = convert(normalise(value) if normalised else value)
        except ValueError as problem:
            errors[name] = str(problem)

    kind = spec.answer_type
    if kind == "maturity":
        take("level", lambda t: _level(t, spec.max_level))
        take("target_level", lambda t: _level(t, spec.max_level))
    elif kind == "yes_no":
        take("yes", _yes_no)
    elif kind == "percentage":
        take("number", _percentage)
    elif kind == "count":
        take("number", _count)
    elif kind == "choice":
        code = normalise(raw.get("choice_code"))
        if code and code not in spec.choice_codes:
            errors["choice_code"] = _("選択肢から選んでください。")
        else:
            values["choice_code"] = code
    elif kind == "text":
        take("text", _free_text, normalised=False)

    try:
        not_applicable = _yes_no(normalise(raw.get("not_applicable"))) or False
    except ValueError as problem:
        errors["not_applicable"] = str(problem)
        not_applicable = False
    values["not_applicable"] = not_applicable
    if not_applicable:
        take("not_applicable_reason", _free_text, normalised=False)
        if not values.get("not_applicable_reason") and "not_applicable_reason" not in errors:
            errors["not_applicable_reason"] = _("「該当しない」とする理由を入力してください。")
    take("comment", _free_text, normalised=False)
    # Stored as typed: NFKC would change full-width letters in a folder name.
    take("evidence_url", check_evidence_location, normalised=False)
    return Parsed(AnswerValues(**values), errors)
