"""Benchmarks: statistics, k-anonymity, who may see what, and a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from results.benchmarks import (
    K_ANONYMITY,
    GroupStat,
    median,
    peer_benchmark,
    quartiles,
    rank,
)
from results.models import ScoreSnapshot, SnapshotTrigger
from tests.assessment_factories import RoundFactory
from tests.factories import MunicipalityFactory, PrefectureFactory
from tests.frameworks.factories import make_edition
from tests.personas import PERSONA_NAMES
from tests.results.chart_support import chart_in, main, texts

HIDDEN = "比較できる団体が5未満のため表示しません"

# --- pure statistics ---------------------------------------------------------------------


def test_median_of_odd_and_even_counts():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_quartiles_interpolate_between_ranks():
    assert quartiles([1, 2, 3, 4, 5]) == (2, 3, 4)
    assert quartiles([10, 20, 30, 40, 50, 60]) == pytest.approx((22.5, 35, 47.5))
    assert quartiles([7]) == (7, 7, 7)


def test_rank_is_one_for_the_highest_and_ties_share():
    scores = [90, 80, 80, 70]
    assert [rank(s, sorted(scores)) for s in scores] == [1, 2, 2, 4]


def test_a_group_below_k_is_hidden():
    assert not GroupStat(count=K_ANONYMITY - 1).shown
    assert GroupStat(count=K_ANONYMITY).shown


# --- helpers -------------------------------------------------------------------------------


def make_round(municipality, edition, user, score, *, fiscal_year=2026, areas=(None, None)):
    """A round with a municipality snapshot; `areas` are the scores of area-1, area-2, …
    or a dict of area code → score."""
    if not isinstance(areas, dict):
        areas = {f"area-{n}": area_score for n, area_score in enumerate(areas, start=1)}
    round_ = RoundFactory(
        municipality=municipality, edition=edition, fiscal_year=fiscal_year, created_by=user
    )
    if score is not None:
        ScoreSnapshot.objects.create(
            round=round_,
            trigger=SnapshotTrigger.SUBMITTED,
            computed_at=timezone.now(),
            overall_score=score,
            stage_attained="digitization",
            completeness=80.0,
            card={
                "version": 1,
                "areas": [{"area": code, "score": value} for code, value in areas.items()],
            },
        )
    return round_


@pytest.fixture
def edition(db):
    return make_edition(indicators=2, areas=2)


def peers(edition, user, scores, **municipality_fields):
    """One city per score, each with a round on the edition (no names of personas)."""
    return [
        make_round(MunicipalityFactory(name=f"比較市{n}", **municipality_fields), edition, user, s)
        for n, s in enumerate(scores)
    ]


def benchmark_url(round_):
    return reverse(
        "benchmarks:benchmark",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk},
    )


# --- k-anonymity ---------------------------------------------------------------------------


@pytest.mark.parametrize(("others", "shown"), [(3, False), (4, True)])
def test_a_group_is_shown_from_five_municipalities_with_results(personas, edition, others, shown):
    """Four municipalities in all (this one and three others) are hidden; five are shown."""
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [10.0, 20.0, 30.0, 40.0][:others])
    # A round without results does not count.
    make_round(MunicipalityFactory(), edition, personas.admin, None)

    overall = peer_benchmark(own).rows[0]

    # kind, size band (this city has no population: never shown), prefecture, all
    assert [g.shown for g in overall.groups] == [shown, False, shown, shown]
    assert overall.groups[3].count == others + 1
    if shown:
        assert (overall.groups[3].median, overall.groups[3].rank) == (30.0, 1)
    else:
        assert overall.groups[3].median is None


def test_other_years_and_editions_are_not_peers(personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [10.0, 20.0])
    for municipality in (MunicipalityFactory(), MunicipalityFactory()):
        make_round(municipality, edition, personas.admin, 30.0, fiscal_year=2025)
        make_round(municipality, make_edition(), personas.admin, 30.0, fiscal_year=2026)

    assert peer_benchmark(own).rows[0].groups[3].count == 3


def test_groups_by_kind_and_prefecture(personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [10.0, 20.0, 30.0, 40.0])  # cities in Tokyo
    osaka = PrefectureFactory(code="270008", name="大阪府", name_kana="オオサカフ")
    peers(edition, personas.admin, [60.0, 70.0], kind="town", prefecture=osaka)

    kind, size, prefecture, everyone = peer_benchmark(own).rows[0].groups

    assert (kind.count, size.count, prefecture.count, everyone.count) == (5, 0, 5, 7)
    assert everyone.rank == 3


def test_groups_by_size_band_put_towns_and_villages_of_one_step_together(personas, edition):
    body = personas.municipality_a
    body.kind, body.population = "town", 7_000
    body.save()
    own = make_round(body, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [10.0, 20.0], kind="village", population=5_000)
    peers(edition, personas.admin, [30.0, 40.0], kind="town", population=9_999)
    peers(edition, personas.admin, [60.0], kind="town", population=10_000)  # 町村 III
    peers(edition, personas.admin, [70.0], kind="town", population=None)  # unknown: no band

    benchmark = peer_benchmark(own)
    kind, size, _prefecture, everyone = benchmark.rows[0].groups

    assert (kind.count, size.count, everyone.count) == (5, 5, 7)
    assert size.shown and size.median == 30.0
    group = benchmark.groups[1]
    assert (group.code, group.members) == ("size", 5)
    assert group.label == "同じ人口規模区分（町村 II（5千人以上1万人未満））"
    assert "結果のある団体は5団体です" in group.definition


def test_area_scores_are_compared_per_area(personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0, areas=(80, 0))
    for n in range(4):
        make_round(MunicipalityFactory(), edition, personas.admin, 50.0, areas=(10 * n, None))

    _overall, area_1, area_2 = peer_benchmark(own).rows

    assert (area_1.own, area_1.groups[3].shown, area_1.groups[3].rank) == (80, True, 1)
    assert area_1.groups[3].median == 20
    assert (area_2.own, area_2.groups[3].count, area_2.groups[3].shown) == (0, 1, False)


# --- the benchmark page --------------------------------------------------------------------


def test_the_page_never_shows_another_municipality(client, personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    # Six scores: every quartile falls between two of them, none is a peer's own score.
    others = peers(edition, personas.admin, [11.3, 23.7, 37.9, 61.1, 83.3])
    client.force_login(personas.coordinator_a)

    page = client.get(benchmark_url(own)).content.decode()

    assert "50.0" in page
    assert "6団体中 3位" in page
    for round_, score in zip(others, ["11.3", "23.7", "37.9", "61.1", "83.3"], strict=True):
        assert round_.municipality.name not in page
        assert score not in page
    assert personas.municipality_b.name not in page


def test_the_page_says_when_a_group_is_too_small(client, personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    others = peers(edition, personas.admin, [11.3, 23.7])
    client.force_login(personas.consultant)

    page = client.get(benchmark_url(own)).content.decode()

    assert HIDDEN in page
    assert "11.3" not in page and others[0].municipality.name not in page


def test_the_page_offers_the_four_groups_and_shows_the_chosen_one(client, personas, edition):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [11.3, 23.7, 37.9, 61.1])
    client.force_login(personas.coordinator_a)

    page = client.get(benchmark_url(own)).content.decode()
    assert page.count('<table class="table table-sm align-middle" data-group=') == 4
    assert "すべてのグループ" in page
    assert (
        "この団体の人口が不明なため、人口規模区分（類似団体区分の人口段階）では比べられません。"
        in page
    )
    assert "全団体との比較（結果のある団体 5団体）" in page

    page = client.get(benchmark_url(own), {"group": "all"}).content.decode()
    assert page.count('<table class="table table-sm align-middle" data-group=') == 1
    assert 'data-group="all"' in page
    assert "同じ年度・同じ版で評価したすべての団体。結果のある団体は5団体です。" in page
    # An unknown choice shows every group rather than failing.
    page = client.get(benchmark_url(own), {"group": "nonsense"}).content.decode()
    assert page.count('<table class="table table-sm align-middle" data-group=') == 4


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_c", "admin"])
def test_outsiders_get_404(client, personas, edition, persona):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    client.force_login(getattr(personas, persona))
    assert client.get(benchmark_url(own)).status_code == 404


@pytest.mark.parametrize("others", [5, 12])
def test_the_benchmark_page_runs_a_fixed_number_of_queries(
    client, personas, edition, others, django_assert_num_queries
):
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    peers(edition, personas.admin, [float(n) for n in range(others)])
    client.force_login(personas.coordinator_a)
    # Every request: session, user, memberships, round, the newest round with results
    # (results.latest: one more since the page falls back to it), and the stamp of what the
    # comparison is read from (results.benchmarks.benchmark_stamp: the round's snapshot, the
    # peers' stamp); no session write. That is all while the comparison is in the cache
    # (results.page_cache). The first request also reads it: areas, the round's own scores,
    # the peers' stamp and, with nothing cached yet, the peers (results.peer_groups: their
    # areas' count, their scores).
    with django_assert_num_queries(12):
        first = client.get(benchmark_url(own))
    with django_assert_num_queries(7):
        cached = client.get(benchmark_url(own))

    assert first.status_code == cached.status_code == 200
    assert main(cached) == main(first)


# --- the portfolio -------------------------------------------------------------------------

PORTFOLIO = "/results/portfolio/"


@pytest.fixture
def portfolio_rounds(personas, edition):
    """A (a city, 40 points) and B (a town, 70 points) with results; C (not assigned) too."""
    personas.municipality_b.kind = "town"
    personas.municipality_b.save()
    return [
        make_round(personas.municipality_a, edition, personas.admin, 40.0, areas=(30, 50)),
        make_round(personas.municipality_b, edition, personas.admin, 70.0, areas=(60, 80)),
        make_round(personas.municipality_c, edition, personas.admin, 99.0),
    ]


def names_in_order(page: str, personas) -> list[str]:
    """The assigned municipalities in the table, in order (the header names them too)."""
    page = page[page.index("<table") :]
    names = [personas.municipality_a.name, personas.municipality_b.name]
    return sorted((n for n in names if n in page), key=page.index)


def test_the_portfolio_shows_only_assigned_municipalities(client, personas, portfolio_rounds):
    client.force_login(personas.consultant)

    page = client.get(PORTFOLIO).content.decode()

    assert names_in_order(page, personas) == [
        personas.municipality_b.name,
        personas.municipality_a.name,
    ]
    assert personas.municipality_c.name not in page
    assert "99.0" not in page
    assert "取組分野1" in page and "80.0" in page
    assert reverse("benchmarks:portfolio") == PORTFOLIO
    assert reverse("rounds:index", kwargs={"code": personas.municipality_a.code}) in page


def test_the_portfolio_filters_by_kind_and_prefecture(client, personas, portfolio_rounds):
    client.force_login(personas.consultant)

    towns = client.get(PORTFOLIO, {"kind": "town"}).content.decode()
    tokyo = client.get(PORTFOLIO, {"prefecture": personas.municipality_a.prefecture_id})
    elsewhere = client.get(PORTFOLIO, {"prefecture": personas.municipality_c.pk})

    assert names_in_order(towns, personas) == [personas.municipality_b.name]
    assert len(names_in_order(tokyo.content.decode(), personas)) == 2
    # Not a choice: the form says so and the list is not filtered.
    assert elsewhere.context["form"].errors
    assert len(names_in_order(elsewhere.content.decode(), personas)) == 2


@pytest.mark.parametrize(
    ("sort", "first"),
    [("score", "municipality_b"), ("name", "municipality_a"), ("completeness", "municipality_a")],
)
def test_the_portfolio_sorts(client, personas, portfolio_rounds, sort, first):
    personas.municipality_a.name_kana = "ア"
    personas.municipality_a.save()
    ScoreSnapshot.objects.filter(round=portfolio_rounds[1]).update(completeness=10.0)
    client.force_login(personas.consultant)

    page = client.get(PORTFOLIO, {"sort": sort}).content.decode()

    assert names_in_order(page, personas)[0] == getattr(personas, first).name


def portfolio_bars(response) -> list[str]:
    """The bar chart's names and values in order (after its six tick labels)."""
    return texts(chart_in(response.content.decode(), "portfolio-chart"))[6:]


