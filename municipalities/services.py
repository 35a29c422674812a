"""Writes to a municipality's organisation. Views and commands call these, never .save()."""

from django.db import transaction
from django.db.models import Max

from municipalities.default_departments import DEFAULT_DEPARTMENTS
from municipalities.models import SORT_ORDER_MAX, Department, Municipality


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
    return Department.objects.bulk_create(created)


@transaction.atomic
def department_create(*, municipality: Municipality, name: str, kind: str) -> Department:
    last = municipality.departments.aggregate(last=Max("sort_order"))["last"] or 0
    # Last in the list, within the field's range (PositiveSmallIntegerField).
    sort_order = min(last + 10, SORT_ORDER_MAX)
    department = Department(municipality=municipality, name=name, kind=kind, sort_order=sort_order)
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def department_update(
    *, department: Department, name: str, kind: str, sort_order: int, is_active: bool
) -> Department:
    department.name = name
    department.kind = kind
    department.sort_order = sort_order
    department.is_active = is_active
    department.full_clean()
    department.save()
    return department
