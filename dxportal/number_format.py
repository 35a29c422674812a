"""How a number reads: the one rounding rule for scores and percentages.

A score of 62.25 must read 62.3 on the dashboard, in the PDF report, in the
data export and in `show_scores`; once some of them rounded with Django's
floatformat (halves up) and others with Python's f"{x:.1f}" or round()
(binary floats, so 62.25 became 62.2), the same result read differently
depending on where it was looked at. Every page, report, export and command
therefore formats through this module (templates through the `score` and
`percent` filters of portal/templatetags/number_format.py):

- one decimal, halves rounded up, on the number as written (Decimal(repr(x)),
  so 0.05 is 0.05 and not the binary float just below it): 62.25 → 62.3;
- "—" where there is no number (nothing to score, e.g. every answer 該当しない);
- a percentage is the same number followed by a half-width "%", as the digits
  are half-width; labels of percentage columns use the same sign (「回答率（%）」).

Generic: no feature app is imported here.
"""

from decimal import ROUND_HALF_UP, Decimal

NO_NUMBER = "—"
PERCENT_SIGN = "%"
DIGITS = 1  # decimals shown on pages, reports and commands


def _decimal(value: float | int | Decimal, digits: int) -> Decimal:
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0.0"


def rounded(value: float | int | Decimal | None, digits: int = DIGITS) -> float | None:
    """The value rounded by the rule, as a number (JSON, spreadsheet cells); None stays None."""
    return None if value is None else float(_decimal(value, digits))


def rounded_decimal(value: float | int | Decimal) -> Decimal:
    """The value rounded by the rule to one decimal, as a Decimal.

    For translated sentences whose placeholders say {score:.1f}: the Decimal
    already has one decimal, so .1f prints it as score_text does, never rounding again."""
    return _decimal(value, DIGITS)


def score_text(value: float | int | Decimal | None) -> str:
    """A score to one decimal, halves up (62.25 → "62.3", 100 → "100.0"); "—" for None."""
    return NO_NUMBER if value is None else f"{_decimal(value, DIGITS):f}"


def percent_text(value: float | int | Decimal | None) -> str:
    """A percentage as score_text writes the number, then a half-width % ("53.0%"); "—" for None."""
    return NO_NUMBER if value is None else score_text(value) + PERCENT_SIGN


def compact_number(value: float | int | Decimal) -> str:
    """score_text without a trailing ".0" (62.25 → "62.3", 60 → "60"): chart labels."""
    return score_text(value).removesuffix(".0")


def whole_number_text(value: int | None) -> str:
    """A count of people or things with thousands separators (3778318 → "3,778,318"); "—" for None."""
    return NO_NUMBER if value is None else f"{value:,}"
