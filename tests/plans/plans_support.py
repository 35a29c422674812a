"""Scored rounds and action items for the plan tests (shared with the browser test)."""

import datetime

from assessments.models import Round
from dxportal.japanese_calendar import today_in_japan
from plans.models import ActionItem, ActionStatus
from plans.services import action_item_create
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.results.test_snapshots import answer, make_tiny_round

# std: M-1 at level 1, M-2 at level 4 (the top) → 62.5; sec: S-1 at level 0 → 0.
INDICATORS = [("M-1", "std", 0), ("M-2", "std", 0), ("S-1", "sec", 0)]
LEVELS = {"M-1": 1, "M-2": 4, "S-1": 0}


def scored_round(personas, fiscal_year=2026, indicators=INDICATORS, levels=None) -> Round:
    """Municipality A's round on a 0..4 maturity edition, answered by DX推進課 and scored."""
    round_ = make_tiny_round(personas, indicators, fiscal_year=fiscal_year)
    for code, level in (LEVELS if levels is None else levels).items():
        answer(round_, personas.department_a, code, level=level)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    return round_


def in_days(days: int) -> datetime.date:
    return today_in_japan() + datetime.timedelta(days=days)


def make_item(round_, personas, code="M-1", **fields) -> ActionItem:
    values = {
        "title": f"{code}を進める",
        "department": personas.department_a,
        "target_level": 2,
        "due_on": in_days(30),
        "status": ActionStatus.NOT_STARTED,
        "user": personas.coordinator_a,
    }
    values.update(fields)
    return action_item_create(
        round=round_, indicator=round_.edition.indicators.get(code=code), **values
    )
