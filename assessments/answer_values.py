"""Turning what a person typed (in the browser or in Excel) into an answer's values.

Pure: no database. Full-width digits and signs are accepted and normalised
(NFKC), so 「７５％」 and "75" mean the same. Every problem is reported per
field in words for the person who typed it, and nothing is saved while any
field has a problem. Free text (a text answer, a reason, a comment) is kept as
typed, trimmed, and refused beyond dxportal.text_limits.COMMENT_MAX: the
answering page and the Excel import share that limit through this parser.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessments.evidence_links import check_evidence_location
from dxportal.japanese_calendar import fiscal_year_text
from dxportal.text_limits import COMMENT_MAX, text_length, too_long_message

YES_WORDS = {"yes", "y", "true", "on", "1", "はい", "有", "あり", "○", "o"}
NO_WORDS = {"no", "n", "false", "off", "0", "いいえ", "無", "なし", "×", "x"}

# A target level names the fiscal year it is for (目標年度). IPA's instrument asks for a
# target three years ahead; municipal plans (DX推進計画, 総合計画) run at most ten years.
TARGET_YEARS_DEFAULT_AHEAD = 3
TARGET_YEARS_MAX_AHEAD = 10


@dataclass(frozen=True)
class IndicatorSpec:
    """What parsing needs to know about an indicator."""

    answer_type: str
    max_level: int = 0
    choice_codes: tuple[str, ...] = ()
    # The round's fiscal year, which target years are counted from; None: no target year.
    fiscal_year: int | None = None


@dataclass(frozen=True)
class AnswerValues:
    level: int | None = None
    target_level: int | None = None
    target_fiscal_year: int | None = None
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


def default_target_fiscal_year(fiscal_year: int) -> int:
    """The year a new target is for unless the respondent names another: three years on."""
    return fiscal_year + TARGET_YEARS_DEFAULT_AHEAD


def target_fiscal_years(fiscal_year: int) -> range:
    """The years a target of a round of `fiscal_year` may name: the following years, up to
    TARGET_YEARS_MAX_AHEAD ahead."""
    return range(fiscal_year + 1, fiscal_year + TARGET_YEARS_MAX_AHEAD + 1)


def _target_year(text: str, fiscal_year: int) -> int | None:
    """「2029」, 「2029年度」 or 「2029年度（令和11年度）」 (the dropdown's words) → 2029."""
    if text == "":
        return None
    match = re.fullmatch(r"(\d{4})\s*(?:年度.*)?", text, flags=re.DOTALL)
    years = target_fiscal_years(fiscal_year)
    if match is None or int(match.group(1)) not in years:
        raise ValueError(
            _("目標年度は%(first)sから%(last)sまでの年度を選んでください。")
            % {"first": fiscal_year_text(years[0]), "last": fiscal_year_text(years[-1])}
        )
    return int(match.group(1))


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
        if spec.fiscal_year is not None:
            _take_target_year(take, values, errors, spec.fiscal_year)
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


def _take_target_year(take, values: dict, errors: dict, fiscal_year: int) -> None:
    """The target's year: the default when a target level is given without one; dropped,
    whatever was typed, when there is no target level (a year alone targets nothing)."""
    take("target_fiscal_year", lambda t: _target_year(t, fiscal_year))
    if values.get("target_level") is None:
        values["target_fiscal_year"] = None
        errors.pop("target_fiscal_year", None)
    elif values.get("target_fiscal_year") is None and "target_fiscal_year" not in errors:
        values["target_fiscal_year"] = default_target_fiscal_year(fiscal_year)
