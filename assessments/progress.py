"""How much of a questionnaire is answered: per policy area and overall.

Pure: it counts over rows a page has loaded anyway (the indicators assigned
to the department, with their areas, and the ids of the answered ones), so
it adds no query. Only indicators the department has to answer now count;
an answer to an indicator that was reassigned elsewhere does not.

Text indicators count towards progress like any other, but they are optional
for submission (`unanswered_required`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from frameworks.models import AnswerType


def _percent(answered: int, total: int) -> int:
    # Floor, so that 99.6 % never shows as 100 % while something is still missing.
    return answered * 100 // total if total else 0


@dataclass(frozen=True)
class AreaProgress:
    area: object  # frameworks.models.PolicyArea
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.total)

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Progress:
    areas: list[AreaProgress]

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.total)

    def for_area(self, area_id: int) -> AreaProgress | None:
        return next((a for a in self.areas if a.area.pk == area_id), None)


def questionnaire_progress(indicators: Iterable, answered_ids: set[int]) -> Progress:
    """Progress over `indicators` (each with `.area` loaded), areas in catalogue order."""
    counts: dict[int, list] = {}
    for indicator in indicators:
        entry = counts.setdefault(indicator.area_id, [indicator.area, 0, 0])
        entry[2] += 1
        if indicator.pk in answered_ids:
            entry[1] += 1
    return progress_of(counts.values())


def progress_of(counts: Iterable) -> Progress:
    """Progress from (area, answered, total) per area (`area` with pk and order), areas in
    catalogue order."""
    areas = sorted(counts, key=lambda e: (e[0].order, e[0].pk))
    return Progress([AreaProgress(area, answered, total) for area, answered, total in areas])


def unanswered_required(indicators: Iterable, answered_ids: set[int]) -> list:
    """Indicators that must be answered before submitting (all but text), in the given order."""
    return [
        indicator
        for indicator in indicators
        if indicator.pk not in answered_ids and indicator.answer_type != AnswerType.TEXT
    ]


def unanswered_optional(indicators: Iterable, answered_ids: set[int]) -> list:
    return [
        indicator
        for indicator in indicators
        if indicator.pk not in answered_ids and indicator.answer_type == AnswerType.TEXT
    ]
