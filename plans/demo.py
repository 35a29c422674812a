"""A few action items for the demo rounds (portal.demo, development only)."""

import datetime

from assessments.models import Assignment, Round
from dxportal.japanese_calendar import fiscal_year_of
from frameworks.models import AnswerType
from plans.models import ActionItem, ActionStatus
from plans.services import action_item_create

DEMO_STATUSES = [ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED]


def demo_action_items_seed(*, round: Round, user) -> list[ActionItem]:
    """The first maturity indicators of the round, each with its level-1 step (once per round)."""
    if round.action_items.exists():
        return []
    owners = (
        Assignment.objects.filter(
            round=round, is_owner=True, indicator__answer_type=AnswerType.MATURITY
        )
        .select_related("indicator", "department")
        .prefetch_related("indicator__levels")
        .order_by("indicator__area__order", "indicator__order")[: len(DEMO_STATUSES)]
    )
    due_on = datetime.date(fiscal_year_of(round.opens_on) + 1, 3, 31)
    items = []
    for assignment, status in zip(owners, DEMO_STATUSES, strict=False):
        first = next(level for level in assignment.indicator.levels.all() if level.level == 1)
        items.append(
            action_item_create(
                round=round,
                indicator=assignment.indicator,
                title=first.description,
                department=assignment.department,
                target_level=1,
                due_on=due_on,
                status=status,
                user=user,
            )
        )
    return items
