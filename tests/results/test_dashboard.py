"""The municipality dashboard: numbers from the stored snapshots, scoped to the municipality."""

import re

import pytest
from django.urls import reverse

from results.dashboard import AreaRow, lowest_contributions, strengths_and_gaps
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.factories import DepartmentFactory
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
    assert '<th scope="row">DX推進課</th> <td class="text-end">75.0</td>' in page
    data = response.context["data"]
    assert data["areas"] == ["標準化", "セキュリティ"]
    assert data["current"]["scores"] == [75.0, 25.0]
    assert data["previous"] is None
    assert data["matrix"] == [[75.0, 25.0]]


def test_previous_round_is_shown_when_there_is_one(client, personas):
    previous = scored_round(personas, fiscal_year=2025, levels=(0, 0, 4))  # std 0, sec 100
    current = scored_round(personas)
    client.force_login(personas.coordinator_a)

    response = client.get(url(current))

    data = response.context["data"]
    assert data["previous"]["scores"] == [0.0, 100.0]
    assert data["previous"]["label"] == f"前回（{previous.fiscal_year}年度）"
    page = text(response)
    assert '<td class="text-end">75.0</td> <td class="text-end">0.0</td>' in page
    assert '<td class="text-end">25.0</td> <td class="text-end">100.0</td>' in page
    # The earlier round itself has no previous round.
    assert client.get(url(previous)).context["data"]["previous"] is None


def test_a_round_without_snapshots_says_so_without_charts(client, personas):
    round_ = make_tiny_round(personas, INDICATORS)
    client.force_login(personas.coordinator_a)

    response = client.get(url(round_))

    assert response.status_code == 200
    assert "まだ結果はありません" in response.content.decode()
    assert "plotly" not in response.content.decode()
    assert "dashboard-data" not in response.content.decode()


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


def test_scripts_are_self_hosted_and_carry_the_nonce(client, personas, scored):
    client.force_login(personas.coordinator_a)
    page = client.get(url(scored)).content.decode()

    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert "/static/vendor/plotly/plotly.min.js" in sources
    assert "/static/js/dashboard-charts.js" in sources
    assert not [src for src in sources if "http" in src or src.startswith("//")]
    assert '<script id="dashboard-data" type="application/json">' in page
    assert " style=" not in page


# Session, user, memberships, round, then the dashboard's five (the round's snapshots,
# the previous municipality snapshot, stages, areas, the gap indicators' questions),
# then the session's save (savepoint, update, release).
DASHBOARD_QUERIES = 12


@pytest.mark.parametrize("departments", [0, 5])
@pytest.mark.parametrize("indicators", [3, 9])
def test_query_count_does_not_grow(
    client, personas, django_assert_num_queries, departments, indicators
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
    client.force_login(personas.coordinator_a)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url(round_))

    assert len(response.context["data"]["departments"]) == departments + 1


# --- the pure helpers ------------------------------------------------------------------


def row(code, score):
    return AreaRow(code, code, score, None, "", 0, 0, [], [])


@pytest.mark.parametrize(
    ("scores", "strengths", "gaps"),
    [
        ({}, [], []),
        ({"a": 10.0}, [], []),
        ({"a": 10.0, "b": 90.0}, ["b"], ["a"]),
        ({"a": 10.0, "b": 90.0, "c": 50.0, "d": None}, ["b"], ["a"]),
        ({c: float(n) for n, c in enumerate("abcdefgh")}, ["h", "g", "f"], ["a", "b", "c"]),
    ],
)
def test_strengths_and_gaps_never_share_an_area(scores, strengths, gaps):
    high, low = strengths_and_gaps([row(code, score) for code, score in scores.items()])
    assert [a.code for a in high] == strengths
    assert [a.code for a in low] == gaps


def test_lowest_contributions_come_from_every_stage_lowest_first():
    area = {
        "by_stage": [
            {"contributions": [{"code": "B", "score": 40.0}, {"code": "A", "score": 90.0}]},
            {"contributions": [{"code": "D", "score": 10.0}, {"code": "C", "score": 40.0}]},
        ]
    }
    assert lowest_contributions(area) == [("D", 10.0), ("B", 40.0), ("C", 40.0)]
