"""What each person has to do, for their home page: one list per role they hold.

- respondent: questionnaires to fix (returned, with the coordinator's comment), to
  answer (progress, due date, overdue) and those handed in (assessments.my_work);
- coordinator, per municipality: questionnaires waiting for review (「確認待ち」),
  indicators whose departments' answers differ and that nobody has decided yet
  (assessments.reconciliation's rule), departments not submitted (overdue ones
  marked), and the dashboard of the newest round with results (results.latest);
- consultant: their municipalities, each with that dashboard;
- catalogue editor: the catalogue's drafts.

Reads only, scoped by the memberships (accounts.access): a fixed number of
queries whatever the number of questionnaires, departments or indicators;
the reconciliation adds its fixed few per open round of a coordinator's
municipalities (a municipality has one round per fiscal year).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.access import Capability, access_for
from accounts.models import Role
from assessments.models import Questionnaire, QuestionnaireStatus, Round, RoundStatus
from assessments.my_work import MyQuestionnaire, my_questionnaires, questionnaire_overdue
from assessments.reconciliation import reconciliation_for
from assessments.reminders import PENDING
from dxportal.japanese_calendar import today_in_japan
from frameworks.models import Edition, EditionStatus
from municipalities.models import Municipality
from results.latest import LatestResults, latest_rounds_with_results


@dataclass(frozen=True)
class RespondentWork:
    to_fix: list[MyQuestionnaire]  # returned: the comment is questionnaire.review_comment
    to_answer: list[MyQuestionnaire]
    handed_in: list[MyQuestionnaire]  # submitted or approved: nothing to do

    def __bool__(self) -> bool:
        return bool(self.to_fix or self.to_answer or self.handed_in)


@dataclass(frozen=True)
class Pending:
    questionnaire: Questionnaire
    overdue: bool


@dataclass(frozen=True)
class Differences:
    round: Round
    count: int  # indicators whose departments disagree, with no decision yet


@dataclass
class CoordinatorWork:
    municipality: Municipality
    latest: LatestResults
    to_review: list[Questionnaire] = field(default_factory=list)
    not_submitted: list[Pending] = field(default_factory=list)
    differences: list[Differences] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for pending in self.not_submitted if pending.overdue)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.to_review or self.not_submitted or self.differences)


@dataclass(frozen=True)
class ConsultantMunicipality:
    municipality: Municipality
    latest: LatestResults


def respondent_work(user, *, today: datetime.date | None = None) -> RespondentWork:
    """The user's questionnaires in open rounds, sorted by what they call for."""
    items = my_questionnaires(user, today=today)
    return RespondentWork(
        to_fix=[i for i in items if i.questionnaire.status == QuestionnaireStatus.RETURNED],
        to_answer=[i for i in items if i.questionnaire.status == QuestionnaireStatus.IN_PROGRESS],
        handed_in=[i for i in items if i.questionnaire.is_locked],
    )


def undecided_differences(round_: Round) -> int:
    """Indicators of the round whose departments' answers differ (the reconciliation page's
    rule, IndicatorReconciliation.disagrees) and whose answer nobody has chosen yet."""
    return sum(
        1 for item in reconciliation_for(round_) if item.disagrees and item.consolidation is None
    )


def coordinator_work(user, *, today: datetime.date | None = None) -> list[CoordinatorWork]:
    """Per municipality the user coordinates (by code): what waits for them."""
    access = access_for(user)
    municipalities = sorted(
        (
            m.municipality
            for m in access.memberships
            if m.role == Role.COORDINATOR and m.municipality_id is not None
        ),
        key=lambda municipality: municipality.code,
    )
    if not municipalities:
        return []
    today = today or today_in_japan()
    latest = latest_rounds_with_results(municipalities)
    work = {m.pk: CoordinatorWork(municipality=m, latest=latest[m.pk]) for m in municipalities}
    # Approving stays possible after the close; the others only matter while answering runs.
    started = Q(round__status=RoundStatus.OPEN, round__opens_on__lte=today)
    for questionnaire in (
        Questionnaire.objects.filter(round__municipality_id__in=work)
        .filter(Q(status=QuestionnaireStatus.SUBMITTED) | (started & Q(status__in=PENDING)))
        .select_related("round", "department")
        .order_by("-round__fiscal_year", "department__sort_order", "department__pk")
    ):
        item = work[questionnaire.round.municipality_id]
        if questionnaire.status == QuestionnaireStatus.SUBMITTED:
            item.to_review.append(questionnaire)
        else:
            item.not_submitted.append(
                Pending(questionnaire, questionnaire_overdue(questionnaire, today))
            )
    # With its municipality: the reconciliation scores counts by the body's size band.
    open_rounds = (
        Round.objects.filter(municipality_id__in=work, status=RoundStatus.OPEN)
        .select_related("municipality")
        .order_by("-fiscal_year")
    )
    for round_ in open_rounds:
        count = undecided_differences(round_)
        if count:
            work[round_.municipality_id].differences.append(Differences(round_, count))
    return list(work.values())


def consultant_municipalities(user) -> list[ConsultantMunicipality]:
    """The municipalities the user serves as consultant, by code, each with its newest results."""
    municipalities = sorted(
        {
            m.municipality.pk: m.municipality
            for m in access_for(user).memberships
            if m.role == Role.CONSULTANT and m.municipality_id is not None
        }.values(),
        key=lambda municipality: municipality.code,
    )
    if not municipalities:
        return []
    latest = latest_rounds_with_results(municipalities)
    return [ConsultantMunicipality(m, latest[m.pk]) for m in municipalities]


def catalogue_drafts(user) -> list[Edition]:
    """The catalogue's draft editions, for those who edit it (else none, and no query)."""
    if not access_for(user).has_global(Capability.EDIT_CATALOGUE):
        return []
    return list(
        Edition.objects.filter(status=EditionStatus.DRAFT)
        .select_related("framework")
        .order_by("framework__code", "-created_at")
    )
