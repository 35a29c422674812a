"""Template helpers of the PDF reports (templates/reports/).

Scores and percentages are formatted by the portal's number_format library
(dxportal.number_format), as on the pages."""

import datetime

from django import template
from django.template.defaultfilters import linebreaksbr
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
def excerpt(text: str) -> SafeString:
    """What a report prints of a free text (reports.excerpts): escaped, line breaks as <br>,
    and the omission note when it was cut."""
    cut = excerpts.excerpt(text)
    html = linebreaksbr(cut.text, autoescape=True)
    if not cut.omitted:
        return html
    return format_html('{}<span class="omitted">{}</span>', html, cut.omission_note)
