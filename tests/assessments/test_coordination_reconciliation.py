"""Indicators answered by several departments: spread, the owner's default, choosing another."""

import pytest
from django.urls import reverse

from assessments.coordination import CoordinationError, consolidation_set
from assessments.models import Consolidation
from assessments.reconciliation import reconciliation_for
from frameworks.models import AnswerType
from tests.assessment_factories import AnswerFactory, open_round
from tests.assessments.conftest import share_with_tax_office
from tests.factories import DepartmentFactory
from tests.frameworks.factories import IndicatorFactory, make_edition

# --- reconciliation ------------------------------------------------------------------


@pytest.fixture
def shared(open_round, personas):
    """STD-01 (maturity) and CHO-01 (choice) answered by DX推進課 (owner) and 税務課."""
    return share_with_tax_office(open_round, personas, ["STD-01", "CHO-01"])


def _answer(round_, department, code, **values):
    return AnswerFactory(round=round_, department=department, code=code, **values)


def _item(round_, code):
    (item,) = reconciliation_for(round_, indicator_code=code)
    return item


def test_only_indicators_with_several_departments_are_listed(shared):
    assert [item.indicator.code for item in reconciliation_for(shared)] == ["STD-01", "CHO-01"]


def test_spread_is_highest_minus_lowest_score(shared, personas):
    _answer(shared, personas.department_a, "STD-01", level=1)  # 25
    _answer(shared, personas.other_department_a, "STD-01", level=4)  # 100
    item = _item(shared, "STD-01")
    assert [(row.department.name, row.is_owner, row.score) for row in item.rows] == [
        ("DX推進課", True, 25.0),
        ("税務課", False, 100.0),
    ]
    assert item.spread == 75.0
    assert item.disagrees
    assert item.rows[0].summary == "1：検討中"


def test_choice_spread_and_agreement(shared, personas):
    _answer(shared, personas.department_a, "CHO-01", choice_code="partial")
    _answer(shared, personas.other_department_a, "CHO-01", choice_code="partial")
    item = _item(shared, "CHO-01")
    assert item.spread == 0 and not item.disagrees
    assert item.rows[1].summary == "一部で導入"


def test_no_spread_until_two_departments_answered(shared, personas):
    _answer(shared, personas.department_a, "STD-01", level=2)
    item = _item(shared, "STD-01")
    assert item.spread is None and not item.disagrees
    assert item.rows[1].answer is None and item.rows[1].summary == "未回答"


def test_text_is_not_scored_but_differences_show(personas):
    edition = make_edition(indicators=1, areas=1, with_choice_and_count=False)
    text = IndicatorFactory(
        area=edition.areas.get(),
        stage=edition.stages.first(),
        code="TXT-01",
        answer_type=AnswerType.TEXT,
        department_kinds=["dx_promotion", "taxation"],
    )
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2027
    )
    _answer(round_, personas.department_a, "TXT-01", text="庁内で推進計画を策定")
    _answer(round_, personas.other_department_a, "TXT-01", text="未策定")
    (item,) = reconciliation_for(round_)
    assert item.indicator == text
    assert item.spread is None and not item.is_scored
    assert [row.score for row in item.rows] == [None, None]
    assert item.disagrees


def test_owner_answer_is_the_default_and_another_can_be_chosen(shared, personas):
    owner = _answer(shared, personas.department_a, "STD-01", level=1)
    other = _answer(shared, personas.other_department_a, "STD-01", level=3)
    item = _item(shared, "STD-01")
    assert item.chosen_row.answer == owner and not item.chose_other

    indicator = item.indicator
    with pytest.raises(CoordinationError, match="理由を入力してください"):
        consolidation_set(
            round=shared, indicator=indicator, answer=other, note=" ", user=personas.coordinator_a
        )
    consolidation_set(
        round=shared,
        indicator=indicator,
        answer=other,
        note="税務課の方が実態に近い",
        user=personas.coordinator_a,
    )
    item = _item(shared, "STD-01")
    assert item.chosen_row.answer == other and item.chose_other
    # The disagreement stays visible after the choice.
    assert item.spread == 50.0 and item.disagrees
    # Back to the owner: no reason needed, the same row is updated.
    consolidation_set(
        round=shared, indicator=indicator, answer=owner, note="", user=personas.coordinator_a
    )
    assert Consolidation.objects.get().answer == owner
    assert not _item(shared, "STD-01").chose_other


