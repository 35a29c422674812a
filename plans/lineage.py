"""Which indicators of a later edition an earlier edition's indicator became.

frameworks.IndicatorLineage links each indicator to its predecessors in the
previous edition (same, split, merged). Following those links forward, edition
after edition, gives an old indicator's successors in any later edition: one
for same or merged, several for split, none when it was dropped. Where the
catalogue records no lineage at all, an indicator with the same code stands for
it (codes are kept across editions); where it records lineage, an indicator
with no successor was dropped.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import Q

from frameworks.models import Edition, Indicator, IndicatorLineage

Edge = tuple[int, int, int]  # predecessor id, successor id, successor's edition id


def follow(start: int, edges: Iterable[Edge], edition_id: int) -> list[int]:
    """The successors of indicator `start` in edition `edition_id` (pure; in link order)."""
    forward: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for predecessor, successor, successor_edition in edges:
        forward[predecessor].append((successor, successor_edition))
    found: list[int] = []
    seen = {start}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor, successor_edition in forward[node]:
                if successor in seen:
                    continue
                seen.add(successor)
                if successor_edition == edition_id:
                    found.append(successor)
                else:
                    following.append(successor)
        frontier = following
    return found


def successors_in(
    indicators: Collection[Indicator], edition: Edition
) -> dict[int, list[Indicator]]:
    """indicator id → its successors in `edition`, in catalogue order (two queries).

    The indicators passed come from earlier editions of the same framework.
    """
    links = IndicatorLineage.objects.filter(indicator__edition__framework_id=edition.framework_id)
    rows = list(links.values_list("predecessor_id", "indicator_id", "indicator__edition_id"))
    edges = [row for row in rows if row[0] is not None]
    linked = {indicator.pk: follow(indicator.pk, edges, edition.pk) for indicator in indicators}
    # An edition whose catalogue records lineage says what became of every indicator
    # (nothing: dropped); one that records none keeps an indicator by its code.
    by_code = (
        set()
        if any(successor_edition == edition.pk for _p, _s, successor_edition in rows)
        else {i.code for i in indicators}
    )
    targets = list(
        Indicator.objects.filter(edition=edition)
        .filter(Q(pk__in={pk for pks in linked.values() for pk in pks}) | Q(code__in=by_code))
        .select_related("area")
        .order_by("area__order", "order")
    )
    result = {}
    for indicator in indicators:
        wanted = set(linked[indicator.pk])
        result[indicator.pk] = [
            target
            for target in targets
            if target.pk in wanted or (target.code in by_code and target.code == indicator.code)
        ]
    return result
