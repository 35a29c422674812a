"""An action item's next step and note have the limits of dxportal.text_limits, in the form and in
the service, which saves nothing past them."""

import pytest
from django.core.exceptions import ValidationError

from dxportal.text_limits import COMMENT_MAX, DESCRIPTION_MAX, too_long_message
from plans.models import ActionItem
from tests.plans.plans_support import make_item, scored_round
from tests.plans.test_items import data, form


@pytest.fixture
def round_(personas):
    return scored_round(personas)


@pytest.mark.parametrize(("field", "limit"), [("title", DESCRIPTION_MAX), ("note", COMMENT_MAX)])
def test_the_form_refuses_text_past_the_limit_and_takes_it_at_the_limit(
    round_, personas, field, limit
):
    refused = form(round_, personas, data(personas, **{field: "あ" * (limit + 1)}))
    assert refused.errors == {field: [too_long_message(limit=limit, length=limit + 1)]}
    assert f'maxlength="{limit}"' in str(refused[field])
    assert form(round_, personas, data(personas, **{field: "あ" * limit})).is_valid()


@pytest.mark.parametrize(("field", "limit"), [("title", DESCRIPTION_MAX), ("note", COMMENT_MAX)])
def test_the_service_refuses_text_past_the_limit(round_, personas, field, limit):
    with pytest.raises(ValidationError) as refused:
        make_item(round_, personas, **{field: "あ" * (limit + 1)})
    assert refused.value.message_dict == {field: [too_long_message(limit=limit, length=limit + 1)]}
    assert not ActionItem.objects.exists()
    make_item(round_, personas, **{field: "あ" * limit})
