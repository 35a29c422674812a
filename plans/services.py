"""Writes of action items: create, edit, change status. Never a delete: 中止 keeps the record.

Each service checks the whole row (`full_clean`, plans.models.ActionItem.clean)
before saving, inside a transaction, so bad input changes nothing, and audits
what changed in the same transaction. The municipality, the round, the
indicator and who did what are set here, never taken from a form.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models import Round
from audit import detail
from audit.models import AuditAction
from audit.recording import record
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


# What a coordinator sets on an item, in the order of its form.
EDITED_FIELDS = ("title", "department", "target_level", "due_on", "status", "note")


def _save(item: ActionItem, action: AuditAction, before: dict | None, user) -> ActionItem:
    """Check and save the item; audit it, unless an edit changed nothing."""
    item.full_clean()
    item.save()
    after = detail.field_values(item, EDITED_FIELDS if before is None else list(before))
    if before is None:
        # The title names the item in the event's sentence: the fields say the rest.
        recorded = {"fields": detail.fields(ActionItem, {**after, "title": None})}
    else:
        recorded = {"changes": detail.changes(ActionItem, before, after)}
        if not recorded["changes"]:
            return item
    record(
        action,
        user=user,
        municipality=item.municipality_id,
        target=f"action item {item.pk}",
        detail={
            "round": detail.fiscal_year(item.round),
            "indicator": detail.indicator(item.indicator),
            "title": detail.quoted(item.title),
            **recorded,
        },
    )
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
    return _save(item, AuditAction.ACTION_ITEM_CREATED, None, user)


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
    before = detail.field_values(item, EDITED_FIELDS)
    item.title = title
    item.department = department
    item.target_level = target_level
    item.due_on = due_on
    item.note = note
    item.updated_by = user
    _set_status(item, status)
    return _save(item, AuditAction.ACTION_ITEM_CHANGED, before, user)


@transaction.atomic
def action_item_status_set(*, item: ActionItem, status: str, user) -> ActionItem:
    before = detail.field_values(item, ["status"])
    item.updated_by = user
    _set_status(item, status)
    return _save(item, AuditAction.ACTION_ITEM_STATUS_CHANGED, before, user)
