"""Reads of action plans: a round's items (with those carried from earlier rounds) and suggestions.

Carrying is chosen at view time, not copied when a round opens: an item
planned in an earlier round of the municipality and still open (未着手 /
進行中) is shown in every later round's plan, marked 「前回から継続」, mapped
to the later edition's indicator(s) through frameworks.lineage (the rule the
trend follows too). One row per
item means one status wherever it is seen (completing it in the later round
completes it everywhere), nothing depends on the order in which rounds were
opened or on assessments.rounds, and no data can be lost or duplicated by a
copy. An earlier item closed (完了 / 中止) after the later round was opened
is still shown there, so that round's plan records what became of it.

Both functions are for pages and the PDF report alike; their query counts do
not grow with the number of items, rounds or indicators:

- `action_plan_for(round_)`: one query, plus three when an item was planned on
  another edition (frameworks.lineage's two, the later edition's indicators).
- `suggestions_for(round_, plan=None)`: the municipality's snapshot and the
  edition's rubrics (two queries), plus `action_plan_for` unless a plan is
  passed in.
"""

from dataclasses import dataclass

from django.db.models import Q

from assessments.models import Round
from dxportal.localized import localized_text
from frameworks.lineage import lineage_graph
from frameworks.models import AnswerType, Edition, Indicator, RubricLevel
from plans.models import OPEN_STATUSES, ActionItem
from plans.suggestions import NextStep, Rubric, Rung, current_levels, next_steps
from results.cards import StoredCard
from results.models import ScoreSnapshot


@dataclass(frozen=True)
class PlanRow:
    """An item as the round's plan shows it."""

    item: ActionItem
    carried: bool  # planned in an earlier round: 「前回から継続」
    indicators: list[Indicator]  # what the item is about in this round's edition (none: dropped)

    @property
    def renamed(self) -> bool:
        """The indicator has another code (or several) in this round's edition."""
        return [i.code for i in self.indicators] != [self.item.indicator_code]


@dataclass(frozen=True)
class Suggestion:
    step: NextStep
    indicator: Indicator
    area_name: str


def action_plan_for(round_: Round) -> list[PlanRow]:
    """The round's action plan: its own items and those carried from earlier rounds.

    Open items first, then by due date. `round_.edition` should be loaded
    (assessments.selectors.round_for does) when items may come from another edition.
    """
    items = list(
        ActionItem.objects.filter(
            municipality_id=round_.municipality_id, round__fiscal_year__lte=round_.fiscal_year
        )
        .filter(
            Q(round_id=round_.pk)
            | Q(status__in=OPEN_STATUSES)
            | Q(closed_at__gte=round_.created_at)
        )
        .select_related("round", "indicator__area", "department")
    )
    items.sort(key=lambda item: (not item.is_open, item.due_on, item.pk))
    elsewhere = {
        item.indicator.pk: item.indicator
        for item in items
        if item.indicator.edition_id != round_.edition_id
    }
    mapped = successors_in(list(elsewhere), round_.edition) if elsewhere else {}
    return [
        PlanRow(
            item=item,
            carried=item.round_id != round_.pk,
            indicators=mapped.get(item.indicator_id, [item.indicator])
            if item.indicator_id in elsewhere
            else [item.indicator],
        )
        for item in items
    ]


def successors_in(indicator_ids: list[int], edition: Edition) -> dict[int, list[Indicator]]:
    """Each earlier indicator's successors in `edition`, in catalogue order (three queries:
    frameworks.lineage's two and the successors themselves)."""
    graph = lineage_graph(edition.framework_id)
    ids = {pk: graph.successors(pk, edition.pk) for pk in indicator_ids}
    found = Indicator.objects.select_related("area").in_bulk(
        {pk for successors in ids.values() for pk in successors}
    )
    return {pk: [found[s] for s in successors] for pk, successors in ids.items()}


def municipality_card(round_: Round) -> StoredCard | None:
    """The round's stored municipality score card, or None before anything is scored."""
    snapshot = (
        ScoreSnapshot.objects.filter(round=round_, department__isnull=True).only("card").first()
    )
    return snapshot.read if snapshot else None


def rubrics_for(edition_id: int, codes: list[str] | None = None) -> tuple[dict, dict]:
    """(code → Rubric, code → Indicator) of the edition's maturity indicators (one query)."""
    levels = RubricLevel.objects.filter(
        indicator__edition_id=edition_id, indicator__answer_type=AnswerType.MATURITY
    )
    if codes is not None:
        levels = levels.filter(indicator__code__in=codes)
    rungs: dict[str, list[Rung]] = {}
    indicators: dict[str, Indicator] = {}
    for level in levels.select_related("indicator__area").order_by(
        "indicator__area__order", "indicator__order", "level"
    ):
        indicator = level.indicator
        indicators.setdefault(indicator.code, indicator)
        rungs.setdefault(indicator.code, []).append(
            Rung(
                level=level.level,
                label=localized_text(level, "label"),
                description=localized_text(level, "description"),
            )
        )
    rubrics = {
        code: Rubric(
            code=code, area=indicators[code].area.code, position=n, levels=tuple(rungs[code])
        )
        for n, code in enumerate(rungs)
    }
    return rubrics, indicators


def suggestions_for(round_: Round, plan: list[PlanRow] | None = None) -> list[Suggestion]:
    """The next rubric level of each gap, gaps first, leaving out indicators with an open item."""
    card = municipality_card(round_)
    if card is None:
        return []
    plan = action_plan_for(round_) if plan is None else plan
    planned = {i.code for row in plan if row.item.is_open for i in row.indicators}
    rubrics, indicators = rubrics_for(round_.edition_id)
    return [
        Suggestion(
            step=step,
            indicator=indicators[step.code],
            area_name=localized_text(indicators[step.code].area, "name"),
        )
        for step in next_steps(
            card.indicator_scores(), card.area_scores(), rubrics, exclude=planned
        )
    ]


def current_level_of(round_: Round, rubric: Rubric) -> int | None:
    """The indicator's current level on the round's card (None: not scored yet or N/A)."""
    card = municipality_card(round_)
    if card is None:
        return None
    return current_levels(card.indicator_scores(), {rubric.code: rubric}).get(rubric.code)
