"""The reconciliation page of a long questionnaire (issue 11, point 6): one policy area at a
time, a 「相違のみ表示」 filter in the query string, and the counts."""

import pytest
from django.urls import reverse

from assessments.models import Answer
from assessments.reconciliation import reconciliation_for, reconciliation_page
from tests.assessment_factories import AnswerFactory
from tests.assessments.conftest import share_with_tax_office
from tests.frontend.page import Page

SHARED = ["STD-01", "STD-03", "CHO-01", "STD-02", "STD-04"]  # area-1: 01, 03, CHO; area-2: 02, 04


@pytest.fixture
def shared(open_round, personas):
    """Five indicators answered by DX推進課 and 税務課; STD-03 and STD-04 disagree."""
    round_ = share_with_tax_office(open_round, personas, SHARED)
    for code, (mine, theirs) in {
        "STD-01": (2, 2),
        "STD-03": (1, 4),
        "STD-02": (3, 3),
        "STD-04": (0, 2),
    }.items():
        AnswerFactory(round=round_, department=personas.department_a, code=code, level=mine)
        AnswerFactory(round=round_, department=personas.other_department_a, code=code, level=theirs)
    for department in (personas.department_a, personas.other_department_a):
        AnswerFactory(round=round_, department=department, code="CHO-01", choice_code="partial")
    return round_


def _url(round_, **query) -> str:
    url = reverse(
        "rounds:reconciliation", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def _shown(page: Page) -> list[str]:
    return [section.attrs["id"] for section in page.all("section") if "id" in section.attrs]


def _codes(response) -> list[str]:
    return [item.indicator.code for item in response.context["page"].items]


def test_the_page_counts_and_shows_one_area_at_a_time(client, personas, shared):
    client.force_login(personas.coordinator_a)
    response = client.get(_url(shared))
    assert response.status_code == 200
    assert _codes(response) == ["STD-01", "STD-03", "CHO-01"]  # area-1 only
    page = Page(response.content.decode())
    assert "複数の部署が回答する指標 5件のうち、回答が異なる指標は 2件です。" in (
        page.one("p", id="reconciliation-counts").text
    )
    nav = [a for a in page.all("a") if (a.attrs.get("href") or "").startswith("?area=")]
    assert [(a.attrs["href"], a.text) for a in nav] == [
        ("?area=area-1", "取組分野1"),
        ("?area=area-2", "取組分野2"),
    ]
    assert nav[0].attrs.get("aria-current") == "page"
    assert "（相違 1件／3件）" in page.html and "（相違 1件／2件）" in page.html

    response = client.get(_url(shared, area="area-2"))
    assert _codes(response) == ["STD-02", "STD-04"]


def test_differences_only_is_a_query_parameter_that_keeps_the_area(client, personas, shared):
    client.force_login(personas.coordinator_a)
    response = client.get(_url(shared, area="area-2", differences="1"))
    assert _codes(response) == ["STD-04"]
    page = Page(response.content.decode())
    checkbox = page.one("input", name="differences")
    assert "checked" in checkbox.attrs and checkbox.attrs["type"] == "checkbox"
    assert page.one("input", name="area").attrs["value"] == "area-2"
    # The area links keep the filter.
    hrefs = {a.attrs.get("href") for a in page.all("a")}
    assert "?area=area-1&differences=1" in hrefs
    # The form submits by GET: no JavaScript needed.
    (form,) = [f for f in page.all("form") if f.attrs.get("class") == "reconciliation-filter"]
    assert form.attrs["method"] == "get"


def test_differences_only_starts_at_the_first_area_with_differences(client, personas, shared):
    Answer.objects.filter(questionnaire__round=shared, indicator__code="STD-03").update(level=2)
    client.force_login(personas.coordinator_a)
    response = client.get(_url(shared, differences="1"))
    assert response.context["page"].area.code == "area-2"
    assert _codes(response) == ["STD-04"]
    # Asked for an area without differences, it says so.
    response = client.get(_url(shared, area="area-1", differences="1"))
    assert _codes(response) == []
    assert "この分野に回答が異なる指標はありません。" in response.content.decode()


@pytest.mark.parametrize("area", ["nope", "", "<script>"])
def test_an_unknown_area_shows_the_first(client, personas, shared, area):
    client.force_login(personas.coordinator_a)
    response = client.get(_url(shared, area=area))
    assert response.status_code == 200
    assert response.context["page"].area.code == "area-1"


def test_after_choosing_the_coordinator_returns_to_the_indicators_area(client, personas, shared):
    std04 = shared.edition.indicators.get(code="STD-04")
    other = shared.questionnaires.get(department=personas.other_department_a).answers.get(
        indicator=std04
    )
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse(
            "rounds:reconciliation_item",
            kwargs={
                "code": shared.municipality.code,
                "round_id": shared.pk,
                "indicator_code": "STD-04",
            },
        ),
        {"answer": other.pk, "note": "税務課の方が正確"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_url(shared)}?area=area-2#indicator-{std04.pk}"


def test_reconciliation_page_is_pure_over_the_items(shared):
    items = reconciliation_for(shared)
    page = reconciliation_page(items, area_code="area-2", differences_only=False)
    assert (page.total, page.differing) == (5, 2)
    assert [(c.area.code, c.total, c.differing) for c in page.areas] == [
        ("area-1", 3, 1),
        ("area-2", 2, 1),
    ]
    assert reconciliation_page([], area_code="", differences_only=True).area is None
