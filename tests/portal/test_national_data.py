"""generate_national_data: the seeded national data set, on one prefecture (鳥取県, 20 bodies).

The data set is generated once for the module; the tests read it.
"""

import io
import random
import statistics

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Answer, Assignment, Questionnaire, Round
from dxportal.japanese_calendar import fiscal_year_of
from frameworks.models import AnswerType
from municipalities.models import Municipality
from portal.synthetic_answers import (
    CALIBRATED_PERCENTAGES,
    CALIBRATED_RATES,
    Body,
    Question,
    body_capability,
    draw_answer,
)
from results.models import ScoreSnapshot
from results.snapshots import snapshots_refresh

PREFECTURE = "31"
CATALOGUE = [
    "frameworks/catalogue/jichitai-dx-2.0.yaml",
    "frameworks/catalogue/jichitai-dx-2.3.yaml",
    "frameworks/catalogue/jichitai-dx-2026.yaml",
]


def _generate(seed: int) -> str:
    out = io.StringIO()
    call_command(
        "generate_national_data", "--seed", str(seed), "--prefecture", PREFECTURE, stdout=out
    )
    return out.getvalue()


def _answers() -> list[tuple]:
    return sorted(
        Answer.objects.values_list(
            "questionnaire__round__municipality__code",
            "questionnaire__round__fiscal_year",
            "questionnaire__department__name",
            "indicator__code",
            "level",
            "target_level",
            "yes",
            "number",
            "choice__code",
            "text",
        )
    )


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "import_municipalities", "fixtures/municipalities/municipalities.csv", verbosity=0
        )
        call_command("import_population", "fixtures/municipalities/population.csv", verbosity=0)
        call_command("import_framework", *CATALOGUE, verbosity=0)
        out = _generate(seed=7)
        first = _answers()
        _generate(seed=7)  # a second run adds nothing
        again = _answers()
        yield {"out": out, "first": first, "again": again}
        call_command("flush", "--noinput", verbosity=0)


def _bodies():
    return list(Municipality.objects.current().filter(code__startswith=PREFECTURE))


def test_every_body_has_departments_three_rounds_on_two_editions_and_answers(national, db):
    bodies = _bodies()
    assert len(bodies) == 20
    year = fiscal_year_of(timezone.localdate())
    for body in bodies:
        assert body.departments.count() >= 8
        rounds = list(body.rounds.select_related("edition").order_by("fiscal_year"))
        assert [(r.fiscal_year, r.status) for r in rounds] == [
            (year - 2, "closed"),
            (year - 1, "closed"),
            (year, "open"),
        ]
        assert len({r.edition.version for r in rounds}) == 2
        for round_ in rounds[:2]:
            questionnaires = list(round_.questionnaires.all())
            assert len(questionnaires) >= 8
            assert {q.status for q in questionnaires} == {"approved"}
            # Every assignment answered, except optional free text.
            required = Assignment.objects.filter(round=round_).exclude(
                indicator__answer_type=AnswerType.TEXT
            )
            assert (
                Answer.objects.filter(
                    questionnaire__round=round_,
                    indicator__answer_type__in=[
                        t for t in AnswerType.values if t != AnswerType.TEXT
                    ],
                ).count()
                == required.count()
            )
        assert ScoreSnapshot.objects.filter(round__in=rounds, department=None).count() == 3
    states = set(
        Questionnaire.objects.filter(round__fiscal_year=year).values_list("status", flat=True)
    )
    assert states == {"approved", "submitted", "returned", "in_progress"}
    assert "answers:" in national["out"] and " s" in national["out"]


def test_the_same_seed_gives_the_same_data_and_a_second_run_adds_nothing(national, db):
    assert len(national["first"]) > 10000
    assert national["again"] == national["first"]
    Round.objects.all().delete()  # rolled back after the test
    _generate(seed=7)
    assert _answers() == national["first"]
    Round.objects.all().delete()
    _generate(seed=8)
    assert _answers() != national["first"]


