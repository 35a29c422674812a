import pytest

from assessments.coordination import assignment_set
from assessments.models import Questionnaire
from tests import assessment_factories
from tests.frameworks.factories import make_edition


def make_open_round(personas):
    """Municipality A's open round on a small published edition.

    Every indicator goes to department_a (DX推進課, kind dx_promotion);
    CNT-01 applies to towns and villages only and A is a city, so it is left out.
    """
    return assessment_factories.open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=make_edition(indicators=6, areas=2),
    )


@pytest.fixture
def open_round(personas):
    return make_open_round(personas)


@pytest.fixture
def questionnaire(open_round, personas) -> Questionnaire:
    """Department A's questionnaire, answered by personas.respondent_a."""
    return open_round.questionnaires.get(department=personas.department_a)


def share_with_tax_office(round_, personas, codes):
    """Let 税務課 answer these indicators too; DX推進課 stays the owner."""
    for code in codes:
        assignment_set(
            round=round_,
            indicator=round_.edition.indicators.get(code=code),
            departments=[personas.department_a, personas.other_department_a],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )
    return round_
