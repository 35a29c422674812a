"""Carried into the next round: open items of earlier rounds, mapped through the lineage."""

import pytest

from frameworks.models import IndicatorLineage
from plans.models import ActionStatus
from plans.selectors import action_plan_for, suggestions_for
from plans.services import action_item_status_set
from results.trend import area_maps_for
from tests.assessment_factories import open_round
from tests.plans.plans_support import make_item, scored_round

# The 2026 edition renames M-1 to N-1, splits S-1 into S-1A and S-1B and drops M-2.
NEXT_INDICATORS = [("N-1", "std", 0), ("S-1A", "sec", 0), ("S-1B", "sec", 0)]
LINEAGE = {"N-1": ("M-1", "same"), "S-1A": ("S-1", "split"), "S-1B": ("S-1", "split")}


def next_round(personas, earlier, indicators=NEXT_INDICATORS, lineage=LINEAGE, levels=None):
    later = scored_round(
        personas,
        fiscal_year=earlier.fiscal_year + 1,
        indicators=indicators,
        levels=levels or {code: 1 for code, _a, _s in indicators},
    )
    edition = later.edition
    edition.predecessor = earlier.edition
    edition.save(update_fields=["predecessor"])
    for code, (old, relation) in lineage.items():
        IndicatorLineage.objects.create(
            indicator=edition.indicators.get(code=code),
            predecessor=earlier.edition.indicators.get(code=old),
            relation=relation,
        )
    return later


def view(rows):
    return [
        (row.item.indicator_code, [i.code for i in row.indicators], row.carried, row.item.status)
        for row in rows
    ]


@pytest.fixture
def earlier(personas):
    return scored_round(personas, fiscal_year=2025)


def test_open_items_are_carried_and_mapped_through_the_lineage(personas, earlier):
    open_item = make_item(earlier, personas, "M-1", title="標準化を進める")
    split = make_item(earlier, personas, "S-1", target_level=1, status=ActionStatus.IN_PROGRESS)
    done_before = make_item(earlier, personas, "M-2", target_level=4)
    action_item_status_set(item=done_before, status=ActionStatus.DONE, user=personas.coordinator_a)
    dropped = make_item(earlier, personas, "M-2", target_level=4)

    later = next_round(personas, earlier)
    # Closed after the later round opened: that round's plan shows what became of it.
    action_item_status_set(item=dropped, status=ActionStatus.CANCELLED, user=personas.coordinator_a)
    own = make_item(later, personas, "S-1B", target_level=3)

    rows = action_plan_for(later)

    assert view(rows) == [
        ("M-1", ["N-1"], True, "not_started"),
        ("S-1", ["S-1A", "S-1B"], True, "in_progress"),
        ("S-1B", ["S-1B"], False, "not_started"),
        ("M-2", [], True, "cancelled"),
    ]
    assert [row.item for row in rows] == [open_item, split, own, dropped]
    assert [row.renamed for row in rows] == [True, True, False, True]
    # The earlier round's own plan keeps every item planned in it, carried or not.
    assert {row.item for row in action_plan_for(earlier)} == {
        open_item,
        split,
        done_before,
        dropped,
    }
    assert not any(row.carried for row in action_plan_for(earlier))


def test_items_of_a_later_round_are_not_in_an_earlier_plan(personas, earlier):
    later = next_round(personas, earlier)
    make_item(later, personas, "N-1")
    assert action_plan_for(earlier) == []


def test_completing_a_carried_item_completes_the_one_item(personas, earlier):
    item = make_item(earlier, personas, "M-1")
    later = next_round(personas, earlier)
    (row,) = action_plan_for(later)
    action_item_status_set(item=row.item, status=ActionStatus.DONE, user=personas.coordinator_a)

    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert view(action_plan_for(later)) == [("M-1", ["N-1"], True, "done")]
    # A round opened after it was completed no longer carries it.
    third = scored_round(personas, fiscal_year=2027, indicators=[("N-1", "std", 0)], levels={})
    assert action_plan_for(third) == []


def test_suggestions_of_the_later_round_skip_indicators_with_a_carried_item(personas, earlier):
    make_item(earlier, personas, "S-1", target_level=1)
    later = next_round(personas, earlier)
    assert [s.step.code for s in suggestions_for(later)] == ["N-1"]


def test_an_indicator_without_lineage_rows_continues_by_its_code(personas, earlier):
    make_item(earlier, personas, "M-1")
    # The later edition records lineage for S-1 only; M-1 has no row: the same code stands for it.
    later = next_round(
        personas,
        earlier,
        indicators=[("M-1", "std", 0), ("S-1", "sec", 0)],
        lineage={"S-1": ("S-1", "same")},
    )

    assert view(action_plan_for(later)) == [("M-1", ["M-1"], True, "not_started")]
    assert not action_plan_for(later)[0].renamed


def test_the_plan_and_the_trend_follow_the_same_lineage(personas, earlier):
    """The trend counts an earlier answer in an area exactly when the plan carries the
    item on that indicator into an indicator of that area (frameworks.lineage)."""
    for code in ("M-1", "M-2", "S-1"):
        make_item(earlier, personas, code)
    later = next_round(personas, earlier)
    maps = area_maps_for(later)[earlier.edition_id]
    rows = {row.item.indicator_code: row for row in action_plan_for(later)}
    assert len(rows) == 3
    for code, row in rows.items():
        assert maps.get(code, frozenset()) == {i.area.code for i in row.indicators}
    assert rows["M-2"].indicators == []  # dropped in both


def test_an_item_of_an_unrelated_edition_is_shown_as_dropped(personas, earlier):
    make_item(earlier, personas, "M-1")
    # Another framework's edition, not following the earlier one: nothing continues across.
    later = scored_round(personas, fiscal_year=2026, indicators=[("M-1", "std", 0)], levels={})

    assert view(action_plan_for(later)) == [("M-1", [], True, "not_started")]


def test_other_municipalities_items_are_never_carried(personas, earlier):
    make_item(earlier, personas, "M-1")
    # Municipality C's coordinator opens a round of their own on the same edition.
    other = open_round(personas.municipality_c, personas.coordinator_c, edition=earlier.edition)
    assert action_plan_for(other) == []


@pytest.mark.parametrize("rounds", [1, 3])
def test_query_count_does_not_grow_with_items_or_rounds(
    personas, django_assert_num_queries, rounds
):
    round_ = scored_round(personas, fiscal_year=2020)
    for _n in range(rounds):
        for code in ("M-1", "S-1"):
            make_item(round_, personas, code, target_level=3)
        round_ = next_round(
            personas,
            round_,
            indicators=[("M-1", "std", 0), ("M-2", "std", 0), ("S-1", "sec", 0)],
            lineage={"M-1": ("M-1", "same"), "M-2": ("M-2", "same"), "S-1": ("S-1", "same")},
        )

    # The items, the lineage (frameworks.lineage: indicators, links), the successors.
    with django_assert_num_queries(4):
        rows = action_plan_for(round_)
    assert len(rows) == 2 * rounds
    assert all(row.carried and [i.code for i in row.indicators] for row in rows)