def test_stored_scores_are_what_snapshots_refresh_computes(national, db):
    sample = list(Round.objects.select_related("municipality").order_by("pk")[::9])
    assert len(sample) >= 6
    for round_ in sample:
        stored = {
            s.department_id: (s.overall_score, s.card)
            for s in ScoreSnapshot.objects.filter(round=round_)
        }
        fresh = {
            s.department_id: (s.overall_score, s.card)
            for s in snapshots_refresh(round=round_, trigger="recomputed")
        }
        assert len(stored) > 1
        assert fresh == stored


def _municipality_value(code: str, year: int):
    owner = Assignment.objects.filter(
        round__fiscal_year=year,
        round__municipality__code__startswith=PREFECTURE,
        indicator__code=code,
        is_owner=True,
    ).values_list("round_id", "department_id")
    owners = set(owner)
    return [
        a
        for a in Answer.objects.filter(
            indicator__code=code, questionnaire__round__fiscal_year=year
        ).values_list("questionnaire__round_id", "questionnaire__department_id", "yes", "number")
        if (a[0], a[1]) in owners
    ]


def test_the_prefectures_aggregates_are_near_the_published_figures(national, db):
    """A small prefecture: within a loose tolerance of DOMAIN.md (the national run is in the
    README; test_draws_echo_the_published_rates checks the draws tightly)."""
    year = fiscal_year_of(timezone.localdate()) - 1  # a closed round: everything answered
    cards = [float(a[3]) for a in _municipality_value("MNC-01", year)]
    assert len(cards) == 19
    mean, gain = CALIBRATED_PERCENTAGES["MNC-01"]
    assert abs(statistics.mean(cards) - (mean - gain)) < 3
    cio = [a[2] for a in _municipality_value("GOV-01", year)]
    assert len(cio) == 20
    assert 0.45 <= sum(cio) / len(cio) <= 0.95  # published 1,270 / 1,741 = 73%


KINDS = ["town"] * 743 + ["village"] * 183 + ["city"] * 687 + ["core_city"] * 85


def test_draws_echo_the_published_rates():
    """On 1,698 made-up municipalities (the master's mix of kinds, without prefectures and
    designated cities): the shares and means DOMAIN.md publishes, within 3 points."""
    rng = random.Random(1)
    draws = {"GOV-01": [], "SEC-04": [], "AIR-11": [], "MNC-01": []}
    questions = {
        "GOV-01": Question("GOV-01", "yes_no"),
        "SEC-04": Question("SEC-04", "yes_no"),
        "AIR-11": Question(
            "AIR-11", "choice", choice_codes=("none", "considering", "trial", "introduced")
        ),
        "MNC-01": Question("MNC-01", "percentage"),
    }
    for kind in KINDS:
        body = Body(kind=kind, capability=body_capability(kind, rng))
        for code, question in questions.items():
            draws[code].append(draw_answer(question, body, 2026, rng.random(), rng))
    assert len(draws["GOV-01"]) == 1698
    share = {code: sum(bool(v.yes) for v in draws[code]) / 1698 for code in ("GOV-01", "SEC-04")}
    assert abs(share["GOV-01"] - CALIBRATED_RATES["GOV-01"].others) < 0.03
    assert abs(share["SEC-04"] - 1733 / 1741) < 0.03
    ai = sum(v.choice_code != "none" for v in draws["AIR-11"]) / 1698
    assert abs(ai - CALIBRATED_RATES["AIR-11"].others) < 0.03
    card = statistics.mean(float(v.number) for v in draws["MNC-01"])
    assert abs(card - 81.2) < 1


def test_refuses_outside_development(db, settings):
    settings.DEVELOPMENT = False
    Round.objects.all().delete()  # rolled back after the test
    with pytest.raises(CommandError, match="開発環境専用"):
        call_command("generate_national_data", "--limit", "1")
    assert not Round.objects.exists()


def test_the_planner_has_statistics_of_the_answers_after_the_load(national, db):
    """portal.national_data.planner_statistics_refresh: without it PostgreSQL planned the
    progress after each autosave with an empty table's statistics (35 ms on the nation)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'assessments_answer'"
                " AND attname = 'carried_from_id'"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'assessments_answer'")
        (rows,) = cursor.fetchone()
    assert rows >= 1
