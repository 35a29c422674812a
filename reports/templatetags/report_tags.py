"""Template helpers of the PDF reports (templates/reports/).

Scores and percentages are formatted by the portal's number_format library
(dxportal.number_format), as on the pages. Where a line of the report may
break is decided here: `nowrap` keeps a run on one line (a date, a score with
its unit: `points`), `phrased` lets a label or header break only between its
phrases (dxportal.phrases), as the charts' labels do.
"""

import datetime

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dxportal.japanese_calendar import date_label
from dxportal.number_format import score_text
from dxportal.phrases import phrases
from reports import excerpts

register = template.Library()


@register.filter
def nowrap(text: object) -> SafeString:
    """The text (escaped) on one line: a date or a number with its unit never breaks inside."""
    return format_html('<span class="nowrap">{}</span>', text)


@register.filter
def points(value: float | None) -> SafeString:
    """A score with its unit, on one line: 「25.0点」 (the rounding of dxportal.number_format); — for none."""
    text = score_text(value)
    return nowrap(text if value is None else _("%(score)s点") % {"score": text})


@register.filter
def phrased(text: str) -> SafeString:
    """A label or header that breaks only between its phrases: 「この|団体」, never 「この団/体」.

    Each phrase is kept on one line and a <wbr> between them is the only
    place the line may break (WeasyPrint has no word-break: keep-all).
    """
    parts = phrases(str(text))
    if len(parts) < 2:
        return nowrap(text)
    return format_html_join(
        mark_safe("<wbr>"), '<span class="nowrap">{}</span>', ((p,) for p in parts)
    )


@register.filter
def japanese_date(day: datetime.date) -> SafeString:
    """2026年11月27日（令和8年11月27日）: 西暦 first, as fiscal years are shown (令和 only from 2019-05-01).

    Each of the two dates stays on one line."""
    western, _sep, era = date_label(day).partition("（")
    if not era:
        return nowrap(western)
    return format_html("{}<wbr>{}", nowrap(western), nowrap("（" + era))


@register.filter
def excerpt(text: str) -> SafeString:
    """What a report prints of a free text (reports.excerpts): escaped, line breaks as <br>,
    and the omission note when it was cut."""
    cut = excerpts.excerpt(text)
    html = linebreaksbr(cut.text, autoescape=True)
    if not cut.omitted:
        return html
    return format_html('{}<span class="omitted">{}</span>', html, cut.omission_note)
