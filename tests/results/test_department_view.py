"""One department's results: its own respondents, and the municipality's results viewers."""

import pytest
from django.urls import reverse

from assessments.models import QuestionnaireStatus
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.results.chart_support import radar_series
from tests.results.test_dashboard import INDICATORS, scored_round, text
from tests.results.test_snapshots import answer, make_tiny_round


def department_url(round_, department) -> str:
    return reverse(
        "results:department",
        kwargs={
            "code": round_.municipality.code,
            "round_id": round_.pk,
            "department_id": department.pk,
        },
    )


@pytest.fixture
def scored(personas):
    """DX推進課 answers std (75) and sec (25)."""
    return scored_round(personas)


@pytest.mark.parametrize("who", ["respondent_a", "coordinator_a", "consultant"])
def test_the_department_sees_its_own_numbers(client, personas, scored, who):
    client.force_login(getattr(personas, who))

    response = client.get(department_url(scored, personas.department_a))

    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="h3">DX推進課の評価結果（2026年度（令和8年度））</h1>' in page
    assert '<dd class="col-sm-9" id="overall-score">58.3</dd>' in page
    assert "100.0%（3／3指標）" in page
    assert '<th scope="row">標準化</th> <td class="text-end">75.0</td>' in page
    assert "最も高い分野は標準化（75.0点）、最も低い分野はセキュリティ（25.0点）です。" in page
    # The stage ladder and the gaps: answers below their stage's threshold, lowest first;
    # M-2 at 100 points is never one.
    assert "段階ごとの到達状況" in page
    gaps = page[page.index('id="gaps-list"') : page.index("</ol>", page.index('id="gaps-list"'))]
    assert gaps.index("S-1") < gaps.index("M-1")
    assert "M-2" not in gaps
    assert radar_series(response) == {"今回": [75.0, 25.0]}  # no target set
    assert [r.name for r in response.context["figures"].scores.rows] == ["標準化", "セキュリティ"]


def test_a_respondent_cannot_see_another_department(client, personas, scored):
    client.force_login(personas.respondent_a)
    assert client.get(department_url(scored, personas.other_department_a)).status_code == 404


@pytest.mark.parametrize("who", ["coordinator_a", "consultant"])
def test_results_viewers_see_any_department(client, personas, scored, who):
    client.force_login(getattr(personas, who))
    response = client.get(department_url(scored, personas.other_department_a))
    # 税務課 is assigned nothing in this round: no snapshot, and the page says so.
    assert response.status_code == 200
    assert "まだ結果はありません" in response.content.decode()
    assert "dashboard-data" not in response.content.decode()


@pytest.mark.parametrize("who", ["respondent_c", "coordinator_c", "catalogue_editor", "admin"])
def test_others_get_404(client, personas, scored, who):
    client.force_login(getattr(personas, who))
    assert client.get(department_url(scored, personas.department_a)).status_code == 404


def test_a_department_of_another_municipality_is_404(client, personas, scored):
    client.force_login(personas.coordinator_a)
    assert client.get(department_url(scored, personas.department_c)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, personas, scored):
    response = client.get(department_url(scored, personas.department_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_target_is_shown_beside_the_score(client, personas):
    round_ = make_tiny_round(personas, INDICATORS)
    answer(round_, personas.department_a, "M-1", level=2, target_level=3)  # 50 → 75
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    client.force_login(personas.respondent_a)

    response = client.get(department_url(round_, personas.department_a))

    # std: M-1 and M-2 (not answered, 0): now 25, at the target (75 + 0) ÷ 2.
    assert radar_series(response)["目標（2029年度）"] == [37.5, None]
    assert '<td class="text-end">25.0</td> <td class="text-end">37.5</td>' in text(response)


def test_the_respondent_finds_it_from_the_questionnaire_pages(client, personas, scored):
    questionnaire = scored.questionnaires.get(department=personas.department_a)
    questionnaire.status = QuestionnaireStatus.SUBMITTED
    questionnaire.save()
    client.force_login(personas.respondent_a)
    link = f'href="{department_url(scored, personas.department_a)}"'

    assert link in client.get(reverse("questionnaires:mine")).content.decode()
    overview = reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk})
    assert link in client.get(overview).content.decode()


def test_before_submission_the_questionnaire_pages_do_not_link(client, personas, scored):
    questionnaire = scored.questionnaires.get(department=personas.department_a)
    client.force_login(personas.respondent_a)
    link = department_url(scored, personas.department_a)

    assert link not in client.get(reverse("questionnaires:mine")).content.decode()
    overview = reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk})
    assert link not in client.get(overview).content.decode()


# Session, user, memberships, round, department, then the snapshot, stages, areas and the
# lowest answers' questions; no session write.
DEPARTMENT_QUERIES = 9


@pytest.mark.parametrize("indicators", [3, 12])
def test_query_count_does_not_grow(client, personas, django_assert_num_queries, indicators):
    codes = [(f"X-{n}", "std" if n % 2 else "sec", n % 3) for n in range(indicators)]
    round_ = make_tiny_round(personas, codes)
    for code, _area, _stage in codes:
        answer(round_, personas.department_a, code, level=2, target_level=4)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    client.force_login(personas.respondent_a)

    with django_assert_num_queries(DEPARTMENT_QUERIES):
        response = client.get(department_url(round_, personas.department_a))

    assert response.context["results"].total == indicators
