import datetime

import pytest

from assessments.models import Assignment
from assessments.rounds import RoundError, round_open
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
    round_ = round_open(
        municipality=personas.municipality_a,
        edition=edition,
        fiscal_year=2027,
        opens_on=datetime.date(2027, 6, 1),
        closes_on=datetime.date(2027, 9, 30),
        user=personas.coordinator_a,
    )
    pairs = set(round_.assignments.values_list("department", "is_owner"))
    assert (tax.pk, True) in pairs and (personas.department_a.pk, False) in pairs


def test_one_round_per_fiscal_year(open_round, personas):
    with pytest.raises(RoundError, match="すでにあります"):
        round_open(
            municipality=personas.municipality_a,
            edition=open_round.edition,
            fiscal_year=2026,
            opens_on=datetime.date(2026, 6, 1),
            closes_on=datetime.date(2026, 9, 30),
            user=personas.coordinator_a,
        )


def test_only_published_editions_open_rounds(personas):
    draft = make_edition(status="draft")
    with pytest.raises(RoundError, match="公開中"):
        round_open(
            municipality=personas.municipality_a,
            edition=draft,
            fiscal_year=2026,
            opens_on=datetime.date(2026, 6, 1),
            closes_on=datetime.date(2026, 9, 30),
            user=personas.coordinator_a,
        )
