"""Carrying each department's answers over from the municipality's earlier round.

Opening a round with carry-over (rounds.round_open(carry_over=True)) copies,
into every new questionnaire, the answers the same department gave in the
municipality's newest earlier round, as a starting point:
- an indicator takes the answer to the one earlier indicator it continues,
  followed across editions by the catalogue's lineage rule
  (frameworks.lineage); one that continues several (merged) or none (new)
  starts empty, as there is no single answer to start from;
- only the department's own answer, and only an answered one (an earlier
  carried answer nobody confirmed is not carried again);
- only where it still fits: the same answer type, and values the new
  indicator accepts (assessments.answer_values.parse_answer with its rubric
  and choices, the rule the answering page and Excel use: a level beyond the
  new rubric or a choice no longer offered is not carried).
The value, the target level and its year, 該当しない with its reason, the comment
and the evidence location are copied; evidence files stay with the earlier answer.
A target whose year is not after the new round's fiscal year is due or past: it
is not carried as a future target (the level is, without the target), and the
respondent sets a new one. A target kept without a year (set before years were
asked) takes the default year of the new round, to confirm like the rest.

A copy is marked (Answer.carried_from) and does not count as answered until
the respondent confirms or changes it (answering.answer_save); the history
records the copy (AnswerChange via CARRIED_VIA) by the person who opened the
round. The number of queries is fixed, whatever the number of indicators and
departments: everything is read in bulk and written with two bulk inserts.
"""

from django.db import transaction
from django.db.models import QuerySet

from assessments.answer_values import AnswerValues, parse_answer, target_fiscal_years
from assessments.answering import answer_fill, value_changes
from assessments.forms_answering import raw_from_answer, spec_for
from assessments.models import Answer, AnswerChange, Assignment, Round
from frameworks.lineage import lineage_graph
from frameworks.models import Indicator
from municipalities.models import Municipality

# AnswerChange.via of the copy made when the round opened.
CARRIED_VIA = "carried"


def earlier_rounds(municipality: Municipality, fiscal_year: int) -> QuerySet[Round]:
    """The municipality's rounds before `fiscal_year`, newest first: the first is the one
    carried from."""
    return Round.objects.filter(municipality=municipality, fiscal_year__lt=fiscal_year).order_by(
        "-fiscal_year"
    )


def fitting_values(answer: Answer, indicator: Indicator, fiscal_year: int) -> AnswerValues | None:
    """The earlier `answer` as values of `indicator` (levels and choices prefetched) in a
    round of `fiscal_year`, or None when it no longer fits: another answer type, or values
    the indicator refuses. A target due by `fiscal_year` is left out."""
    if answer.indicator.answer_type != indicator.answer_type:
        return None
    raw = raw_from_answer(answer)
    year = answer.target_fiscal_year
    if year is not None and year not in target_fiscal_years(fiscal_year):
        raw["target_level"] = raw["target_fiscal_year"] = ""
    parsed = parse_answer(spec_for(indicator, fiscal_year=fiscal_year), raw)
    return parsed.values if parsed.ok else None


@transaction.atomic
def answers_carry_over(*, round_: Round, user) -> int:
    """Copy the departments' answers of the newest earlier round into `round_`'s
    questionnaires (which must have none yet); the number of answers carried."""
    source = earlier_rounds(round_.municipality, round_.fiscal_year).first()
    if source is None:
        return 0
    graph = lineage_graph(round_.edition.framework_id)
    questionnaires = {q.department_id: q for q in round_.questionnaires.all()}
    assigned = list(
        Assignment.objects.filter(round=round_).values_list("indicator_id", "department_id")
    )
    indicators = Indicator.objects.prefetch_related("levels", "choices").in_bulk(
        {indicator_id for indicator_id, _department in assigned}
    )
    earlier = {
        (answer.questionnaire.department_id, answer.indicator_id): answer
        for answer in Answer.objects.answered()
        .filter(questionnaire__round=source, questionnaire__department_id__in=questionnaires)
        .select_related("questionnaire", "indicator", "choice")
    }
    carried: list[tuple[Answer, AnswerValues]] = []
    for indicator_id, department_id in assigned:
        continued = graph.ancestors(indicator_id, source.edition_id)
        answer = earlier.get((department_id, continued[0])) if len(continued) == 1 else None
        indicator = indicators[indicator_id]
        values = (
            fitting_values(answer, indicator, round_.fiscal_year) if answer is not None else None
        )
        if values is None:
            continue
        copy = Answer(
            questionnaire=questionnaires[department_id],
            indicator=indicator,
            carried_from=answer,
            version=1,
            updated_by=user,
        )
        answer_fill(copy, values, indicator)
        carried.append((copy, values))
    Answer.objects.bulk_create([copy for copy, _values in carried])
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=copy,
            version=1,
            changed_by=user,
            changes=value_changes(AnswerValues(), values),
            via=CARRIED_VIA,
        )
        for copy, values in carried
    )
    return len(carried)


def carried_count(round_: Round) -> int:
    """How many of the round's answers were carried over and are not yet confirmed."""
    return Answer.objects.filter(questionnaire__round=round_, carried_from__isnull=False).count()
