"""Which answer counts for the municipality: the one rule, used by scoring, reconciliation,
reports and exports alike.

For each indicator of a round, the municipality's answer is
1. the answer the coordinator chose (Consolidation), while it is the answer of a
   department still assigned the indicator;
2. else the owner department's answer: the assignment marked owner, or, should
   none be marked, the first assigned department in display order.

The functions are pure over what their callers already loaded (assignments in
display order, answers by indicator and department, the consolidations), so
each caller keeps its own queries and prefetching.
"""

from collections.abc import Iterable, Mapping
from typing import Protocol


class _Answer(Protocol):
    pk: int


def owner_departments(assignments: Iterable[tuple[int, int, bool]]) -> dict[int, int]:
    """indicator id → its owner department id, from (indicator, department, is_owner)
    rows in display order."""
    first: dict[int, int] = {}
    marked: dict[int, int] = {}
    for indicator_id, department_id, is_owner in assignments:
        first.setdefault(indicator_id, department_id)
        if is_owner:
            marked.setdefault(indicator_id, department_id)
    return {indicator_id: marked.get(indicator_id, d) for indicator_id, d in first.items()}


def counted_answer[A: _Answer](
    *, owner: int, by_department: Mapping[int, A | None], chosen_answer_id: int | None
) -> A | None:
    """The municipality's answer to one indicator: `by_department` holds the answers of the
    departments assigned it (department id → answer), `chosen_answer_id` the consolidation's."""
    if chosen_answer_id is not None:
        for answer in by_department.values():
            if answer is not None and answer.pk == chosen_answer_id:
                return answer
    return by_department.get(owner)


def municipality_answers[A: _Answer](
    *,
    assignments: Iterable[tuple[int, int, bool]],
    answers: Mapping[tuple[int, int], A],
    consolidated: Mapping[int, int],
) -> dict[int, A | None]:
    """indicator id → the municipality's answer (None: unanswered), for every assigned
    indicator in display order.

    assignments: (indicator, department, is_owner) in display order; answers:
    (indicator, department) → answer; consolidated: indicator → chosen answer id.
    """
    rows = list(assignments)
    assigned: dict[int, dict[int, A | None]] = {}
    for indicator_id, department_id, _is_owner in rows:
        assigned.setdefault(indicator_id, {})[department_id] = answers.get(
            (indicator_id, department_id)
        )
    owners = owner_departments(rows)
    return {
        indicator_id: counted_answer(
            owner=owners[indicator_id],
            by_department=by_department,
            chosen_answer_id=consolidated.get(indicator_id),
        )
        for indicator_id, by_department in assigned.items()
    }
