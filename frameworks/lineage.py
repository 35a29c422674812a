"""How an indicator is followed across editions: the catalogue's one lineage rule.

Every page, report and command that relates an indicator of one edition to
another edition (the trend, carried action items) asks `lineage_graph`; none
reads IndicatorLineage itself.

The rule, one edition step at a time (an edition and the predecessor it names):
- an indicator with IndicatorLineage rows continues the predecessor's
  indicators those rows name (same, split, merged); a row of relation 「新規」
  (no predecessor) makes it new;
- an indicator with no row at all continues the predecessor's indicator with
  the same code, if there is one, else it is new (catalogues cloned before
  lineage existed, and draft indicators whose lineage the editor left unset:
  codes are kept across editions).

Following the steps backwards gives the earlier indicators a later one
continues (`ancestors`); forwards, an earlier indicator's successors in a later
edition (`successors`: several after a split, none when it was dropped). The
two are the same relation read in opposite directions, so the trend and the
action plan can never disagree about whether an indicator continues.

`LineageGraph` is pure (plain ids and codes in, ids out); `lineage_graph`
loads it for one framework in two queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from frameworks.models import Indicator, IndicatorLineage


@dataclass(frozen=True)
class Node:
    """An indicator as lineage sees it."""

    pk: int
    edition: int
    code: str
    area_code: str = ""


class LineageGraph:
    """Editions of one framework, their indicators and the recorded links.

    editions: edition → the edition it follows (None: the first);
    indicators: every indicator of those editions, in catalogue order;
    links: (indicator, predecessor or None for 「新規」), as recorded.
    """

    def __init__(
        self,
        editions: Mapping[int, int | None],
        indicators: Iterable[Node],
        links: Iterable[tuple[int, int | None]],
    ):
        self._predecessor_edition = dict(editions)
        self._nodes = {node.pk: node for node in indicators}
        self._by_edition: dict[int, list[Node]] = defaultdict(list)
        for node in self._nodes.values():
            self._by_edition[node.edition].append(node)
        self._recorded: dict[int, list[int]] = defaultdict(list)
        for indicator, predecessor in links:
            recorded = self._recorded[indicator]  # a 「新規」 row still marks it as recorded
            if predecessor is not None:
                recorded.append(predecessor)
        self.step = cache(self._step)
        self._ancestors = cache(self._ancestors_uncached)

    def indicators_of(self, edition: int) -> list[Node]:
        return list(self._by_edition.get(edition, ()))

    def chain(self, edition: int) -> list[int]:
        """The edition and the editions before it, newest first (a cycle is cut)."""
        chain = [edition]
        while (earlier := self._predecessor_edition.get(chain[-1])) is not None:
            if earlier in chain:
                break
            chain.append(earlier)
        return chain

    def _step(self, pk: int) -> tuple[int, ...]:
        """The predecessor edition's indicators that indicator `pk` continues."""
        node = self._nodes[pk]
        earlier = self._predecessor_edition.get(node.edition)
        if earlier is None:
            return ()
        if pk in self._recorded:
            return tuple(
                p
                for p in self._recorded[pk]
                if p in self._nodes and self._nodes[p].edition == earlier
            )
        return tuple(
            other.pk for other in self._by_edition.get(earlier, ()) if other.code == node.code
        )

    def _ancestors_uncached(self, pk: int, edition: int) -> tuple[int, ...]:
        node = self._nodes[pk]
        if node.edition == edition:
            return (pk,)
        found: dict[int, None] = {}
        for predecessor in self.step(pk):
            for ancestor in self._ancestors(predecessor, edition):
                found[ancestor] = None
        return tuple(found)

    def ancestors(self, pk: int, edition: int) -> list[int]:
        """The indicators of the earlier `edition` that indicator `pk` continues
        (none when `edition` is not before it in its chain)."""
        if pk not in self._nodes or edition not in self.chain(self._nodes[pk].edition):
            return []
        return list(self._ancestors(pk, edition))

    def successors(self, pk: int, edition: int) -> list[int]:
        """The indicators of the later `edition` that continue indicator `pk`, in catalogue order."""
        start = self._nodes.get(pk)
        if start is None or start.edition not in self.chain(edition):
            return []
        return [
            node.pk
            for node in self._by_edition.get(edition, ())
            if pk in self._ancestors(node.pk, start.edition)
        ]

    def code_map(self, earlier: int, later: int) -> dict[str, list[Node]]:
        """Earlier edition's indicator code → the later edition's indicators continuing it."""
        return {
            node.code: [self._nodes[s] for s in self.successors(node.pk, later)]
            for node in self._by_edition.get(earlier, ())
        }


def lineage_graph(framework_id: int) -> LineageGraph:
    """The framework's lineage (two queries: its indicators with their editions, the links)."""
    rows = list(
        Indicator.objects.filter(edition__framework_id=framework_id)
        .order_by("edition_id", "area__order", "order", "pk")
        .values_list("pk", "edition_id", "edition__predecessor_id", "code", "area__code")
    )
    editions = {edition: predecessor for _pk, edition, predecessor, _c, _a in rows}
    links = IndicatorLineage.objects.filter(
        indicator__edition__framework_id=framework_id
    ).values_list("indicator_id", "predecessor_id")
    return LineageGraph(
        editions,
        [Node(pk, edition, code, area) for pk, edition, _p, code, area in rows],
        links,
    )
