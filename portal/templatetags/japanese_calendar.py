from django import template
from django.utils import translation

from dxportal.japanese_calendar import fiscal_year_label

register = template.Library()


@register.filter
def fiscal_year(year: int) -> str:
    """{{ round.fiscal_year|fiscal_year }} → 2026年度（令和8年度）, or "FY2026" in English."""
    if translation.get_language() == "en":
        return f"FY{year}"
    return fiscal_year_label(int(year))