def test_the_portfolio_chart_follows_the_tables_sort_and_filter(client, personas, portfolio_rounds):
    make_round(
        MunicipalityFactory(name="未回答町", kind="town"),
        portfolio_rounds[0].edition,
        personas.admin,
        None,
    )
    client.force_login(personas.consultant)
    a, b = str(personas.municipality_a), str(personas.municipality_b)

    by_score = portfolio_bars(client.get(PORTFOLIO))
    by_name = portfolio_bars(client.get(PORTFOLIO, {"sort": "name"}))
    towns = client.get(PORTFOLIO, {"kind": "town"})

    assert by_score == [b, "70", a, "40"]
    assert by_name == [a, "40", b, "70"]  # name_kana order: A first
    assert portfolio_bars(towns) == [b, "70"]
    page = towns.content.decode()
    assert "1団体の総合得点を総合得点の高い順に棒で示します（得点のない団体は0団体）。" in page
    chart = chart_in(page, "portfolio-chart")
    assert chart.get("role") == "img" and chart.get("aria-describedby") == "portfolio-summary"
    assert 'id="portfolio-summary"' in page


def test_the_portfolio_without_any_score_draws_no_chart(client, personas):
    client.force_login(personas.consultant)
    response = client.get(PORTFOLIO)
    page = response.content.decode()
    assert response.context["chart"] == ""
    assert "portfolio-chart" not in page and "<svg" not in page
    assert "得点なし" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (name, 200 if name == "consultant" else 302 if name == "anonymous" else 403)
        for name in PERSONA_NAMES
    ],
)
def test_only_consultants_see_the_portfolio(client, personas, persona, status):
    user = personas.by_name(persona)
    if user is not None:
        client.force_login(user)
    assert client.get(PORTFOLIO).status_code == status


