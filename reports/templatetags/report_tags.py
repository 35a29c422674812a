"""Template helpers of the PDF reports (templates/reports/)."""

import datetime

from django import template
from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dxportal.japanese_calendar import date_label
from reports import excerpts

register = template.Library()


@register.filter
def japanese_date(day: datetime.date) -> str:
    """2026年11月27日（令和8年11月27日）: 西暦 first, as fiscal years are shown (令和 only from 2019-05-01)."""
    return date_label(day)


@register.filter
def score(value: float | None) -> str:
    """A 0–100 score to one decimal as the pages round it (floatformat), or — when there is none."""
    return "—" if value is None else floatformat(value, 1)


@register.filter
def excerpt(text: str) -> SafeString:
    """What a report prints of a free text (reports.excerpts): escaped, line breaks as <br>,
    and the omission note when it was cut."""
    cut = excerpts.excerpt(text)
    html = linebreaksbr(cut.text, autoescape=True)
    if not cut.omitted:
        return html
    return format_html('{}<span class="omitted">{}</span>', html, cut.omission_note)
