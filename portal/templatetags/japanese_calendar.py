import datetime

from django import template
from django.utils import translation
from django.utils.formats import date_format

from dxportal.japanese_calendar import date_label_in_language, fiscal_year_text, reiwa_date

register = template.Library()


@register.filter
def fiscal_year(year: int) -> str:
    """{{ round.fiscal_year|fiscal_year }} → 2026年度（令和8年度）, or "FY2026" in English."""
    return fiscal_year_text(int(year))


@register.filter
def wareki(day: datetime.date | None) -> str:
    """{{ item.due_on|wareki }} → 令和9年3月31日 (before 令和, or in English: the language's date format)."""
    if day is None:
        return ""
    reiwa = None if translation.get_language() == "en" else reiwa_date(day)
    return reiwa or date_format(day, "DATE_FORMAT")


@register.filter
def date_label(day: datetime.date | None) -> str:
    """{{ round.reference_date|date_label }} → 2026年4月1日（令和8年4月1日）, or the language's
    date format in English."""
    return date_label_in_language(day)
