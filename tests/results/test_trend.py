"""The trend across rounds: areas followed through the catalogue's lineage, a fixed query count."""

import pytest

from assessments.models import Round
from frameworks.lineage import LineageGraph, Node
from frameworks.models import IndicatorLineage, LineageRelation
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from results.trend import Trend, TrendPoint, area_maps, ladder_overall, mapped_area_scores
from tests.assessment_factories import open_round
from tests.frameworks.factories import FrameworkFactory
from tests.results.chart_support import chart_in, radar_series, texts
from tests.results.test_cards import maturity, stored
from tests.results.test_dashboard import DASHBOARD_CACHED_QUERIES, DASHBOARD_QUERIES, text, url
from tests.results.test_snapshots import answer, make_tiny_edition

# --- the pure mapping -------------------------------------------------------------------------


def test_each_earlier_indicator_counts_in_the_areas_it_maps_into():
    # Edition 1: OLD-A, OLD-B, MNC-1. Edition 2: ONL-1 (OLD-A + OLD-B merged), ONL-2 (new),
    # MNC-1 (no lineage row: the same code). Edition 3: MNC-1, ONL-1 (now in the mnc area),
    # FRT-1 and FRT-2 (ONL-2 split).
    nodes = [
        Node(1, 1, "OLD-A", "onl"), Node(2, 1, "OLD-B", "onl"), Node(3, 1, "MNC-1", "mnc"),
        Node(11, 2, "ONL-1", "onl"), Node(12, 2, "ONL-2", "onl"), Node(13, 2, "MNC-1", "mnc"),
        Node(21, 3, "MNC-1", "mnc"), Node(22, 3, "ONL-1", "mnc"),
        Node(23, 3, "FRT-1", "front"), Node(24, 3, "FRT-2", "front"),
    ]  # fmt: skip
    links = [(11, 1), (11, 2), (12, None), (21, 13), (22, 11), (23, 12), (24, 12)]
    maps = area_maps(LineageGraph({1: None, 2: 1, 3: 2}, nodes, links), 3)
    assert maps[3]["FRT-1"] == {"front"}
    assert maps[2] == {"MNC-1": {"mnc"}, "ONL-1": {"mnc"}, "ONL-2": {"front"}}
    assert maps[1] == {"MNC-1": {"mnc"}, "OLD-A": {"mnc"}, "OLD-B": {"mnc"}}


def test_editions_outside_the_chain_have_no_map():
    graph = LineageGraph({2: None, 9: None}, [Node(1, 2, "A", "x"), Node(2, 9, "A", "x")], [])
    assert set(area_maps(graph, 2)) == {2}


def test_earlier_figures_are_weighted_means_of_the_mapped_answers():
    items = [
        maturity("MNC-1", "x", "dig", 4),  # 100
        maturity("ONL-1", "x", "dig", 2, weight=3.0),  # 50
        maturity("GONE", "x", "dig", 0),  # dropped: in no current area
    ]
    scores = mapped_area_scores(stored(items), {"MNC-1": {"mnc"}, "ONL-1": {"mnc", "front"}})
    assert scores == {"mnc": pytest.approx((100 + 3 * 50) / 4), "front": 50.0}


def test_an_earlier_overall_leaves_out_what_the_current_edition_scores_as_its_foundation():
    # 2.3 scored its governance items (GOV-1) inside the ladder; FY2026 scores them
    # beside it, so the 2.3 overall is re-read without them to compare like with like.
    card = stored(
        [
            maturity("MNC-1", "mnc", "dig", 4),  # 100
            maturity("GOV-1", "governance", "dig", 0, weight=2.0),  # 0, now a foundation
            maturity("GONE", "mnc", "dig", 2),  # 50, in no current area: kept as stored
        ]
    )
    area_map = {"MNC-1": frozenset({"mnc"}), "GOV-1": frozenset({"governance"})}
    assert card.overall_score == pytest.approx((100 + 0 + 50) / 4)
    assert ladder_overall(card, area_map, frozenset({"governance"})) == pytest.approx(75.0)
    # Without a foundation in the current edition, the stored overall score stands.
    assert ladder_overall(card, area_map, frozenset()) == card.overall_score


@pytest.mark.parametrize(
    ("overalls", "sentence"),
    [
        ([62.5], "比べられる過去の結果はまだありません。"),
        ([None, 50.0], "比べられる過去の結果はまだありません。"),
        (
            [40.0, 10.0, 70.0],
            "総合得点は2024年度の40.0点から2026年度の70.0点へ30.0点上がりました。",
        ),
        ([70.0, 55.5], "総合得点は2025年度の70.0点から2026年度の55.5点へ14.5点下がりました。"),
        ([70.0, 70.0], "総合得点は2025年度から2026年度まで70.0点で変わりません。"),
    ],
)
def test_the_summary_says_how_the_overall_score_moved(overalls, sentence):
    first = 2027 - len(overalls)
    points = [
        TrendPoint(round=Round(fiscal_year=first + n), overall=overall, areas=[])
        for n, overall in enumerate(overalls)
    ]
    assert Trend(area_codes=[], area_names=[], points=points).summary() == sentence


# --- the dashboard across two editions ------------------------------------------------------

