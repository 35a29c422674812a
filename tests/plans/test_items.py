"""Action items: what the model and the form refuse, with clear messages, changing nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from plans.forms import ActionItemForm
from plans.models import ActionItem, ActionStatus
from plans.selectors import rubrics_for
from plans.services import action_item_create, action_item_status_set, action_item_update
from tests.factories import DepartmentFactory
from tests.frameworks.factories import IndicatorFactory
from tests.plans.plans_support import in_days, make_item, scored_round


@pytest.fixture
def round_(personas):
    return scored_round(personas)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_an_item_is_stored_with_the_round_and_the_code(round_, personas):
    item = make_item(round_, personas)
    assert (item.municipality, item.round, item.indicator_code) == (
        personas.municipality_a,
        round_,
        "M-1",
    )
    assert (item.created_by, item.updated_by) == (personas.coordinator_a, personas.coordinator_a)
    assert item.closed_at is None


def test_the_department_must_be_the_municipality_s(round_, personas):
    errors = refused(lambda: make_item(round_, personas, department=personas.department_c))
    assert errors == {"department": ["担当部署はこの団体の部署から選んでください。"]}
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (None, "目標レベルを選んでください。"),
        (5, "目標レベルは最高レベル（4）以下にしてください。"),
    ],
)
def test_a_maturity_indicator_needs_a_target_within_its_rubric(round_, personas, level, message):
    errors = refused(lambda: make_item(round_, personas, target_level=level))
    assert errors == {"target_level": [message]}
    assert not ActionItem.objects.exists()


def test_other_answer_types_take_no_target_level(round_, personas):
    indicator = IndicatorFactory(
        area=round_.edition.areas.first(),
        stage=round_.edition.stages.first(),
        code="Y-1",
        answer_type="yes_no",
    )
    errors = refused(
        lambda: action_item_create(
            round=round_,
            indicator=indicator,
            title="x",
            department=personas.department_a,
            target_level=2,
            due_on=in_days(5),
            user=personas.coordinator_a,
        )
    )
    assert errors == {"target_level": ["目標レベルは成熟度レベルの指標にだけ設定できます。"]}


def test_an_indicator_of_another_edition_is_refused(round_, personas):
    other = scored_round(personas, fiscal_year=2025)
    errors = refused(
        lambda: action_item_create(
            round=round_,
            indicator=other.edition.indicators.get(code="M-1"),
            title="x",
            department=personas.department_a,
            target_level=2,
            due_on=in_days(5),
            user=personas.coordinator_a,
        )
    )
    assert errors == {"indicator": ["評価ラウンドの版の指標を選んでください。"]}


def test_the_due_date_cannot_precede_the_round(round_, personas):
    errors = refused(lambda: make_item(round_, personas, due_on=datetime.date(2026, 5, 31)))
    assert errors == {
        "due_on": ["期限は評価ラウンドの回答開始日（2026年6月1日）以降にしてください。"]
    }


def test_a_bad_edit_changes_nothing(round_, personas):
    item = make_item(round_, personas)
    before = ActionItem.objects.values().get(pk=item.pk)

    refused(
        lambda: action_item_update(
            item=item,
            title="変更",
            department=personas.department_c,
            target_level=2,
            due_on=in_days(9),
            note="",
            status=ActionStatus.DONE,
            user=personas.coordinator_a,
        )
    )

    assert ActionItem.objects.values().get(pk=item.pk) == before


def test_closing_records_when_and_reopening_clears_it(round_, personas):
    item = make_item(round_, personas)
    action_item_status_set(item=item, status=ActionStatus.IN_PROGRESS, user=personas.coordinator_a)
    assert item.closed_at is None
    action_item_status_set(item=item, status=ActionStatus.DONE, user=personas.consultant)
    item.refresh_from_db()
    closed = item.closed_at
    assert closed is not None and item.updated_by == personas.consultant
    action_item_status_set(item=item, status=ActionStatus.CANCELLED, user=personas.coordinator_a)
    item.refresh_from_db()
    assert item.closed_at == closed  # still closed since then
    action_item_status_set(item=item, status=ActionStatus.NOT_STARTED, user=personas.coordinator_a)
    item.refresh_from_db()
    assert item.closed_at is None


# --- the form: what depends on the moment of planning ---------------------------------


def form(round_, personas, data, item=None, current_level=1):
    rubric = rubrics_for(round_.edition_id, ["M-1"])[0]["M-1"]
    return ActionItemForm(
        data,
        municipality=personas.municipality_a,
        rubric=rubric,
        current_level=current_level,
        today=datetime.date(2026, 11, 26),
        item=item,
    )


def data(personas, **values):
    return {
        "title": "標準準拠システムへ移行する",
        "department": personas.department_a.pk,
        "target_level": "2",
        "due_on": "2027-03-31",
        "status": ActionStatus.NOT_STARTED,
        **values,
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"target_level": "1"},
            "target_level",
            "目標レベルは現在のレベル（1）より上にしてください。",
        ),
        (
            {"target_level": "0"},
            "target_level",
            "目標レベルは現在のレベル（1）より上にしてください。",
        ),
        ({"target_level": "7"}, "target_level", "目標レベルは最高レベル（4）以下にしてください。"),
        ({"target_level": ""}, "target_level", "目標レベルを選んでください。"),
        (
            {"due_on": "2026-11-25"},
            "due_on",
            "期限は今日（2026年11月26日）以降の日付にしてください。",
        ),
        ({"status": "deleted"}, "status", None),
    ],
)
def test_the_form_refuses_with_a_clear_message(round_, personas, values, field, message):
    bound = form(round_, personas, data(personas, **values))
    assert not bound.is_valid()
    assert list(bound.errors) == [field]
    if message:
        assert bound.errors[field] == [message]


def test_the_form_refuses_another_municipality_s_department(round_, personas):
    bound = form(round_, personas, data(personas, department=personas.department_c.pk))
    assert bound.errors == {"department": ["担当部署はこの団体の部署から選んでください。"]}


def test_an_unchanged_past_due_date_or_reached_target_can_still_be_edited(round_, personas):
    item = make_item(round_, personas)
    ActionItem.objects.filter(pk=item.pk).update(due_on=datetime.date(2026, 7, 1))
    item.refresh_from_db()
    bound = form(
        round_,
        personas,
        data(personas, due_on="2026-07-01", target_level="2", status="done"),
        item=item,
        current_level=3,
    )
    assert bound.is_valid(), bound.errors


def test_a_retired_department_stays_choosable_for_its_own_item(round_, personas):
    retired = DepartmentFactory(municipality=personas.municipality_a, is_active=False)
    item = make_item(round_, personas, department=retired)
    assert form(round_, personas, data(personas, department=retired.pk), item=item).is_valid()
    assert not form(round_, personas, data(personas, department=retired.pk)).is_valid()