@pytest.mark.parametrize("assigned", [5, 12])
def test_the_portfolio_runs_a_fixed_number_of_queries(
    client, personas, edition, assigned, django_assert_num_queries
):
    from accounts.models import Membership, Role

    for n in range(assigned - 2):
        municipality = MunicipalityFactory()
        Membership.objects.create(
            user=personas.consultant, role=Role.CONSULTANT, municipality=municipality
        )
        make_round(municipality, edition, personas.admin, float(n), areas=(n, n))
    client.force_login(personas.consultant)
    # session, user, memberships, municipalities, rounds (results.latest, with when their
    # results were computed), snapshots, areas, stages; no session write. Once the chart and
    # table are in the cache (results.page_cache), the rounds tell they still are.
    with django_assert_num_queries(8):
        first = client.get(PORTFOLIO)
    with django_assert_num_queries(5):
        cached = client.get(PORTFOLIO)

    assert first.status_code == cached.status_code == 200
    assert main(cached) == main(first)


# --- the newest round with results ---------------------------------------------------------

NOTICE = "2026年度（令和8年度）の回答期間中のため、2025年度（令和7年度）の結果を表示しています。"


def _new_year_without_results(personas, edition, municipality, score_2025):
    """`municipality` with results in 2025 and a 2026 round being answered, without results."""
    make_round(municipality, edition, personas.admin, score_2025, fiscal_year=2025)
    return make_round(municipality, edition, personas.admin, None, fiscal_year=2026)


