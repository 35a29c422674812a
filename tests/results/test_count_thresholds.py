"""A count scored against the body's own full score (full_score_by_band, FORMAT.md "Count
thresholds by size"): the same answer scores differently for a small town and a big city."""

from decimal import Decimal

import pytest

from frameworks.models import AnswerType
from municipalities.models import Municipality, MunicipalityKind
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.frameworks.factories import IndicatorFactory
from tests.results.test_snapshots import (
    answer,
    contributions,
    make_tiny_edition,
    snapshot_of,
)

pytestmark = pytest.mark.django_db

BY_BAND = {"town_village_1": 2.0, "designated_city": 20.0}


def _scaled_round(personas, *, kind: str, population: int | None):
    Municipality.objects.filter(pk=personas.municipality_a.pk).update(
        kind=kind, population=population
    )
    personas.municipality_a.refresh_from_db()
    edition = make_tiny_edition([("M-1", "std", 0)])
    IndicatorFactory(
        area=edition.areas.get(code="std"),
        stage=edition.stages.get(order=1),
        code="C-1",
        order=2,
        answer_type=AnswerType.COUNT,
        unit="件",
        full_score_at=Decimal("10"),
        full_score_by_band=BY_BAND,
    )
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    answer(round_, personas.department_a, "C-1", number=4)
    return round_


@pytest.mark.parametrize(
    ("kind", "population", "score"),
    [
        (MunicipalityKind.VILLAGE, 3_000, 100.0),  # 町村 I: 2 scores full, 4 is capped
        (MunicipalityKind.DESIGNATED_CITY, 3_700_000, 20.0),  # 4 of 20
        (MunicipalityKind.CITY, 80_000, 40.0),  # その他の市 II, not listed: 4 of 10
        (MunicipalityKind.TOWN, None, 40.0),  # no population, no band: 4 of 10
    ],
)
def test_the_same_count_scores_by_the_bodys_size_band(personas, kind, population, score):
    round_ = _scaled_round(personas, kind=kind, population=population)

    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)

    for department in (None, personas.department_a):  # the body's card and the department's
        assert contributions(snapshot_of(round_, department))["C-1"][0] == pytest.approx(score)
