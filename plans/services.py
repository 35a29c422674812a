"""Writes of action items: create, edit, change status. Never a delete: 中止 keeps the record.

Each service checks the whole row (`full_clean`, plans.models.ActionItem.clean)
before saving, inside a transaction, so bad input changes nothing. The
municipality, the round, the indicator and who did what are set here, never
taken from a form.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models import Round
from frameworks.models import Indicator
from municipalities.models import Department
from plans.models import OPEN_STATUSES, ActionItem, ActionStatus


def _set_status(item: ActionItem, status: str) -> None:
    """The status, and when the item was closed (kept while it stays closed)."""
    if status in OPEN_STATUSES:
        item.closed_at = None
    elif item.closed_at is None or item.status in OPEN_STATUSES:
        item.closed_at = timezone.now()
    item.status = status


def _save(item: ActionItem) -> ActionItem:
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_create(
    *,
    round: Round,
    indicator: Indicator,
    title: str,
    department: Department,
    target_level: int | None = None,
    due_on: datetime.date,
    note: str = "",
    status: str = ActionStatus.NOT_STARTED,
    user,
) -> ActionItem:
    item = ActionItem(
        municipality_id=round.municipality_id,
        round=round,
        indicator=indicator,
        indicator_code=indicator.code,
        title=title,
        department=department,
        target_level=target_level,
        due_on=due_on,
        note=note,
        created_by=user,
        updated_by=user,
    )
    _set_status(item, status)
    return _save(item)


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    title: str,
    department: Department,
    target_level: int | None = None,
    due_on: datetime.date,
    note: str,
    status: str,
    user,
) -> ActionItem:
    item.title = title
    item.department = department
    item.target_level = target_level
    item.due_on = due_on
    item.note = note
    item.updated_by = user
    _set_status(item, status)
    return _save(item)


@transaction.atomic
def action_item_status_set(*, item: ActionItem, status: str, user) -> ActionItem:
    item.updated_by = user
    _set_status(item, status)
    return _save(item)
