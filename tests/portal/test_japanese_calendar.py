import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from dxportal.japanese_calendar import fiscal_year_label, fiscal_year_of, reiwa_year


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2027, 3, 31), 2026),
        (datetime.date(2026, 3, 31), 2025),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year_of(day) == year


def test_reiwa_years():
    assert reiwa_year(2019) == "令和元年"
    assert reiwa_year(2026) == "令和8年"
    with pytest.raises(ValueError):
        reiwa_year(2018)


def test_fiscal_year_label_and_filter():
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"
    template = Template("{% load japanese_calendar %}{{ year|fiscal_year }}")
    assert template.render(Context({"year": 2026})) == "2026年度（令和8年度）"
    with translation.override("en"):
        assert template.render(Context({"year": 2026})) == "FY2026"
