"""Template helpers of the PDF reports (templates/reports/)."""

import datetime

from django import template
from django.template.defaultfilters import floatformat

from dxportal.japanese_calendar import date_label

register = template.Library()


@register.filter
def japanese_date(day: datetime.date) -> str:
    """2026年11月27日（令和8年11月27日）: 西暦 first, as fiscal years are shown (令和 only from 2019-05-01)."""
    return date_label(day)


@register.filter
def score(value: float | None) -> str:
    """A 0–100 score to one decimal as the pages round it (floatformat), or — when there is none."""
    return "—" if value is None else floatformat(value, 1)
