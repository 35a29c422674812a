"""{{ area.score|score }} → 62.3 (— when there is none), {{ rate|percent }} → 53.0%,
{{ body.population|whole_number }} → 3,778,318.

The filters only call dxportal.number_format, the one home of how a score or
a percentage reads (see its docstring), so a page, a PDF report and a command
never round the same number differently.
"""

from django import template

from dxportal.number_format import percent_text, score_text, whole_number_text

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A 0–100 score to one decimal, halves up; — when there is none."""
    return score_text(value)


@register.filter
def percent(value: float | None) -> str:
    """A percentage to one decimal, halves up, with a half-width %; — when there is none."""
    return percent_text(value)


@register.filter
def whole_number(value: int | None) -> str:
    """A whole number with thousands separators; — when there is none."""
    return whole_number_text(value)
