"""results.latest: the newest round that has results, for one municipality or many."""

import datetime

import pytest
from django.template.loader import render_to_string

from assessments.models import Round, RoundStatus
from dxportal.japanese_calendar import today_in_japan
from results.latest import latest_round_with_results, latest_rounds_with_results
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import make_edition
from tests.results.test_benchmarks import make_round


@pytest.fixture
def edition(db):
    return make_edition(indicators=2, areas=2)


def test_the_newest_round_without_results_gives_way_to_the_newest_with(personas, edition):
    municipality = personas.municipality_a
    make_round(municipality, edition, personas.admin, 30.0, fiscal_year=2024)
    with_results = make_round(municipality, edition, personas.admin, 40.0, fiscal_year=2025)
    newest = make_round(municipality, edition, personas.admin, None, fiscal_year=2026)

    latest = latest_round_with_results(municipality)

    assert (latest.newest, latest.round) == (newest, with_results)
    assert latest.is_earlier
    assert latest.round.municipality is municipality  # the caller's object, no query


def test_the_newest_round_with_results_is_shown_as_it_is(personas, edition):
    make_round(personas.municipality_a, edition, personas.admin, 30.0, fiscal_year=2025)
    newest = make_round(personas.municipality_a, edition, personas.admin, 40.0, fiscal_year=2026)

    latest = latest_round_with_results(personas.municipality_a)

    assert (latest.newest, latest.round, latest.is_earlier) == (newest, newest, False)


def test_no_round_or_no_results_at_all(personas, edition):
    only = make_round(personas.municipality_a, edition, personas.admin, None, fiscal_year=2026)

    without = latest_round_with_results(personas.municipality_a)
    nothing = latest_round_with_results(personas.municipality_b)

    assert (without.newest, without.round, without.is_earlier) == (only, None, False)
    assert (nothing.newest, nothing.round, nothing.is_earlier) == (None, None, False)


def test_up_to_a_year_leaves_later_rounds_out(personas, edition):
    earlier = make_round(personas.municipality_a, edition, personas.admin, 30.0, fiscal_year=2024)
    middle = make_round(personas.municipality_a, edition, personas.admin, None, fiscal_year=2025)
    make_round(personas.municipality_a, edition, personas.admin, 50.0, fiscal_year=2026)

    latest = latest_round_with_results(personas.municipality_a, up_to_year=2025)

    assert (latest.newest, latest.round) == (middle, earlier)


@pytest.mark.parametrize("count", [2, 9])
def test_many_municipalities_in_one_query(personas, edition, count, django_assert_num_queries):
    municipalities = [MunicipalityFactory() for _ in range(count)]
    for municipality in municipalities:
        make_round(municipality, edition, personas.admin, 40.0, fiscal_year=2025)
        make_round(municipality, edition, personas.admin, None, fiscal_year=2026)

    with django_assert_num_queries(1):
        latest = latest_rounds_with_results(municipalities)
        years = [
            (latest[m.pk].newest.fiscal_year, latest[m.pk].round.fiscal_year)
            for m in municipalities
        ]

    assert len(years) == count
    assert all(pair == (2026, 2025) for pair in years)


def _notice(personas, edition, **newest_fields) -> str:
    make_round(personas.municipality_a, edition, personas.admin, 40.0, fiscal_year=2025)
    newest = make_round(personas.municipality_a, edition, personas.admin, None, fiscal_year=2026)
    Round.objects.filter(pk=newest.pk).update(**newest_fields)
    latest = latest_round_with_results(personas.municipality_a)
    return render_to_string("includes/results_notice.html", {"latest": latest}).strip()


def test_the_notice_while_the_newest_round_is_being_answered(personas, edition):
    today = today_in_japan()
    notice = _notice(personas, edition, opens_on=today, closes_on=today)
    assert (
        "2026年度（令和8年度）の回答期間中のため、2025年度（令和7年度）の結果を表示しています。"
        in notice
    )


def test_the_notice_before_the_newest_round_opens(personas, edition):
    later = today_in_japan() + datetime.timedelta(days=3)
    notice = _notice(personas, edition, opens_on=later, closes_on=later)
    assert "2026年度（令和8年度）の回答期間が始まる前のため、" in notice


def test_the_notice_of_a_closed_round_without_results(personas, edition):
    notice = _notice(personas, edition, status=RoundStatus.CLOSED)
    assert (
        "2026年度（令和8年度）の結果はないため、2025年度（令和7年度）の結果を表示しています。"
        in notice
    )


def test_no_notice_when_the_newest_round_has_results(personas, edition):
    make_round(personas.municipality_a, edition, personas.admin, 40.0, fiscal_year=2026)
    latest = latest_round_with_results(personas.municipality_a)
    assert render_to_string("includes/results_notice.html", {"latest": latest}).strip() == ""