def test_the_benchmark_of_a_round_without_results_shows_the_newest_with_them(
    client, personas, edition
):
    newest = _new_year_without_results(personas, edition, personas.municipality_a, 61.1)
    for n, score in enumerate([10.0, 20.0, 30.0, 40.0]):
        make_round(
            MunicipalityFactory(name=f"前年比較市{n}"),
            edition,
            personas.admin,
            score,
            fiscal_year=2025,
        )
    client.force_login(personas.coordinator_a)

    response = client.get(benchmark_url(newest))

    page = response.content.decode()
    assert response.context["benchmark"].round.fiscal_year == 2025
    assert NOTICE in page
    assert "61.1" in page and "5団体中 1位" in page
    assert "この評価ラウンドの結果はまだありません" not in page


def test_the_benchmark_of_a_round_with_results_says_nothing_more(client, personas, edition):
    make_round(personas.municipality_a, edition, personas.admin, 40.0, fiscal_year=2025)
    newest = make_round(personas.municipality_a, edition, personas.admin, 50.0, fiscal_year=2026)
    client.force_login(personas.coordinator_a)

    response = client.get(benchmark_url(newest))

    assert response.context["benchmark"].round == newest
    assert "の結果を表示しています" not in response.content.decode()


def test_the_benchmark_of_an_earlier_round_never_shows_a_later_one(client, personas, edition):
    earlier = make_round(personas.municipality_a, edition, personas.admin, None, fiscal_year=2025)
    make_round(personas.municipality_a, edition, personas.admin, 50.0, fiscal_year=2026)
    client.force_login(personas.coordinator_a)

    response = client.get(benchmark_url(earlier))

    assert response.context["benchmark"].round == earlier
    assert "この評価ラウンドの結果はまだありません" in response.content.decode()


