"""seed_demo with a catalogue: a demo that looks lived in (issue 13).

The demo is seeded once for the module (twice, to show the second run changes nothing).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from assessments.models import Answer, Consolidation, Questionnaire, QuestionnaireEvent, Round
from audit.models import AuditEvent
from dxportal.japanese_calendar import fiscal_year_of
from municipalities.models import Municipality
from opendata.models import OpenDataImport, OpenDataValue
from plans.models import ActionItem
from plans.selectors import action_plan_for
from portal.demo import DEMO_MUNICIPALITY_CODES, DEMO_USERS
from results.benchmarks import peer_benchmark
from results.models import ScoreSnapshot


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The master, population, two editions and the demo, seeded twice (once per module)."""
    with django_db_blocker.unblock():
        call_command(
            "import_municipalities", "fixtures/municipalities/municipalities.csv", verbosity=0
        )
        call_command("import_population", "fixtures/municipalities/population.csv", verbosity=0)
        call_command(
            "import_framework",
            "frameworks/catalogue/jichitai-dx-2.0.yaml",
            "frameworks/catalogue/jichitai-dx-2.3.yaml",
            verbosity=0,
        )
        call_command("seed_demo", stdout=io.StringIO())
        counts = _counts()
        call_command("seed_demo", stdout=io.StringIO())
        yield counts
        # The module's data is not rolled back by a test transaction: remove it.
        call_command("flush", "--noinput", verbosity=0)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Round,
            Questionnaire,
            Answer,
            ScoreSnapshot,
            ActionItem,
            Consolidation,
            AuditEvent,
        )
    }


def test_seed_demo_gives_each_demo_body_two_closed_rounds_and_this_years_open_one(demo_db, db):
    year = fiscal_year_of(timezone.localdate())
    for code in DEMO_MUNICIPALITY_CODES:
        rounds = list(Round.objects.filter(municipality__code=code).order_by("fiscal_year"))
        assert [(r.fiscal_year, r.status) for r in rounds] == [
            (year - 2, "closed"),
            (year - 1, "closed"),
            (year, "open"),
        ]
        earlier, current = rounds[:2], rounds[2]
        for round_ in earlier:
            assert set(round_.questionnaires.values_list("status", flat=True)) == {"approved"}
            assert round_.consolidations.count() == 2
        states = set(current.questionnaires.values_list("status", flat=True))
        assert {"approved", "returned"} <= states and len(states) >= 3
        assert QuestionnaireEvent.objects.filter(
            questionnaire__round=current, kind="returned"
        ).exists()
        assert ScoreSnapshot.objects.filter(round=current, department=None).exists()


def test_seed_demo_carries_an_open_action_item_into_this_year(demo_db, db):
    municipality = Municipality.objects.get(code="141003")
    current = municipality.rounds.order_by("-fiscal_year").first()
    items = ActionItem.objects.filter(municipality=municipality)
    assert sorted(items.values_list("status", flat=True)) == ["done", "not_started"]
    plan = action_plan_for(current)
    open_rows = [row for row in plan if row.item.is_open]
    assert len(open_rows) == 1 and open_rows[0].carried


def test_seed_demo_gives_every_benchmark_group_of_every_demo_body_figures(demo_db, db):
    for code in DEMO_MUNICIPALITY_CODES:
        for round_ in Round.objects.filter(municipality__code=code).select_related("municipality"):
            benchmark = peer_benchmark(round_)
            assert [g.code for g in benchmark.groups] == ["kind", "size", "prefecture", "all"]
            overall = benchmark.rows[0]
            assert len(overall.groups) == 4
            assert all(stat.median is not None for stat in overall.groups), (code, round_)


def test_seed_demo_imports_demo_open_data_labelled_as_such(demo_db, db):
    imported = OpenDataImport.objects.get()
    assert imported.source == "デモ用データ（実際の統計ではありません）"
    assert OpenDataValue.objects.filter(
        source_import=imported, municipality__code="141003"
    ).exists()


def test_seed_demo_a_second_run_changes_nothing(demo_db, db):
    assert _counts() == demo_db
    assert User.objects.count() == len(DEMO_USERS)
    respondent = User.objects.get(email="respondent@example.jp")
    department = respondent.memberships.get().department
    assert Questionnaire.objects.filter(department=department).count() == 3


HOME_LEADS = {
    "admin@example.jp": "/admin/",
    "editor@example.jp": "/catalogue/editor/",
    "coordinator@example.jp": "/results/141003/",
    "respondent@example.jp": "/questionnaires/",
    "consultant@example.jp": "/results/144029/",
    "hayama@example.jp": "/results/143014/",
    "kanagawa@example.jp": "/results/140007/",
    "funabashi@example.jp": "/results/122041/",
    "kiyokawa@example.jp": "/results/144029/",
}


def test_every_demo_roles_home_page_leads_to_a_page_with_content(demo_db, db, client):
    assert len(HOME_LEADS) == len(DEMO_USERS)
    for email, lead in HOME_LEADS.items():
        client.force_login(User.objects.get(email=email))
        home = client.get("/").content.decode()
        links = [href for href in re.findall(r'href="([^"]+)"', home) if href.startswith(lead)]
        assert links, (email, lead)
        assert client.get(links[0]).status_code == 200, (email, links[0])
