"""The municipality dashboard: numbers from the stored snapshots, scoped to the municipality."""

import re

import pytest
from django.urls import reverse

from assessments.models import Round, RoundStatus
from results.dashboard import AreaRow, StageStep, strengths_and_gaps
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.factories import DepartmentFactory, MunicipalityFactory
from tests.results.chart_support import chart_in, heatmap_cells, main, radar_series, texts
from tests.results.test_benchmarks import make_round
from tests.results.test_snapshots import answer, make_tiny_round, snapshot_of

# std: M-1 (level 2 → 50) and M-2 (level 4 → 100) = 75; sec: S-1 (level 1 → 25).
INDICATORS = [("M-1", "std", 0), ("M-2", "std", 0), ("S-1", "sec", 0)]


def scored_round(personas, fiscal_year=2026, levels=(2, 4, 1)):
    round_ = make_tiny_round(personas, INDICATORS, fiscal_year=fiscal_year)
    for (code, _area, _stage), level in zip(INDICATORS, levels, strict=True):
        answer(round_, personas.department_a, code, level=level)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def url(round_):
    return reverse(
        "results:dashboard", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def scored(personas):
    return scored_round(personas)


@pytest.mark.parametrize("who", ["coordinator_a", "consultant"])
def test_numbers_on_the_page_match_the_snapshot(client, personas, scored, who):
    client.force_login(getattr(personas, who))
    response = client.get(url(scored))

    assert response.status_code == 200
    page = text(response)
    snapshot = snapshot_of(scored)
    assert f'<dd class="col-sm-9" id="overall-score">{snapshot.overall_score:.1f}</dd>' in page
    assert f"{snapshot.completeness:.1f}%（3／3指標）" in page
    areas = {area["area"]: area["score"] for area in snapshot.card["areas"]}
    assert areas == {"std": 75.0, "sec": 25.0}
    assert '<th scope="row">標準化</th> <td class="text-end">75.0</td>' in page
    assert '<th scope="row">セキュリティ</th> <td class="text-end">25.0</td>' in page
    assert "最も高い分野は標準化（75.0点）、最も低い分野はセキュリティ（25.0点）です。" in page
    # The gap lists its lowest answer; the department matrix has a row for the department.
    assert "S-1" in page
    department = reverse(
        "results:department",
        kwargs={
            "code": scored.municipality.code,
            "round_id": scored.pk,
            "department_id": personas.department_a.pk,
        },
    )
    assert (
        f'<th scope="row"><a href="{department}">DX推進課</a></th> <td class="text-nowrap">回答中</td>'
        ' <td class="text-end">100.0%</td> <td class="text-end">75.0</td>' in page
    )
    figures = response.context["figures"]
    assert [a.name for a in figures.scores.rows] == ["標準化", "セキュリティ"]
    # No peers, no targets, no earlier round: those series are left out, and the page says why.
    assert radar_series(response) == {"今回": [75.0, 25.0]}
    assert heatmap_cells(chart_in(response.content.decode(), "heatmap-chart")) == ["75", "25"]
    assert figures.trend == ""
    assert "結果のある団体が5団体に満たないため、中央値は示しません。" in page
    assert "比べられる過去の結果はまだありません。" in page


def test_previous_round_is_shown_when_there_is_one(client, personas):
    previous = scored_round(personas, fiscal_year=2025, levels=(0, 0, 4))  # std 0, sec 100
    current = scored_round(personas)
    client.force_login(personas.coordinator_a)

    response = client.get(url(current))

    assert radar_series(response)[f"前回（{previous.fiscal_year}年度）"] == [0.0, 100.0]
    page = text(response)
    assert '<td class="text-end">75.0</td> <td class="text-end">0.0</td>' in page
    assert '<td class="text-end">25.0</td> <td class="text-end">100.0</td>' in page
    # The earlier round itself has no previous round.
    assert list(radar_series(client.get(url(previous)))) == ["今回"]


def test_a_round_without_snapshots_says_so_without_charts(client, personas):
    round_ = make_tiny_round(personas, INDICATORS)
    client.force_login(personas.coordinator_a)

    response = client.get(url(round_))

    assert response.status_code == 200
    assert "まだ結果はありません" in response.content.decode()
    assert response.context["figures"] is None
    assert "<svg" not in response.content.decode()


def peers(personas, round_, scores: list[tuple[float, float | None]], kind="city"):
    """Other municipalities of `kind` with results in the same year and edition."""
    for std, sec in scores:
        make_round(
            MunicipalityFactory(kind=kind),
            round_.edition,
            personas.admin,
            50.0,
            fiscal_year=round_.fiscal_year,
            areas={"std": std, "sec": sec},
        )


@pytest.mark.parametrize(("others", "shown"), [(3, False), (4, True)])
def test_the_peer_median_needs_five_municipalities_of_the_same_kind(
    client, personas, scored, others, shown
):
    """The round's own city counts: with 4 others the group has 5 and its median shows."""
    peers(personas, scored, [(10.0, 90.0), (20.0, None), (30.0, None), (40.0, None)][:others])
    peers(personas, scored, [(99.0, 99.0)] * 3, kind="town")  # another kind: not peers
    client.force_login(personas.coordinator_a)

    response = client.get(url(scored))

    series = radar_series(response)
    page = text(response)
    if shown:
        # std: 10, 20, 30, 40 and this city's 75 → 30; sec: only two have it → hidden.
        assert series["同じ区分（その他の市）の中央値"] == [30.0, None]
        assert '<th scope="col" class="text-end">同じ区分（その他の市）の中央値</th>' in page
        assert '<td class="text-end">75.0</td> <td class="text-end">30.0</td>' in page
        assert '<td class="text-end">25.0</td> <td class="text-end">—</td>' in page
        assert '<dd class="col-sm-9" id="peer-overall">50.0</dd>' in page
    else:
        assert list(series) == ["今回"]
        assert "同じ区分（その他の市）の中央値</th>" not in page
        assert 'id="peer-overall"' not in page
    # Never one municipality's own score: 90.0 (the only other sec score) nowhere, in words
    # or in a chart's texts (the charts' coordinates are numbers too, so looked at apart).
    words = re.sub(r"<svg\b.*?</svg>", "", page, flags=re.S)
    assert "90.0" not in words and "99.0" not in words
    drawn = [t for frame in ("radar-chart", "heatmap-chart") for t in texts(chart_in(page, frame))]
    assert drawn and not {"90", "90.0", "99", "99.0"} & set(drawn)


def test_the_target_series_scores_the_target_levels(client, personas):
    round_ = make_tiny_round(personas, INDICATORS)
    answer(round_, personas.department_a, "M-1", level=2, target_level=4)  # 50 → 100
    answer(round_, personas.department_a, "M-2", level=4)
    answer(round_, personas.department_a, "S-1", level=1)  # sec: no target
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    client.force_login(personas.coordinator_a)

    response = client.get(url(round_))

    # The factory's targets are for three years on (2029 for the 2026 round).
    assert radar_series(response)["目標（2029年度）"] == [100.0, None]
    page = text(response)
    assert '<th scope="col" class="text-end">目標（2029年度）</th>' in page
    assert '<dt class="col-sm-3">目標（2029年度）</dt>' in page
    assert (
        '<th scope="row">標準化</th> <td class="text-end">75.0</td> <td class="text-end">100.0</td>'
        in page
    )
    assert (
        '<th scope="row">セキュリティ</th> <td class="text-end">25.0</td> <td class="text-end">—</td>'
        in page
    )
    assert '<dd class="col-sm-9" id="target-overall">75.0</dd>' in page  # (100 + 100 + 25) ÷ 3


def test_targets_for_different_years_name_the_range(client, personas):
    round_ = make_tiny_round(personas, INDICATORS)
    answer(round_, personas.department_a, "M-1", level=2, target_level=4, target_fiscal_year=2030)
    answer(round_, personas.department_a, "M-2", level=1, target_level=2, target_fiscal_year=2028)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    client.force_login(personas.coordinator_a)

    response = client.get(url(round_))

    assert list(radar_series(response))[-1] == "目標（2028〜2030年度）"
    assert '<th scope="col" class="text-end">目標（2028〜2030年度）</th>' in text(response)


@pytest.mark.parametrize(
    "who", ["respondent_a", "respondent_c", "coordinator_c", "catalogue_editor", "admin"]
)
def test_others_get_404(client, personas, scored, who):
    client.force_login(getattr(personas, who))
    assert client.get(url(scored)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, scored):
    response = client.get(url(scored))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_round_of_another_municipality_is_404(client, personas, scored):
    client.force_login(personas.coordinator_c)
    wrong = reverse(
        "results:dashboard",
        kwargs={"code": personas.municipality_c.code, "round_id": scored.pk},
    )
    assert client.get(wrong).status_code == 404


def test_the_round_page_links_to_the_dashboard(client, personas, scored):
    client.force_login(personas.coordinator_a)
    detail = reverse(
        "rounds:detail", kwargs={"code": scored.municipality.code, "round_id": scored.pk}
    )
    assert f'href="{url(scored)}">結果を見る</a>' in client.get(detail).content.decode()


def test_charts_are_inline_svg_drawn_without_scripts_or_inline_styles(client, personas, scored):
    """The CSP blocks inline styles (style-src with a nonce): the charts use none, and no
    script draws them."""
    client.force_login(personas.coordinator_a)
    page = client.get(url(scored)).content.decode()

    charts = re.findall(r"<svg\b[^>]*>", page)
    assert len(charts) == 3  # radar, stage bars, heatmap (no earlier round: no trend)
    assert all('role="img"' in tag and "aria-labelledby=" in tag for tag in charts)
    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert not [src for src in sources if "chart" in src or "plotly" in src]
    assert " style=" not in page and "<style" not in page


# Every request: session, user, memberships, round, the stamp of what the results part is
# read from (results.dashboard.dashboard_stamp: the snapshots, the questionnaire statuses,
# the peers' stamp), and the action plan section (plans.selectors.action_plan_for: the
# items); no session write. That is all while the results part is in the cache
# (results.page_cache).
DASHBOARD_CACHED_QUERIES = 8
# The first request also reads the results: the dashboard's (the round's snapshots, stages,
# areas, the gap indicators' questions, the earlier rounds' municipality snapshots, the
# same-kind peers' stamp, the departments' questionnaire statuses) and, with nothing in the
# cache yet, the peers (results.peer_groups: the edition's area count, their scores).
DASHBOARD_QUERIES = DASHBOARD_CACHED_QUERIES + 9


@pytest.mark.parametrize(("departments", "peer_count"), [(0, 0), (5, 6)])
@pytest.mark.parametrize("indicators", [3, 9])
def test_query_count_does_not_grow(
    client, personas, django_assert_num_queries, departments, peer_count, indicators
):
    codes = [(f"X-{n}", "std" if n % 2 else "sec", 0) for n in range(indicators)]
    round_ = make_tiny_round(personas, codes)
    for code, _area, _stage in codes:
        answer(round_, personas.department_a, code, level=3)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    card = snapshot_of(round_, personas.department_a).card
    for _n in range(departments):
        department = DepartmentFactory(municipality=personas.municipality_a)
        ScoreSnapshot.objects.create(
            round=round_,
            department=department,
            trigger=SnapshotTrigger.RECOMPUTED,
            computed_at=snapshot_of(round_).computed_at,
            overall_score=75.0,
            stage_attained="digitization",
            completeness=100.0,
            card=card,
        )
    peers(personas, round_, [(50.0, 50.0)] * peer_count)
    client.force_login(personas.coordinator_a)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url(round_))
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):
        cached = client.get(url(round_))

    assert len(response.context["dashboard"].departments) == departments + 1
    assert len(radar_series(response)) == 1 + bool(peer_count)  # 今回, and the peer median
    assert main(cached) == main(response)


