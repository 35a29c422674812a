"""The results pages' caches (results.page_cache, results.peer_groups) never serve a stale page.

Each test opens a page once (which fills the cache), changes what it is read from, and
opens it again: the change shows at once. Another language, municipality or viewer
never gets an entry that is not theirs.
"""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Membership, Role
from assessments.models import Answer, Questionnaire, QuestionnaireStatus
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.factories import MunicipalityFactory, UserFactory
from tests.results.chart_support import main
from tests.results.test_benchmarks import PORTFOLIO, benchmark_url, make_round
from tests.results.test_dashboard import peers, scored_round, text, url


def overall(response) -> str:
    return re.search(r'id="overall-score">([^<（]*)', response.content.decode()).group(1)


def refresh_peer(round_, **areas):
    """What results.snapshots does to a peer's snapshot: new scores, a new computed_at."""
    snapshot = ScoreSnapshot.objects.get(round=round_, department__isnull=True)
    snapshot.card = {
        "version": 1,
        "areas": [{"area": code, "score": score} for code, score in areas.items()],
    }
    snapshot.computed_at = timezone.now()
    snapshot.save()


# --- the dashboard -----------------------------------------------------------------------


@pytest.fixture
def scored(personas):
    return scored_round(personas)


def stored_overall(round_) -> str:
    return f"{ScoreSnapshot.objects.get(round=round_, department__isnull=True).overall_score:.1f}"


def test_a_refreshed_snapshot_shows_at_once(client, personas, scored):
    client.force_login(personas.coordinator_a)
    before = overall(client.get(url(scored)))
    assert before == stored_overall(scored)

    Answer.objects.filter(questionnaire__round=scored, indicator__code="S-1").update(level=4)
    snapshots_refresh(round=scored, trigger=SnapshotTrigger.RECOMPUTED)

    after = overall(client.get(url(scored)))
    assert after == stored_overall(scored) != before


def test_a_questionnaire_status_and_a_department_name_show_at_once(client, personas, scored):
    client.force_login(personas.coordinator_a)
    before = text(client.get(url(scored)))
    questionnaire = Questionnaire.objects.get(round=scored, department=personas.department_a)
    assert str(QuestionnaireStatus(questionnaire.status).label) in before
    assert questionnaire.status != QuestionnaireStatus.APPROVED

    Questionnaire.objects.filter(pk=questionnaire.pk).update(status=QuestionnaireStatus.APPROVED)
    personas.department_a.name = "デジタル推進課"
    personas.department_a.save()

    after = text(client.get(url(scored)))
    row = re.search(
        r"<tr> <th scope=\"row\"><a [^>]*>デジタル推進課</a></th> <td[^>]*>([^<]*)", after
    )
    assert row and row.group(1) == str(QuestionnaireStatus.APPROVED.label)


def test_a_peer_refreshed_moves_the_peer_median_at_once(client, personas, scored):
    peers(personas, scored, [(10.0, None), (20.0, None), (30.0, None), (40.0, None)])
    client.force_login(personas.coordinator_a)
    # std: 10, 20, 30, 40 and this city's 75 → 30
    assert '<td class="text-end">75.0</td> <td class="text-end">30.0</td>' in text(
        client.get(url(scored))
    )

    peer = ScoreSnapshot.objects.filter(round__fiscal_year=scored.fiscal_year).exclude(round=scored)
    refresh_peer(peer.get(overall_score=50.0, card__areas__0__score=10.0).round, std=90.0)

    # std: 20, 30, 40, 75, 90 → 40
    assert '<td class="text-end">75.0</td> <td class="text-end">40.0</td>' in text(
        client.get(url(scored))
    )


def test_the_round_closing_drops_the_provisional_mark_at_once(client, personas, scored):
    client.force_login(personas.coordinator_a)
    assert 'id="provisional"' in client.get(url(scored)).content.decode()

    scored.status = "closed"
    scored.save()

    assert 'id="provisional"' not in client.get(url(scored)).content.decode()


