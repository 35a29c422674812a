import pytest

from assessments.models import Assignment
from assessments.rounds import RoundError
from tests import assessment_factories
from tests.frameworks.factories import make_edition


def test_round_assigns_every_applicable_indicator_with_one_owner(open_round, personas):
    assignments = Assignment.objects.filter(round=open_round)
    indicator_ids = set(assignments.values_list("indicator_id", flat=True))
    # CNT-01 applies to towns and villages only; municipality A is a city.
    assert "CNT-01" not in set(
        open_round.edition.indicators.filter(pk__in=indicator_ids).values_list("code", flat=True)
    )
    assert assignments.filter(is_owner=True).count() == len(indicator_ids)
    assert set(open_round.questionnaires.values_list("department", flat=True)) == {
        personas.department_a.pk
    }


def test_departments_of_every_named_kind_answer_and_the_first_kind_owns(personas):
    tax = personas.other_department_a  # 税務課
    edition = make_edition(indicators=1, areas=1, with_choice_and_count=False)
    edition.indicators.update(department_kinds=["taxation", "dx_promotion"])
    round_ = assessment_factories.open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2027
    )
    pairs = set(round_.assignments.values_list("department", "is_owner"))
    assert (tax.pk, True) in pairs and (personas.department_a.pk, False) in pairs


def test_one_round_per_fiscal_year(open_round, personas):
    with pytest.raises(RoundError, match="すでにあります"):
        assessment_factories.open_round(
            personas.municipality_a,
            personas.coordinator_a,
            edition=open_round.edition,
            fiscal_year=open_round.fiscal_year,
        )


def test_only_published_editions_open_rounds(personas):
    draft = make_edition(status="draft")
    with pytest.raises(RoundError, match="公開中"):
        assessment_factories.open_round(
            personas.municipality_a, personas.coordinator_a, edition=draft
        )
