import datetime

from reports.templatetags.report_tags import japanese_date


def test_dates_are_written_in_both_calendars():
    assert japanese_date(datetime.date(2026, 11, 27)) == "2026年11月27日（令和8年11月27日）"
    assert japanese_date(datetime.date(2019, 5, 1)) == "2019年5月1日（令和元年5月1日）"
    assert japanese_date(datetime.date(2019, 4, 30)) == "2019年4月30日"  # still 平成