OLD_AREAS = {"mnc": ("マイナンバーカード", "My Number Card"), "onl": ("オンライン化", "Online")}
NEW_AREAS = {"mnc": ("マイナンバーカード", "My Number Card"), "front": ("フロントヤード", "Front")}


def make_two_editions():
    """Edition 1 has マイナンバーカード and オンライン化; edition 2 merges them and adds front."""
    framework = FrameworkFactory()
    old = make_tiny_edition(
        [("MNC-1", "mnc", 0), ("ONL-1", "onl", 0)], OLD_AREAS, framework=framework
    )
    new = make_tiny_edition(
        [("MNC-1", "mnc", 0), ("ONL-1", "mnc", 0), ("FRT-1", "front", 0)],
        NEW_AREAS,
        framework=framework,
        predecessor=old,
    )
    indicators = {(i.edition_id, i.code): i for i in (*old.indicators.all(), *new.indicators.all())}
    for code in ("MNC-1", "ONL-1"):
        IndicatorLineage.objects.create(
            indicator=indicators[(new.pk, code)],
            predecessor=indicators[(old.pk, code)],
            relation=LineageRelation.SAME,
        )
    IndicatorLineage.objects.create(
        indicator=indicators[(new.pk, "FRT-1")], relation=LineageRelation.NEW
    )
    return old, new


@pytest.fixture
def editions(db):
    return make_two_editions()


def scored(personas, edition, fiscal_year, levels: dict[str, int]):
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=fiscal_year
    )
    for code, level in levels.items():
        answer(round_, personas.department_a, code, level=level)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def test_the_previous_round_is_read_through_the_lineage(client, personas, editions):
    old, new = editions
    # 2025 on edition 1: マイナンバーカード 100, オンライン化 0 (stored as two areas).
    scored(personas, old, 2025, {"MNC-1": 4, "ONL-1": 0})
    current = scored(personas, new, 2026, {"MNC-1": 4, "ONL-1": 4, "FRT-1": 2})
    client.force_login(personas.coordinator_a)

    response = client.get(url(current))

    assert [r.name for r in response.context["figures"].scores.rows] == [
        "マイナンバーカード",
        "フロントヤード",
    ]
    # The merged area counts both earlier answers: (100 + 0) ÷ 2, not 100 alone.
    series = radar_series(response)
    assert series["前回（2025年度）"] == [50.0, None]
    assert series["今回"] == [100.0, 50.0]
    trend = response.context["dashboard"].trend
    assert [p.fiscal_year for p in trend.points] == [2025, 2026]
    assert [p.overall for p in trend.points] == [50.0, pytest.approx(250 / 3)]
    assert [p.areas for p in trend.points] == [[50.0, None], [100.0, 50.0]]
    # The chart: a line per area and the overall score, its values written as the table's.
    chart = texts(chart_in(response.content.decode(), "trend-chart"))
    assert {"2025年度", "2026年度", "総合得点", "マイナンバーカード", "フロントヤード"} <= set(
        chart
    )
    assert {"50", "83.3"} <= set(chart)
    page = text(response)
    assert "総合得点は2025年度の50.0点から2026年度の83.3点へ33.3点上がりました。" in page
    assert '<th scope="row">2025年度（令和7年度）</th> <td class="text-end">50.0</td> ' in page
    assert '<td class="text-end">50.0</td> <td class="text-end">—</td>' in page
    # The earlier edition's own area has no line of its own.
    assert "オンライン化" not in page


def test_rounds_on_the_same_edition_show_their_stored_area_scores(client, personas, editions):
    old, _new = editions
    scored(personas, old, 2024, {"MNC-1": 1, "ONL-1": 0})
    current = scored(personas, old, 2025, {"MNC-1": 2, "ONL-1": 4})
    client.force_login(personas.coordinator_a)

    trend = client.get(url(current)).context["dashboard"].trend

    assert trend.area_names == ["マイナンバーカード", "オンライン化"]
    assert [p.areas for p in trend.points] == [[25.0, 0.0], [50.0, 100.0]]


def test_a_later_round_is_not_part_of_an_earlier_rounds_trend(client, personas, editions):
    old, new = editions
    earlier = scored(personas, old, 2025, {"MNC-1": 4})
    scored(personas, new, 2026, {"MNC-1": 4})
    client.force_login(personas.coordinator_a)

    response = client.get(url(earlier))

    assert response.context["figures"].trend == ""  # nothing earlier: no trend chart
    assert list(radar_series(response)) == ["今回"]


# Two edition-crossing rounds or five: the same queries (the lineage's two included).
@pytest.mark.parametrize("earlier", [1, 4])
def test_the_trend_costs_the_same_queries_for_two_or_five_rounds(
    client, personas, editions, django_assert_num_queries, earlier
):
    old, new = editions
    for year in range(2026 - earlier, 2026):
        scored(personas, old, year, {"MNC-1": year % 5, "ONL-1": 2})
    current = scored(personas, new, 2026, {"MNC-1": 3})
    client.force_login(personas.coordinator_a)

    with django_assert_num_queries(DASHBOARD_QUERIES + 2):
        response = client.get(url(current))
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):
        client.get(url(current))

    assert len(response.context["dashboard"].trend.points) == earlier + 1