# --- the pure helpers ------------------------------------------------------------------


def row(code, score, threshold=60.0, answered=1):
    """An area with one stage of the given threshold."""
    reached = score is not None and score >= threshold
    step = StageStep("段階", threshold, score, reached)
    return AreaRow(code, code, score, None, "", answered, 4, [step], [], [])


@pytest.mark.parametrize(
    ("scores", "strengths", "gaps"),
    [
        ({}, [], []),
        ({"a": 10.0}, [], ["a"]),
        ({"a": 10.0, "b": 90.0}, ["b"], ["a"]),
        ({"a": 10.0, "b": 90.0, "c": 50.0, "d": None}, ["b"], ["a", "c"]),
        # Eight areas all below the threshold: none is a strength, however many there are.
        ({c: float(n) for n, c in enumerate("abcdefgh")}, [], ["a", "b", "c"]),
        # Two areas at full marks: both strengths, neither a gap.
        ({"x": 100.0, "y": 100.0}, ["x", "y"], []),
    ],
)
def test_strengths_and_gaps_are_read_against_the_stage_threshold(scores, strengths, gaps):
    high, low = strengths_and_gaps([row(code, score) for code, score in scores.items()])
    assert [a.code for a in high] == strengths
    assert [a.code for a in low] == gaps


def test_an_area_nobody_has_answered_is_neither_a_strength_nor_a_gap():
    """It scores 0 by the scoring rules (unanswered counts 0), but reads as 未回答."""
    high, low = strengths_and_gaps([row("a", 0.0, answered=0), row("b", 10.0)])
    assert ([a.code for a in high], [a.code for a in low]) == ([], ["b"])


def test_results_of_an_open_round_are_marked_provisional_with_the_answer_rate(
    client, personas, scored
):
    from tests.results.test_department_view import department_url

    client.force_login(personas.coordinator_a)
    pages = [url(scored), department_url(scored, personas.department_a)]
    for page in pages:
        assert "暫定（回答期間中）：回答率 100.0%" in text(client.get(page))
    Round.objects.filter(pk=scored.pk).update(status=RoundStatus.CLOSED)
    for page in pages:
        assert "暫定" not in text(client.get(page))