def test_each_language_has_its_own_entry(client, personas, scored):
    client.force_login(personas.coordinator_a)
    japanese = client.get(url(scored)).content.decode()
    english = client.get(url(scored), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<h2 id="overview-heading" class="h4">全体</h2>' in japanese
    assert '<h2 id="overview-heading" class="h4">Overall</h2>' in english


def test_a_cached_dashboard_is_still_only_for_those_who_may_see_it(client, personas, scored):
    client.force_login(personas.coordinator_a)
    assert client.get(url(scored)).status_code == 200

    for outsider in (personas.coordinator_c, personas.respondent_a):
        client.force_login(outsider)
        assert client.get(url(scored)).status_code == 404


def test_another_municipalitys_round_is_never_served_from_this_ones_entry(client, personas):
    a = scored_round(personas)
    client.force_login(personas.coordinator_a)
    assert overall(client.get(url(a))) == stored_overall(a)

    other = make_round(personas.municipality_b, a.edition, personas.admin, 12.5)
    card = ScoreSnapshot.objects.get(round=a, department__isnull=True).card
    ScoreSnapshot.objects.filter(round=other).update(card=card)
    client.force_login(personas.consultant)  # serves A and B

    assert overall(client.get(url(other))) == "12.5"
    assert overall(client.get(url(a))) == stored_overall(a)


# --- the benchmark ---------------------------------------------------------------------------


@pytest.fixture
def edition(db):
    from tests.frameworks.factories import make_edition

    return make_edition(indicators=2, areas=2)


def cities(edition, personas, scores):
    return [
        make_round(MunicipalityFactory(kind="city"), edition, personas.admin, score)
        for score in scores
    ]


def benchmark_cells(response, group: str) -> str:
    page = text(response)
    return re.search(rf'<table [^>]*data-group="{group}">.*?</table>', page).group()


def _a_city_among_four(client, personas, edition):
    """Municipality A a city scoring 50 among four other cities (10–40), its coordinator
    signed in: its round and the others'."""
    personas.municipality_a.kind = "city"
    personas.municipality_a.save()
    own = make_round(personas.municipality_a, edition, personas.coordinator_a, 50.0)
    others = cities(edition, personas, [10.0, 20.0, 30.0, 40.0])
    client.force_login(personas.coordinator_a)
    return own, others


def test_the_benchmark_shows_a_peer_refreshed_new_or_gone_at_once(client, personas, edition):
    own, others = _a_city_among_four(client, personas, edition)
    # 10, 20, 30, 40, 50 → median 30, this city first of five
    assert "5団体中 1位" in benchmark_cells(client.get(benchmark_url(own)), "kind")

    ScoreSnapshot.objects.filter(round=others[0]).update(
        overall_score=90.0, computed_at=timezone.now()
    )
    assert "5団体中 2位" in benchmark_cells(client.get(benchmark_url(own)), "kind")

    cities(edition, personas, [95.0])
    assert "6団体中 3位" in benchmark_cells(client.get(benchmark_url(own)), "kind")

    ScoreSnapshot.objects.filter(round=others[1]).delete()
    assert "5団体中 3位" in benchmark_cells(client.get(benchmark_url(own)), "kind")


def test_a_municipality_changing_kind_changes_the_groups_at_once(client, personas, edition):
    own, others = _a_city_among_four(client, personas, edition)
    assert "5団体中 1位" in benchmark_cells(client.get(benchmark_url(own)), "kind")

    moved = others[0].municipality
    moved.kind = "town"
    moved.save()

    kind = benchmark_cells(client.get(benchmark_url(own)), "kind")
    assert "結果のある団体 4団体" in kind and "5団体中" not in kind


def test_the_benchmark_of_each_municipality_is_its_own(client, personas, edition):
    a = make_round(personas.municipality_a, edition, personas.admin, 50.0)
    b = make_round(personas.municipality_b, edition, personas.admin, 20.0)
    cities(edition, personas, [10.0, 30.0, 40.0])
    client.force_login(personas.consultant)

    assert "5団体中 1位" in benchmark_cells(client.get(benchmark_url(a)), "all")
    assert "5団体中 4位" in benchmark_cells(client.get(benchmark_url(b)), "all")
    client.force_login(personas.coordinator_c)
    assert client.get(benchmark_url(a)).status_code == 404


# --- the portfolio ---------------------------------------------------------------------------


def test_the_portfolio_shows_a_refreshed_snapshot_at_once(client, personas, edition):
    own = make_round(personas.municipality_a, edition, personas.admin, 40.0)
    client.force_login(personas.consultant)
    assert "40.0" in client.get(PORTFOLIO).content.decode()

    ScoreSnapshot.objects.filter(round=own).update(overall_score=64.5, computed_at=timezone.now())

    page = client.get(PORTFOLIO).content.decode()
    assert "64.5" in page and "40.0" not in page


def test_a_consultant_never_gets_another_consultants_portfolio(client, personas, edition):
    make_round(personas.municipality_a, edition, personas.admin, 40.0)
    make_round(personas.municipality_b, edition, personas.admin, 71.3)
    client.force_login(personas.consultant)  # A and B
    assert "71.3" in client.get(PORTFOLIO).content.decode()

    only_a = UserFactory()
    Membership.objects.create(
        user=only_a, role=Role.CONSULTANT, municipality=personas.municipality_a
    )
    client.force_login(only_a)
    page = client.get(PORTFOLIO).content.decode()

    assert "40.0" in page
    assert "71.3" not in page and personas.municipality_b.name not in page


def test_the_results_part_is_the_same_for_every_role_that_may_see_it(client, personas, scored):
    """The entry is shared by the coordinators and consultants of the municipality: what each
    of them is shown, rendered afresh, is the same."""
    pages = []
    for who in (personas.coordinator_a, personas.consultant):
        cache.clear()
        client.force_login(who)
        pages.append(main(client.get(url(scored))))

    assert 'id="overall-score"' in pages[0]
    assert pages[0] == pages[1]