def test_the_portfolio_shows_the_newest_round_with_results_and_says_so(client, personas, edition):
    _new_year_without_results(personas, edition, personas.municipality_a, 61.1)
    make_round(personas.municipality_b, edition, personas.admin, 70.0, fiscal_year=2026)
    client.force_login(personas.consultant)

    response = client.get(PORTFOLIO)

    rows = {row.municipality: row for row in response.context["rows"]}
    a, b = rows[personas.municipality_a], rows[personas.municipality_b]
    assert (a.round.fiscal_year, a.overall_score) == (2025, 61.1)
    assert (b.round.fiscal_year, b.overall_score) == (2026, 70.0)
    page = response.content.decode()
    assert page.count(NOTICE) == 1
    assert "61.1" in page
    assert portfolio_bars(response)[1::2] == ["70", "61.1"]


@pytest.mark.parametrize("assigned", [5, 12])
def test_the_portfolio_with_new_rounds_runs_a_fixed_number_of_queries(
    client, personas, edition, assigned, django_assert_num_queries
):
    from accounts.models import Membership, Role

    for n in range(assigned - 2):
        municipality = MunicipalityFactory()
        Membership.objects.create(
            user=personas.consultant, role=Role.CONSULTANT, municipality=municipality
        )
        _new_year_without_results(personas, edition, municipality, float(n))
    client.force_login(personas.consultant)
    # As without new rounds: session, user, memberships, municipalities, the rounds to show
    # (results.latest), snapshots, areas, stages; no session write; the rounds only, once
    # cached
    with django_assert_num_queries(8):
        response = client.get(PORTFOLIO)
    with django_assert_num_queries(5):
        client.get(PORTFOLIO)
    assert response.content.decode().count(NOTICE) == assigned - 2


def test_a_foundation_area_is_named_as_one_in_the_benchmark_and_the_portfolio(
    client, personas, edition
):
    edition.areas.filter(code="area-1").update(is_foundation=True)
    own = make_round(personas.municipality_a, edition, personas.admin, 40.0, areas=(30, 50))
    labels = [row.label for row in peer_benchmark(own).rows]
    assert labels == ["総合得点", "取組分野1（基盤）", "取組分野2"]
    client.force_login(personas.consultant)
    page = client.get(PORTFOLIO).content.decode()
    assert '<th scope="col">取組分野1（基盤）</th>' in page
    assert '<th scope="col">取組分野2</th>' in page
