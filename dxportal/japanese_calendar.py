"""Fiscal years (年度, April to March) and the 令和 era, as municipal documents write them."""

import datetime

REIWA_START = datetime.date(2019, 5, 1)
REIWA_OFFSET = 2018  # 西暦 = 令和 + 2018


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