def test_an_answer_of_another_indicator_or_round_is_refused(shared, personas):
    answer = _answer(shared, personas.department_a, "STD-02", level=1)
    with pytest.raises(CoordinationError):
        consolidation_set(
            round=shared,
            indicator=shared.edition.indicators.get(code="STD-01"),
            answer=answer,
            note="x",
            user=personas.coordinator_a,
        )
    assert not Consolidation.objects.exists()


def _item_url(round_, code):
    return reverse(
        "rounds:reconciliation_item",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk, "indicator_code": code},
    )


def _list_url(round_):
    return reverse(
        "rounds:reconciliation",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk},
    )


def test_choosing_through_the_page(client, personas, shared):
    _answer(shared, personas.department_a, "STD-01", level=1)
    other = _answer(shared, personas.other_department_a, "STD-01", level=4)
    client.force_login(personas.coordinator_a)
    response = client.post(_item_url(shared, "STD-01"), {"answer": other.pk, "note": ""})
    assert response.status_code == 400
    assert "理由を入力してください" in response.text

    response = client.post(
        _item_url(shared, "STD-01"),
        {
            "answer": other.pk,
            "note": "実態に近い",
            "decided_by": str(personas.admin.pk),
            "round": "999",
        },
    )
    assert response.status_code == 302
    consolidation = Consolidation.objects.get()
    assert (consolidation.answer, consolidation.decided_by, consolidation.round) == (
        other,
        personas.coordinator_a,
        shared,
    )
    page = client.get(_list_url(shared)).text
    assert "回答が異なる" in page and "差 75点" in page
    assert "採用（DX推進担当が選択）" in page


def test_an_answer_of_another_municipality_cannot_be_posted(client, personas, shared):
    _answer(shared, personas.department_a, "STD-01", level=1)
    client.force_login(personas.coordinator_a)
    # Any id that is not one of this indicator's answers is not a valid choice.
    response = client.post(_item_url(shared, "STD-01"), {"answer": 999999, "note": "x"})
    assert response.status_code == 400
    assert not Consolidation.objects.exists()


@pytest.mark.parametrize("persona", ["consultant", "respondent_a", "coordinator_c"])
def test_only_coordinators_choose(client, personas, shared, persona):
    _answer(shared, personas.department_a, "STD-01", level=1)
    other = _answer(shared, personas.other_department_a, "STD-01", level=4)
    client.force_login(getattr(personas, persona))
    response = client.post(_item_url(shared, "STD-01"), {"answer": other.pk, "note": "x"})
    assert response.status_code == 404
    assert not Consolidation.objects.exists()


def test_consultants_see_the_reconciliation(client, personas, shared):
    client.force_login(personas.consultant)
    assert client.get(_list_url(shared)).status_code == 200
    response = client.get(_item_url(shared, "STD-01"))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_an_indicator_with_one_department_has_no_reconciliation_page(client, personas, shared):
    client.force_login(personas.coordinator_a)
    assert client.get(_item_url(shared, "STD-02")).status_code == 404


# --- query counts ------------------------------------------------------------------

# 3 for every signed-in page (see test_coordination_progress), then the round,
# the shared assignments, their answers, rubric levels and consolidations.
RECONCILIATION_QUERIES = 8


@pytest.mark.parametrize(("departments", "indicators"), [(2, 2), (5, 10)])
def test_reconciliation_page_queries_do_not_grow(
    client, personas, django_assert_num_queries, departments, indicators
):
    for n in range(departments - 1):
        DepartmentFactory(municipality=personas.municipality_a, name=f"DX室{n}")
    edition = make_edition(indicators=indicators, areas=2)
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    choice = edition.indicators.get(code="CHO-01").choices.first()
    for questionnaire in round_.questionnaires.all():
        for indicator in edition.indicators.all():
            AnswerFactory(
                questionnaire=questionnaire,
                indicator=indicator,
                level=2,
                choice=choice if indicator.code == "CHO-01" else None,
            )
    first = reconciliation_for(round_)[0]
    consolidation_set(
        round=round_,
        indicator=first.indicator,
        answer=first.rows[-1].answer,
        note="理由",
        user=personas.coordinator_a,
    )
    client.force_login(personas.coordinator_a)
    with django_assert_num_queries(RECONCILIATION_QUERIES):
        response = client.get(_list_url(round_))
    assert response.status_code == 200
    assert len(response.context["items"]) == indicators + 1  # the maturity ones and CHO-01
