"""Due dates as municipal documents write them."""

import datetime

import pytest
from django.utils import translation

from portal.templatetags.japanese_calendar import wareki


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2027, 3, 31), "令和9年3月31日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "2019年4月30日"),  # still 平成: the plain date
        (None, ""),
    ],
)
def test_wareki(day, text):
    with translation.override("ja"):
        assert wareki(day) == text


def test_english_gets_the_english_date_format():
    with translation.override("en"):
        assert "2027" in wareki(datetime.date(2027, 3, 31))
        assert "令和" not in wareki(datetime.date(2027, 3, 31))
