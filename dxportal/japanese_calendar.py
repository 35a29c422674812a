"""Fiscal years (年度, April to March) and the 令和 era, as municipal documents write them;
and what day it is in Japan."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.formats import date_format

JAPAN = ZoneInfo("Asia/Tokyo")

REIWA_START = datetime.date(2019, 5, 1)
REIWA_OFFSET = 2018  # 西暦 = 令和 + 2018


def today_in_japan() -> datetime.date:
    """Today's date in Japan, whatever time zone the server or the request runs in: due
    dates and answering periods are Japanese calendar days."""
    return timezone.localdate(timezone=JAPAN)


def fiscal_year_of(day: datetime.date) -> int:
    """The 西暦 year in which the fiscal year containing `day` began."""
    return day.year if day.month >= 4 else day.year - 1


def reiwa_year(year: int) -> str:
    """「令和元年」 for 2019, 「令和8年」 for 2026. Only for years from 2019."""
    if year < REIWA_START.year:
        raise ValueError(f"{year} is before 令和")
    number = year - REIWA_OFFSET
    return "令和元年" if number == 1 else f"令和{number}年"


def fiscal_year_label(year: int) -> str:
    """「2026年度（令和8年度）」: 西暦 first, as the portal shows it everywhere."""
    return f"{year}年度（{reiwa_year(year)}度）"


def fiscal_year_text(year: int) -> str:
    """The fiscal year in the page's language: 「2026年度（令和8年度）」, or "FY2026" in English."""
    if translation.get_language() == "en":
        return f"FY{year}"
    return fiscal_year_label(year)


def reiwa_date(day: datetime.date) -> str | None:
    """「令和9年3月31日」, or None before 令和 (2019-05-01)."""
    if day < REIWA_START:
        return None
    return f"{reiwa_year(day.year)}{day.month}月{day.day}日"


def date_label(day: datetime.date) -> str:
    """「2026年11月27日（令和8年11月27日）」: 西暦 first, as fiscal years are shown."""
    western = f"{day.year}年{day.month}月{day.day}日"
    reiwa = reiwa_date(day)
    return f"{western}（{reiwa}）" if reiwa else western


def date_label_in_language(day: datetime.date | None) -> str:
    """date_label in Japanese, the language's date format in English; "" for None."""
    if day is None:
        return ""
    if translation.get_language() == "en":
        return date_format(day, "DATE_FORMAT")
    return date_label(day)
