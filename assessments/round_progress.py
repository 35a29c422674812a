"""How far each department is in a round, counted by the database.

One query for a round's departments, one for a municipality's rounds: the
counts are subqueries and conditional aggregates, never a loop per department.
A questionnaire is overdue when today in Japan is after the close date and
it is neither submitted nor approved.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.models import (
    DONE_STATUSES,
    Answer,
    Assignment,
    Questionnaire,
    QuestionnaireStatus,
    Round,
    is_overdue,
)
from dxportal.japanese_calendar import today_in_japan
from municipalities.models import Department, Municipality


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset as a scalar subquery (no GROUP BY, no join fan-out)."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


@dataclass(frozen=True)
class DepartmentProgress:
    questionnaire: Questionnaire
    department: Department
    assigned: int
    answered: int
    overdue: bool

    @property
    def status(self) -> str:
        return self.questionnaire.status

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    departments: list[DepartmentProgress]
    today: datetime.date

    def _with(self, *statuses: str) -> int:
        return sum(1 for d in self.departments if d.status in statuses)

    @property
    def total(self) -> int:
        return len(self.departments)

    @property
    def in_progress(self) -> int:
        return self._with(QuestionnaireStatus.IN_PROGRESS)

    @property
    def submitted(self) -> int:
        return self._with(QuestionnaireStatus.SUBMITTED)

    @property
    def approved(self) -> int:
        return self._with(QuestionnaireStatus.APPROVED)

    @property
    def returned(self) -> int:
        return self._with(QuestionnaireStatus.RETURNED)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.departments if d.overdue)

    @property
    def assigned(self) -> int:
        return sum(d.assigned for d in self.departments)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.departments)


def questionnaires_with_counts(round_: Round) -> QuerySet[Questionnaire]:
    """The round's questionnaires with `assigned_count` and `answered_count`, departments loaded."""
    assigned = Assignment.objects.filter(
        round_id=OuterRef("round_id"), department_id=OuterRef("department_id")
    )
    answered = (
        Answer.objects.answered()
        .filter(questionnaire_id=OuterRef("pk"))
        .filter(
            # Only answers to indicators the department (still) has to answer.
            indicator_id__in=Assignment.objects.filter(
                round_id=OuterRef(OuterRef("round_id")),
                department_id=OuterRef(OuterRef("department_id")),
            ).values("indicator_id")
        )
    )
    return (
        Questionnaire.objects.filter(round=round_)
        .select_related("department")
        .annotate(assigned_count=_count(assigned), answered_count=_count(answered))
        .order_by("department__sort_order", "department__pk")
    )


def round_progress(round_: Round, *, today: datetime.date | None = None) -> RoundProgress:
    today = today or today_in_japan()
    return RoundProgress(
        round=round_,
        today=today,
        departments=[
            DepartmentProgress(
                questionnaire=q,
                department=q.department,
                assigned=q.assigned_count,
                answered=q.answered_count,
                overdue=is_overdue(closes_on=round_.closes_on, status=q.status, today=today),
            )
            for q in questionnaires_with_counts(round_)
        ],
    )


@dataclass(frozen=True)
class RoundSummary:
    round: Round
    total: int
    done: int  # submitted or approved
    approved: int
    returned: int
    overdue: int


def rounds_with_progress(
    municipality: Municipality, *, today: datetime.date | None = None
) -> list[RoundSummary]:
    """The municipality's rounds, newest first, each with its questionnaire counts (one query)."""
    today = today or today_in_japan()
    rounds = (
        Round.objects.filter(municipality=municipality)
        .select_related("edition__framework")
        .annotate(
            q_total=Count("questionnaires"),
            q_done=Count("questionnaires", filter=Q(questionnaires__status__in=DONE_STATUSES)),
            q_approved=Count(
                "questionnaires", filter=Q(questionnaires__status=QuestionnaireStatus.APPROVED)
            ),
            q_returned=Count(
                "questionnaires", filter=Q(questionnaires__status=QuestionnaireStatus.RETURNED)
            ),
        )
        .order_by("-fiscal_year")
    )
    return [
        RoundSummary(
            round=r,
            total=r.q_total,
            done=r.q_done,
            approved=r.q_approved,
            returned=r.q_returned,
            overdue=(r.q_total - r.q_done) if today > r.closes_on else 0,
        )
        for r in rounds
    ]
