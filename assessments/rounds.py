"""Opening an assessment round: which department answers which indicator.

Defaults come from the catalogue: an indicator names the department kinds
that answer it (none named: the DX office). Every active department of a
named kind gets it; the department of the first kind named is the owner
whose answer stands for the municipality unless the coordinator decides
otherwise. Indicators restricted to other kinds of government are left out.

With carry_over, each department starts from its answers of the earlier round
(assessments.carry_over), to confirm or change.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.carry_over import answers_carry_over
from assessments.models import Assignment, Questionnaire, Round, Survey
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.models import Edition, EditionStatus, Indicator
from municipalities.models import Department, DepartmentKind, Municipality


class RoundError(Exception):
    pass


def default_reference_date(fiscal_year: int) -> datetime.date:
    """A round's 基準日 unless the coordinator chose another: 4月1日, the fiscal year's first day
    (the day national surveys such as 自治体DX推進状況調査 ask about)."""
    return datetime.date(fiscal_year, 4, 1)


def applicable_indicators(edition: Edition, municipality: Municipality) -> list[Indicator]:
    return [
        indicator
        for indicator in edition.indicators.select_related("area").order_by("area__order", "order")
        if not indicator.municipality_kinds or municipality.kind in indicator.municipality_kinds
    ]


def default_assignments(
    indicators: list[Indicator], departments: list[Department]
) -> dict[int, list[tuple[Department, bool]]]:
    """indicator id → [(department, is_owner)], the owner first."""
    by_kind: dict[str, list[Department]] = defaultdict(list)
    for department in departments:
        by_kind[department.kind].append(department)
    fallback = by_kind.get(DepartmentKind.DX_PROMOTION) or departments[:1]
    result = {}
    for indicator in indicators:
        chosen: list[Department] = []
        for kind in indicator.department_kinds or [DepartmentKind.DX_PROMOTION]:
            chosen += [d for d in by_kind.get(kind, []) if d not in chosen]
        chosen = chosen or list(fallback)
        result[indicator.pk] = [(d, i == 0) for i, d in enumerate(chosen)]
    return result


@transaction.atomic
def round_open(
    *,
    municipality: Municipality,
    edition: Edition,
    fiscal_year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    user,
    survey: Survey | None = None,
    carry_over: bool = False,
    reference_date: datetime.date | None = None,
) -> Round:
    if edition.status != EditionStatus.PUBLISHED:
        raise RoundError(_("公開中の版を選んでください。"))
    if closes_on < opens_on:
        raise RoundError(_("締切日は開始日以降にしてください。"))
    if Round.objects.filter(municipality=municipality, fiscal_year=fiscal_year).exists():
        raise RoundError(
            _("%(municipality)sの%(year)d年度の評価はすでにあります。")
            % {"municipality": municipality, "year": fiscal_year}
        )
    departments = list(municipality.departments.filter(is_active=True))
    if not departments:
        raise RoundError(_("部署が登録されていません。先に部署を登録してください。"))
    round_ = Round.objects.create(
        municipality=municipality,
        edition=edition,
        fiscal_year=fiscal_year,
        opens_on=opens_on,
        closes_on=closes_on,
        reference_date=reference_date or default_reference_date(fiscal_year),
        created_by=user,
        survey=survey,
    )
    plan = default_assignments(applicable_indicators(edition, municipality), departments)
    Assignment.objects.bulk_create(
        Assignment(round=round_, indicator_id=indicator_id, department=department, is_owner=owner)
        for indicator_id, pairs in plan.items()
        for department, owner in pairs
    )
    assigned = {department.pk for pairs in plan.values() for department, _owner in pairs}
    Questionnaire.objects.bulk_create(
        Questionnaire(round=round_, department=department)
        for department in departments
        if department.pk in assigned
    )
    record(
        AuditAction.ROUND_OPENED,
        user=user,
        municipality=municipality,
        target=str(round_),
        detail={
            "round": detail.fiscal_year(round_),
            "edition": detail.edition(edition),
            "opens_on": detail.day(opens_on),
            "closes_on": detail.day(closes_on),
            "reference_date": detail.day(round_.reference_date),
            "departments": len(assigned),
            "indicators": len(plan),
            "survey": survey.name if survey is not None else "",
        },
    )
    if carry_over:
        answers_carry_over(round_=round_, user=user)
    return round_
