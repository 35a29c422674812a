"""The demo rounds get a few action items, once."""

from plans.demo import demo_action_items_seed
from plans.models import ActionItem
from tests.assessments.conftest import make_open_round


def test_demo_items_take_the_first_step_of_the_first_indicators(personas):
    round_ = make_open_round(personas)

    items = demo_action_items_seed(round=round_, user=personas.coordinator_a)

    assert [(i.indicator_code, i.target_level, i.status) for i in items] == [
        ("STD-01", 1, "in_progress"),
        ("STD-03", 1, "not_started"),
    ]
    assert items[0].title == "検討中の状態（STD-01）"
    assert {i.department for i in items} == {personas.department_a}
    assert demo_action_items_seed(round=round_, user=personas.coordinator_a) == []
    assert ActionItem.objects.count() == 2
