"""frameworks.lineage: one rule for following indicators across a chain of editions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from frameworks.lineage import LineageGraph, Node

CODES = ["A", "B", "C", "D", "E"]


@st.composite
def chains(draw):
    """A chain of 1–4 editions (ids 1..k, each following the one before), each with up to
    five indicators of distinct codes, and for each indicator: no lineage row, a 「新規」
    row, or rows naming some of the previous edition's indicators."""
    editions = draw(st.integers(min_value=1, max_value=4))
    nodes: list[Node] = []
    links: list[tuple[int, int | None]] = []
    previous: list[Node] = []
    for edition in range(1, editions + 1):
        codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=5))
        current = [Node(edition * 100 + n, edition, code) for n, code in enumerate(codes)]
        for node in current:
            if not previous:
                continue
            kind = draw(st.sampled_from(["absent", "new", "linked"]))
            if kind == "new":
                links.append((node.pk, None))
            elif kind == "linked":
                for predecessor in draw(
                    st.lists(st.sampled_from(previous), unique=True, min_size=1)
                ):
                    links.append((node.pk, predecessor.pk))
        nodes += current
        previous = current
    predecessors = {e: (e - 1 if e > 1 else None) for e in range(1, editions + 1)}
    return predecessors, nodes, links


def pairs(predecessors):
    return [(i, j) for i in predecessors for j in predecessors if i <= j]


@settings(max_examples=150, deadline=None)
@given(chains())
def test_successors_and_ancestors_are_one_relation(chain):
    predecessors, nodes, links = chain
    graph = LineageGraph(predecessors, nodes, links)
    checked = 0
    for earlier, later in pairs(predecessors):
        for x in graph.indicators_of(earlier):
            for y in graph.indicators_of(later):
                checked += 1
                assert (y.pk in graph.successors(x.pk, later)) == (
                    x.pk in graph.ancestors(y.pk, earlier)
                )
    assert checked == sum(
        len(graph.indicators_of(i)) * len(graph.indicators_of(j)) for i, j in pairs(predecessors)
    )


@settings(max_examples=150, deadline=None)
@given(chains())
def test_following_two_steps_is_following_one_then_the_other(chain):
    predecessors, nodes, links = chain
    graph = LineageGraph(predecessors, nodes, links)
    for first in predecessors:
        for middle in range(first, len(predecessors) + 1):
            for last in range(middle, len(predecessors) + 1):
                for x in graph.indicators_of(first):
                    via = {
                        s for m in graph.successors(x.pk, middle) for s in graph.successors(m, last)
                    }
                    assert set(graph.successors(x.pk, last)) == via


@settings(max_examples=150, deadline=None)
@given(chains())
def test_an_unlinked_indicator_is_the_same_as_one_linked_to_its_code(chain):
    """Leaving lineage unset means exactly what recording 「同一」 to the same code means."""
    predecessors, nodes, links = chain
    recorded = {indicator for indicator, _p in links}
    explicit = list(links)
    by_edition_code = {(n.edition, n.code): n for n in nodes}
    for node in nodes:
        earlier = predecessors[node.edition]
        if earlier is None or node.pk in recorded:
            continue
        same = by_edition_code.get((earlier, node.code))
        explicit.append((node.pk, same.pk if same else None))
    implicit_graph = LineageGraph(predecessors, nodes, links)
    explicit_graph = LineageGraph(predecessors, nodes, explicit)
    for earlier, later in pairs(predecessors):
        for x in implicit_graph.indicators_of(earlier):
            assert implicit_graph.successors(x.pk, later) == explicit_graph.successors(x.pk, later)


@settings(max_examples=100, deadline=None)
@given(chains())
def test_successors_lie_in_the_target_edition_in_catalogue_order(chain):
    predecessors, nodes, links = chain
    graph = LineageGraph(predecessors, nodes, links)
    for earlier, later in pairs(predecessors):
        order = [n.pk for n in graph.indicators_of(later)]
        for x in graph.indicators_of(earlier):
            found = graph.successors(x.pk, later)
            assert found == [pk for pk in order if pk in found]
        if earlier != later:  # backwards in the chain there is nothing to follow
            for y in graph.indicators_of(later):
                assert graph.successors(y.pk, earlier) == []


def test_an_edition_of_another_chain_has_no_successors():
    graph = LineageGraph(
        {1: None, 2: 1, 9: None},
        [Node(1, 1, "A"), Node(2, 2, "A"), Node(3, 9, "A")],
        [],
    )
    assert graph.successors(1, 2) == [2]
    assert graph.successors(1, 9) == []
    assert graph.successors(3, 2) == []
    assert graph.ancestors(2, 9) == []


def test_a_split_a_merge_and_a_drop():
    # 1: S, M1, M2, X → 2: S1, S2 (S split), M (M1 + M2 merged); X dropped (rows exist for
    # every new indicator, none names X).
    nodes = [Node(1, 1, "S"), Node(2, 1, "M1"), Node(3, 1, "M2"), Node(4, 1, "X")]
    nodes += [Node(11, 2, "S1"), Node(12, 2, "S2"), Node(13, 2, "M")]
    links = [(11, 1), (12, 1), (13, 2), (13, 3)]
    graph = LineageGraph({1: None, 2: 1}, nodes, links)
    assert graph.successors(1, 2) == [11, 12]
    assert graph.successors(2, 2) == graph.successors(3, 2) == [13]
    assert graph.successors(4, 2) == []
    assert graph.ancestors(13, 1) == [2, 3]
