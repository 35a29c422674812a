"""Writes to a municipality's organisation. Views and commands call these, never .save().

Each change is audited in its transaction (the acting person comes from the
request being served, audit.context).
"""

from django.db import transaction
from django.db.models import Max

from audit import detail
from audit.models import AuditAction
from audit.recording import record
from municipalities.default_departments import DEFAULT_DEPARTMENTS
from municipalities.models import SORT_ORDER_MAX, Department, Municipality

# What the coordinator edits on a department, in the order of the form.
EDITED_FIELDS = ("name", "kind", "sort_order", "is_active")


def _record_created(municipality: Municipality, departments: list[Department], **extra) -> None:
    record(
        AuditAction.DEPARTMENT_CREATED,
        municipality=municipality,
        target=", ".join(department.name for department in departments),
        detail={
            "departments": [
                {"name": department.name, "kind": detail.field_value(department, "kind")}
                for department in departments
            ],
            **extra,
        },
    )


@transaction.atomic
def departments_create_defaults(*, municipality: Municipality) -> list[Department]:
    """Add the standard departments for the municipality's kind; existing names are kept."""
    existing = set(municipality.departments.values_list("name", flat=True))
    start = len(existing)
    created = [
        Department(municipality=municipality, name=name, kind=kind, sort_order=(start + i + 1) * 10)
        for i, (name, kind) in enumerate(DEFAULT_DEPARTMENTS[municipality.kind])
        if name not in existing
    ]
    created = Department.objects.bulk_create(created)
    if created:
        _record_created(municipality, created, defaults=True)
    return created


@transaction.atomic
def department_create(*, municipality: Municipality, name: str, kind: str) -> Department:
    last = municipality.departments.aggregate(last=Max("sort_order"))["last"] or 0
    # Last in the list, within the field's range (PositiveSmallIntegerField).
    sort_order = min(last + 10, SORT_ORDER_MAX)
    department = Department(municipality=municipality, name=name, kind=kind, sort_order=sort_order)
    department.full_clean()
    department.save()
    _record_created(municipality, [department])
    return department


@transaction.atomic
def department_update(
    *, department: Department, name: str, kind: str, sort_order: int, is_active: bool
) -> Department:
    before = detail.field_values(department, EDITED_FIELDS)
    old_name = department.name
    department.name = name
    department.kind = kind
    department.sort_order = sort_order
    department.is_active = is_active
    department.full_clean()
    department.save()
    changes = detail.changes(Department, before, detail.field_values(department, EDITED_FIELDS))
    if changes:
        record(
            AuditAction.DEPARTMENT_CHANGED,
            municipality=department.municipality_id,
            target=old_name,
            detail={"department": old_name, "changes": changes},
        )
    return department
