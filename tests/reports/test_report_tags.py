import datetime

from reports.templatetags.report_tags import japanese_date, phrased, points


def test_dates_are_written_in_both_calendars():
    # Each date on one line; the line may break only between the two calendars.
    assert japanese_date(datetime.date(2026, 11, 27)) == (
        '<span class="nowrap">2026年11月27日</span><wbr><span class="nowrap">（令和8年11月27日）</span>'
    )
    assert japanese_date(datetime.date(2019, 4, 30)) == '<span class="nowrap">2019年4月30日</span>'


def test_scores_keep_their_unit_and_headers_break_between_phrases():
    assert points(25.0) == '<span class="nowrap">25.0点</span>'
    assert points(None) == '<span class="nowrap">—</span>'
    assert (
        phrased("この団体")
        == '<span class="nowrap">この</span><wbr><span class="nowrap">団体</span>'
    )
    assert phrased("<b>") == '<span class="nowrap">&lt;b&gt;</span>'
