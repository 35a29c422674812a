"""What a questionnaire's workbook holds: the department's indicators and current answers."""

from dataclasses import dataclass

from assessments.answer_values import AnswerValues, IndicatorSpec
from assessments.answering import answer_values_of
from assessments.models import Answer, Assignment, Questionnaire
from frameworks.models import AnswerType, Choice, Indicator, PolicyArea, RubricLevel


@dataclass(frozen=True)
class Item:
    """One assigned indicator of the questionnaire, with its answer if there is one."""

    indicator: Indicator
    levels: tuple[RubricLevel, ...]
    choices: tuple[Choice, ...]
    answer: Answer | None
    fiscal_year: int  # the round's: target years count from it

    @property
    def area(self) -> PolicyArea:
        return self.indicator.area

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def answer_type(self) -> str:
        return self.indicator.answer_type

    @property
    def spec(self) -> IndicatorSpec:
        return IndicatorSpec(
            answer_type=self.answer_type,
            max_level=max((level.level for level in self.levels), default=0),
            choice_codes=tuple(choice.code for choice in self.choices),
            fiscal_year=self.fiscal_year,
        )

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def values(self) -> AnswerValues:
        return answer_values_of(self.answer) if self.answer else AnswerValues()

    @property
    def is_maturity(self) -> bool:
        return self.answer_type == AnswerType.MATURITY


def questionnaire_items(questionnaire: Questionnaire) -> list[Item]:
    """The indicators assigned to the questionnaire's department, in catalogue order (4 queries)."""
    assigned = Assignment.objects.filter(
        round_id=questionnaire.round_id, department_id=questionnaire.department_id
    ).values("indicator_id")
    indicators = (
        Indicator.objects.filter(pk__in=assigned)
        .select_related("area")
        .prefetch_related("levels", "choices")
        .order_by("area__order", "order", "pk")
    )
    answers = {
        answer.indicator_id: answer
        for answer in Answer.objects.filter(questionnaire=questionnaire).select_related("choice")
    }
    return [
        Item(
            indicator=indicator,
            levels=tuple(indicator.levels.all()),
            choices=tuple(indicator.choices.all()),
            answer=answers.get(indicator.pk),
            fiscal_year=questionnaire.round.fiscal_year,
        )
        for indicator in indicators
    ]
