"""Assessment test data for every test package: rounds, questionnaires and answers.

`open_round` opens a round the product's way (assessments.rounds.round_open): the
catalogue decides which department answers which indicator, and the assignments
and questionnaires come from there. Use it whenever a test needs questionnaires.

`RoundFactory` is a round's row and nothing else (no assignments, no
questionnaires): for tests that only hang stored results on a round.
`QuestionnaireFactory` and `AnswerFactory` write rows directly. An answer from
`AnswerFactory` is a saved answer (version 1) without history (AnswerChange)
or audit event; save through assessments.answering.answer_save where a test
needs those.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.answer_values import default_target_fiscal_year
from assessments.models import Answer, Questionnaire, QuestionnaireStatus, Round, RoundStatus
from assessments.rounds import default_reference_date, round_open
from tests.factories import DepartmentFactory, MunicipalityFactory, UserFactory
from tests.frameworks.factories import make_edition

FISCAL_YEAR = 2026
NOT_APPLICABLE_REASON = "対象となる業務がないため。"


def round_dates(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """A round's answering period in its fiscal year: 1 June to 30 September."""
    return datetime.date(fiscal_year, 6, 1), datetime.date(fiscal_year, 9, 30)


def open_round(
    municipality,
    user,
    *,
    edition=None,
    fiscal_year: int = FISCAL_YEAR,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    **options,
) -> Round:
    """`municipality`'s round of `fiscal_year`, opened by `user` through round_open.

    The edition is a new `make_edition()` unless given; the dates are
    `round_dates(fiscal_year)` unless given; `options` (survey, carry_over) go to
    round_open as they are. A later fiscal year's default dates are still to come, and
    answering waits for opens_on (assessments.locking): pass opens_on where a test
    answers such a round through the product.
    """
    default_opens_on, default_closes_on = round_dates(fiscal_year)
    return round_open(
        municipality=municipality,
        edition=make_edition() if edition is None else edition,
        fiscal_year=fiscal_year,
        opens_on=opens_on or default_opens_on,
        closes_on=closes_on or default_closes_on,
        user=user,
        **options,
    )


class RoundFactory(factory.django.DjangoModelFactory):
    """A round's row only: no assignments and no questionnaires (`open_round` makes those)."""

    class Meta:
        model = Round

    class Params:
        closed = factory.Trait(
            status=RoundStatus.CLOSED, closed_at=factory.LazyFunction(timezone.now)
        )

    municipality = factory.SubFactory(MunicipalityFactory)
    edition = factory.LazyFunction(make_edition)
    fiscal_year = FISCAL_YEAR
    opens_on = factory.LazyAttribute(lambda o: round_dates(o.fiscal_year)[0])
    closes_on = factory.LazyAttribute(lambda o: round_dates(o.fiscal_year)[1])
    reference_date = factory.LazyAttribute(lambda o: default_reference_date(o.fiscal_year))
    status = RoundStatus.OPEN
    created_by = factory.SubFactory(UserFactory)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A department's questionnaire in a round, without assignments."""

    class Meta:
        model = Questionnaire

    class Params:
        submitted = factory.Trait(
            status=QuestionnaireStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )

    round = factory.SubFactory(RoundFactory)
    department = factory.SubFactory(
        DepartmentFactory, municipality=factory.SelfAttribute("..round.municipality")
    )
    status = QuestionnaireStatus.IN_PROGRESS


def _questionnaire_of_round(o) -> Questionnaire:
    questionnaires = o.round.questionnaires
    return questionnaires.get(department=o.department) if o.department else questionnaires.get()


def _indicator(o):
    """The indicator `code` of the round's edition; else the first one the department answers."""
    questionnaire = o.questionnaire
    indicators = questionnaire.round.edition.indicators
    if o.code:
        return indicators.get(code=o.code)
    in_order = indicators.order_by("area__order", "order")
    assigned = in_order.filter(
        pk__in=questionnaire.round.assignments.filter(department=questionnaire.department).values(
            "indicator"
        )
    )
    return assigned.first() or in_order.first()


def _percentage(o) -> Decimal | None:
    if o.percentage is None:
        return None
    return Decimal(str(o.percentage)).quantize(Decimal("0.01"))


class AnswerFactory(factory.django.DjangoModelFactory):
    """A saved answer (version 1), its values in the fields answer_save would store them in.

    The questionnaire: `questionnaire=`, or `round=` with `department=` (which may
    be left out when the round has one questionnaire), or a new one. The
    indicator: `indicator=`, or `code=` in the round's edition, or the first the
    department answers. The value, in the field of the answer type: `level`
    (maturity, 0 up to the rubric's top level) with `target_level` (its year
    `target_fiscal_year`, by default the round's default target year); `yes`;
    `percentage=75` (stored in `number` as 75.00); `number` (a count);
    `choice_code="partial"` (the indicator's choice of that code) or `choice`;
    `text`. `inapplicable=True` is 該当しない with a reason, as the answering page
    requires one. Nothing given: a row with nothing answered.
    """

    class Meta:
        model = Answer

    class Params:
        round = None
        department = None
        code = ""
        percentage = None
        choice_code = ""
        inapplicable = factory.Trait(
            not_applicable=True, not_applicable_reason=NOT_APPLICABLE_REASON
        )

    questionnaire = factory.Maybe(
        "round",
        yes_declaration=factory.LazyAttribute(_questionnaire_of_round),
        no_declaration=factory.SubFactory(QuestionnaireFactory),
    )
    indicator = factory.LazyAttribute(_indicator)
    target_level = None
    target_fiscal_year = factory.LazyAttribute(
        lambda o: (
            default_target_fiscal_year(o.questionnaire.round.fiscal_year)
            if o.target_level is not None
            else None
        )
    )
    number = factory.LazyAttribute(_percentage)
    choice = factory.LazyAttribute(
        lambda o: o.indicator.choices.get(code=o.choice_code) if o.choice_code else None
    )
    version = 1
