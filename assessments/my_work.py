"""Reads for the answering pages: a user's questionnaires, and one questionnaire's sheet.

Every function here runs a fixed number of queries, whatever the number of
questionnaires or indicators; the counting itself is `assessments.progress`.
Scoping is not done here: callers pass a questionnaire that
`assessments.selectors.questionnaire_for` returned, or a user whose
memberships decide what `my_questionnaires` lists.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, prefetch_related_objects

from accounts.access import ROLE_CAPABILITIES, Capability, access_for
from accounts.models import Role
from assessments.locking import before_opening
from assessments.models import (
    Answer,
    Assignment,
    Questionnaire,
    RoundStatus,
    is_overdue,
)
from assessments.progress import (
    Progress,
    progress_of,
    questionnaire_progress,
    unanswered_optional,
    unanswered_required,
)
from dxportal.japanese_calendar import today_in_japan
from frameworks.models import Indicator, PolicyArea


def questionnaire_overdue(questionnaire: Questionnaire, today: datetime.date) -> bool:
    return is_overdue(
        closes_on=questionnaire.round.closes_on, status=questionnaire.status, today=today
    )


# --- the list of one's questionnaires ---------------------------------------------------


@dataclass(frozen=True)
class MyQuestionnaire:
    questionnaire: Questionnaire
    answered: int
    total: int
    overdue: bool
    not_started: bool  # before the round's answering period: listed, not yet answerable

    @property
    def percent(self) -> int:
        return self.answered * 100 // self.total if self.total else 0


def my_questionnaires(user, *, today: datetime.date | None = None) -> list[MyQuestionnaire]:
    """The questionnaires `user` answers (their departments') in open rounds, with progress.

    Three queries at most; none for users who answer for no department.
    """
    access = access_for(user)
    scope = Q()
    for membership in access.memberships:
        if (
            membership.department_id
            and Capability.ANSWER_FOR_DEPARTMENT in ROLE_CAPABILITIES[Role(membership.role)]
        ):
            scope |= Q(
                round__municipality_id=membership.municipality_id,
                department_id=membership.department_id,
            )
    if not scope:
        return []
    questionnaires = list(
        Questionnaire.objects.filter(scope, round__status=RoundStatus.OPEN)
        .select_related("round__municipality__prefecture", "department")
        .order_by("round__closes_on", "round__municipality__code", "department__sort_order")
    )
    if not questionnaires:
        return []
    assigned: dict[tuple[int, int], set[int]] = {}
    for round_id, department_id, indicator_id in Assignment.objects.filter(
        round_id__in={q.round_id for q in questionnaires},
        department_id__in={q.department_id for q in questionnaires},
    ).values_list("round_id", "department_id", "indicator_id"):
        assigned.setdefault((round_id, department_id), set()).add(indicator_id)
    answered: dict[int, set[int]] = {}
    for questionnaire_id, indicator_id in (
        Answer.objects.answered()
        .filter(questionnaire__in=questionnaires)
        .values_list("questionnaire_id", "indicator_id")
        .order_by()
    ):
        answered.setdefault(questionnaire_id, set()).add(indicator_id)
    today = today or today_in_japan()
    result = []
    for q in questionnaires:
        indicators = assigned.get((q.round_id, q.department_id), set())
        result.append(
            MyQuestionnaire(
                questionnaire=q,
                answered=len(indicators & answered.get(q.pk, set())),
                total=len(indicators),
                overdue=questionnaire_overdue(q, today),
                not_started=before_opening(q.round, today),
            )
        )
    return result


# --- one questionnaire --------------------------------------------------------------------


@dataclass
class Sheet:
    """A questionnaire's assigned indicators (catalogue order, areas loaded) and its answers."""

    questionnaire: Questionnaire
    indicators: list[Indicator]
    answers: dict[int, Answer]  # by indicator id

    @cached_property
    def answered_ids(self) -> set[int]:
        return {i for i, answer in self.answers.items() if answer.is_answered}

    @cached_property
    def carried_ids(self) -> set[int]:
        """Indicators whose answer was carried over and awaits confirmation."""
        return {i for i, answer in self.answers.items() if answer.is_carried}

    @cached_property
    def progress(self) -> Progress:
        return questionnaire_progress(self.indicators, self.answered_ids)

    @property
    def areas(self) -> list:
        """The policy areas with at least one assigned indicator, in catalogue order."""
        return [a.area for a in self.progress.areas]

    def indicators_in(self, area) -> list[Indicator]:
        return [i for i in self.indicators if i.area_id == area.pk]

    # A carried answer awaiting confirmation is listed as unconfirmed, not as unanswered:
    # it has a value, which the respondent confirms or changes.

    @property
    def unanswered_required(self) -> list[Indicator]:
        return unanswered_required(self.indicators, self.answered_ids | self.carried_ids)

    @property
    def unanswered_optional(self) -> list[Indicator]:
        return unanswered_optional(self.indicators, self.answered_ids | self.carried_ids)

    @property
    def unconfirmed(self) -> list[Indicator]:
        """Indicators with a carried answer to confirm, in catalogue order (every answer
        type: even an optional one may not be submitted unconfirmed)."""
        return [i for i in self.indicators if i.pk in self.carried_ids]

    @property
    def ready_to_submit(self) -> bool:
        return not self.unanswered_required and not self.unconfirmed


def assigned_indicators(questionnaire: Questionnaire) -> list[Indicator]:
    """One query: the indicators the department answers in this round, with their areas."""
    return list(
        Indicator.objects.filter(
            pk__in=Assignment.objects.filter(
                round_id=questionnaire.round_id, department_id=questionnaire.department_id
            ).values("indicator_id")
        )
        .select_related("area")
        .order_by("area__order", "area_id", "order", "pk")
    )


def load_progress(questionnaire: Questionnaire) -> Progress:
    """One query, counted per area in the database, for a page that shows the progress
    alone (the save response): the counts Sheet.progress makes, without loading the
    answers or the indicators. Its areas carry their pk and order only.
    """
    answered = Answer.objects.answered().filter(
        questionnaire=questionnaire, indicator_id=OuterRef("indicator_id")
    )
    rows = (
        Assignment.objects.filter(
            round_id=questionnaire.round_id, department_id=questionnaire.department_id
        )
        .values_list("indicator__area_id", "indicator__area__order")
        .annotate(answered=Count("pk", filter=Exists(answered)), total=Count("pk"))
        .order_by()
    )
    return progress_of(
        (PolicyArea(pk=area_id, order=order), answered, total)
        for area_id, order, answered, total in rows
    )


def load_sheet(questionnaire: Questionnaire) -> Sheet:
    """Two queries: assigned indicators, and all answers with their choice and last editor."""
    answers = {
        a.indicator_id: a
        for a in Answer.objects.filter(questionnaire=questionnaire).select_related(
            "choice", "updated_by"
        )
    }
    return Sheet(questionnaire, assigned_indicators(questionnaire), answers)


# --- one area of a questionnaire (the area page) ----------------------------------------


class _Assigned(NamedTuple):
    """What questionnaire_progress reads of an indicator, without loading its row."""

    pk: int
    area_id: int
    area: PolicyArea


@dataclass
class AreaSheet:
    """What the area page shows: the area's indicators (levels and choices loaded) with their
    answers (choice, last editor and files loaded), and the whole questionnaire's progress.

    Unlike Sheet, it loads only ids outside the area, so a view costs the same whatever the
    size of the rest of the questionnaire.
    """

    questionnaire: Questionnaire
    area: PolicyArea
    areas: list[PolicyArea]  # with at least one assigned indicator, in catalogue order
    progress: Progress
    indicators: list[Indicator]
    answers: dict[int, Answer]  # by indicator id

    @property
    def previous_area(self) -> PolicyArea | None:
        index = self.areas.index(self.area)
        return self.areas[index - 1] if index > 0 else None

    @property
    def next_area(self) -> PolicyArea | None:
        index = self.areas.index(self.area)
        return self.areas[index + 1] if index + 1 < len(self.areas) else None


def load_area_sheet(questionnaire: Questionnaire, area_code: str) -> AreaSheet | None:
    """The area `area_code` of the questionnaire, None when the department answers nothing in it.

    Five queries at most (the assigned ids, answered or not; their areas; the area's
    indicators, their answers and the answers' files), whatever the number of indicators
    and answers.
    """
    answered = Answer.objects.answered().filter(
        questionnaire=questionnaire, indicator_id=OuterRef("indicator_id")
    )
    assigned = list(
        Assignment.objects.filter(
            round_id=questionnaire.round_id, department_id=questionnaire.department_id
        ).values_list("indicator_id", "indicator__area_id", Exists(answered))
    )
    areas = {
        area.pk: area for area in PolicyArea.objects.filter(pk__in={a for _i, a, _x in assigned})
    }
    area = next((a for a in areas.values() if a.code == area_code), None)
    if area is None:
        return None
    progress = questionnaire_progress(
        [_Assigned(pk, area_id, areas[area_id]) for pk, area_id, _answered in assigned],
        {pk for pk, _area_id, is_answered in assigned if is_answered},
    )
    # Levels and choices: assessments.answer_markup.prepare, when its groups are not kept.
    indicators = list(
        Indicator.objects.filter(
            pk__in=[pk for pk, area_id, _answered in assigned if area_id == area.pk]
        ).order_by("order", "pk")
    )
    for indicator in indicators:
        indicator.area = area
    answers = {
        answer.indicator_id: answer
        for answer in Answer.objects.filter(
            questionnaire=questionnaire, indicator__in=indicators
        ).select_related("choice", "updated_by")
    }
    prefetch_related_objects(list(answers.values()), "files")
    return AreaSheet(
        questionnaire=questionnaire,
        area=area,
        areas=[p.area for p in progress.areas],
        progress=progress,
        indicators=indicators,
        answers=answers,
    )
